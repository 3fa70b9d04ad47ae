/*
 * test_svc_win32.c - what the SCM sees while the service works on a slow
 * step: a start whose SUSDB discovery waits for an unreachable SQL Server
 * (about 45 s) must keep advancing START_PENDING's checkpoint, or the SCM
 * gives up on the service (error 1053) although it would have started.
 * The service passes keep_pending() as the tick, which reports the pending
 * state again (a new checkpoint); here the ticks are counted.
 */
#include "compat.h"

#include <windows.h>

#include "ww_test.h"

void ww_svc_run_with_checkpoints(LPTHREAD_START_ROUTINE fn, void *arg,
				 void (*tick)(void));

static volatile LONG ticks;

static void count_tick(void)
{
	InterlockedIncrement(&ticks);
}

/* A step slower than two checkpoint periods (2.5 s each). */
static DWORD WINAPI slow_step(LPVOID arg)
{
	Sleep(6000);
	*(int *)arg = 1;
	return 0;
}

START_TEST(slow_step_advances_the_checkpoint)
{
	int done = 0;

	ticks = 0;
	ww_svc_run_with_checkpoints(slow_step, &done, count_tick);
	ck_assert_int_eq(done, 1);
	ck_assert_msg(ticks >= 2, "%ld checkpoints in 6 s", (long)ticks);
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("svc_win32");
	TCase *tc = tcase_create("checkpoints");

	tcase_add_test(tc, slow_step_advances_the_checkpoint);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
