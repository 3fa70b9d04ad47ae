/*
 * hostsvc_win32.c - read the local services' facts (hostsvc.h): the SCM
 * with the least rights that answer (SC_MANAGER_CONNECT, then
 * SERVICE_QUERY_STATUS | SERVICE_QUERY_CONFIG), ContentDir's DACL as a
 * portable ACE list, the LocalMachine ROOT store opened read-only, and
 * %SystemRoot%\System32\inetsrv\config\applicationHost.config.
 *
 * Every part keeps its own code: one that cannot be read is reported by
 * its row, never fails the others.
 */
#include "compat.h"

#include "os_win32.h"

#include <aclapi.h>
#include <sddl.h>
#include <wincrypt.h>

#include "hostsvc.h"
#include "os.h"
#include "util.h"

static void part_error(int *code, char *buf, size_t size,
		       const struct ww_err *e)
{
	*code = e->code ? e->code : WW_EIO;
	ww_strlcpy(buf, e->msg, size);
}

static enum ww_hostsvc_start start_of(DWORD t, BOOL delayed)
{
	switch (t) {
	case SERVICE_AUTO_START:
		return delayed ? WW_SVC_START_DELAYED : WW_SVC_START_AUTO;
	case SERVICE_DEMAND_START: return WW_SVC_START_MANUAL;
	case SERVICE_DISABLED: return WW_SVC_START_DISABLED;
	case SERVICE_BOOT_START:
	case SERVICE_SYSTEM_START: return WW_SVC_START_BOOT;
	default: break;
	}
	return WW_SVC_START_UNKNOWN;
}

static enum ww_hostsvc_run run_of(DWORD s)
{
	switch (s) {
	case SERVICE_STOPPED: return WW_SVC_RUN_STOPPED;
	case SERVICE_START_PENDING:
	case SERVICE_CONTINUE_PENDING: return WW_SVC_RUN_STARTING;
	case SERVICE_STOP_PENDING:
	case SERVICE_PAUSE_PENDING: return WW_SVC_RUN_STOPPING;
	case SERVICE_RUNNING: return WW_SVC_RUN_RUNNING;
	case SERVICE_PAUSED: return WW_SVC_RUN_PAUSED;
	default: break;
	}
	return WW_SVC_RUN_UNKNOWN;
}

/* Whether an automatic service starts delayed (absent on old systems). */
static BOOL delayed_of(SC_HANDLE h)
{
	SERVICE_DELAYED_AUTO_START_INFO d = { FALSE };
	DWORD need = 0;

	if (!QueryServiceConfig2W(h, SERVICE_CONFIG_DELAYED_AUTO_START_INFO,
				  (BYTE *)&d, sizeof(d), &need))
		return FALSE;
	return d.fDelayedAutostart;
}

static int query_config(SC_HANDLE h, const char *name,
			struct ww_hostsvc_service *s, struct ww_err *err)
{
	QUERY_SERVICE_CONFIGW *qc = NULL;
	DWORD need = 0;
	int r = 0;

	QueryServiceConfigW(h, NULL, 0, &need);
	if (need == 0 || need > 64 * 1024)
		return ww_win_err(err, GetLastError(), "QueryServiceConfigW",
				  name);
	qc = malloc(need);
	if (!qc)
		return ww_err_set(err, WW_ENOMEM, "%s: out of memory", name);
	if (QueryServiceConfigW(h, qc, need, &need))
		s->start = start_of(qc->dwStartType, qc->dwStartType ==
				    SERVICE_AUTO_START && delayed_of(h));
	else
		r = ww_win_err(err, GetLastError(), "QueryServiceConfigW", name);
	free(qc);
	return r;
}

static void read_service(SC_HANDLE scm, enum ww_hostsvc_id id,
			 struct ww_hostsvc_service *s)
{
	const char *name = ww_hostsvc_service_name(id);
	wchar_t *wname = ww_win_utf16(name);
	SERVICE_STATUS_PROCESS st;
	SC_HANDLE h = NULL;
	struct ww_err e;
	DWORD need = 0, le;

	ww_err_clear(&e);
	memset(s, 0, sizeof(*s));
	h = wname ? OpenServiceW(scm, wname, SERVICE_QUERY_STATUS |
				 SERVICE_QUERY_CONFIG) : NULL;
	if (!h) {
		le = GetLastError();
		if (le == ERROR_SERVICE_DOES_NOT_EXIST) {
			s->code = WW_ENOENT;
			snprintf(s->error, sizeof(s->error), "%s is not "
				 "installed", name);
		} else {
			ww_win_err(&e, le, "OpenServiceW", name);
			part_error(&s->code, s->error, sizeof(s->error), &e);
		}
		goto out;
	}
	if (!QueryServiceStatusEx(h, SC_STATUS_PROCESS_INFO, (BYTE *)&st,
				  sizeof(st), &need)) {
		ww_win_err(&e, GetLastError(), "QueryServiceStatusEx", name);
		part_error(&s->code, s->error, sizeof(s->error), &e);
		goto out;
	}
	s->run = run_of(st.dwCurrentState);
	if (query_config(h, name, s, &e))
		part_error(&s->code, s->error, sizeof(s->error), &e);
out:
	if (h)
		CloseServiceHandle(h);
	free(wname);
}

static void read_services(struct ww_hostsvc_values *v)
{
	SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
	struct ww_err e;
	size_t i;

	ww_err_clear(&e);
	if (!scm) {
		ww_win_err(&e, GetLastError(), "OpenSCManagerW", "local");
		for (i = 0; i < WW_HOSTSVC_N; i++)
			part_error(&v->services[i].code, v->services[i].error,
				   sizeof(v->services[i].error), &e);
		return;
	}
	for (i = 0; i < WW_HOSTSVC_N; i++)
		read_service(scm, (enum ww_hostsvc_id)i, &v->services[i]);
	CloseServiceHandle(scm);
}

/* ---- ContentDir's DACL ---- */

static void add_ace(struct ww_hostsvc_dacl *d, enum ww_hostsvc_ace_type t,
		    const ACE_HEADER *h, ACCESS_MASK mask, PSID sid)
{
	struct ww_hostsvc_ace *a;
	wchar_t *ws = NULL;
	char *s;

	if (d->n >= WW_HOSTSVC_ACES_MAX) {
		d->truncated = true;
		return;
	}
	a = &d->aces[d->n++];
	a->type = t;
	a->mask = mask;
	a->inherit_only = (h->AceFlags & INHERIT_ONLY_ACE) != 0;
	if (sid && ConvertSidToStringSidW(sid, &ws)) {
		s = ww_win_utf8(ws);
		ww_strlcpy(a->sid, s ? s : "?", sizeof(a->sid));
		free(s);
		LocalFree(ws);
	} else {
		ww_strlcpy(a->sid, "?", sizeof(a->sid));
	}
}

static void copy_acl(PACL acl, struct ww_hostsvc_dacl *d)
{
	DWORD i;

	for (i = 0; i < acl->AceCount; i++) {
		void *ace = NULL;
		const ACE_HEADER *h;

		if (!GetAce(acl, i, &ace))
			break;
		h = ace;
		if (h->AceType == ACCESS_ALLOWED_ACE_TYPE) {
			ACCESS_ALLOWED_ACE *a = ace;

			add_ace(d, WW_ACE_ALLOW, h, a->Mask, &a->SidStart);
		} else if (h->AceType == ACCESS_DENIED_ACE_TYPE) {
			ACCESS_DENIED_ACE *a = ace;

			add_ace(d, WW_ACE_DENY, h, a->Mask, &a->SidStart);
		} else {
			add_ace(d, WW_ACE_OTHER, h, 0, NULL);
		}
	}
}

static void read_dacl(const struct ww_hostsvc_opts *o,
		      struct ww_hostsvc_dacl *d)
{
	PSECURITY_DESCRIPTOR sd = NULL;
	wchar_t *wpath;
	PACL acl = NULL;
	struct ww_err e;
	DWORD r;

	memset(d, 0, sizeof(*d));
	if (!o || !o->content_dir || !o->content_dir[0]) {
		d->code = WW_ENOENT;
		ww_strlcpy(d->error, "WSUS's ContentDir is not known (Setup key "
			   "without ContentDir)", sizeof(d->error));
		return;
	}
	ww_strlcpy(d->path, o->content_dir, sizeof(d->path));
	if (!o->network_paths && ww_str_starts_with(o->content_dir, "\\\\")) {
		d->code = WW_ESTATE;
		snprintf(d->error, sizeof(d->error), "ContentDir %s is a network "
			 "path: not read by the monitor (it could block), "
			 "diagnose reads it", o->content_dir);
		return;
	}
	ww_err_clear(&e);
	wpath = ww_win_utf16(o->content_dir);
	r = wpath ? GetNamedSecurityInfoW(wpath, SE_FILE_OBJECT,
					  DACL_SECURITY_INFORMATION, NULL, NULL,
					  &acl, NULL, &sd) :
		    ERROR_NOT_ENOUGH_MEMORY;
	free(wpath);
	if (r != ERROR_SUCCESS) {
		ww_win_err(&e, r, "GetNamedSecurityInfoW", o->content_dir);
		part_error(&d->code, d->error, sizeof(d->error), &e);
		return;
	}
	if (!acl)
		d->null_dacl = true;
	else
		copy_acl(acl, d);
	LocalFree(sd);
}

/* ---- the Trusted Root store ---- */

static void cert_name(CERT_NAME_BLOB *blob, char *buf, size_t size)
{
	wchar_t w[WW_HOSTSVC_TEXT_MAX];
	char *s;

	w[0] = L'\0';
	CertNameToStrW(X509_ASN_ENCODING, blob,
		       CERT_X500_NAME_STR | CERT_NAME_STR_REVERSE_FLAG, w,
		       WW_HOSTSVC_TEXT_MAX);
	s = ww_win_utf8(w);
	ww_strlcpy(buf, s ? s : "?", size);
	free(s);
}

static void read_roots(struct ww_hostsvc_roots *r)
{
	HCERTSTORE st;
	PCCERT_CONTEXT c = NULL;
	struct ww_err e;

	memset(r, 0, sizeof(*r));
	st = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0,
			   CERT_SYSTEM_STORE_LOCAL_MACHINE |
			   CERT_STORE_READONLY_FLAG |
			   CERT_STORE_OPEN_EXISTING_FLAG, L"ROOT");
	if (!st) {
		ww_err_clear(&e);
		ww_win_err(&e, GetLastError(), "CertOpenStore", "LocalMachine "
			   "ROOT");
		part_error(&r->code, r->error, sizeof(r->error), &e);
		return;
	}
	while ((c = CertEnumCertificatesInStore(st, c)) != NULL) {
		char subj[WW_HOSTSVC_TEXT_MAX], iss[WW_HOSTSVC_TEXT_MAX];

		r->total++;
		cert_name(&c->pCertInfo->Subject, subj, sizeof(subj));
		cert_name(&c->pCertInfo->Issuer, iss, sizeof(iss));
		if (!ww_hostsvc_cert_is_intermediate(subj, iss))
			continue;
		r->n_intermediate++;
		if (r->n >= WW_HOSTSVC_CERTS_MAX)
			continue;
		ww_strlcpy(r->certs[r->n].subject, subj,
			   sizeof(r->certs[r->n].subject));
		ww_strlcpy(r->certs[r->n].issuer, iss,
			   sizeof(r->certs[r->n].issuer));
		r->n++;
	}
	CertCloseStore(st, 0);
}

/* ---- applicationHost.config ---- */

static void read_pool(struct ww_hostsvc_pool *p)
{
	wchar_t w[MAX_PATH];
	char *root, *path = NULL;
	UINT n = GetSystemWindowsDirectoryW(w, MAX_PATH);

	root = n && n < MAX_PATH ? ww_win_utf8(w) : NULL;
	if (root)
		path = ww_os_path_join(root, "System32\\inetsrv\\config\\"
				       "applicationHost.config");
	if (!path) {
		memset(p, 0, sizeof(*p));
		p->code = WW_EIO;
		ww_strlcpy(p->error, "the Windows directory is not known",
			   sizeof(p->error));
	} else {
		ww_hostsvc_apphost_read(path, p, NULL);
	}
	free(root);
	free(path);
}

int ww_hostsvc_read(const struct ww_hostsvc_opts *o,
		    struct ww_hostsvc_values *ret, struct ww_err *err)
{
	(void)err;
	memset(ret, 0, sizeof(*ret));
	read_services(ret);
	read_pool(&ret->pool);
	read_dacl(o, &ret->content);
	read_roots(&ret->roots);
	return 0;
}
