/*
 * control_win32.c - the control endpoint on Windows: the named pipe
 * \\.\pipe\<control.pipe>.
 *
 * Security: an explicit DACL from SDDL (SYSTEM and Administrators full
 * control, control.read_group enough to send a request and read the
 * answer, nobody else anything); FILE_FLAG_FIRST_PIPE_INSTANCE on the first
 * instance, so that if another process already owns the name (a squatter
 * or a second monitor) we refuse to start instead of sharing it;
 * PIPE_REJECT_REMOTE_CLIENTS, so the pipe is local only.
 *
 * Threads: one accept thread keeps one listening instance; each connected
 * client gets a short-lived thread of its own that does overlapped I/O
 * with a deadline and also waits on the stop event, so a silent or slow
 * client is timed out and never delays another client, the monitor or a
 * stop.
 */
#include "compat.h"

#include <windows.h>
#include <sddl.h>

#include "config.h"
#include "control.h"
#include "os.h"
#include "os_win32.h"
#include "util.h"

#define WW_PIPE_PREFIX "\\\\.\\pipe\\"
#define WW_PIPE_OUT_BUF (64 * 1024)
#define WW_PIPE_IN_BUF WW_CONTROL_MAX_REQUEST
#define WW_LINGER_MS 1000

/*
 * Rights of control.read_group: FILE_GENERIC_READ plus FILE_WRITE_DATA to
 * send the request line.  Not FILE_CREATE_PIPE_INSTANCE (0x4), WRITE_DAC
 * or WRITE_OWNER: the group can ask, not serve or change the pipe.
 */
#define WW_PIPE_READ_RIGHTS L"0x0012008B"

struct ww_control_server {
	struct ww_control_source src;
	char *endpoint;           /* UTF-8, for messages */
	wchar_t *wname;
	SECURITY_ATTRIBUTES sa;
	PSECURITY_DESCRIPTOR sd;  /* LocalFree() */
	HANDLE listening;         /* the instance waiting for a client */
	HANDLE stop;              /* manual-reset */
	HANDLE idle;              /* set while no client thread runs */
	volatile LONG clients;
	struct ww_thread *thread;
};

struct ww_pipe_client {
	struct ww_control_server *s;
	HANDLE pipe;
};

char *ww_control_endpoint(const struct ww_config *cfg)
{
	const char *name = cfg->control.pipe && *cfg->control.pipe
				   ? cfg->control.pipe : "wsuswatch";
	size_t n = strlen(WW_PIPE_PREFIX) + strlen(name) + 1;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s%s", WW_PIPE_PREFIX, name);
	return p;
}

/* ---------------------------------------------------------------- */
/* security descriptor                                                */

static int group_sid_string(const char *group, wchar_t **ret, struct ww_err *err)
{
	wchar_t *wgroup = ww_win_utf16(group);
	BYTE sid[SECURITY_MAX_SID_SIZE];
	DWORD sidlen = sizeof(sid);
	wchar_t domain[256];
	DWORD domlen = WW_ARRAY_SIZE(domain);
	SID_NAME_USE use;
	int r = 0;

	if (!wgroup)
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	if (!LookupAccountNameW(NULL, wgroup, sid, &sidlen, domain, &domlen, &use))
		r = ww_win_err(err, GetLastError(), "LookupAccountNameW()", group);
	else if (!ConvertSidToStringSidW(sid, ret))
		r = ww_win_err(err, GetLastError(), "ConvertSidToStringSidW()", group);
	free(wgroup);
	if (r)
		ww_err_prefix(err, "control.read_group: ");
	return r;
}

/*
 * "(A;;GA;;;<sid>)" for the account this process runs as when it is not
 * SYSTEM (install --account): creating the next instance needs
 * FILE_CREATE_PIPE_INSTANCE on the pipe's own DACL, so without it the pipe
 * would be gone after its first client.  "" for SYSTEM.
 */
static void self_ace(wchar_t *ace, size_t n)
{
	BYTE buf[sizeof(TOKEN_USER) + SECURITY_MAX_SID_SIZE];
	HANDLE tok = NULL;
	LPWSTR str = NULL;
	DWORD len = 0;
	PSID sid;

	ace[0] = L'\0';
	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &tok))
		return;
	if (GetTokenInformation(tok, TokenUser, buf, sizeof(buf), &len)) {
		sid = ((TOKEN_USER *)buf)->User.Sid;
		if (!IsWellKnownSid(sid, WinLocalSystemSid) &&
		    ConvertSidToStringSidW(sid, &str))
			swprintf(ace, n, L"(A;;GA;;;%ls)", str);
	}
	LocalFree(str);
	CloseHandle(tok);
}

/* "D:P(A;;GA;;;SY)(A;;GA;;;BA)", the service account's ACE when it is not
 * SYSTEM, and an ACE for read_group when set. */
static int build_sd(struct ww_control_server *s, const char *read_group,
		    struct ww_err *err)
{
	wchar_t sddl[768], self[160], group[160] = L"";
	wchar_t *gsid = NULL;
	int r = 0;

	if (read_group && *read_group && (r = group_sid_string(read_group, &gsid, err)))
		return r;
	if (gsid)
		swprintf(group, WW_ARRAY_SIZE(group), L"(A;;%ls;;;%ls)",
			 WW_PIPE_READ_RIGHTS, gsid);
	self_ace(self, WW_ARRAY_SIZE(self));
	swprintf(sddl, WW_ARRAY_SIZE(sddl), L"D:P(A;;GA;;;SY)(A;;GA;;;BA)%ls%ls",
		 self, group);
	LocalFree(gsid);
	if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(
		    sddl, SDDL_REVISION_1, &s->sd, NULL))
		return ww_win_err(err, GetLastError(),
				  "ConvertStringSecurityDescriptorToSecurityDescriptorW()",
				  s->endpoint);
	s->sa.nLength = sizeof(s->sa);
	s->sa.lpSecurityDescriptor = s->sd;
	s->sa.bInheritHandle = FALSE;
	return 0;
}

static HANDLE new_instance(struct ww_control_server *s, bool first)
{
	DWORD open = PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED;

	if (first)
		open |= FILE_FLAG_FIRST_PIPE_INSTANCE;
	return CreateNamedPipeW(s->wname, open,
				PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT |
					PIPE_REJECT_REMOTE_CLIENTS,
				PIPE_UNLIMITED_INSTANCES, WW_PIPE_OUT_BUF,
				WW_PIPE_IN_BUF, 0, &s->sa);
}

/* ---------------------------------------------------------------- */
/* overlapped I/O with a deadline and the stop event                  */

/*
 * Start WriteFile (wbuf) or ReadFile (rbuf), then wait for it, the stop event or the
 * deadline.  Returns 0 and *ret_n, WW_ETIMEDOUT, WW_EABORT, or WW_EIO
 * (broken pipe included) with *ret_gle.
 */
static int io_wait(HANDLE h, const void *wbuf, void *rbuf, DWORD len,
		   DWORD *ret_n, int64_t deadline, HANDLE stop, DWORD *ret_gle)
{
	OVERLAPPED ov;
	HANDLE ev = CreateEventW(NULL, TRUE, FALSE, NULL);
	HANDLE waits[2];
	int64_t left;
	BOOL ok;
	DWORD w, e = 0;
	int r = 0;

	if (!ev)
		return WW_ENOMEM;
	memset(&ov, 0, sizeof(ov));
	ov.hEvent = ev;
	ok = wbuf ? WriteFile(h, wbuf, len, NULL, &ov) : ReadFile(h, rbuf, len, NULL, &ov);
	if (!ok && (e = GetLastError()) != ERROR_IO_PENDING) {
		CloseHandle(ev);
		*ret_gle = e;
		return WW_EIO;
	}
	waits[0] = ev;
	waits[1] = stop;
	left = deadline - ww_os_monotonic_ms();
	w = WaitForMultipleObjects(stop ? 2 : 1, waits, FALSE,
				   left > 0 ? (DWORD)left : 0);
	if (w != WAIT_OBJECT_0) {
		CancelIoEx(h, &ov);
		r = w == WAIT_OBJECT_0 + 1 ? WW_EABORT : WW_ETIMEDOUT;
	}
	/* Wait for the (possibly cancelled) operation: ov must outlive it. */
	if (!GetOverlappedResult(h, &ov, ret_n, TRUE) && !r) {
		*ret_gle = GetLastError();
		r = WW_EIO;
	}
	CloseHandle(ev);
	return r;
}

/* ---------------------------------------------------------------- */
/* serving                                                            */

static char *read_request(struct ww_pipe_client *c)
{
	struct ww_control_framer fr;
	int64_t deadline = ww_os_monotonic_ms() + WW_CONTROL_READ_TIMEOUT_MS;
	char buf[WW_CONTROL_MAX_REQUEST + 1];

	ww_control_framer_init(&fr);
	for (;;) {
		DWORD n = 0, gle = 0;
		int r = io_wait(c->pipe, NULL, buf, sizeof(buf), &n, deadline,
				c->s->stop, &gle);
		enum ww_frame_state st;

		if (r == WW_ETIMEDOUT)
			return ww_control_respond_timeout();
		if (r)
			return NULL; /* stopping, or the client went away */
		st = ww_control_framer_feed(&fr, buf, n);
		if (st == WW_FRAME_LINE)
			return ww_control_respond(&c->s->src, fr.buf, fr.len);
		if (st == WW_FRAME_OVERSIZED)
			return ww_control_respond_oversized();
	}
}

/*
 * Write the answer, then wait (briefly) for the client to close its end:
 * closing ours first could discard what it has not read yet, and
 * FlushFileBuffers() would wait forever on a client that never reads.
 */
static void answer(struct ww_pipe_client *c, char *resp)
{
	int64_t deadline = ww_os_monotonic_ms() + WW_CONTROL_READ_TIMEOUT_MS;
	size_t off = 0, len = strlen(resp);
	char sink[512];
	DWORD n, gle;

	while (off < len) {
		DWORD chunk = len - off > WW_PIPE_OUT_BUF ? WW_PIPE_OUT_BUF
							  : (DWORD)(len - off);

		n = 0;
		if (io_wait(c->pipe, resp + off, NULL, chunk, &n, deadline,
			    c->s->stop, &gle) || n == 0)
			return;
		off += n;
	}
	deadline = ww_os_monotonic_ms() + WW_LINGER_MS;
	while (io_wait(c->pipe, NULL, sink, sizeof(sink), &n, deadline,
		       c->s->stop, &gle) == 0)
		;
}

static DWORD WINAPI client_main(LPVOID arg)
{
	struct ww_pipe_client *c = arg;
	struct ww_control_server *s = c->s;
	char *resp = read_request(c);

	if (resp)
		answer(c, resp);
	free(resp);
	CloseHandle(c->pipe);
	free(c);
	if (InterlockedDecrement(&s->clients) == 0)
		SetEvent(s->idle);
	return 0;
}

/* Hand a connected instance to a thread of its own, or refuse: too many. */
static void dispatch(struct ww_control_server *s, HANDLE pipe)
{
	struct ww_pipe_client *c = NULL;
	HANDLE t = NULL;

	if (s->clients < WW_CONTROL_MAX_CLIENTS)
		c = malloc(sizeof(*c));
	if (c) {
		c->s = s;
		c->pipe = pipe;
		if (InterlockedIncrement(&s->clients) == 1)
			ResetEvent(s->idle);
		t = CreateThread(NULL, 64 * 1024, client_main, c,
				 STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
	}
	if (t) {
		CloseHandle(t);
		return;
	}
	if (c && InterlockedDecrement(&s->clients) == 0)
		SetEvent(s->idle);
	free(c);
	CloseHandle(pipe); /* the client sees a broken pipe and may retry */
}

/* Wait for a client on s->listening; true when one connected. */
static bool await_client(struct ww_control_server *s, HANDLE ev)
{
	OVERLAPPED ov;
	HANDLE waits[2] = { ev, s->stop };
	DWORD n, w;

	memset(&ov, 0, sizeof(ov));
	ov.hEvent = ev;
	if (ConnectNamedPipe(s->listening, &ov))
		return true;
	switch (GetLastError()) {
	case ERROR_PIPE_CONNECTED:
		return true;
	case ERROR_IO_PENDING:
		break;
	default:
		/* A client that came and went before we saw it: a new instance. */
		return false;
	}
	w = WaitForMultipleObjects(2, waits, FALSE, INFINITE);
	if (w != WAIT_OBJECT_0) {
		CancelIoEx(s->listening, &ov);
		GetOverlappedResult(s->listening, &ov, &n, TRUE);
		return false;
	}
	return GetOverlappedResult(s->listening, &ov, &n, FALSE) != 0;
}

static void serve_main(void *arg)
{
	struct ww_control_server *s = arg;
	HANDLE ev = CreateEventW(NULL, TRUE, FALSE, NULL);

	while (ev && WaitForSingleObject(s->stop, 0) != WAIT_OBJECT_0) {
		HANDLE served;
		bool connected;

		ResetEvent(ev);
		connected = await_client(s, ev);
		if (WaitForSingleObject(s->stop, 0) == WAIT_OBJECT_0)
			break;
		/*
		 * The next instance exists before this one is handed over or
		 * closed: were the name without a listening instance for a
		 * moment, another process could create it and take the next
		 * client.
		 */
		served = s->listening;
		s->listening = new_instance(s, false);
		if (connected)
			dispatch(s, served);
		else
			CloseHandle(served);
		while (s->listening == INVALID_HANDLE_VALUE &&
		       WaitForSingleObject(s->stop, 1000) == WAIT_TIMEOUT)
			s->listening = new_instance(s, false);
	}
	if (ev)
		CloseHandle(ev);
}

/*
 * The name is taken: say by whom, so the Event Log tells the administrator
 * which process to look at.  Connecting as a client (identification only)
 * is the one way to learn the server's PID; an instance that is busy
 * leaves it unknown.
 */
static int name_taken(struct ww_control_server *s, struct ww_err *err)
{
	HANDLE h = CreateFileW(s->wname, GENERIC_READ, 0, NULL, OPEN_EXISTING,
			       SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION,
			       NULL);
	ULONG pid = 0;

	if (h != INVALID_HANDLE_VALUE) {
		if (!GetNamedPipeServerProcessId(h, &pid))
			pid = 0;
		CloseHandle(h);
	}
	if (pid)
		return ww_err_set(err, WW_EEXIST, "another process (PID %lu) "
				  "already serves '%s'; see which with: tasklist "
				  "/fi \"PID eq %lu\"", (unsigned long)pid,
				  s->endpoint, (unsigned long)pid);
	return ww_err_set(err, WW_EEXIST, "another process already serves '%s'",
			  s->endpoint);
}

static void server_free(struct ww_control_server *s)
{
	if (s->listening && s->listening != INVALID_HANDLE_VALUE)
		CloseHandle(s->listening);
	if (s->stop)
		CloseHandle(s->stop);
	if (s->idle)
		CloseHandle(s->idle);
	LocalFree(s->sd);
	free(s->wname);
	free(s->endpoint);
	free(s);
}

int ww_control_server_start(const struct ww_config *cfg,
			    const struct ww_control_source *src,
			    struct ww_control_server **ret, char **ret_note,
			    struct ww_err *err)
{
	struct ww_control_server *s = calloc(1, sizeof(*s));
	int r = 0;

	*ret_note = NULL;
	if (!s)
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	s->src = *src;
	s->endpoint = ww_control_endpoint(cfg);
	s->wname = s->endpoint ? ww_win_utf16(s->endpoint) : NULL;
	s->stop = CreateEventW(NULL, TRUE, FALSE, NULL);
	s->idle = CreateEventW(NULL, TRUE, TRUE, NULL);
	if (!s->wname || !s->stop || !s->idle)
		r = ww_err_set(err, WW_ENOMEM, "out of memory");
	if (!r)
		r = build_sd(s, cfg->control.read_group, err);
	if (!r) {
		s->listening = new_instance(s, true);
		if (s->listening == INVALID_HANDLE_VALUE) {
			DWORD e = GetLastError();

			s->listening = NULL;
			r = e == ERROR_ACCESS_DENIED || e == ERROR_PIPE_BUSY
				    ? name_taken(s, err)
				    : ww_win_err(err, e, "CreateNamedPipeW()",
						 s->endpoint);
		}
	}
	if (!r && ww_thread_create(&s->thread, serve_main, s))
		r = ww_err_set(err, WW_ENOMEM, "cannot start the control thread");
	if (r) {
		server_free(s);
		return r;
	}
	*ret = s;
	return 0;
}

void ww_control_server_stop(struct ww_control_server *s)
{
	if (!s)
		return;
	SetEvent(s->stop);
	ww_thread_join(s->thread);
	/* Client threads see the stop event in their waits and end quickly. */
	WaitForSingleObject(s->idle, INFINITE);
	server_free(s);
}

const char *ww_control_server_endpoint(const struct ww_control_server *s)
{
	return s->endpoint;
}

/* ---------------------------------------------------------------- */
/* client                                                             */

/*
 * The CLI often runs elevated.  Without a SQOS flag the server end may
 * impersonate the client fully, so whoever squats the pipe name while the
 * service is down (any user can create a pipe of a name nobody serves)
 * would receive an administrator's token.  SECURITY_IDENTIFICATION lets a
 * server learn who we are, never act as us.
 */
#define WW_PIPE_CLIENT_FLAGS \
	(FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION)

static int open_pipe(const char *name, const wchar_t *wname, int64_t deadline,
		     HANDLE *ret, struct ww_err *err)
{
	for (;;) {
		HANDLE h = CreateFileW(wname, GENERIC_READ | GENERIC_WRITE, 0, NULL,
				       OPEN_EXISTING, WW_PIPE_CLIENT_FLAGS, NULL);
		DWORD e = GetLastError();
		int64_t left = deadline - ww_os_monotonic_ms();

		if (h != INVALID_HANDLE_VALUE) {
			*ret = h;
			return 0;
		}
		if (e == ERROR_FILE_NOT_FOUND)
			return ww_err_set_os(err, WW_EUNAVAIL, e,
					     "no monitor is listening on '%s'", name);
		if (e == ERROR_ACCESS_DENIED)
			return ww_err_set_os(err, WW_EPERM, e,
					     "access to '%s' denied", name);
		if (e != ERROR_PIPE_BUSY)
			return ww_win_err(err, e, "CreateFileW()", name);
		if (left <= 0 || !WaitNamedPipeW(wname, (DWORD)left)) {
			if (GetLastError() == ERROR_FILE_NOT_FOUND)
				continue; /* the instance went; look again */
			return ww_err_set(err, WW_ETIMEDOUT,
					  "the monitor at '%s' is busy", name);
		}
	}
}

static int exchange(HANDLE h, const char *name, const char *request,
		    int64_t deadline, struct ww_buf *b, struct ww_err *err)
{
	size_t off = 0, len = strlen(request);
	char chunk[16384];
	DWORD n, gle = 0;
	int r;

	while (off < len) {
		r = io_wait(h, request + off, NULL, (DWORD)(len - off),
			    &n, deadline, NULL, &gle);
		if (r)
			return r == WW_ETIMEDOUT
				       ? ww_err_set(err, r, "'%s' did not take the request", name)
				       : ww_win_err(err, gle, "WriteFile()", name);
		off += n;
	}
	for (;;) {
		r = io_wait(h, NULL, chunk, sizeof(chunk), &n, deadline, NULL, &gle);
		if (r == WW_EIO && (gle == ERROR_BROKEN_PIPE || gle == ERROR_PIPE_NOT_CONNECTED))
			return 0; /* the server closed: the answer is complete */
		if (r == WW_ETIMEDOUT)
			return ww_err_set(err, r, "the monitor at '%s' did not answer in time",
					  name);
		if (r)
			return ww_win_err(err, gle, "ReadFile()", name);
		if (ww_buf_append(b, chunk, n))
			return ww_err_set(err, WW_ERANGE, "response from '%s' too large", name);
		/* One line is the whole answer; no need to wait for the close. */
		if (b->len && b->data[b->len - 1] == '\n')
			return 0;
	}
}

/* The running service's PID from the SCM; 0 when it is not running. */
static DWORD service_pid(const char *service)
{
	wchar_t *w = ww_win_utf16(service);
	SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
	SC_HANDLE svc = scm && w ? OpenServiceW(scm, w, SERVICE_QUERY_STATUS)
				 : NULL;
	SERVICE_STATUS_PROCESS sp;
	DWORD n = 0, pid = 0;

	if (svc && QueryServiceStatusEx(svc, SC_STATUS_PROCESS_INFO, (LPBYTE)&sp,
					sizeof(sp), &n) &&
	    sp.dwCurrentState != SERVICE_STOPPED)
		pid = sp.dwProcessId;
	if (svc)
		CloseServiceHandle(svc);
	if (scm)
		CloseServiceHandle(scm);
	free(w);
	return pid;
}

/* Whether process pid runs this executable under a trusted account. */
static bool same_exe_trusted(DWORD pid)
{
	HANDLE p = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
	wchar_t theirs[MAX_PATH], ours[MAX_PATH];
	DWORD n = MAX_PATH, m;
	BYTE buf[sizeof(TOKEN_USER) + SECURITY_MAX_SID_SIZE];
	HANDLE tok = NULL;
	bool ok = false;

	if (!p)
		return false;
	m = GetModuleFileNameW(NULL, ours, MAX_PATH);
	if (m && m < MAX_PATH && QueryFullProcessImageNameW(p, 0, theirs, &n) &&
	    _wcsicmp(theirs, ours) == 0 &&
	    OpenProcessToken(p, TOKEN_QUERY, &tok) &&
	    GetTokenInformation(tok, TokenUser, buf, sizeof(buf), &m))
		ok = ww_win_sid_trusted(((TOKEN_USER *)buf)->User.Sid);
	if (tok)
		CloseHandle(tok);
	CloseHandle(p);
	return ok;
}

/*
 * Who serves the pipe before anything is sent: whoever created the name
 * first (any local user can, while the service is down) would otherwise
 * answer `status` with whatever it likes.
 */
static int verify_server(HANDLE h, const char *name, const char *service,
			 struct ww_err *err)
{
	ULONG pid = 0;
	DWORD svc;

	if (!GetNamedPipeServerProcessId(h, &pid))
		return ww_win_err(err, GetLastError(),
				  "GetNamedPipeServerProcessId()", name);
	svc = service_pid(service);
	if (svc ? pid == svc : same_exe_trusted(pid))
		return 0;
	if (svc)
		return ww_err_set(err, WW_EINUSE, "'%s' is served by process %lu, "
				  "not by the %s service (PID %lu): its answer "
				  "is not trusted; see which program it is with: "
				  "tasklist /fi \"PID eq %lu\"", name,
				  (unsigned long)pid, service, (unsigned long)svc,
				  (unsigned long)pid);
	return ww_err_set(err, WW_EINUSE, "'%s' is served by process %lu, which "
			  "is not the %s service (not running) nor this program "
			  "run by an administrator: its answer is not trusted; "
			  "see which program it is with: tasklist /fi \"PID eq "
			  "%lu\"", name, (unsigned long)pid, service,
			  (unsigned long)pid);
}

int ww_control_request(const struct ww_config *cfg, const char *request,
		       unsigned timeout_ms, char **ret_response,
		       struct ww_err *err)
{
	return ww_control_request_service(cfg, NULL, request, timeout_ms,
					  ret_response, err);
}

int ww_control_request_service(const struct ww_config *cfg,
			       const char *service, const char *request,
			       unsigned timeout_ms, char **ret_response,
			       struct ww_err *err)
{
	int64_t deadline = ww_os_monotonic_ms() + timeout_ms;
	char *name = ww_control_endpoint(cfg);
	wchar_t *wname = name ? ww_win_utf16(name) : NULL;
	HANDLE h = INVALID_HANDLE_VALUE;
	struct ww_buf b;
	int r;

	ww_buf_init(&b, WW_CONTROL_MAX_RESPONSE);
	r = wname ? open_pipe(name, wname, deadline, &h, err)
		  : ww_err_set(err, WW_ENOMEM, "out of memory");
	if (!r && service)
		r = verify_server(h, name, service, err);
	if (!r)
		r = exchange(h, name, request, deadline, &b, err);
	if (h != INVALID_HANDLE_VALUE)
		CloseHandle(h);
	if (!r && b.len == 0)
		r = ww_err_set(err, WW_EPROTO, "'%s' closed without answering", name);
	free(wname);
	free(name);
	if (r) {
		ww_buf_release(&b);
		return r;
	}
	if (b.data[b.len - 1] == '\n')
		b.data[--b.len] = '\0';
	*ret_response = ww_buf_detach(&b);
	return 0;
}
