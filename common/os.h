/*
 * os.h - the operating-system layer: one header, two implementations
 * (os_posix.c, os_win32.c), chosen by CMake as libuv does.  Everything
 * here takes and returns UTF-8; UTF-16 exists only inside os_win32.c.
 * OS error codes are translated to WW_E* here and kept in err->os_code.
 */
#ifndef WW_OS_H
#define WW_OS_H

#include "compat.h"
#include "err.h"

/* Wall clock, seconds / milliseconds since 1970-01-01 UTC. */
int64_t ww_os_now(void);
int64_t ww_os_now_ms(void);
/* A clock that never goes backwards, for timeouts; milliseconds. */
int64_t ww_os_monotonic_ms(void);
void ww_os_sleep_ms(unsigned ms);

/* This process's id. */
unsigned long ww_os_pid(void);

/* The environment variable as a heap UTF-8 string (free()), or NULL. */
char *ww_os_getenv(const char *name);

/* Overwrite memory that held a secret; not optimised away. */
void ww_os_secure_zero(void *p, size_t n);

/*
 * Default locations.  Windows: %ProgramData%\wsuswatch and
 * %ProgramFiles%\Update Services\LogFiles\SoftwareDistribution.log.
 * POSIX: /var/lib/wsuswatch (or $XDG_STATE_HOME/wsuswatch when not root)
 * and a log path that does not exist (WSUS runs only on Windows).
 * Caller frees the returned string; NULL on allocation failure.
 */
char *ww_os_default_data_dir(void);
char *ww_os_default_wsus_log(void);
char *ww_os_default_control_endpoint(void);

/*
 * This computer's fully qualified DNS name (Windows: GetComputerNameEx
 * ComputerNameDnsFullyQualified; POSIX: gethostname, no DNS lookup, so
 * it never blocks) into buf.  0, or WW_EIO / WW_ERANGE with buf "".
 */
int ww_os_fqdn(char *buf, size_t size);

/* Path join with the native separator. Caller frees. */
char *ww_os_path_join(const char *dir, const char *name);

/*
 * Create a directory (and missing parents) readable only by its owner:
 * mode 0700 on POSIX; on Windows a protected DACL granting SYSTEM and
 * Administrators full control and nobody else anything.  An existing
 * directory is re-secured; on Windows with everything in it (owner
 * Administrators, children inherit the private DACL, docs/service.md).
 */
int ww_os_mkdir_private(const char *path, struct ww_err *err);

bool ww_os_path_exists(const char *path);

/* fopen() with a UTF-8 path (_wfopen on Windows).  NULL and errno set. */
FILE *ww_os_fopen(const char *path, const char *mode);

/*
 * Open an existing regular file for reading (binary).  Anything else at
 * path (a FIFO, a device such as /dev/zero, a directory, a pipe) is
 * refused with WW_EIO ("not a regular file": unreadable input, like any
 * other file that cannot be read) without blocking on it or reading from
 * it, so a hostile or mistaken path can neither hang nor spin the caller.
 * WW_ENOENT when nothing is there.
 */
int ww_os_fopen_regular(const char *path, FILE **ret, struct ww_err *err);

/*
 * Read the regular file at path whole into b (appended; its own bound
 * applies as well), at most max bytes: WW_ERANGE "PATH: larger than MAX
 * bytes" beyond, WW_ENOENT when absent, WW_EIO for anything else at path
 * or a read error (ww_os_fopen_regular's rules).  Memory grows with the
 * file, never to max up front.  Portable (os_file.c).
 */
struct ww_buf;
int ww_os_read_file(const char *path, size_t max, struct ww_buf *b,
		    struct ww_err *err);

/*
 * Create path for writing, failing when anything (a file, a symlink, a
 * directory) already has that name, so a privileged writer can never be
 * pointed at another file through a link planted in a shared directory.
 * Binary mode; the file is readable by others (0644 before umask) since
 * its readers (node_exporter) run as another account.  NULL and errno set.
 */
FILE *ww_os_fopen_new(const char *path);
/* Delete a file (a link itself, never its target); 0 or -1 and errno. */
int ww_os_remove(const char *path);
/*
 * Rename from over to, replacing an existing `to` atomically where the
 * OS can: rename(2) on POSIX, MoveFileExW(MOVEFILE_REPLACE_EXISTING |
 * MOVEFILE_WRITE_THROUGH) on Windows.  Readers see the old or the new
 * file, never a half-written one (Prometheus textfile, status files).
 */
int ww_os_rename_replace(const char *from, const char *to,
			 struct ww_err *err);

/*
 * Read a generic credential from Windows Credential Manager (CredReadW):
 * its password and, unless ret_user is NULL, its user name (NULL when it
 * has none; the caller frees it).  Caller frees the secret with
 * ww_os_secret_free().  On failure neither is returned and the message
 * names the target, never a secret.
 * WW_EUNAVAIL on POSIX.
 */
int ww_os_credential_read(const char *target, char **ret_user,
			  char **ret_secret, struct ww_err *err);
/* Zero and free a secret string. NULL-safe. */
void ww_os_secret_free(char *secret);

/*
 * An exclusive lock on the file at path (created 0600 if missing, never
 * deleted): flock() on POSIX, LockFileEx() on Windows, released when the
 * holder closes it or its process ends, however it ends.  The holder's
 * process id is written into the file.  WW_EINUSE when another open of
 * the file holds it (another process, or this one through another
 * ww_os_lock_file()), with the holder's pid in the message when it can be
 * read; another WW_E* when the file cannot be opened.
 */
struct ww_os_lock;
int ww_os_lock_file(const char *path, struct ww_os_lock **ret,
		    struct ww_err *err);
void ww_os_unlock_file(struct ww_os_lock *l); /* NULL-safe */

/* Threads and locks, enough for a loop thread plus a control thread. */
struct ww_thread;
struct ww_mutex;
int ww_thread_create(struct ww_thread **ret, void (*fn)(void *), void *arg);
void ww_thread_join(struct ww_thread *t); /* frees t */
struct ww_mutex *ww_mutex_new(void);
void ww_mutex_free(struct ww_mutex *m);
void ww_mutex_lock(struct ww_mutex *m);
void ww_mutex_unlock(struct ww_mutex *m);

/*
 * One process-wide lock, statically initialised (usable from any thread,
 * before any other exists), for leaf code that must keep a static across
 * calls it cannot pass a context through: expat's memory suite has no user
 * pointer (evimport.c).  Its holder must not call code that takes it.
 */
void ww_os_static_lock(void);
void ww_os_static_unlock(void);

/*
 * A manual-reset event: the monitor's stop signal.  wait returns true
 * when the event is set, false on timeout.
 */
struct ww_event;
struct ww_event *ww_event_new(void);
void ww_event_free(struct ww_event *e);
void ww_event_set(struct ww_event *e);
void ww_event_reset(struct ww_event *e);
bool ww_event_is_set(struct ww_event *e);
bool ww_event_wait(struct ww_event *e, unsigned timeout_ms);

#endif /* WW_OS_H */
