/*
 * test_control_win32.c - the pipe client against a squatter: a process
 * that created the pipe name before the monitor must not be able to act
 * as the (often elevated) CLI that connects to it.
 */
#include "compat.h"

#include <windows.h>

#include "config.h"
#include "control.h"
#include "util.h"
#include "ww_test.h"

struct squatter {
	HANDLE pipe;
	SECURITY_IMPERSONATION_LEVEL level;
	bool impersonated;
};

/* Serve one client: read its line, impersonate it, note the level, answer. */
static DWORD WINAPI squat(LPVOID arg)
{
	struct squatter *sq = arg;
	char buf[512];
	DWORD n = 0, len = sizeof(sq->level);
	HANDLE tok = NULL;

	if (!ConnectNamedPipe(sq->pipe, NULL) &&
	    GetLastError() != ERROR_PIPE_CONNECTED)
		return 1;
	ReadFile(sq->pipe, buf, sizeof(buf), &n, NULL);
	if (ImpersonateNamedPipeClient(sq->pipe)) {
		sq->impersonated = true;
		if (OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &tok)) {
			GetTokenInformation(tok, TokenImpersonationLevel, &sq->level,
					    len, &len);
			CloseHandle(tok);
		}
		RevertToSelf();
	}
	WriteFile(sq->pipe, "{}\n", 3, &n, NULL);
	FlushFileBuffers(sq->pipe);
	DisconnectNamedPipe(sq->pipe);
	return 0;
}

START_TEST(client_cannot_be_impersonated)
{
	struct ww_config cfg;
	struct squatter sq;
	struct ww_err err;
	char name[64], *resp = NULL;
	wchar_t wname[96];
	HANDLE t;

	/*
	 * Wine's FSCTL_PIPE_IMPERSONATE impersonates the server itself,
	 * whatever the client asked for: the level is only meaningful on
	 * Windows.
	 */
	WW_TEST_SKIP_IF(ww_test_under_wine(),
			"Wine's pipe server impersonates itself, not the client");
	snprintf(name, sizeof(name), "wwtest-squat-%lu", GetCurrentProcessId());
	swprintf(wname, WW_ARRAY_SIZE(wname), L"\\\\.\\pipe\\wwtest-squat-%lu",
		 GetCurrentProcessId());
	memset(&sq, 0, sizeof(sq));
	sq.level = SecurityDelegation;
	sq.pipe = CreateNamedPipeW(wname, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1,
				   4096, 4096, 0, NULL);
	ck_assert(sq.pipe != INVALID_HANDLE_VALUE);
	t = CreateThread(NULL, 0, squat, &sq, 0, NULL);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(ww_config_init(&cfg, &err), 0);
	free(cfg.control.pipe);
	cfg.control.pipe = ww_strdup(name);
	ck_assert_msg(ww_control_request(&cfg, "{\"cmd\":\"status\"}\n", 5000,
					 &resp, &err) == 0, "%s", err.msg);
	WaitForSingleObject(t, INFINITE);
	CloseHandle(t);
	CloseHandle(sq.pipe);
	ww_config_release(&cfg);
	free(resp);
	/* Identification (or less) lets the server see us, not act as us. */
	if (sq.impersonated)
		ck_assert_msg(sq.level <= SecurityIdentification,
			      "the squatter impersonated the client at level %d",
			      (int)sq.level);
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("control_win32");
	TCase *tc = tcase_create("impersonation");

	/* Skipped under Wine: a ctest entry of its own (ww_test.h). */
	tcase_set_tags(tc, WW_TEST_TAG_SEPARATE);
	tcase_add_test(tc, client_cannot_be_impersonated);
	suite_add_tcase(s, tc);
	return s;
}
