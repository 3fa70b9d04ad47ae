/*
 * os_posix.c - the POSIX implementation of os.h.
 */
#include "compat.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <unistd.h>

#include "os.h"
#include "util.h"

int64_t ww_os_now(void)
{
	return (int64_t)time(NULL);
}

int64_t ww_os_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t ww_os_monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ww_os_sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

unsigned long ww_os_pid(void)
{
	return (unsigned long)getpid();
}

char *ww_os_getenv(const char *name)
{
	const char *v = getenv(name);

	return v ? ww_strdup(v) : NULL;
}

void ww_os_secure_zero(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

int ww_os_fqdn(char *buf, size_t size)
{
	if (!size)
		return WW_ERANGE;
	buf[0] = '\0';
	if (gethostname(buf, size) != 0) {
		buf[0] = '\0';
		return errno == ENAMETOOLONG ? WW_ERANGE : WW_EIO;
	}
	buf[size - 1] = '\0';
	return buf[0] ? 0 : WW_EIO;
}

char *ww_os_default_data_dir(void)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");

	if (geteuid() == 0)
		return ww_strdup("/var/lib/wsuswatch");
	if (state && *state)
		return ww_os_path_join(state, "wsuswatch");
	if (home && *home)
		return ww_os_path_join(home, ".local/state/wsuswatch");
	return ww_strdup("/tmp/wsuswatch");
}

char *ww_os_default_wsus_log(void)
{
	/* WSUS runs only on Windows; on POSIX the log is given explicitly. */
	return ww_strdup("/var/lib/wsuswatch/SoftwareDistribution.log");
}

char *ww_os_default_control_endpoint(void)
{
	char *dir = ww_os_default_data_dir();
	char *path;

	if (!dir)
		return NULL;
	path = ww_os_path_join(dir, "wsuswatch.sock");
	free(dir);
	return path;
}

char *ww_os_path_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	bool slash = dl && dir[dl - 1] == '/';
	char *p = malloc(dl + nl + 2);

	if (!p)
		return NULL;
	memcpy(p, dir, dl);
	if (!slash)
		p[dl++] = '/';
	memcpy(p + dl, name, nl + 1);
	return p;
}

bool ww_os_path_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static int errno_to_ww(int e)
{
	switch (e) {
	case ENOENT: return WW_ENOENT;
	case EACCES:
	case EPERM: return WW_EPERM;
	case ENOMEM: return WW_ENOMEM;
	case EEXIST: return WW_EEXIST;
	case ENAMETOOLONG: return WW_ERANGE;
	default: return WW_EIO;
	}
}

static int mkdir_one(const char *path, struct ww_err *err)
{
	struct stat st;

	if (mkdir(path, 0700) == 0)
		return 0;
	if (errno != EEXIST)
		return ww_err_set_os(err, errno_to_ww(errno), (unsigned long)errno,
				     "mkdir() '%s' failed: %s", path,
				     strerror(errno));
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return ww_err_set(err, WW_EEXIST, "'%s' exists and is not a directory",
				  path);
	return 0;
}

/*
 * chmod 0700 through a descriptor opened without following a link: a
 * symbolic link planted in a shared parent (think of /tmp) must not make
 * a privileged caller chmod whatever it points to.  A leaf that is a link
 * is left alone; callers check what they got.
 */
static int chmod_leaf(const char *path, struct ww_err *err)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int r = 0;

	if (fd < 0 && errno == ELOOP)
		return 0;
	if (fd < 0 || fchmod(fd, 0700) != 0)
		r = ww_err_set_os(err, errno_to_ww(errno), (unsigned long)errno,
				  "chmod() '%s' failed: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return r;
}

int ww_os_mkdir_private(const char *path, struct ww_err *err)
{
	char *copy = ww_strdup(path);
	char *p;
	int r = 0;

	if (!copy)
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	/* Parents are created with the same mode; only the leaf is chmod'ed. */
	for (p = copy + 1; *p && !r; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		r = mkdir_one(copy, err);
		*p = '/';
	}
	if (!r)
		r = mkdir_one(copy, err);
	if (!r)
		r = chmod_leaf(copy, err);
	free(copy);
	return r;
}

int ww_os_credential_read(const char *target, char **ret_user,
			  char **ret_secret, struct ww_err *err)
{
	(void)ret_user;
	(void)ret_secret;
	return ww_err_set(err, WW_EUNAVAIL,
			  "credential '%s': Windows Credential Manager is not "
			  "available on this system; use password_env",
			  target);
}

void ww_os_secret_free(char *secret)
{
	if (!secret)
		return;
	ww_os_secure_zero(secret, strlen(secret));
	free(secret);
}

struct ww_thread {
	pthread_t tid;
	void (*fn)(void *);
	void *arg;
};

static void *thread_trampoline(void *p)
{
	struct ww_thread *t = p;

	t->fn(t->arg);
	return NULL;
}

int ww_thread_create(struct ww_thread **ret, void (*fn)(void *), void *arg)
{
	struct ww_thread *t = calloc(1, sizeof(*t));

	if (!t)
		return WW_ENOMEM;
	t->fn = fn;
	t->arg = arg;
	if (pthread_create(&t->tid, NULL, thread_trampoline, t) != 0) {
		free(t);
		return WW_EIO;
	}
	*ret = t;
	return 0;
}

void ww_thread_join(struct ww_thread *t)
{
	if (!t)
		return;
	pthread_join(t->tid, NULL);
	free(t);
}

struct ww_mutex {
	pthread_mutex_t m;
};

struct ww_mutex *ww_mutex_new(void)
{
	struct ww_mutex *m = calloc(1, sizeof(*m));

	if (m && pthread_mutex_init(&m->m, NULL) != 0)
		WW_FREE(m);
	return m;
}

void ww_mutex_free(struct ww_mutex *m)
{
	if (!m)
		return;
	pthread_mutex_destroy(&m->m);
	free(m);
}

void ww_mutex_lock(struct ww_mutex *m)
{
	pthread_mutex_lock(&m->m);
}

void ww_mutex_unlock(struct ww_mutex *m)
{
	pthread_mutex_unlock(&m->m);
}

static pthread_mutex_t static_lock = PTHREAD_MUTEX_INITIALIZER;

void ww_os_static_lock(void)
{
	pthread_mutex_lock(&static_lock);
}

void ww_os_static_unlock(void)
{
	pthread_mutex_unlock(&static_lock);
}

struct ww_event {
	pthread_mutex_t m;
	pthread_cond_t c;
	bool set;
};

struct ww_event *ww_event_new(void)
{
	struct ww_event *e = calloc(1, sizeof(*e));
	pthread_condattr_t attr;

	if (!e)
		return NULL;
	pthread_mutex_init(&e->m, NULL);
	/* A monotonic condvar: a wall-clock jump must not stretch waits. */
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&e->c, &attr);
	pthread_condattr_destroy(&attr);
	return e;
}

void ww_event_free(struct ww_event *e)
{
	if (!e)
		return;
	pthread_cond_destroy(&e->c);
	pthread_mutex_destroy(&e->m);
	free(e);
}

void ww_event_set(struct ww_event *e)
{
	pthread_mutex_lock(&e->m);
	e->set = true;
	pthread_cond_broadcast(&e->c);
	pthread_mutex_unlock(&e->m);
}

void ww_event_reset(struct ww_event *e)
{
	pthread_mutex_lock(&e->m);
	e->set = false;
	pthread_mutex_unlock(&e->m);
}

bool ww_event_is_set(struct ww_event *e)
{
	bool s;

	pthread_mutex_lock(&e->m);
	s = e->set;
	pthread_mutex_unlock(&e->m);
	return s;
}

bool ww_event_wait(struct ww_event *e, unsigned timeout_ms)
{
	struct timespec ts;
	bool s;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&e->m);
	while (!e->set)
		if (pthread_cond_timedwait(&e->c, &e->m, &ts) == ETIMEDOUT)
			break;
	s = e->set;
	pthread_mutex_unlock(&e->m);
	return s;
}

FILE *ww_os_fopen(const char *path, const char *mode)
{
	return fopen(path, mode);
}

int ww_os_fopen_regular(const char *path, FILE **ret, struct ww_err *err)
{
	/* O_NONBLOCK: opening a FIFO without a writer would wait for one. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	int e;

	*ret = NULL;
	if (fd < 0 || fstat(fd, &st) != 0) {
		e = errno;
		if (fd >= 0)
			close(fd);
		return ww_err_set_os(err, errno_to_ww(e), (unsigned long)e,
				     "%s: %s", path, strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return ww_err_set(err, WW_EIO, "%s: not a regular file (a "
				  "FIFO, device or directory)", path);
	}
	/* A regular file never blocks; plain blocking reads from here on. */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0 ||
	    !(*ret = fdopen(fd, "rb"))) {
		e = errno;
		close(fd);
		return ww_err_set_os(err, errno_to_ww(e), (unsigned long)e,
				     "%s: %s", path, strerror(e));
	}
	return 0;
}

FILE *ww_os_fopen_new(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		      0644);
	FILE *f;

	if (fd < 0)
		return NULL;
	f = fdopen(fd, "wb");
	if (!f)
		close(fd);
	return f;
}

int ww_os_remove(const char *path)
{
	return unlink(path);
}

int ww_os_rename_replace(const char *from, const char *to,
			 struct ww_err *err)
{
	if (rename(from, to) == 0)
		return 0;
	return ww_err_set_os(err, errno_to_ww(errno), (unsigned long)errno,
			     "rename '%s' to '%s': %s", from, to,
			     strerror(errno));
}

/* ---- file locks ---------------------------------------------------------- */

struct ww_os_lock {
	int fd;
};

/* The pid a holder wrote into the lock file, 0 when unknown. */
static unsigned long lock_holder(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	return n > 0 ? ww_lock_pid_parse(buf, (size_t)n) : 0;
}

int ww_os_lock_file(const char *path, struct ww_os_lock **ret,
		    struct ww_err *err)
{
	struct ww_os_lock *l;
	char pid[32];
	int fd, n;

	*ret = NULL;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return ww_err_set_os(err, errno == EACCES ? WW_EPERM : WW_EIO,
				     (unsigned long)errno, "%s: %s", path,
				     strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		unsigned long holder = e == EWOULDBLOCK ? lock_holder(fd) : 0;

		close(fd);
		if (e != EWOULDBLOCK)
			return ww_err_set_os(err, WW_EIO, (unsigned long)e,
					     "%s: lock: %s", path, strerror(e));
		if (holder)
			return ww_err_set(err, WW_EINUSE, "%s: held by process "
					  "%lu", path, holder);
		return ww_err_set(err, WW_EINUSE, "%s: held by another "
				  "process", path);
	}
	l = malloc(sizeof(*l));
	if (!l) {
		close(fd);
		return ww_err_set(err, WW_ENOMEM, "%s: out of memory", path);
	}
	l->fd = fd;
	n = snprintf(pid, sizeof(pid), "%lu\n", ww_os_pid());
	/* The pid is a courtesy for the next one's message: no error. */
	if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)n, 0) < 0)
		(void)0;
	*ret = l;
	return 0;
}

void ww_os_unlock_file(struct ww_os_lock *l)
{
	if (!l)
		return;
	close(l->fd); /* releases the flock */
	free(l);
}
