/*
 * diag_log.c - the WSUS log for diagnose: the last log->chunk bytes of
 * SoftwareDistribution.log.old followed by SoftwareDistribution.log,
 * through the same parser, classifier and sync-run derivation the
 * service uses.
 *
 * Bounded on purpose: a log can be hundreds of megabytes and diagnose
 * must answer in seconds.  The chunk is the tailer's first-start bound
 * (ww_tail_initial_max() of wsus.log_rollover: WSUS's rollover size plus
 * a quarter, 32 MiB when unknown), so it always covers the current file
 * and usually the end of the previous one: several days of syncs on a
 * normal server.  When reading starts in the middle of a file the
 * partial first record is skipped (not counted as malformed).
 */
#include "compat.h"

#include "diagnose.h"
#include "os.h"
#include "tail.h"
#include "util.h"

#define READ_CHUNK ((size_t)1 << 20)

struct log_ctx {
	struct ww_diag_log *log;
	struct ww_synclog_classifier *classifier;
	struct ww_sync_tracker tracker;
};

static int put_run(void *ctx, const struct ww_sync_run *run)
{
	struct log_ctx *c = ctx;

	return ww_sync_run_list_put(&c->log->runs, run);
}

static int on_record(void *ctx, const struct ww_synclog_record *rec)
{
	struct log_ctx *c = ctx;
	ww_synclog_catset cats = ww_synclog_classify(c->classifier, rec);

	ww_finding_summary_add(c->log->findings, cats, rec);
	return ww_sync_tracker_record(&c->tracker, rec, cats, put_run, c);
}

/* Size of a file, or false when it does not exist. */
static int file_size(const char *path, bool *present, uint64_t *size,
		     struct ww_err *err)
{
	struct ww_tail_file *f = NULL;
	struct ww_file_id id;
	int r = ww_tail_file_open(path, &f, err);

	*present = false;
	*size = 0;
	if (r == WW_ENOENT) {
		ww_err_clear(err);
		return 0;
	}
	if (!r)
		r = ww_tail_file_info(f, &id, size, err);
	ww_tail_file_close(f);
	*present = r == 0;
	return r;
}

static int feed_file(struct ww_diag_logfile *lf, struct ww_synclog_parser *p,
		     char *buf, struct ww_err *err)
{
	struct ww_tail_file *f = NULL;
	enum ww_synclog_encoding enc = WW_SYNCLOG_ENC_AUTO;
	uint64_t off = lf->offset;
	size_t got;
	int r = ww_tail_file_open(lf->path, &f, err);

	if (r)
		return r;
	if (off > 0) {
		r = ww_tail_file_read_at(f, 0, buf, 4, &got, err);
		enc = r ? WW_SYNCLOG_ENC_UTF8 : ww_synclog_sniff_encoding(buf, got);
		if (enc == WW_SYNCLOG_ENC_UTF16LE && (off & 1))
			off++; /* stay on a UTF-16 code unit */
	}
	ww_synclog_parser_begin(p, off, enc, off > 0);
	while (!r) {
		r = ww_tail_file_read_at(f, off, buf, READ_CHUNK, &got, err);
		if (r || !got)
			break;
		off += got;
		r = ww_synclog_parser_feed(p, buf, got, err);
	}
	if (!r)
		r = ww_synclog_parser_flush(p, false, err);
	ww_tail_file_close(f);
	return r;
}

/* Sizes of .old and the log; where to start so both fit the chunk. */
static int plan(struct ww_diag_log *log, struct ww_err *err)
{
	uint64_t budget = log->chunk ? log->chunk : WW_TAIL_BOUND_DEFAULT;
	int i, r;

	snprintf(log->files[0].path, sizeof(log->files[0].path), "%s.old",
		 log->path);
	ww_strlcpy(log->files[1].path, log->path, sizeof(log->files[1].path));
	for (i = WW_DIAG_LOG_FILES - 1; i >= 0; i--) {
		struct ww_diag_logfile *lf = &log->files[i];
		uint64_t take;

		r = file_size(lf->path, &lf->present, &lf->size, err);
		if (r)
			return r;
		take = lf->size < budget ? lf->size : budget;
		lf->offset = lf->size - take;
		budget -= take;
	}
	return 0;
}

static int read_files(struct ww_diag_log *log, int64_t now,
		      struct ww_err *err)
{
	struct ww_synclog_parser *p = NULL;
	struct log_ctx c;
	char *buf = malloc(READ_CHUNK);
	int i, r;

	memset(&c, 0, sizeof(c));
	c.log = log;
	ww_sync_tracker_init(&c.tracker);
	r = buf ? ww_synclog_classifier_new(&c.classifier, err) :
		  ww_err_set(err, WW_ENOMEM, "diagnose: out of memory");
	if (!r)
		r = ww_synclog_parser_new(&p, on_record, &c, err);
	for (i = 0; !r && i < WW_DIAG_LOG_FILES; i++) {
		struct ww_diag_logfile *lf = &log->files[i];

		if (lf->present && lf->offset < lf->size)
			r = feed_file(lf, p, buf, err);
	}
	if (!r)
		r = ww_sync_tracker_expire(&c.tracker, now, put_run, &c);
	if (p)
		log->stats = *ww_synclog_parser_stats(p);
	/* Not sorted by time: the rules of runs read them in the order the
	 * log has them (a clock stepped back must not hide a failure). */
	ww_synclog_parser_free(p);
	ww_synclog_classifier_free(c.classifier);
	free(buf);
	return r;
}

int ww_diag_read_log(struct ww_diag_log *log, int64_t now, struct ww_err *err)
{
	int r;

	ww_sync_run_list_release(&log->runs);
	ww_sync_run_list_init(&log->runs, WW_DIAG_RUNS_MAX);
	r = plan(log, err);
	if (!r && !log->files[0].present && !log->files[1].present) {
		log->avail = WW_DIAG_NOT_HERE;
		return 0;
	}
	if (!r)
		r = read_files(log, now, err);
	if (r) {
		log->avail = WW_DIAG_UNAVAILABLE;
		ww_strlcpy(log->error, err && err->msg[0] ? err->msg :
			   ww_strerror(r), sizeof(log->error));
		return r;
	}
	log->avail = WW_DIAG_AVAILABLE;
	return 0;
}
