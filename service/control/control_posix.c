/*
 * control_posix.c - the control endpoint on POSIX: a Unix stream socket,
 * mode 0600, in a directory of mode 0700 owned by the monitor's user, served
 * by one thread with poll() and non-blocking sockets so that no client, slow
 * or silent, holds up another or the monitor.  History answers read the
 * store and take milliseconds each: a worker thread builds them, so that
 * a hundred history requests never make a `status` wait (status and
 * version are answered from the snapshot at once, on the serving thread).
 */
#include "compat.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"
#include "control.h"
#include "os.h"
#include "util.h"

#define WW_LISTEN_BACKLOG 512
#define WW_DRAIN_MS 1000           /* reading what a client still sends */
#define WW_DRAIN_MAX (64 * 1024)   /* ... and at most this much of it */
#define WW_CONTROL_RETRY_MS 100    /* after poll() or accept() ran out of something */

/*
 * A client is read, answered, then drained: closing a Unix socket with
 * unread input resets the connection, and the peer would lose the error
 * object explaining why it was refused.
 */
enum { CL_FREE = 0, CL_READING, CL_WAITING, CL_WRITING, CL_DRAINING };

/* A history request handed to the worker, and then its answer. */
struct ww_hist_job {
	size_t slot;          /* the client's slot ... */
	uint64_t serial;      /* ... while it is still that client */
	char req[WW_CONTROL_MAX_REQUEST + 1];
	size_t len;
	char *resp;
	struct ww_hist_job *next;
};

struct ww_client {
	int fd;
	int state;
	uint64_t serial;      /* which connection holds the slot */
	int64_t deadline_ms;
	size_t drained;
	struct ww_control_framer fr;
	char *resp;
	size_t resp_len, resp_off;
};

struct ww_control_server {
	struct ww_control_source src;
	char *path;
	dev_t dev;
	ino_t ino;
	int lfd;
	int wake[2];
	struct ww_thread *thread;
	struct ww_client *clients; /* WW_CONTROL_MAX_CLIENTS slots */
	size_t nclients;
	int64_t accept_pause_until; /* monotonic ms; listener not polled before */
	int last_errno;             /* of the last trouble logged, 0: none */
	uint64_t serials;
	/* The history worker: todo and done lists under jlock. */
	struct ww_thread *worker;
	struct ww_mutex *jlock;
	struct ww_event *jgo;
	struct ww_hist_job *todo, *done;
	bool jquit;
	int jdone[2];               /* a byte per finished job */
};

char *ww_control_endpoint(const struct ww_config *cfg)
{
	if (cfg->control.socket && *cfg->control.socket)
		return ww_strdup(cfg->control.socket);
	return ww_os_default_control_endpoint();
}

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static int fill_addr(struct sockaddr_un *sa, const char *path,
		     struct ww_err *err)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return ww_err_set(err, WW_ERANGE,
				  "control socket path '%s' is longer than %zu bytes",
				  path, sizeof(sa->sun_path) - 1);
	ww_strlcpy(sa->sun_path, path, sizeof(sa->sun_path));
	return 0;
}

/* ---------------------------------------------------------------- */
/* endpoint set-up                                                    */

/*
 * The directory must be ours and closed to everybody else: a socket's own
 * mode is not honoured everywhere, the directory's is.  A missing directory
 * is created private; an existing one is never chmod'ed behind the
 * administrator's back (think of /tmp).
 */
static int dir_private(const char *dir, const struct stat *st,
		       struct ww_err *err)
{
	if (S_ISDIR(st->st_mode) && st->st_uid == geteuid() &&
	    !(st->st_mode & 077))
		return 0;
	return ww_err_set(err, WW_EPERM,
			  "control socket directory '%s' must be a directory "
			  "owned by this user with mode 0700 (it is %04o, uid %u)",
			  dir, (unsigned)(st->st_mode & 07777), (unsigned)st->st_uid);
}

static int check_dir(const char *path, struct ww_err *err)
{
	char *dir = ww_strdup(path);
	char *slash = dir ? strrchr(dir, '/') : NULL;
	struct stat st;
	int r = 0;

	if (!dir)
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	if (!slash)
		r = ww_err_set(err, WW_EINVAL,
			       "control socket path '%s' must be absolute", path);
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (!r && lstat(dir, &st) != 0) {
		r = errno == ENOENT ? ww_os_mkdir_private(dir, err)
				    : ww_err_set_os(err, WW_EIO, (unsigned long)errno,
						    "lstat() '%s' failed: %s", dir,
						    strerror(errno));
		/*
		 * Whoever created it first wins the mkdir(): another user's
		 * directory (or link) made between the lstat() above and
		 * ours is accepted by mkdir as "exists".  Look again.
		 */
		if (!r && lstat(dir, &st) != 0)
			r = ww_err_set_os(err, WW_EIO, (unsigned long)errno,
					  "lstat() '%s' failed: %s", dir,
					  strerror(errno));
	}
	if (!r)
		r = dir_private(dir, &st, err);
	free(dir);
	return r;
}

/* A leftover socket of a dead monitor is removed; a live one is an error. */
static int clear_stale(const char *path, const struct sockaddr_un *sa,
		       struct ww_err *err)
{
	struct stat st;
	int fd, r;

	if (lstat(path, &st) != 0)
		return 0;
	if (!S_ISSOCK(st.st_mode))
		return ww_err_set(err, WW_EEXIST,
				  "'%s' exists and is not a socket; not touching it",
				  path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return ww_err_set_os(err, WW_EIO, (unsigned long)errno,
				     "socket() failed: %s", strerror(errno));
	r = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	close(fd);
	if (r == 0)
		return ww_err_set(err, WW_EEXIST,
				  "another monitor is already serving '%s'", path);
	if (unlink(path) != 0)
		return ww_err_set_os(err, WW_EIO, (unsigned long)errno,
				     "unlink() '%s' failed: %s", path, strerror(errno));
	return 0;
}

static int bind_socket(struct ww_control_server *s, struct ww_err *err)
{
	struct sockaddr_un sa;
	struct stat st;
	mode_t old;
	int r;

	if ((r = fill_addr(&sa, s->path, err)) || (r = check_dir(s->path, err)) ||
	    (r = clear_stale(s->path, &sa, err)))
		return r;
	s->lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s->lfd < 0 || set_nonblock(s->lfd))
		return ww_err_set_os(err, WW_EIO, (unsigned long)errno,
				     "socket() failed: %s", strerror(errno));
	/* The socket is born 0600: no window where others could connect. */
	old = umask(0177);
	r = bind(s->lfd, (const struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r != 0)
		return ww_err_set_os(err, errno == EACCES ? WW_EPERM : WW_EIO,
				     (unsigned long)errno, "bind() '%s' failed: %s",
				     s->path, strerror(errno));
	if (chmod(s->path, 0600) != 0 || stat(s->path, &st) != 0 ||
	    listen(s->lfd, WW_LISTEN_BACKLOG) != 0)
		return ww_err_set_os(err, WW_EIO, (unsigned long)errno,
				     "listen() '%s' failed: %s", s->path,
				     strerror(errno));
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	return 0;
}

/* ---------------------------------------------------------------- */
/* serving                                                            */

static void client_close(struct ww_control_server *s, struct ww_client *c)
{
	close(c->fd);
	free(c->resp);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	s->nclients--;
}

static void client_respond(struct ww_client *c, char *resp)
{
	c->resp = resp;
	c->resp_len = resp ? strlen(resp) : 0;
	c->resp_off = 0;
	c->state = CL_WRITING;
	c->deadline_ms = ww_os_monotonic_ms() + WW_CONTROL_READ_TIMEOUT_MS;
}

/* Queue a history request for the worker; the client waits (not polled). */
static void client_defer(struct ww_control_server *s, struct ww_client *c)
{
	struct ww_hist_job *j = calloc(1, sizeof(*j)), **tail;

	if (!j) {
		client_respond(c, ww_control_respond(&s->src, c->fr.buf,
						     c->fr.len));
		return;
	}
	j->slot = (size_t)(c - s->clients);
	j->serial = c->serial;
	j->len = c->fr.len < sizeof(j->req) ? c->fr.len : sizeof(j->req) - 1;
	memcpy(j->req, c->fr.buf, j->len);
	c->state = CL_WAITING;
	ww_mutex_lock(s->jlock);
	for (tail = &s->todo; *tail; tail = &(*tail)->next)
		;
	*tail = j;
	ww_mutex_unlock(s->jlock);
	ww_event_set(s->jgo);
}

static bool is_history(const char *line, size_t len)
{
	struct ww_control_req req;
	const char *code;

	return ww_control_parse(line, len, &req, &code, NULL) == 0 &&
	       req.cmd == WW_CTL_HISTORY;
}

static void client_read(struct ww_control_server *s, struct ww_client *c)
{
	char buf[WW_CONTROL_MAX_REQUEST + 1];
	ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
	enum ww_frame_state st;

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n < 0 || (n == 0 && c->fr.len == 0)) {
		client_close(s, c);
		return;
	}
	if (n == 0) {
		client_respond(c, ww_control_error_json(
				       WW_CTLERR_MALFORMED,
				       "the request must end with a newline"));
		return;
	}
	st = ww_control_framer_feed(&c->fr, buf, (size_t)n);
	if (st == WW_FRAME_LINE && is_history(c->fr.buf, c->fr.len))
		client_defer(s, c);
	else if (st == WW_FRAME_LINE)
		client_respond(c, ww_control_respond(&s->src, c->fr.buf, c->fr.len));
	else if (st == WW_FRAME_OVERSIZED)
		client_respond(c, ww_control_respond_oversized());
}

static void client_write(struct ww_control_server *s, struct ww_client *c)
{
	ssize_t n;

	if (!c->resp) {
		client_close(s, c);
		return;
	}
	n = send(c->fd, c->resp + c->resp_off, c->resp_len - c->resp_off,
		 MSG_NOSIGNAL);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n < 0) {
		client_close(s, c);
		return;
	}
	c->resp_off += (size_t)n;
	if (c->resp_off == c->resp_len) {
		shutdown(c->fd, SHUT_WR);
		c->state = CL_DRAINING;
		c->deadline_ms = ww_os_monotonic_ms() + WW_DRAIN_MS;
	}
}

static void client_drain(struct ww_control_server *s, struct ww_client *c)
{
	char buf[4096];
	ssize_t n = recv(c->fd, buf, sizeof(buf), 0);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n > 0)
		c->drained += (size_t)n;
	if (n <= 0 || c->drained > WW_DRAIN_MAX)
		client_close(s, c);
}

/* Log the server's trouble once per distinct errno, not once per loop. */
static void trouble(struct ww_control_server *s, int e, const char *what)
{
	char msg[256];

	if (e == s->last_errno)
		return;
	s->last_errno = e;
	if (!s->src.log)
		return;
	snprintf(msg, sizeof(msg), "%s failed: %s; retrying every %d ms", what,
		 strerror(e), WW_CONTROL_RETRY_MS);
	s->src.log(s->src.ctx, msg);
}

static void accept_clients(struct ww_control_server *s)
{
	size_t i = 0;

	while (s->nclients < WW_CONTROL_MAX_CLIENTS) {
		int fd = accept(s->lfd, NULL, NULL);

		if (fd < 0 && (errno == EMFILE || errno == ENFILE ||
			       errno == ENOBUFS || errno == ENOMEM)) {
			/*
			 * The pending connection stays, so the listener stays
			 * readable: without a pause the thread would spin.
			 */
			trouble(s, errno, "accept()");
			s->accept_pause_until = ww_os_monotonic_ms() +
						WW_CONTROL_RETRY_MS;
			return;
		}
		if (fd < 0)
			return; /* EAGAIN, or a client gone before accept */
		s->last_errno = 0;
		if (set_nonblock(fd)) {
			close(fd);
			continue;
		}
		while (s->clients[i].state != CL_FREE)
			i++;
		s->clients[i].fd = fd;
		s->clients[i].state = CL_READING;
		s->clients[i].serial = ++s->serials;
		s->clients[i].deadline_ms = ww_os_monotonic_ms() +
					    WW_CONTROL_READ_TIMEOUT_MS;
		ww_control_framer_init(&s->clients[i].fr);
		s->nclients++;
	}
}

static void expire(struct ww_control_server *s, int64_t now)
{
	size_t i;

	for (i = 0; i < WW_CONTROL_MAX_CLIENTS; i++) {
		struct ww_client *c = &s->clients[i];

		/* A waiting client has its answer coming from the worker. */
		if (c->state == CL_FREE || c->state == CL_WAITING ||
		    c->deadline_ms > now)
			continue;
		if (c->state == CL_READING)
			client_respond(c, ww_control_respond_timeout());
		else
			client_close(s, c); /* does not read, or keeps sending */
	}
}

/*
 * pollfd 0 is the wake pipe, 1 the listener, 2 the worker's "done" pipe,
 * then one per client (but those waiting for the worker).
 */
static int build_pollfds(struct ww_control_server *s, struct pollfd *p,
			 size_t *map, int64_t *ret_timeout)
{
	int64_t now = ww_os_monotonic_ms(), t = 1000;
	size_t i, n = 3;

	p[0].fd = s->wake[0];
	p[0].events = POLLIN;
	p[2].fd = s->jdone[0];
	p[2].events = POLLIN;
	p[1].fd = s->nclients < WW_CONTROL_MAX_CLIENTS &&
				  now >= s->accept_pause_until ? s->lfd : -1;
	p[1].events = POLLIN;
	if (now < s->accept_pause_until && s->accept_pause_until - now < t)
		t = s->accept_pause_until - now;
	for (i = 0; i < WW_CONTROL_MAX_CLIENTS; i++) {
		struct ww_client *c = &s->clients[i];

		if (c->state == CL_FREE || c->state == CL_WAITING)
			continue;
		p[n].fd = c->fd;
		p[n].events = c->state == CL_WRITING ? POLLOUT : POLLIN;
		p[n].revents = 0;
		map[n++] = i;
		if (c->deadline_ms - now < t)
			t = c->deadline_ms - now;
	}
	*ret_timeout = t < 0 ? 0 : t;
	return (int)n;
}

/*
 * poll() itself failed (ENOMEM; EINVAL would be a bug): say so and retry,
 * the endpoint must not vanish silently.  True when a stop was asked for
 * meanwhile (the wake pipe is readable without poll()).
 */
static bool poll_failed(struct ww_control_server *s, int e)
{
	char c;

	trouble(s, e, "poll()");
	ww_os_sleep_ms(WW_CONTROL_RETRY_MS);
	return read(s->wake[0], &c, 1) == 1;
}

/* The history worker: builds the answers that read the store. */
static void worker_main(void *arg)
{
	struct ww_control_server *s = arg;
	struct ww_hist_job *j, **tail;

	for (;;) {
		ww_mutex_lock(s->jlock);
		j = s->todo;
		if (j)
			s->todo = j->next;
		if (!j && s->jquit) {
			ww_mutex_unlock(s->jlock);
			return;
		}
		ww_mutex_unlock(s->jlock);
		if (!j) {
			ww_event_wait(s->jgo, 1000);
			ww_event_reset(s->jgo);
			continue;
		}
		j->resp = ww_control_respond(&s->src, j->req, j->len);
		j->next = NULL;
		ww_mutex_lock(s->jlock);
		for (tail = &s->done; *tail; tail = &(*tail)->next)
			;
		*tail = j;
		ww_mutex_unlock(s->jlock);
		if (write(s->jdone[1], "x", 1) < 0)
			errno = 0; /* full: the serving thread reads it anyway */
	}
}

/* Finished history answers to their clients, if still connected. */
static void collect_answers(struct ww_control_server *s)
{
	struct ww_hist_job *j, *next;
	char buf[256];

	while (read(s->jdone[0], buf, sizeof(buf)) > 0)
		;
	ww_mutex_lock(s->jlock);
	j = s->done;
	s->done = NULL;
	ww_mutex_unlock(s->jlock);
	for (; j; j = next) {
		struct ww_client *c = &s->clients[j->slot];

		next = j->next;
		if (c->state == CL_WAITING && c->serial == j->serial)
			client_respond(c, j->resp);
		else
			free(j->resp);
		free(j);
	}
}

static void free_jobs(struct ww_hist_job *j)
{
	struct ww_hist_job *next;

	for (; j; j = next) {
		next = j->next;
		free(j->resp);
		free(j);
	}
}

static void serve_main(void *arg)
{
	struct ww_control_server *s = arg;
	struct pollfd p[WW_CONTROL_MAX_CLIENTS + 3];
	size_t map[WW_CONTROL_MAX_CLIENTS + 3];
	int64_t timeout;
	int n, i;

	for (;;) {
		n = build_pollfds(s, p, map, &timeout);
		p[0].revents = p[1].revents = p[2].revents = 0;
		if (poll(p, (nfds_t)n, (int)timeout) < 0) {
			if (errno != EINTR && poll_failed(s, errno))
				break;
			continue;
		}
		if (p[0].revents)
			break;
		if (p[2].revents)
			collect_answers(s);
		for (i = 3; i < n; i++) {
			struct ww_client *c = &s->clients[map[i]];

			if (!p[i].revents)
				continue;
			if (c->state == CL_READING)
				client_read(s, c);
			if (c->state == CL_WRITING)
				client_write(s, c);
			else if (c->state == CL_DRAINING)
				client_drain(s, c);
		}
		if (p[1].revents)
			accept_clients(s);
		expire(s, ww_os_monotonic_ms());
	}
}

static void server_free(struct ww_control_server *s)
{
	struct stat st;
	size_t i;

	if (s->worker) {
		ww_mutex_lock(s->jlock);
		s->jquit = true;
		ww_mutex_unlock(s->jlock);
		ww_event_set(s->jgo);
		ww_thread_join(s->worker);
	}
	free_jobs(s->todo);
	free_jobs(s->done);
	ww_mutex_free(s->jlock);
	ww_event_free(s->jgo);
	for (i = 0; i < 2; i++)
		if (s->jdone[i] >= 0)
			close(s->jdone[i]);
	for (i = 0; s->clients && i < WW_CONTROL_MAX_CLIENTS; i++)
		if (s->clients[i].state != CL_FREE)
			client_close(s, &s->clients[i]);
	if (s->lfd >= 0) {
		close(s->lfd);
		/* Remove the socket only if it is still the one we made. */
		if (lstat(s->path, &st) == 0 && st.st_dev == s->dev &&
		    st.st_ino == s->ino)
			unlink(s->path);
	}
	if (s->wake[0] >= 0)
		close(s->wake[0]);
	if (s->wake[1] >= 0)
		close(s->wake[1]);
	free(s->clients);
	free(s->path);
	free(s);
}

int ww_control_server_start(const struct ww_config *cfg,
			    const struct ww_control_source *src,
			    struct ww_control_server **ret, char **ret_note,
			    struct ww_err *err)
{
	struct ww_control_server *s = calloc(1, sizeof(*s));
	size_t i;
	int r;

	*ret_note = NULL;
	if (!s)
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	s->lfd = s->wake[0] = s->wake[1] = s->jdone[0] = s->jdone[1] = -1;
	s->src = *src;
	s->path = ww_control_endpoint(cfg);
	s->clients = calloc(WW_CONTROL_MAX_CLIENTS, sizeof(*s->clients));
	if (!s->path || !s->clients) {
		server_free(s);
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	}
	for (i = 0; i < WW_CONTROL_MAX_CLIENTS; i++)
		s->clients[i].fd = -1;
	r = bind_socket(s, err);
	if (!r && (pipe(s->wake) != 0 || set_nonblock(s->wake[0]) ||
		   pipe(s->jdone) != 0 || set_nonblock(s->jdone[0]) ||
		   set_nonblock(s->jdone[1])))
		r = ww_err_set_os(err, WW_EIO, (unsigned long)errno,
				  "pipe() failed: %s", strerror(errno));
	if (!r && (!(s->jlock = ww_mutex_new()) || !(s->jgo = ww_event_new()) ||
		   ww_thread_create(&s->worker, worker_main, s)))
		r = ww_err_set(err, WW_ENOMEM, "cannot start the history worker");
	if (!r && ww_thread_create(&s->thread, serve_main, s))
		r = ww_err_set(err, WW_ENOMEM, "cannot start the control thread");
	if (r) {
		server_free(s);
		return r;
	}
	if (cfg->control.read_group && *cfg->control.read_group) {
		char note[256];

		snprintf(note, sizeof(note),
			 "control.read_group '%s' applies to the Windows pipe only; "
			 "the socket stays 0600, ignoring",
			 cfg->control.read_group);
		*ret_note = ww_strdup(note);
	}
	*ret = s;
	return 0;
}

void ww_control_server_stop(struct ww_control_server *s)
{
	if (!s)
		return;
	if (write(s->wake[1], "x", 1) < 0)
		errno = 0; /* the pipe cannot be full: one byte, once */
	ww_thread_join(s->thread);
	server_free(s);
}

const char *ww_control_server_endpoint(const struct ww_control_server *s)
{
	return s->path;
}

/* ---------------------------------------------------------------- */
/* client                                                             */

static int wait_fd(int fd, short events, int64_t deadline, const char *path,
		   struct ww_err *err)
{
	struct pollfd p = { fd, events, 0 };
	int64_t left = deadline - ww_os_monotonic_ms();
	int r;

	do
		r = poll(&p, 1, left > 0 ? (int)left : 0);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return ww_err_set(err, WW_ETIMEDOUT,
				  "the monitor at '%s' did not answer in time", path);
	return r < 0 ? ww_err_set_os(err, WW_EIO, (unsigned long)errno,
				     "poll() failed: %s", strerror(errno))
		     : 0;
}

static int connect_endpoint(const char *path, int *ret_fd, struct ww_err *err)
{
	struct sockaddr_un sa;
	int fd, r;

	if ((r = fill_addr(&sa, path, err)))
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return ww_err_set_os(err, WW_EIO, (unsigned long)errno,
				     "socket() failed: %s", strerror(errno));
	if (connect(fd, (const struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;

		close(fd);
		if (e == EACCES || e == EPERM)
			return ww_err_set_os(err, WW_EPERM, (unsigned long)e,
					     "access to '%s' denied: %s", path,
					     strerror(e));
		return ww_err_set_os(err, WW_EUNAVAIL, (unsigned long)e,
				     "no monitor is listening on '%s': %s", path,
				     strerror(e));
	}
	if (set_nonblock(fd)) {
		r = ww_err_set_os(err, WW_EIO, (unsigned long)errno,
				  "fcntl() '%s' failed: %s", path, strerror(errno));
		close(fd);
		return r;
	}
	*ret_fd = fd;
	return 0;
}

static int send_all(int fd, const char *data, size_t len, int64_t deadline,
		    const char *path, struct ww_err *err)
{
	while (len > 0) {
		ssize_t n;
		int r = wait_fd(fd, POLLOUT, deadline, path, err);

		if (r)
			return r;
		n = send(fd, data, len, MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return ww_err_set_os(err, WW_EIO, (unsigned long)errno,
					     "send() '%s' failed: %s", path,
					     strerror(errno));
		if (n > 0) {
			data += n;
			len -= (size_t)n;
		}
	}
	return 0;
}

static int recv_all(int fd, struct ww_buf *b, int64_t deadline,
		    const char *path, struct ww_err *err)
{
	char chunk[16384];

	for (;;) {
		ssize_t n;
		int r = wait_fd(fd, POLLIN, deadline, path, err);

		if (r)
			return r;
		n = recv(fd, chunk, sizeof(chunk), 0);
		if (n == 0)
			return 0;
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return ww_err_set_os(err, WW_EIO, (unsigned long)errno,
					     "recv() '%s' failed: %s", path,
					     strerror(errno));
		if (n > 0 && ww_buf_append(b, chunk, (size_t)n))
			return ww_err_set(err, WW_ERANGE,
					  "response from '%s' larger than %u bytes",
					  path, WW_CONTROL_MAX_RESPONSE);
	}
}

int ww_control_request_service(const struct ww_config *cfg,
			       const char *service, const char *request,
			       unsigned timeout_ms, char **ret_response,
			       struct ww_err *err)
{
	(void)service; /* the socket's directory is private (0700) */
	return ww_control_request(cfg, request, timeout_ms, ret_response, err);
}

int ww_control_request(const struct ww_config *cfg, const char *request,
		       unsigned timeout_ms, char **ret_response,
		       struct ww_err *err)
{
	int64_t deadline = ww_os_monotonic_ms() + timeout_ms;
	char *path = ww_control_endpoint(cfg);
	struct ww_buf b;
	int fd = -1, r;

	if (!path)
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	ww_buf_init(&b, WW_CONTROL_MAX_RESPONSE);
	r = connect_endpoint(path, &fd, err);
	if (!r)
		r = send_all(fd, request, strlen(request), deadline, path, err);
	if (!r)
		r = recv_all(fd, &b, deadline, path, err);
	if (fd >= 0)
		close(fd);
	if (!r && b.len == 0)
		r = ww_err_set(err, WW_EPROTO, "'%s' closed without answering", path);
	free(path);
	if (r) {
		ww_buf_release(&b);
		return r;
	}
	if (b.data[b.len - 1] == '\n')
		b.data[--b.len] = '\0';
	*ret_response = ww_buf_detach(&b);
	return 0;
}
