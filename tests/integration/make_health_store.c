/*
 * make_health_store.c - test helper for cli_check.cmake: create a
 * wsuswatch store holding one successful sync run that ended AGE seconds
 * before the real clock, as the log tailer would record it (the tailer's
 * writer had not landed; rows follow store.h).
 *   make_health_store DB AGE_SECONDS [FAILED_ATTEMPTS]
 */
#include "compat.h"

#include <sqlite3.h>

#include "os.h"
#include "store.h"
#include "util.h"

static int add_run(struct ww_store *s, const char *key, int64_t start,
		   int64_t end, const char *result)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(ww_store_db(s),
			       "INSERT INTO sync_run (source, source_key, kind, "
			       "started_at, finished_at, result) VALUES "
			       "('log', ?, 'scheduled', ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		return 1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, start);
	sqlite3_bind_int64(st, 3, end);
	sqlite3_bind_text(st, 4, result, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct ww_store *s;
	struct ww_err err;
	int64_t age, fails = 0, now = ww_os_now(), i;
	int r;

	if (argc < 3 || ww_parse_i64(argv[2], &age) ||
	    (argc > 3 && ww_parse_i64(argv[3], &fails))) {
		fprintf(stderr, "usage: make_health_store DB AGE [FAILS]\n");
		return 64;
	}
	if (ww_store_open(argv[1], &s, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	r = add_run(s, "ok", now - age - 600, now - age, "succeeded");
	for (i = 0; !r && i < fails; i++) {
		char key[32];

		snprintf(key, sizeof(key), "fail%" PRId64, i);
		r = add_run(s, key, now - age + 3600 * (i + 1),
			    now - age + 3600 * (i + 1) + 60, "failed");
	}
	ww_store_close(s);
	return r;
}
