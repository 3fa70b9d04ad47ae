/*
 * ingest.c - the store-ingest benchmark driver (bench_ingest.sh): the real
 * tailer (probes/synclog/tail.c) reads a whole SoftwareDistribution.log into a
 * fresh store, committing findings, sync runs and its position in batches
 * of BATCH records, exactly as the monitor's log task does; only the batch
 * size is the driver's (ww_tailer_options.batch_records, not a product
 * configuration key).
 *
 * usage: ww_bench_ingest DB LOG BATCH
 * Prints one line: records= batches= findings= run_updates= ms= db_bytes=
 * Exit 1 on any error (the message on stderr).
 */
#include "compat.h"

#include <sys/stat.h>

#include "os.h"
#include "tail.h"
#include "store.h"
#include "util.h"

static void remove_db(const char *db)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	char p[1024];
	size_t i;

	for (i = 0; i < WW_ARRAY_SIZE(suffix); i++) {
		snprintf(p, sizeof(p), "%s%s", db, suffix[i]);
		remove(p);
	}
}

static int ingest(const char *db, const char *log, size_t batch)
{
	struct ww_tailer_options opt = { 0 };
	struct ww_tailer_stats st;
	struct ww_store *s = NULL;
	struct ww_tailer *t = NULL;
	struct ww_err err;
	struct stat sb;
	int64_t now = 1900000000, t0, ms;
	int r;

	memset(&st, 0, sizeof(st));
	ww_err_clear(&err);
	opt.initial_max = UINT64_MAX / 2; /* the whole file, from 0 */
	opt.batch_records = batch;
	remove_db(db);
	r = ww_store_open(db, &s, &err);
	if (!r)
		r = ww_tailer_new(log, s, "log", &opt, &t, &err);
	t0 = ww_os_monotonic_ms();
	/* One poll reads the file; the next, once the settle time has passed,
	 * flushes its last record (complete only when nothing follows). */
	if (!r)
		r = ww_tailer_poll(t, now, &st, &err);
	if (!r)
		r = ww_tailer_poll(t, now + 3600, &st, &err);
	ms = ww_os_monotonic_ms() - t0;
	ww_tailer_free(t);
	ww_store_close(s); /* checkpoints the WAL into the file */
	if (r) {
		fprintf(stderr, "ww_bench_ingest: %s\n", err.msg[0] ? err.msg :
			ww_strerror(r));
		return 1;
	}
	if (stat(db, &sb) != 0) {
		fprintf(stderr, "ww_bench_ingest: %s: %s\n", db, strerror(errno));
		return 1;
	}
	printf("records=%" PRIu64 " batches=%" PRIu64 " findings=%" PRIu64
	       " run_updates=%" PRIu64 " ms=%" PRId64 " db_bytes=%lld\n",
	       st.records, st.batches, st.findings, st.run_updates, ms,
	       (long long)sb.st_size);
	return 0;
}

int main(int argc, char **argv)
{
	int64_t batch;

	if (argc != 4 || ww_parse_i64(argv[3], &batch) || batch <= 0) {
		fprintf(stderr, "usage: ww_bench_ingest DB LOG BATCH\n");
		return 64;
	}
	return ingest(argv[1], argv[2], (size_t)batch);
}
