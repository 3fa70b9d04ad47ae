/*
 * tail_helper.c - tails a log into a store until told to stop, for the
 * SIGKILL test (tail_kill.py): the script kills this process at random
 * moments and starts it again.
 *
 * usage: ww_tail_helper LOG DB [--drain]
 *   polls every 5 ms, forever; with --drain it polls until the file has
 *   been quiet long enough for its last record to settle, then exits 0.
 */
#include "compat.h"

#include "os.h"
#include "tail.h"
#include "store.h"

int main(int argc, char **argv)
{
	struct ww_tailer_options opt = { 0 };
	struct ww_store *store = NULL;
	struct ww_tailer *t = NULL;
	struct ww_err err;
	bool drain = argc > 3 && strcmp(argv[3], "--drain") == 0;
	int64_t now = ww_os_now();
	int i, rc = 1;

	if (argc < 3) {
		fprintf(stderr, "usage: ww_tail_helper LOG DB [--drain]\n");
		return 64;
	}
	opt.batch_records = 13;
	if (ww_store_open(argv[2], &store, &err) ||
	    ww_tailer_new(argv[1], store, "log", &opt, &t, &err)) {
		fprintf(stderr, "ww_tail_helper: %s\n", err.msg);
		goto out;
	}
	/* The killer's cue: kills land while tailing, not while starting. */
	printf("ready\n");
	fflush(stdout);
	for (i = 0; !drain || i < 3; i++) {
		/* Time is injected: draining jumps past the settle delay. */
		now += drain ? 10 : 0;
		if (ww_tailer_poll(t, now, NULL, &err)) {
			fprintf(stderr, "ww_tail_helper: %s\n", err.msg);
			goto out;
		}
		if (!drain)
			ww_os_sleep_ms(5);
	}
	rc = 0;
out:
	ww_tailer_free(t);
	ww_store_close(store);
	return rc;
}
