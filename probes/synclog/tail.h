/*
 * tail.h - follow SoftwareDistribution.log into the store, exactly once.
 *
 * Contract with the monitor loop (one thread owns a tailer):
 *
 *     ww_tailer_new(path, store, "log", &t, &err);
 *     while (!stopping) {
 *             ww_tailer_poll(t, ww_os_now(), &stats, &err);  // never blocks long
 *             ww_tailer_wait(t, 1000, stop_event);            // or the loop's own sleep
 *     }
 *     ww_tailer_free(t);
 *
 * poll() reads everything new and commits it in bounded batches.  Each
 * batch is ONE SQLite transaction holding the batch's log findings, the
 * sync runs it created or changed, and source_position (file identity,
 * offset just past the last complete record, checksum of the bytes before
 * that offset).  A crash anywhere therefore neither loses nor repeats a
 * record: the next start resumes at the committed offset.
 *
 * Files: the path is followed by identity (dev+inode on POSIX, volume
 * serial + file index on Windows), not by name.
 *   - rotation (WSUS renames the file to <path>.old and starts a new one):
 *     the open handle is read to its end, its last record flushed, then the
 *     new file is read from offset 0.  Across a restart, a saved identity
 *     found at <path>.old is finished from the saved offset first.
 *   - truncation (size below the read offset): restart at 0.
 *   - deletion: the open handle is finished; the tailer waits for the path
 *     to reappear (stats.file_present is false meanwhile).
 *   - identity reuse (a new file got the old inode): the saved checksum of
 *     the bytes before the saved offset does not match; read from 0.
 *   - first start (nothing saved): <path>.old then <path>, each from at
 *     most initial_max bytes before its end (a little more than WSUS's
 *     rollover size, ww_tail_initial_max()), so the last sync is known at
 *     once.
 * The last record of a live file is only complete when the next header
 * arrives; it is flushed after settle_seconds without growth.
 *
 * Change detection is a modest poll (default 1 s: one fstat and one stat
 * when nothing changed), the same code on both systems, instead of
 * inotify / ReadDirectoryChangesW: WSUS writes a few lines a second at
 * most, sync health is judged in hours, and polling also works where
 * notifications do not (network shares, some filter drivers).
 */
#ifndef WW_PROBES_TAIL_H
#define WW_PROBES_TAIL_H

#include "compat.h"
#include "err.h"
#include "synclog.h"

struct ww_store;
struct ww_event;
struct ww_tailer;

/* ---- OS layer (tail_posix.c / tail_win32.c) ---------------------------- */

struct ww_file_id {
	uint64_t dev; /* st_dev / volume serial number */
	uint64_t ino; /* st_ino / 64-bit file index */
};

struct ww_tail_file;

/*
 * Open for reading without stopping the writer from appending, renaming
 * or deleting the file (Windows: FILE_SHARE_READ|WRITE|DELETE).
 * WW_ENOENT when it does not exist; WW_EINVAL, without blocking or
 * reading, when it is not a regular file (a FIFO, a device such as
 * /dev/zero, a directory, a pipe).
 */
int ww_tail_file_open(const char *path, struct ww_tail_file **ret,
		      struct ww_err *err);
void ww_tail_file_close(struct ww_tail_file *f); /* NULL-safe */
/* Identity and current size of the open file. */
int ww_tail_file_info(struct ww_tail_file *f, struct ww_file_id *id,
		      uint64_t *size, struct ww_err *err);
/*
 * Last modification time of the open file, seconds since 1970 UTC: how
 * long a file has been quiet before this process first saw it.
 */
int ww_tail_file_mtime(struct ww_tail_file *f, int64_t *ret,
		       struct ww_err *err);
/* Read up to len bytes at off; *got is 0 at end of file. */
int ww_tail_file_read_at(struct ww_tail_file *f, uint64_t off, void *buf,
			 size_t len, size_t *got, struct ww_err *err);
/*
 * True when the open file has been deleted (POSIX: no links left;
 * Windows: delete pending, as its name stays visible until every handle
 * is closed).
 */
bool ww_tail_file_deleted(struct ww_tail_file *f);
/* Identity of whatever file the path names now; WW_ENOENT when none. */
int ww_tail_path_id(const char *path, struct ww_file_id *id,
		    struct ww_err *err);

/* ---- tailer ------------------------------------------------------------ */

#define WW_TAIL_SOURCE_MAX 64

/*
 * How much of each file a first start reads.  Unknown rollover size:
 * 32 MiB, above the 20 MB WSUS documents.  Whatever SUSDB or the file
 * says, the bound stays within 1 MiB (a smaller read may miss the last
 * sync) and 1 GiB (the parser reads ~600 MB/s, docs/performance.md, so a
 * first start and diagnose stay short).
 */
#define WW_TAIL_BOUND_DEFAULT ((uint64_t)32 << 20)
#define WW_TAIL_BOUND_FLOOR ((uint64_t)1 << 20)
#define WW_TAIL_BOUND_CEILING ((uint64_t)1 << 30)

/*
 * The first-start bound for a log WSUS rolls over at rollover bytes
 * (wsus.log_rollover; 0 or less: unknown).  WSUS moves the file to .old
 * only once it has grown past that size, so a quarter more is allowed
 * for the last writes; then clamped to FLOOR..CEILING.
 */
uint64_t ww_tail_initial_max(int64_t rollover);

struct ww_tailer_options {
	uint64_t initial_max;     /* first start: bytes per file, 32 MiB */
	size_t batch_records;     /* records per transaction, 1000 */
	int64_t settle_seconds;   /* flush the last record after, 2 */
	int64_t stale_seconds;    /* running -> unknown, 12 h */
};

struct ww_tailer_stats {
	uint64_t bytes;           /* raw bytes read */
	uint64_t records;         /* records committed */
	uint64_t findings;        /* log_finding rows written */
	uint64_t run_updates;     /* sync_run upserts */
	uint64_t lines, malformed, overlong;
	uint64_t rotations, truncations;
	uint64_t batches;         /* transactions committed */
	bool file_present;        /* the path exists now */
};

/* Position and health of the tailer, for `status`. */
struct ww_tailer_status {
	const char *path;
	uint64_t offset;          /* committed offset in the current file */
	int64_t last_read_at;     /* now of the last poll that read, or unknown */
	const char *error;        /* last poll's error, NULL when fine */
};

/*
 * A tailer of path writing to store under source (e.g. "log"); the store
 * must outlive it.  Loads the saved position and the open sync run; reads
 * nothing yet.  opt may be NULL (defaults).
 */
int ww_tailer_new(const char *path, struct ww_store *store,
		  const char *source, const struct ww_tailer_options *opt,
		  struct ww_tailer **ret, struct ww_err *err);
void ww_tailer_free(struct ww_tailer *t); /* NULL-safe */

/*
 * Read everything new; stats (may be NULL) are added to.  A missing file
 * is not an error.  On a store error nothing of the failed batch is
 * kept and the next poll retries from the last commit.
 */
int ww_tailer_poll(struct ww_tailer *t, int64_t now,
		   struct ww_tailer_stats *stats, struct ww_err *err);

/* Sleep timeout_ms or until stop is set (true when stopping). */
bool ww_tailer_wait(struct ww_tailer *t, unsigned timeout_ms,
		    struct ww_event *stop);

void ww_tailer_status(const struct ww_tailer *t, struct ww_tailer_status *st);

/* ---- store side (synclog_store.c) -------------------------------------- */

/* What names a file: identity plus a fingerprint of its first bytes. */
struct ww_tail_print {
	char identity[64];        /* "dev:ino" in hex; "" for none */
	uint64_t head;            /* FNV-1a of the first head_len bytes */
	uint32_t head_len;        /* up to 1024; 0: not checked */
};

struct ww_tail_position {
	struct ww_tail_print file;
	uint64_t offset;
	uint64_t checksum;        /* FNV-1a of the bytes before offset */
	uint32_t checksum_len;
	/* The file read before this one (identity "" when none). */
	struct ww_tail_print previous;
	bool previous_known;      /* false: saved before schema version 3 */
	bool valid;
};

/* Saved position of source; pos->valid is false when none. */
int ww_synclog_store_load_position(struct ww_store *s, const char *source,
				   struct ww_tail_position *pos,
				   struct ww_err *err);

/* The latest run of source, to resume run derivation; false when none. */
int ww_synclog_store_load_tracker(struct ww_store *s, const char *source,
				  struct ww_sync_tracker *t,
				  struct ww_err *err);

/* Findings and run changes of one batch, then written in one transaction. */
struct ww_synclog_batch;

int ww_synclog_batch_new(struct ww_synclog_batch **ret, struct ww_err *err);
void ww_synclog_batch_free(struct ww_synclog_batch *b);
void ww_synclog_batch_clear(struct ww_synclog_batch *b);
size_t ww_synclog_batch_size(const struct ww_synclog_batch *b);
int ww_synclog_batch_add_finding(struct ww_synclog_batch *b,
				 const struct ww_synclog_record *rec,
				 enum ww_synclog_category cat);
int ww_synclog_batch_add_run(struct ww_synclog_batch *b,
			     const struct ww_sync_run *run);
/*
 * BEGIN IMMEDIATE; insert the findings; upsert the runs by (source, key);
 * replace source_position; COMMIT.  On error, rolls back and leaves the
 * batch as it was, so the caller can retry or drop it.
 */
int ww_synclog_batch_commit(struct ww_store *s, const char *source,
			    struct ww_synclog_batch *b,
			    const struct ww_tail_position *pos, int64_t now,
			    struct ww_err *err);

/* What the health rules need: last attempt and last success, any source. */
struct ww_sync_status {
	int64_t last_attempt;       /* WW_TIME_UNKNOWN when never */
	enum ww_sync_result last_result;
	char last_error[WW_SYNC_ERROR_MAX];
	int64_t last_success;       /* finished_at, WW_TIME_UNKNOWN when never */
};

/* source NULL: over every source (log, eventlog, ...). */
int ww_synclog_store_sync_status(struct ww_store *s, const char *source,
				 struct ww_sync_status *ret,
				 struct ww_err *err);

/*
 * The newest limit sync_run rows of every source, newest first (by start,
 * else finish), appended to arr as objects with the column names
 * (history --json, docs/store.md).
 */
struct cJSON;
int ww_synclog_store_history_json(struct ww_store *s, int limit,
				  struct cJSON *arr, struct ww_err *err);

#endif /* WW_PROBES_TAIL_H */
