/*
 * tail.c - the portable tailer: which file, from where, and when to
 * commit.  The OS side (identity, shared open, positioned reads) is in
 * tail_posix.c / tail_win32.c; the contract is in tail.h and the design
 * in docs/synclog.md.
 *
 * Invariant: source_position always names the file being read and the
 * offset just past the last record whose findings and run changes are
 * committed.  Whenever the tailer moves to another file it first commits
 * the end of the old one, then (identity of the new one, offset 0).
 *
 * A file is named by its identity (dev+inode, volume+file index) plus a
 * fingerprint of its first bytes (HEAD_LEN, or fewer when the committed
 * offset is smaller), and the position also checks the bytes before the
 * offset.  The position keeps the print of the file read before the
 * current one, so that a <path>.old that is neither is known to be a
 * file we never saw (two rotations within a poll or while stopped).
 */
#include "compat.h"

#include "os.h"
#include "store.h"
#include "tail.h"
#include "util.h"

#define READ_CHUNK ((size_t)256 * 1024)
#define CHECKSUM_LEN 64
#define HEAD_LEN 1024

struct ww_tailer {
	char *path, *old_path;
	char source[WW_TAIL_SOURCE_MAX];
	struct ww_store *store;
	struct ww_tailer_options opt;
	struct ww_synclog_parser *parser;
	struct ww_synclog_classifier *cls;
	struct ww_sync_tracker tracker;
	struct ww_synclog_batch *batch;
	size_t batch_records;
	char *buf;

	struct ww_tail_file *f;     /* the file being read, or NULL */
	struct ww_file_id id;
	char identity[64];
	struct ww_tail_print head;  /* of f, as far as hashed (cache) */
	struct ww_tail_print prev;  /* the file read before f */
	bool prev_known;
	uint64_t read_pos;          /* next byte to read from f */
	bool started;               /* position restored this session */
	bool fresh;                 /* nothing read from f yet */
	int64_t last_growth;        /* when f last grew, as far as we know */

	uint64_t committed;
	struct ww_tail_position pos; /* last committed */
	int64_t now, last_read_at;
	struct ww_tailer_stats *st; /* of the poll in progress */
	struct ww_err *err;
	char error[WW_ERR_MSG_MAX];
};

static void format_identity(const struct ww_file_id *id, char *buf,
			    size_t size)
{
	snprintf(buf, size, "%" PRIx64 ":%" PRIx64, id->dev, id->ino);
}

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (n--) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/*
 * FNV-1a of the len (<= HEAD_LEN) bytes of f at off: 0, WW_ERANGE when
 * the file ends before them, or the read's error.  The one reader of the
 * bytes that name a file (its head) and a position (the bytes before it).
 */
static int hash_range(struct ww_tail_file *f, uint64_t off, size_t len,
		      uint64_t *ret, struct ww_err *err)
{
	unsigned char b[HEAD_LEN];
	size_t got = 0;
	int r = 0;

	if (len > sizeof(b))
		return WW_ERANGE;
	if (len)
		r = ww_tail_file_read_at(f, off, b, len, &got, err);
	if (r)
		return r;
	if (got != len)
		return WW_ERANGE;
	*ret = fnv1a(b, got);
	return 0;
}

/* Hash of the (up to) CHECKSUM_LEN bytes of f before off. */
static int checksum_before(struct ww_tail_file *f, uint64_t off,
			   uint64_t *ret, uint32_t *ret_len,
			   struct ww_err *err)
{
	size_t want = off < CHECKSUM_LEN ? (size_t)off : CHECKSUM_LEN;
	int r = hash_range(f, off - want, want, ret, err);

	if (!r)
		*ret_len = (uint32_t)want;
	return r; /* WW_ERANGE: the file is shorter than the offset */
}

/* FNV-1a of the first len bytes of f; false when it has fewer. */
static bool head_of(struct ww_tail_file *f, uint32_t len, uint64_t *ret)
{
	return hash_range(f, 0, len, ret, NULL) == 0;
}

/* The print of the file being read, over its first min(off, HEAD_LEN) bytes. */
static int print_at(struct ww_tailer *t, uint64_t off,
		    struct ww_tail_print *p)
{
	uint32_t len = off < HEAD_LEN ? (uint32_t)off : HEAD_LEN;

	if (t->head.head_len != len) {
		if (!head_of(t->f, len, &t->head.head))
			return ww_err_set(t->err, WW_EIO, "%s: cannot read its "
					  "first %u bytes", t->path, len);
		t->head.head_len = len;
	}
	*p = t->head;
	ww_strlcpy(p->identity, t->identity, sizeof(p->identity));
	return 0;
}

/* Commit the batch with position (current file, off). */
static int commit_at(struct ww_tailer *t, uint64_t off)
{
	struct ww_tail_position pos;
	int r;

	if (!t->f && off == t->pos.offset) {
		pos = t->pos; /* the file is gone: keep what identified it */
	} else {
		memset(&pos, 0, sizeof(pos));
		ww_strlcpy(pos.file.identity, t->identity,
			   sizeof(pos.file.identity));
		pos.offset = off;
		pos.valid = true;
		if (t->f && checksum_before(t->f, off, &pos.checksum,
					    &pos.checksum_len, t->err) == WW_EIO)
			return WW_EIO;
		if (t->f && print_at(t, off, &pos.file))
			return WW_EIO;
	}
	pos.previous = t->prev;
	pos.previous_known = t->prev_known;
	r = ww_synclog_batch_commit(t->store, t->source, t->batch, &pos, t->now,
				    t->err);
	if (r)
		return r;
	if (t->st) {
		t->st->records += t->batch_records;
		t->st->batches++;
	}
	ww_synclog_batch_clear(t->batch);
	t->batch_records = 0;
	t->committed = off;
	t->pos = pos;
	return 0;
}

static int put_run(void *ctx, const struct ww_sync_run *run)
{
	struct ww_tailer *t = ctx;

	if (t->st)
		t->st->run_updates++;
	return ww_synclog_batch_add_run(t->batch, run);
}

static int on_record(void *ctx, const struct ww_synclog_record *rec)
{
	struct ww_tailer *t = ctx;
	ww_synclog_catset cats = ww_synclog_classify(t->cls, rec), m = cats;
	int r;

	while (m) {
		int c = 0;

		while (!(m & (1u << c)))
			c++;
		m &= ~(1u << c);
		r = ww_synclog_batch_add_finding(t->batch, rec,
						 (enum ww_synclog_category)c);
		if (r)
			return ww_err_set(t->err, r, "%s: too many findings in "
					  "one batch", t->path);
		if (t->st)
			t->st->findings++;
	}
	r = ww_sync_tracker_record(&t->tracker, rec, cats, put_run, t);
	if (r)
		return ww_err_set(t->err, r, "%s: sync runs: %s", t->path,
				  ww_strerror(r));
	t->batch_records++;
	if (t->batch_records >= t->opt.batch_records)
		return commit_at(t, rec->end);
	return 0;
}

/* ---- files ----------------------------------------------------------- */

static void close_file(struct ww_tailer *t)
{
	ww_tail_file_close(t->f);
	t->f = NULL;
}

/* Open path and start parsing it at off. */
static int open_at(struct ww_tailer *t, const char *path, uint64_t off,
		   bool skip_partial)
{
	enum ww_synclog_encoding enc = WW_SYNCLOG_ENC_AUTO;
	unsigned char head[3];
	size_t got = 0;
	int r;

	close_file(t);
	r = ww_tail_file_open(path, &t->f, t->err);
	if (!r)
		r = ww_tail_file_info(t->f, &t->id, NULL, t->err);
	if (!r && off > 0) {
		r = ww_tail_file_read_at(t->f, 0, head, sizeof(head), &got, t->err);
		enc = ww_synclog_sniff_encoding(head, got);
		if (enc == WW_SYNCLOG_ENC_UTF16LE && (off & 1))
			off++;
	}
	if (r) {
		close_file(t);
		return r;
	}
	format_identity(&t->id, t->identity, sizeof(t->identity));
	memset(&t->head, 0, sizeof(t->head));
	t->head.head = fnv1a(NULL, 0);
	t->read_pos = off;
	t->fresh = true;
	ww_synclog_parser_begin(t->parser, off, enc, skip_partial);
	return 0;
}

/*
 * When did what we just read arrive?  While we watch a file, between the
 * last poll and now: now.  The first read of a file we just opened finds
 * what was written before we came, possibly long ago: the file's own
 * modification time says when (issue 13: counting the quiet period from
 * our first look kept `run --once` from ever seeing a quiet log's last
 * record).  A modification time ahead of our clock counts as now.
 */
static int64_t growth_time(struct ww_tailer *t)
{
	int64_t mtime;

	if (!t->fresh)
		return t->now;
	t->fresh = false;
	if (ww_tail_file_mtime(t->f, &mtime, NULL) || mtime > t->now)
		return t->now;
	return mtime;
}

/* Read what is there now; *grew tells whether anything came. */
static int read_available(struct ww_tailer *t, bool *grew)
{
	size_t got;
	int r;

	*grew = false;
	for (;;) {
		r = ww_tail_file_read_at(t->f, t->read_pos, t->buf, READ_CHUNK,
					 &got, t->err);
		if (r || !got)
			return r;
		if (!*grew)
			t->last_growth = growth_time(t);
		*grew = true;
		t->read_pos += got;
		if (t->st)
			t->st->bytes += got;
		t->last_read_at = t->now;
		r = ww_synclog_parser_feed(t->parser, t->buf, got, t->err);
		if (r)
			return r;
	}
}

/* A file that will not grow any more: read it out, flush, commit. */
static int finish_file(struct ww_tailer *t)
{
	bool grew;
	int r = read_available(t, &grew);

	if (!r)
		r = ww_synclog_parser_flush(t->parser, false, t->err);
	if (!r)
		r = commit_at(t, ww_synclog_parser_emitted_end(t->parser));
	close_file(t);
	return r;
}

/* Start a file we have not read: from 0, or its last initial_max bytes. */
static int open_new(struct ww_tailer *t, const char *path, bool bounded)
{
	uint64_t size = 0, off = 0;
	int r = open_at(t, path, 0, false);

	if (r)
		return r;
	if (bounded) {
		r = ww_tail_file_info(t->f, NULL, &size, t->err);
		if (r)
			return r;
		if (size > t->opt.initial_max)
			off = size - t->opt.initial_max;
		if (off) {
			r = open_at(t, path, off, true);
			if (r)
				return r;
		}
	}
	/* The file we leave becomes the previous one. */
	if (t->pos.valid) {
		t->prev = t->pos.file;
		t->prev_known = true;
	}
	/* Name the new file before reading it (tail.c invariant). */
	return commit_at(t, off);
}

/* Same first bytes as print p (no head saved: nothing to compare)? */
static bool head_matches(struct ww_tail_file *f, const struct ww_tail_print *p)
{
	uint64_t h;

	return !p->head_len || (head_of(f, p->head_len, &h) && h == p->head);
}

static bool checksum_matches(struct ww_tailer *t,
			     const struct ww_tail_position *pos)
{
	uint64_t sum;
	uint32_t len;

	if (checksum_before(t->f, pos->offset, &sum, &len, NULL))
		return false;
	return len == pos->checksum_len && sum == pos->checksum &&
	       head_matches(t->f, &pos->file);
}

/* Does path name the file print p (identity and first bytes)? */
static bool path_is(const char *path, const struct ww_tail_print *p)
{
	struct ww_tail_file *f = NULL;
	struct ww_file_id id;
	char ident[64];
	bool same = false;

	if (!p->identity[0] || ww_tail_file_open(path, &f, NULL))
		return false;
	if (!ww_tail_file_info(f, &id, NULL, NULL)) {
		format_identity(&id, ident, sizeof(ident));
		same = strcmp(ident, p->identity) == 0 && head_matches(f, p);
	}
	ww_tail_file_close(f);
	return same;
}

/* Does path hold the saved file, unchanged up to the saved offset? */
static bool resume_from(struct ww_tailer *t, const char *path,
			const struct ww_tail_position *pos)
{
	struct ww_file_id id;
	char ident[64];

	if (ww_tail_path_id(path, &id, NULL))
		return false;
	format_identity(&id, ident, sizeof(ident));
	if (strcmp(ident, pos->file.identity) != 0)
		return false;
	if (open_at(t, path, pos->offset, false))
		return false;
	if (checksum_matches(t, pos))
		return true;
	close_file(t);
	return false;
}

/*
 * About to start the file at path, having finished (or lost) the one
 * t->pos names.  WSUS keeps one rotated file, <path>.old.  When it is
 * neither that file nor the one read before it, it came after them and
 * we never saw it: two rotations within one poll, or while the service
 * was stopped.  It is read whole first.  (A third rotation removes it
 * before we can: lost, docs/synclog.md.)  Unknown history (a position
 * saved before schema version 3) reads nothing, as before.
 */
static int read_middle(struct ww_tailer *t)
{
	int r;

	if (!t->pos.valid || !t->prev_known ||
	    path_is(t->old_path, &t->pos.file) ||
	    path_is(t->old_path, &t->prev))
		return 0;
	r = open_new(t, t->old_path, false);
	if (r)
		return r == WW_ENOENT ? 0 : r;
	if (t->st)
		t->st->rotations++;
	return finish_file(t);
}

static int start(struct ww_tailer *t)
{
	struct ww_tail_position pos;
	int r;

	r = ww_synclog_store_load_position(t->store, t->source, &pos, t->err);
	if (!r) {
		ww_sync_tracker_init(&t->tracker);
		t->tracker.stale_seconds = t->opt.stale_seconds;
		r = ww_synclog_store_load_tracker(t->store, t->source,
						  &t->tracker, t->err);
	}
	if (r)
		return r;
	t->pos = pos;
	t->committed = pos.offset;
	t->prev = pos.previous;
	t->prev_known = pos.previous_known || !pos.valid;
	t->started = true;
	t->last_growth = t->now;
	if (!pos.valid) {
		/* First start: the rotated file first, so nothing is missed. */
		r = open_new(t, t->old_path, true);
		if (!r)
			r = finish_file(t);
		if (r && r != WW_ENOENT)
			return r;
		r = open_new(t, t->path, true);
		return r == WW_ENOENT ? 0 : r;
	}
	if (resume_from(t, t->path, &pos))
		return 0;
	if (resume_from(t, t->old_path, &pos)) {
		/* Rotated while we were away: finish it, then the new file. */
		r = finish_file(t);
	} else {
		/*
		 * The saved file is gone or was replaced (identity, first
		 * bytes or the bytes before the offset differ): the file at
		 * path is one we have not read, and so may be the .old.
		 */
		r = read_middle(t);
	}
	if (!r)
		r = open_new(t, t->path, false);
	return r == WW_ENOENT ? 0 : r;
}

/* ---- polling --------------------------------------------------------- */

/* Has path moved on to another file (rotation, deletion, re-creation)? */
static int follow_path(struct ww_tailer *t)
{
	struct ww_file_id id;
	int r;

	if (t->f) {
		r = ww_tail_path_id(t->path, &id, NULL);
		if (r == 0 && id.dev == t->id.dev && id.ino == t->id.ino &&
		    !ww_tail_file_deleted(t->f))
			return 0;
		/* Rotated or deleted: what was written to it is final. */
		r = finish_file(t);
		if (r)
			return r;
		if (t->st)
			t->st->rotations++;
	}
	if (ww_tail_path_id(t->path, &id, NULL))
		return 0; /* nothing there (yet) */
	r = read_middle(t);
	if (!r)
		r = open_new(t, t->path, false);
	return r == WW_ENOENT ? 0 : r;
}

/*
 * Truncation: the file is shorter than what was read, or, longer, its
 * first bytes are no longer those hashed (a copy-truncate refilled past
 * the old offset between two polls).  Re-hashing at most HEAD_LEN bytes
 * on a poll that found the file grown is the price of catching the
 * second while running rather than at the next restart; an idle poll
 * reads nothing (a refill to exactly the old size shows at the next
 * growth: the head still differs).
 */
static int head_changed(struct ww_tailer *t, bool *ret)
{
	uint64_t h = 0;
	int r;

	*ret = false;
	if (!t->head.head_len)
		return 0;
	r = hash_range(t->f, 0, t->head.head_len, &h, t->err);
	if (r == WW_ERANGE) {
		*ret = true; /* shorter than its old head */
		return 0;
	}
	if (!r)
		*ret = h != t->head.head;
	return r; /* a read error is an error, never taken for a change */
}

static int check_truncation(struct ww_tailer *t)
{
	uint64_t size;
	bool changed = false;
	int r = ww_tail_file_info(t->f, NULL, &size, t->err);

	if (!r && size > t->read_pos)
		r = head_changed(t, &changed);
	if (r || (size >= t->read_pos && !changed))
		return r;
	/* Copy-truncate: the old content (and its last record) is final. */
	r = ww_synclog_parser_flush(t->parser, false, t->err);
	if (t->st)
		t->st->truncations++;
	ww_synclog_parser_begin(t->parser, 0, WW_SYNCLOG_ENC_AUTO, false);
	t->read_pos = 0;
	t->head.head_len = 0; /* new content: hash its first bytes anew */
	t->head.head = fnv1a(NULL, 0);
	return r ? r : commit_at(t, 0);
}

static int poll_once(struct ww_tailer *t)
{
	bool grew = false;
	int r = 0;

	if (!t->started)
		r = start(t);
	if (!r)
		r = follow_path(t);
	if (!r && t->f)
		r = check_truncation(t);
	if (!r && t->f)
		r = read_available(t, &grew);
	/*
	 * The last record is complete once the file has been quiet for
	 * settle_seconds, also when that quiet began before this poll read it
	 * (growth_time()).  A wall clock that stepped back since the last
	 * growth (now before it) counts as settled: otherwise the last record
	 * would wait for the clock to catch up, possibly for hours.
	 */
	if (!r && t->f && ww_synclog_parser_pending(t->parser) &&
	    (t->now - t->last_growth >= t->opt.settle_seconds ||
	     t->now < t->last_growth))
		r = ww_synclog_parser_flush(t->parser, true, t->err);
	if (!r)
		r = ww_sync_tracker_expire(&t->tracker, t->now, put_run, t);
	if (!r && t->f && (ww_synclog_batch_size(t->batch) ||
			   ww_synclog_parser_emitted_end(t->parser) != t->committed))
		r = commit_at(t, ww_synclog_parser_emitted_end(t->parser));
	else if (!r && !t->f && ww_synclog_batch_size(t->batch))
		r = commit_at(t, t->committed);
	return r;
}

int ww_tailer_poll(struct ww_tailer *t, int64_t now,
		   struct ww_tailer_stats *stats, struct ww_err *err)
{
	struct ww_tailer_stats local;
	const struct ww_synclog_stats *ps;
	struct ww_err e;
	int r;

	memset(&local, 0, sizeof(local));
	ww_err_clear(&e);
	t->now = now;
	t->st = &local;
	t->err = &e;
	ww_synclog_parser_reset_stats(t->parser);
	r = poll_once(t);
	ps = ww_synclog_parser_stats(t->parser);
	local.lines = ps->lines;
	local.malformed = ps->malformed;
	local.overlong = ps->overlong;
	local.file_present = ww_os_path_exists(t->path);
	if (r) {
		/*
		 * Forget everything not committed and restart from the store
		 * at the next poll: nothing is lost, nothing repeated.
		 */
		if (!e.code)
			ww_err_set(&e, r, "%s: %s", t->path, ww_strerror(r));
		ww_strlcpy(t->error, e.msg, sizeof(t->error));
		ww_synclog_batch_clear(t->batch);
		t->batch_records = 0;
		close_file(t);
		t->started = false;
		if (err)
			*err = e;
	} else {
		t->error[0] = '\0';
	}
	if (stats) {
		stats->bytes += local.bytes;
		stats->records += local.records;
		stats->findings += local.findings;
		stats->run_updates += local.run_updates;
		stats->lines += local.lines;
		stats->malformed += local.malformed;
		stats->overlong += local.overlong;
		stats->rotations += local.rotations;
		stats->truncations += local.truncations;
		stats->batches += local.batches;
		stats->file_present = local.file_present;
	}
	t->st = NULL;
	t->err = NULL;
	return r;
}

bool ww_tailer_wait(struct ww_tailer *t, unsigned timeout_ms,
		    struct ww_event *stop)
{
	(void)t;
	if (stop)
		return ww_event_wait(stop, timeout_ms);
	ww_os_sleep_ms(timeout_ms);
	return false;
}

void ww_tailer_status(const struct ww_tailer *t, struct ww_tailer_status *st)
{
	st->path = t->path;
	st->offset = t->committed;
	st->last_read_at = t->last_read_at;
	st->error = t->error[0] ? t->error : NULL;
}

/* ---- life cycle ------------------------------------------------------ */

uint64_t ww_tail_initial_max(int64_t rollover)
{
	uint64_t n;

	if (rollover <= 0)
		return WW_TAIL_BOUND_DEFAULT;
	n = (uint64_t)rollover;
	if (n >= WW_TAIL_BOUND_CEILING)
		return WW_TAIL_BOUND_CEILING;
	n += n / 4;
	if (n < WW_TAIL_BOUND_FLOOR)
		return WW_TAIL_BOUND_FLOOR;
	return n < WW_TAIL_BOUND_CEILING ? n : WW_TAIL_BOUND_CEILING;
}

int ww_tailer_new(const char *path, struct ww_store *store,
		  const char *source, const struct ww_tailer_options *opt,
		  struct ww_tailer **ret, struct ww_err *err)
{
	struct ww_tailer *t = calloc(1, sizeof(*t));
	size_t n = strlen(path);
	int r = WW_ENOMEM;

	if (!t)
		return ww_err_set(err, WW_ENOMEM, "tailer: out of memory");
	if (strlen(source) >= sizeof(t->source)) {
		free(t);
		return ww_err_set(err, WW_EINVAL, "tailer: source name too long");
	}
	ww_strlcpy(t->source, source, sizeof(t->source));
	t->store = store;
	t->opt.initial_max = WW_TAIL_BOUND_DEFAULT;
	t->opt.batch_records = 1000;
	t->opt.settle_seconds = 2;
	t->opt.stale_seconds = WW_SYNC_RUN_STALE_SECONDS;
	if (opt) {
		/* Zero fields keep their defaults. */
		if (opt->initial_max)
			t->opt.initial_max = opt->initial_max;
		if (opt->batch_records)
			t->opt.batch_records = opt->batch_records;
		if (opt->settle_seconds)
			t->opt.settle_seconds = opt->settle_seconds;
		if (opt->stale_seconds)
			t->opt.stale_seconds = opt->stale_seconds;
	}
	t->last_read_at = WW_TIME_UNKNOWN;
	t->path = ww_strdup(path);
	t->old_path = malloc(n + 5);
	t->buf = malloc(READ_CHUNK);
	if (t->path && t->old_path && t->buf) {
		memcpy(t->old_path, path, n);
		memcpy(t->old_path + n, ".old", 5);
		r = ww_synclog_parser_new(&t->parser, on_record, t, err);
	}
	if (!r)
		r = ww_synclog_classifier_new(&t->cls, err);
	if (!r)
		r = ww_synclog_batch_new(&t->batch, err);
	if (r) {
		ww_tailer_free(t);
		return r == WW_ENOMEM ? ww_err_set(err, r, "tailer: out of memory") : r;
	}
	ww_sync_tracker_init(&t->tracker);
	*ret = t;
	return 0;
}

void ww_tailer_free(struct ww_tailer *t)
{
	if (!t)
		return;
	close_file(t);
	ww_synclog_parser_free(t->parser);
	ww_synclog_classifier_free(t->cls);
	ww_synclog_batch_free(t->batch);
	free(t->buf);
	free(t->path);
	free(t->old_path);
	free(t);
}
