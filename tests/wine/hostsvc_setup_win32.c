/*
 * hostsvc_setup_win32.c - set up, under Wine, the states the local
 * services checks judge (tests/wine/hostsvc_wine.sh), through the same
 * APIs an administrator's tools use (Wine's sc.exe has no `config`, and
 * Wine has no icacls or certutil):
 *
 *   hostsvc_setup svc NAME auto|demand|disabled|delete
 *                                    create NAME (running this program
 *                                    as a dummy service) or change its
 *                                    startup type, or delete it
 *   hostsvc_setup service            the dummy service itself: reports
 *                                    RUNNING until stopped
 *   hostsvc_setup dacl PATH SDDL     set PATH's DACL (protected)
 *   hostsvc_setup root add FILE      add a DER certificate to the
 *                                    LocalMachine ROOT store
 */
#include "compat.h"

#include <windows.h>
#include <aclapi.h>
#include <sddl.h>
#include <wincrypt.h>

static SERVICE_STATUS_HANDLE status_h;
static SERVICE_STATUS status;
static HANDLE stop_event;

static DWORD WINAPI handler(DWORD ctl, DWORD type, void *data, void *ctx)
{
	(void)type;
	(void)data;
	(void)ctx;
	if (ctl == SERVICE_CONTROL_STOP || ctl == SERVICE_CONTROL_SHUTDOWN)
		SetEvent(stop_event);
	return NO_ERROR;
}

static void WINAPI service_main(DWORD argc, wchar_t **argv)
{
	(void)argc;
	status_h = RegisterServiceCtrlHandlerExW(argv[0], handler, NULL);
	if (!status_h)
		return;
	status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
	status.dwCurrentState = SERVICE_RUNNING;
	status.dwControlsAccepted = SERVICE_ACCEPT_STOP;
	SetServiceStatus(status_h, &status);
	WaitForSingleObject(stop_event, INFINITE);
	status.dwCurrentState = SERVICE_STOPPED;
	SetServiceStatus(status_h, &status);
}

static int run_service(void)
{
	static wchar_t name[] = L"";
	SERVICE_TABLE_ENTRYW table[] = {
		{ name, service_main }, { NULL, NULL }
	};

	stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
	return StartServiceCtrlDispatcherW(table) ? 0 : 1;
}

static DWORD start_type(const wchar_t *s)
{
	if (wcscmp(s, L"auto") == 0)
		return SERVICE_AUTO_START;
	if (wcscmp(s, L"demand") == 0)
		return SERVICE_DEMAND_START;
	if (wcscmp(s, L"disabled") == 0)
		return SERVICE_DISABLED;
	return (DWORD)-1;
}

static int svc(const wchar_t *name, const wchar_t *how)
{
	SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_ALL_ACCESS), h;
	wchar_t self[MAX_PATH], bin[MAX_PATH + 16];
	DWORD t = start_type(how);
	BOOL ok;

	if (!scm)
		return 2;
	h = OpenServiceW(scm, name, SERVICE_ALL_ACCESS);
	if (wcscmp(how, L"delete") == 0) {
		ok = !h || DeleteService(h);
	} else if (t == (DWORD)-1) {
		ok = FALSE;
	} else if (h) {
		ok = ChangeServiceConfigW(h, SERVICE_NO_CHANGE, t,
					  SERVICE_NO_CHANGE, NULL, NULL, NULL,
					  NULL, NULL, NULL, NULL);
	} else {
		GetModuleFileNameW(NULL, self, MAX_PATH);
		swprintf(bin, MAX_PATH + 16, L"\"%ls\" service", self);
		h = CreateServiceW(scm, name, name, SERVICE_ALL_ACCESS,
				   SERVICE_WIN32_OWN_PROCESS, t,
				   SERVICE_ERROR_NORMAL, bin, NULL, NULL, NULL,
				   NULL, NULL);
		ok = h != NULL;
	}
	if (!ok)
		fprintf(stderr, "svc %ls %ls: error %lu\n", name, how,
			(unsigned long)GetLastError());
	if (h)
		CloseServiceHandle(h);
	CloseServiceHandle(scm);
	return ok ? 0 : 1;
}

static int dacl(wchar_t *path, const wchar_t *sddl)
{
	PSECURITY_DESCRIPTOR sd = NULL;
	BOOL present = FALSE, defaulted = FALSE;
	PACL acl = NULL;
	DWORD r;

	if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(
		    sddl, SDDL_REVISION_1, &sd, NULL) ||
	    !GetSecurityDescriptorDacl(sd, &present, &acl, &defaulted))
		return 2;
	r = SetNamedSecurityInfoW(path, SE_FILE_OBJECT,
				  DACL_SECURITY_INFORMATION |
				  PROTECTED_DACL_SECURITY_INFORMATION, NULL,
				  NULL, acl, NULL);
	LocalFree(sd);
	if (r != ERROR_SUCCESS)
		fprintf(stderr, "SetNamedSecurityInfoW: error %lu\n",
			(unsigned long)r);
	return r == ERROR_SUCCESS ? 0 : 1;
}

static int root(const wchar_t *how, const wchar_t *file)
{
	static BYTE der[16384];
	HCERTSTORE st;
	FILE *f = _wfopen(file, L"rb");
	size_t n;
	BOOL ok;

	if (!f)
		return 2;
	n = fread(der, 1, sizeof(der), f);
	fclose(f);
	st = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0,
			   CERT_SYSTEM_STORE_LOCAL_MACHINE, L"ROOT");
	if (!st)
		return 2;
	/* Removal is the test's: the registry key named by the SHA-1
	 * thumbprint (deleting through a LocalMachine ROOT collection is
	 * not kept by Wine). */
	ok = wcscmp(how, L"add") == 0 &&
	     CertAddEncodedCertificateToStore(st, X509_ASN_ENCODING, der,
					      (DWORD)n,
					      CERT_STORE_ADD_REPLACE_EXISTING,
					      NULL);
	if (!ok)
		fprintf(stderr, "root %ls: error %lu\n", how,
			(unsigned long)GetLastError());
	CertCloseStore(st, 0);
	return ok ? 0 : 1;
}

int wmain(int argc, wchar_t **argv)
{
	if (argc == 2 && wcscmp(argv[1], L"service") == 0)
		return run_service();
	if (argc == 4 && wcscmp(argv[1], L"svc") == 0)
		return svc(argv[2], argv[3]);
	if (argc == 4 && wcscmp(argv[1], L"dacl") == 0)
		return dacl(argv[2], argv[3]);
	if (argc == 4 && wcscmp(argv[1], L"root") == 0)
		return root(argv[2], argv[3]);
	fprintf(stderr, "usage: hostsvc_setup svc NAME auto|demand|disabled|"
		"delete | service | dacl PATH SDDL | root add FILE\n");
	return 64;
}
