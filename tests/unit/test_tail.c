/*
 * test_tail.c - the tailer against a real store: append, rotate, truncate,
 * delete, re-create and restart while polling, then compare what the
 * store holds with what was written: none missing, none twice.
 */
#include "compat.h"

#include <sqlite3.h>

#include "os.h"
#include "tail.h"
#include "store.h"
#include "store_internal.h"
#include "util.h"
#include "ww_test.h"

#define MAXSEQ 20000

struct env {
	char *dir, *path, *old, *db;
	struct ww_store *store;
	struct ww_tailer *t;
	int64_t now;
	struct ww_tailer_options opt;
};

static void env_open_tailer(struct env *e)
{
	struct ww_err err;

	ck_assert_msg(ww_tailer_new(e->path, e->store, "log", &e->opt, &e->t,
				    &err) == 0, "%s", err.msg);
}

static void env_init(struct env *e, const char *tag)
{
	struct ww_err err;

	memset(e, 0, sizeof(*e));
	e->dir = ww_test_tmpdir(tag);
	e->path = ww_os_path_join(e->dir, "SoftwareDistribution.log");
	e->old = ww_os_path_join(e->dir, "SoftwareDistribution.log.old");
	e->db = ww_os_path_join(e->dir, "ww.db");
	ck_assert_msg(ww_store_open(e->db, &e->store, &err) == 0, "%s", err.msg);
	e->now = 1700000000;
	e->opt.batch_records = 7; /* many small transactions */
	env_open_tailer(e);
}

static void env_free(struct env *e)
{
	ww_tailer_free(e->t);
	ww_store_close(e->store);
	remove(e->path);
	remove(e->old);
	free(e->path);
	free(e->old);
	free(e->db);
	free(e->dir);
}

/* Restart: a new tailer on the same store, as after a service restart. */
static void env_restart(struct env *e)
{
	ww_tailer_free(e->t);
	env_open_tailer(e);
}

static void poll_ok(struct env *e, struct ww_tailer_stats *st)
{
	struct ww_err err;

	e->now += 1;
	ck_assert_msg(ww_tailer_poll(e->t, e->now, st, &err) == 0, "%s", err.msg);
}

/* Lines seq [from, to): every 5th has a stack trace under it. */
static void append(const char *path, int from, int to)
{
	FILE *f = fopen(path, "ab");
	int i;

	ck_assert_ptr_nonnull(f);
	for (i = from; i < to; i++) {
		fprintf(f, "2024-01-01 %02d:%02d:%02d.%03d UTC\tError\tWsusService.%d\t"
			"WebServiceCommunicationHelper.ProcessWebServiceProxyException\t"
			"seq=%06d System.Net.WebException: The operation has timed out\r\n",
			i / 3600 % 24, i / 60 % 60, i % 60, i % 1000, i % 9, i);
		if (i % 5 == 0)
			fprintf(f, "   at System.Net.HttpWebRequest.GetResponse()\r\n"
				   "   --- End of inner exception stack trace ---\r\n");
	}
	ck_assert_int_eq(fclose(f), 0);
}

/* counts[seq] = number of log_finding rows for it. */
static int store_counts(struct env *e, int *counts)
{
	sqlite3_stmt *st;
	int total = 0;

	memset(counts, 0, sizeof(int) * MAXSEQ);
	ck_assert_int_eq(sqlite3_prepare_v2(ww_store_db(e->store),
		"SELECT message, category FROM log_finding", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(st, 0);
		long seq;

		ck_assert_str_eq((const char *)sqlite3_column_text(st, 1), "timeout");
		ck_assert_msg(strncmp(m, "seq=", 4) == 0, "bad row '%s'", m);
		seq = strtol(m + 4, NULL, 10);
		ck_assert_int_lt(seq, MAXSEQ);
		counts[seq]++;
		total++;
	}
	sqlite3_finalize(st);
	return total;
}

/* Every seq in [0, n) exactly once, nothing else. */
static void assert_exactly_once(struct env *e, int n)
{
	int *counts = calloc(MAXSEQ, sizeof(int));
	int total, i;

	ck_assert_ptr_nonnull(counts);
	total = store_counts(e, counts);
	for (i = 0; i < n; i++)
		ck_assert_msg(counts[i] == 1, "seq %d stored %d times", i, counts[i]);
	ck_assert_int_eq(total, n);
	free(counts);
}

/* The tail is complete only after settle_seconds without growth. */
static uint64_t settle(struct env *e)
{
	struct ww_tailer_stats st;

	memset(&st, 0, sizeof(st));
	poll_ok(e, &st);
	e->now += 10;
	poll_ok(e, &st);
	return st.bytes; /* read by both polls */
}

START_TEST(tail_append_rotate_truncate_recreate)
{
	struct env e;
	struct ww_tailer_stats st;
	struct ww_tailer_status status;

	env_init(&e, "tail");
	memset(&st, 0, sizeof(st));
	poll_ok(&e, &st); /* no file yet */
	ck_assert(!st.file_present);

	append(e.path, 0, 100);
	poll_ok(&e, &st);
	ck_assert(st.file_present);
	/* The last record waits for the next header (or settling). */
	ck_assert_uint_eq(st.records, 99);
	append(e.path, 100, 250);
	poll_ok(&e, &st);

	/* WSUS writes its last lines, renames to .old, starts anew. */
	append(e.path, 250, 300);
	ck_assert_int_eq(rename(e.path, e.old), 0);
	append(e.path, 300, 400);
	poll_ok(&e, &st);
	ck_assert_uint_eq(st.rotations, 1);

	/* Copy-truncate: the same file, shorter. */
	append(e.path, 400, 410);
	poll_ok(&e, &st);
	{
		FILE *f = fopen(e.path, "wb");

		ck_assert_int_eq(fclose(f), 0);
	}
	append(e.path, 410, 420);
	poll_ok(&e, &st);
	ck_assert_uint_eq(st.truncations, 1);

	/* Deleted, then re-created. */
	append(e.path, 420, 430);
	ck_assert_int_eq(remove(e.path), 0);
	if (ww_os_path_exists(e.path)) {
		/*
		 * Windows keeps a deleted name while a handle is open; real
		 * Windows reports it delete-pending (tail_win32.c), Wine does
		 * not, so under Wine this step cannot be observed.
		 */
		poll_ok(&e, &st);
		append(e.path, 430, 500);
	} else {
		poll_ok(&e, &st);
		ck_assert(!st.file_present);
		append(e.path, 430, 500);
		poll_ok(&e, &st);
		ck_assert(st.file_present);
	}

	/* A second rotation replaces the previous .old. */
	append(e.path, 500, 520);
	ck_assert_int_eq(remove(e.old), 0);
	ck_assert_int_eq(rename(e.path, e.old), 0);
	append(e.path, 520, 600);
	settle(&e);
	assert_exactly_once(&e, 600);
	ww_tailer_status(e.t, &status);
	ck_assert_ptr_null(status.error);
	ck_assert_uint_gt(status.offset, 0);
	env_free(&e);
}
END_TEST

START_TEST(tail_restarts_resume_exactly)
{
	struct env e;

	env_init(&e, "tail-restart");
	append(e.path, 0, 123);
	poll_ok(&e, NULL);
	env_restart(&e);
	append(e.path, 123, 200);
	poll_ok(&e, NULL);
	env_restart(&e);
	poll_ok(&e, NULL);

	/* Rotated while the service was stopped: finish .old first. */
	ww_tailer_free(e.t);
	e.t = NULL;
	append(e.path, 200, 260);
	ck_assert_int_eq(rename(e.path, e.old), 0);
	append(e.path, 260, 300);
	env_open_tailer(&e);
	poll_ok(&e, NULL);

	/*
	 * Replaced while stopped (same name, new content, new file).  Its
	 * last record is settled first: a file deleted while we are stopped
	 * takes an unsettled last record with it.
	 */
	settle(&e);
	ww_tailer_free(e.t);
	e.t = NULL;
	ck_assert_int_eq(remove(e.path), 0);
	append(e.path, 300, 340);
	env_open_tailer(&e);
	settle(&e);
	assert_exactly_once(&e, 340);
	env_free(&e);
}
END_TEST

/*
 * Identity reuse: a new file with the saved identity (here: the same
 * file truncated and rewritten while the tailer was stopped, longer than
 * before) fails the checksum and is read from the start.
 */
START_TEST(tail_checksum_catches_reuse)
{
	struct env e;
	int *counts = calloc(MAXSEQ, sizeof(int));
	FILE *f;

	ck_assert_ptr_nonnull(counts);
	env_init(&e, "tail-reuse");
	append(e.path, 0, 50);
	settle(&e);
	ww_tailer_free(e.t);
	e.t = NULL;
	f = fopen(e.path, "wb");
	ck_assert_int_eq(fclose(f), 0);
	append(e.path, 1000, 1100);
	env_open_tailer(&e);
	settle(&e);
	ck_assert_int_eq(store_counts(&e, counts), 150);
	ck_assert_int_eq(counts[0], 1);
	ck_assert_int_eq(counts[1000], 1);
	ck_assert_int_eq(counts[1099], 1);
	free(counts);
	env_free(&e);
}
END_TEST

static uint64_t file_size(const char *path)
{
	char *text;
	size_t n;

	text = ww_test_read_file(path, &n);
	ck_assert_ptr_nonnull(text);
	free(text);
	return n;
}

/* First start reads only the last initial_max bytes of a big file. */
START_TEST(tail_first_start_is_bounded)
{
	struct env e;
	int *counts = calloc(MAXSEQ, sizeof(int));
	int total;

	ck_assert_ptr_nonnull(counts);
	env_init(&e, "tail-bounded");
	ww_tailer_free(e.t);
	append(e.old, 0, 100);
	append(e.path, 100, 2100);
	e.opt.initial_max = 50 * 1024;
	env_open_tailer(&e);
	/* .old, small: all of it; the log: exactly its last initial_max. */
	ck_assert_uint_eq(settle(&e), file_size(e.old) + 50 * 1024);
	total = store_counts(&e, counts);
	/* ~170 bytes per record: a few hundred of the 2000, the newest. */
	ck_assert_int_gt(total, 100 + 150);
	ck_assert_int_lt(total, 100 + 600);
	ck_assert_int_eq(counts[0], 1);
	ck_assert_int_eq(counts[2099], 1);
	ck_assert_int_eq(counts[150], 0);
	free(counts);
	env_free(&e);
}
END_TEST

/* The bound as the monitor computes it from wsus.log_rollover. */
START_TEST(tail_initial_max_from_rollover)
{
	/* Unknown: 32 MiB. */
	ck_assert_uint_eq(ww_tail_initial_max(0), 32u << 20);
	ck_assert_uint_eq(ww_tail_initial_max(-1), 32u << 20);
	/* Known: a quarter of headroom, as WSUS rolls over past the size. */
	ck_assert_uint_eq(ww_tail_initial_max(20971520), 26214400);
	ck_assert_uint_eq(ww_tail_initial_max(900000), 1125000);
	/* Clamped: at least 1 MiB, at most 1 GiB. */
	ck_assert_uint_eq(ww_tail_initial_max(4096), 1u << 20);
	ck_assert_uint_eq(ww_tail_initial_max(838860), 1u << 20);
	ck_assert_uint_eq(ww_tail_initial_max(900u << 20), 1u << 30);
	ck_assert_uint_eq(ww_tail_initial_max(INT64_MAX), 1u << 30);
}
END_TEST

/*
 * A first start on files larger than a rollover-derived bound (above
 * the 1 MiB floor) reads only the tail of each: .old and the log.
 */
START_TEST(tail_first_start_bounded_by_rollover)
{
	struct env e;
	int *counts = calloc(MAXSEQ, sizeof(int));
	uint64_t bound = ww_tail_initial_max(900000);

	ck_assert_ptr_nonnull(counts);
	env_init(&e, "tail-rollover");
	ww_tailer_free(e.t);
	append(e.old, 0, 8000);
	append(e.path, 8000, 16000);
	ck_assert_uint_gt(file_size(e.old), bound);
	ck_assert_uint_gt(file_size(e.path), bound);
	e.opt.initial_max = bound;
	e.opt.batch_records = 1000;
	env_open_tailer(&e);
	ck_assert_uint_eq(settle(&e), 2 * bound);
	store_counts(&e, counts);
	ck_assert_int_eq(counts[0], 0);
	ck_assert_int_eq(counts[7999], 1);
	ck_assert_int_eq(counts[8000], 0);
	ck_assert_int_eq(counts[15999], 1);
	free(counts);
	env_free(&e);
}
END_TEST

START_TEST(tail_sync_runs_reach_the_store)
{
	struct env e;
	struct ww_sync_status ss;
	struct ww_err err;
	FILE *f;

	env_init(&e, "tail-runs");
	f = fopen(e.path, "wb");
	fputs("2024-02-01 03:00:00.000 UTC\tInfo\tWsusService.15\tEventLogEventReporter.ReportEvent\t"
	      "EventId=381,Type=Information,Category=Synchronization,Message=A scheduled synchronization was started.\n"
	      "2024-02-01 03:05:00.000 UTC\tInfo\tWsusService.15\tEventLogEventReporter.ReportEvent\t"
	      "EventId=384,Type=Information,Category=Synchronization,Message=Synchronization completed successfully.\n"
	      "2024-02-02 03:00:00.000 UTC\tInfo\tWsusService.15\tEventLogEventReporter.ReportEvent\t"
	      "EventId=381,Type=Information,Category=Synchronization,Message=A scheduled synchronization was started.\n", f);
	ck_assert_int_eq(fclose(f), 0);
	e.now = ww_time_from_civil(2024, 2, 2, 3, 1, 0);
	settle(&e);
	ck_assert_int_eq(ww_synclog_store_sync_status(e.store, "log", &ss, &err), 0);
	ck_assert_int_eq(ss.last_success, ww_time_from_civil(2024, 2, 1, 3, 5, 0));
	ck_assert_int_eq(ss.last_attempt, ww_time_from_civil(2024, 2, 2, 3, 0, 0));
	ck_assert_int_eq(ss.last_result, WW_SYNC_RUNNING);

	/* After a restart the open run is still known and can finish. */
	env_restart(&e);
	f = fopen(e.path, "ab");
	fputs("2024-02-02 03:09:00.000 UTC\tError\tWsusService.15\tEventLogEventReporter.ReportEvent\t"
	      "EventId=386,Type=Error,Category=Synchronization,Message=Synchronization failed. Reason: boom.\n", f);
	ck_assert_int_eq(fclose(f), 0);
	settle(&e);
	ck_assert_int_eq(ww_synclog_store_sync_status(e.store, NULL, &ss, &err), 0);
	ck_assert_int_eq(ss.last_result, WW_SYNC_FAILED);
	ck_assert_str_eq(ss.last_error, "Synchronization failed. Reason: boom.");
	ck_assert_int_eq(ss.last_attempt, ww_time_from_civil(2024, 2, 2, 3, 0, 0));
	ck_assert_int_eq(ss.last_success, ww_time_from_civil(2024, 2, 1, 3, 5, 0));

	/* A run that never ends turns unknown after the bound. */
	f = fopen(e.path, "ab");
	fputs("2024-02-03 03:00:00.000 UTC\tInfo\tWsusService.15\tEventLogEventReporter.ReportEvent\t"
	      "EventId=382,Type=Information,Category=Synchronization,Message=A manual synchronization was started.\n", f);
	ck_assert_int_eq(fclose(f), 0);
	settle(&e);
	e.now = ww_time_from_civil(2024, 2, 3, 16, 0, 0);
	settle(&e);
	ck_assert_int_eq(ww_synclog_store_sync_status(e.store, "log", &ss, &err), 0);
	ck_assert_int_eq(ss.last_result, WW_SYNC_UNKNOWN);
	env_free(&e);
}
END_TEST

/*
 * Issue 13, item 9: a restart between "Synchronization manually started"
 * and its 382 split one manual sync into an `unknown` run ("no completion
 * was logged before the next synchronization started") and the real one;
 * `analyze` of the same file sees one run.
 */
START_TEST(tail_manual_request_survives_a_restart)
{
	static const char request[] =
		"2024-02-02 03:00:00.000 UTC\tChange\tWsusService.23\t"
		"AdminDataAccess.StartSubscriptionManually\tSynchronization "
		"manually started\n";
	static const char rest[] =
		"2024-02-02 03:00:02.000 UTC\tInfo\tWsusService.15\t"
		"EventLogEventReporter.ReportEvent\tEventId=382,Type=Information,"
		"Category=Synchronization,Message=A manual synchronization was "
		"started.\n"
		"2024-02-02 03:05:00.000 UTC\tInfo\tWsusService.15\t"
		"EventLogEventReporter.ReportEvent\tEventId=384,Type=Information,"
		"Category=Synchronization,Message=Synchronization completed "
		"successfully.\n";
	struct env e;

	env_init(&e, "tail-manual");
	ww_test_write_file(e.path, request, strlen(request));
	e.now = ww_time_from_civil(2024, 2, 2, 3, 0, 1);
	settle(&e);
	ck_assert_int_eq(ww_test_sql_i64(ww_store_db(e.store),
		"SELECT COUNT(*) FROM sync_run WHERE result = 'running'"), 1);
	env_restart(&e);
	{
		FILE *f = fopen(e.path, "ab");

		ck_assert_ptr_nonnull(f);
		fputs(rest, f);
		ck_assert_int_eq(fclose(f), 0);
	}
	settle(&e);
	settle(&e);
	ck_assert_int_eq(ww_test_sql_i64(ww_store_db(e.store),
		"SELECT COUNT(*) FROM sync_run"), 1);
	ck_assert_int_eq(ww_test_sql_i64(ww_store_db(e.store),
		"SELECT COUNT(*) FROM sync_run WHERE result = 'succeeded' AND "
		"kind = 'manual' AND started_at = 1706842800"), 1);
	env_free(&e);
}
END_TEST

/*
 * The wall clock stepped back an hour (NTP, an administrator) right after
 * the last growth: the last record must still settle, not wait an hour.
 */
START_TEST(tail_settles_after_the_clock_steps_back)
{
	struct env e;
	struct ww_tailer_stats st;

	env_init(&e, "tail-clockback");
	append(e.path, 0, 10);
	memset(&st, 0, sizeof(st));
	poll_ok(&e, &st);
	e.now -= 3600;
	poll_ok(&e, &st);
	poll_ok(&e, &st);
	assert_exactly_once(&e, 10);
	env_free(&e);
}
END_TEST

/*
 * Issue 13: a log that has been quiet for an hour when the tailer first
 * sees it.  Its last record is complete at the first poll (`run --once`
 * polls once): the quiet period counts from the file's modification
 * time, not from when this process first read it.  A file that grows
 * while we watch still waits settle_seconds.
 */
START_TEST(tail_quiet_log_complete_at_first_poll)
{
	struct env e;
	struct ww_tailer_stats st;

	env_init(&e, "tail-quiet");
	append(e.path, 0, 10);
	e.now = ww_os_now() + 3600;
	memset(&st, 0, sizeof(st));
	poll_ok(&e, &st);
	assert_exactly_once(&e, 10);

	append(e.path, 10, 20);
	poll_ok(&e, &st);
	ck_assert_uint_eq(st.records, 19);
	e.now += 10;
	poll_ok(&e, &st);
	assert_exactly_once(&e, 20);

	/* The same after a restart: the resumed file is read anew. */
	env_restart(&e);
	append(e.path, 20, 30);
	e.now += 3600;
	poll_ok(&e, &st);
	assert_exactly_once(&e, 30);
	env_free(&e);
}
END_TEST

/*
 * Records that all end in the same stack trace, as WSUS's do: the 64
 * bytes before any record boundary are the same in every file.
 */
static void append_traced(const char *path, int from, int to)
{
	FILE *f = fopen(path, "ab");
	int i;

	ck_assert_ptr_nonnull(f);
	for (i = from; i < to; i++)
		fprintf(f, "2024-01-01 %02d:%02d:%02d.%03d UTC\tError\tWsusService.1\t"
			"WebServiceCommunicationHelper.ProcessWebServiceProxyException\t"
			"seq=%06d System.Net.WebException: The operation has timed out\r\n"
			"   at System.Net.HttpWebRequest.GetResponse()\r\n"
			"   --- End of inner exception stack trace ---\r\n",
			i / 3600 % 24, i / 60 % 60, i % 60, i % 1000, i);
	ck_assert_int_eq(fclose(f), 0);
}

static void truncate_file(const char *path)
{
	FILE *f = fopen(path, "wb");

	ck_assert_int_eq(fclose(f), 0);
}

/* Records 0-99 of the old content and 1000-1149 of the new, once each. */
static void assert_old_and_new(struct env *e)
{
	int *counts = calloc(MAXSEQ, sizeof(int));
	int i;

	ck_assert_ptr_nonnull(counts);
	ck_assert_int_eq(store_counts(e, counts), 250);
	for (i = 0; i < 100; i++)
		ck_assert_int_eq(counts[i], 1);
	for (i = 1000; i < 1150; i++)
		ck_assert_msg(counts[i] == 1, "seq %d stored %d times", i, counts[i]);
	free(counts);
}

/*
 * Issue 13, item 5: copy-truncate while the service was stopped, then 150
 * records.  The 100th boundary of the new content is at the saved offset
 * and the 64 bytes before it match (same stack trace); the file's first
 * bytes do not, so all 150 are read, none skipped.
 */
START_TEST(tail_copy_truncate_while_stopped)
{
	struct env e;

	env_init(&e, "tail-copytrunc");
	append_traced(e.path, 0, 100);
	settle(&e);
	ww_tailer_free(e.t);
	e.t = NULL;
	truncate_file(e.path);
	append_traced(e.path, 1000, 1150);
	env_open_tailer(&e);
	settle(&e);
	assert_old_and_new(&e);
	env_free(&e);
}
END_TEST

/*
 * The same while running: copy-truncate refilled past the old offset
 * between two polls (the size never looks smaller).  The first bytes
 * changed, so the tailer starts the file anew: 150 new records, none
 * skipped.  Before, the 100 records before the old offset were lost.
 */
START_TEST(tail_copy_truncate_refilled_between_polls)
{
	struct env e;
	struct ww_tailer_stats st;

	env_init(&e, "tail-refill");
	append_traced(e.path, 0, 100);
	settle(&e);
	truncate_file(e.path);
	append_traced(e.path, 1000, 1150);
	memset(&st, 0, sizeof(st));
	poll_ok(&e, &st);
	ck_assert_uint_eq(st.truncations, 1);
	settle(&e);
	assert_old_and_new(&e);
	env_free(&e);
}
END_TEST

/*
 * WSUS's rotation: the log becomes .old (replacing it), a new one starts.
 * False when the old .old keeps its name because we hold it open (Windows
 * keeps a deleted file's name until its last handle is closed).
 */
static bool rotate(struct env *e)
{
	remove(e->old);
	if (ww_os_path_exists(e->old))
		return false;
	ck_assert_int_eq(rename(e->path, e->old), 0);
	return true;
}

/*
 * Issue 13, item 8: two rotations within one poll.  The middle file, on
 * disk as .old, is read; the one we held open is finished; nothing twice.
 * Then the same while the service is stopped (guaranteed too), and a
 * deletion, whose .old is the file before: not read again.
 */
START_TEST(tail_two_rotations_read_the_middle_file)
{
	struct env e;

	env_init(&e, "tail-tworot");
	append(e.path, 0, 50);
	poll_ok(&e, NULL);
	append(e.path, 50, 60);
	ck_assert(rotate(&e));
	append(e.path, 60, 100);
	if (!rotate(&e)) { /* Windows: only after we let go of the first */
		poll_ok(&e, NULL);
		ck_assert(rotate(&e));
	}
	append(e.path, 100, 130);
	poll_ok(&e, NULL);
	settle(&e);
	assert_exactly_once(&e, 130);

	/* While stopped (what was read to its end may go with the first). */
	ww_tailer_free(e.t);
	e.t = NULL;
	ck_assert(rotate(&e));
	append(e.path, 130, 170);
	ck_assert(rotate(&e));
	append(e.path, 170, 200);
	env_open_tailer(&e);
	settle(&e);
	assert_exactly_once(&e, 200);

	/* Deleted and re-created: .old is the file before, already read. */
	ck_assert_int_eq(remove(e.path), 0);
	if (!ww_os_path_exists(e.path)) { /* Wine: see the first test */
		append(e.path, 200, 220);
		settle(&e);
		env_restart(&e);
		settle(&e);
		assert_exactly_once(&e, 220);
	}
	env_free(&e);
}
END_TEST

/*
 * A position saved by a build of schema version 2 (identity, offset and
 * the checksum of the 64 bytes before it; no fingerprint, no previous
 * file) resumes exactly after the migration to version 3.
 */
START_TEST(tail_resumes_a_position_saved_before_v3)
{
	struct env e;
	struct ww_err err;
	char sql[512], *ident;
	int64_t off, sum;
	int i;

	/* The values a tailer saves for 40 records, read back. */
	env_init(&e, "tail-schema2");
	append(e.path, 0, 40);
	settle(&e);
	ident = ww_test_sql_text(ww_store_db(e.store),
				 "SELECT identity FROM source_position");
	off = ww_test_sql_i64(ww_store_db(e.store),
			      "SELECT offset FROM source_position");
	sum = ww_test_sql_i64(ww_store_db(e.store),
			      "SELECT checksum FROM source_position");
	ww_tailer_free(e.t);
	ww_store_close(e.store);
	remove(e.db);

	/* What a build of schema 2 leaves: its schema, findings, position. */
	ww_store_set_migrations(ww_store_migrations, 2);
	ck_assert_msg(ww_store_open(e.db, &e.store, &err) == 0, "%s", err.msg);
	ww_store_set_migrations(NULL, 0);
	for (i = 0; i < 40; i++) {
		snprintf(sql, sizeof(sql), "INSERT INTO log_finding(source, at,"
			 " category, message) VALUES ('log', 0, 'timeout',"
			 " 'seq=%06d')", i);
		ck_assert_int_eq(sqlite3_exec(ww_store_db(e.store), sql, NULL,
					      NULL, NULL), SQLITE_OK);
	}
	snprintf(sql, sizeof(sql), "INSERT INTO source_position(source,"
		 " identity, offset, checksum, checksum_len, updated_at) VALUES"
		 " ('log', '%s', %" PRId64 ", %" PRId64 ", 64, 0)", ident, off,
		 sum);
	ck_assert_int_eq(sqlite3_exec(ww_store_db(e.store), sql, NULL, NULL,
				      NULL), SQLITE_OK);
	ww_store_close(e.store);
	free(ident);

	/* This build migrates the store and resumes where that one stopped. */
	ck_assert_msg(ww_store_open(e.db, &e.store, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(ww_test_sql_i64(ww_store_db(e.store),
					 "PRAGMA user_version"),
			 WW_STORE_SCHEMA_VERSION);
	env_open_tailer(&e);
	append(e.path, 40, 60);
	settle(&e);
	assert_exactly_once(&e, 60);
	env_free(&e);
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("tail");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, tail_append_rotate_truncate_recreate);
	tcase_add_test(tc, tail_restarts_resume_exactly);
	tcase_add_test(tc, tail_checksum_catches_reuse);
	tcase_add_test(tc, tail_first_start_is_bounded);
	tcase_add_test(tc, tail_initial_max_from_rollover);
	tcase_add_test(tc, tail_first_start_bounded_by_rollover);
	tcase_add_test(tc, tail_sync_runs_reach_the_store);
	tcase_add_test(tc, tail_manual_request_survives_a_restart);
	tcase_add_test(tc, tail_settles_after_the_clock_steps_back);
	tcase_add_test(tc, tail_quiet_log_complete_at_first_poll);
	tcase_add_test(tc, tail_copy_truncate_while_stopped);
	tcase_add_test(tc, tail_copy_truncate_refilled_between_polls);
	tcase_add_test(tc, tail_two_rotations_read_the_middle_file);
	tcase_add_test(tc, tail_resumes_a_position_saved_before_v3);
	suite_add_tcase(s, tc);
	return s;
}
