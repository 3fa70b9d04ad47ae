/*
 * control.h - the control protocol of the running monitor and the two
 * transports that carry it (control_posix.c: a Unix socket; control_win32.c:
 * a named pipe).
 *
 * Protocol (docs/cli-contract.md): one request line of at most
 * WW_CONTROL_MAX_REQUEST bytes ending in '\n', one JSON response line, then
 * the server closes.  Requests:
 *   {"cmd":"status"}  {"cmd":"history","limit":N}  {"cmd":"version"}
 * Anything else gets {"error":{"code":"...","message":"..."}}.
 *
 * The protocol half (control.c) is portable and has no I/O: it frames bytes
 * into a request line and turns a line into a response, asking a
 * struct ww_control_source for the data.  The source is called from the
 * control thread and must only read immutable snapshots.
 */
#ifndef WW_SERVICE_CONTROL_H
#define WW_SERVICE_CONTROL_H

#include "compat.h"
#include "err.h"

#define WW_CONTROL_MAX_REQUEST 4096   /* bytes, the '\n' included */
#define WW_CONTROL_MAX_RESPONSE (4u << 20) /* a client reads at most this */
#define WW_CONTROL_HISTORY_MAX 1000   /* largest "limit" accepted */
#define WW_CONTROL_HISTORY_DEFAULT 20
#define WW_CONTROL_READ_TIMEOUT_MS 5000 /* a silent client is dropped */
#define WW_CONTROL_MAX_CLIENTS 256    /* served at once; more wait */

/* Error codes of the error object (stable: scripts may test them). */
#define WW_CTLERR_TOO_LARGE "request_too_large"
#define WW_CTLERR_MALFORMED "malformed_request"
#define WW_CTLERR_UNKNOWN "unknown_command"
#define WW_CTLERR_BAD_ARG "invalid_argument"
#define WW_CTLERR_TIMEOUT "timeout"
#define WW_CTLERR_INTERNAL "internal_error"
#define WW_CTLERR_BUSY "busy"

/*
 * Where the answers come from.  Each function returns a heap JSON text
 * (free()) or NULL on allocation failure.
 */
struct ww_control_source {
	char *(*status_json)(void *ctx);
	char *(*history_json)(void *ctx, int limit);
	char *(*version_json)(void *ctx);
	void *ctx;
	/*
	 * The server's own trouble (a failing poll() or accept(), running
	 * out of descriptors), called from the control thread; may be NULL.
	 */
	void (*log)(void *ctx, const char *msg);
};

/* Accumulates one request line from a byte stream. */
struct ww_control_framer {
	char buf[WW_CONTROL_MAX_REQUEST + 1];
	size_t len;
};

enum ww_frame_state {
	WW_FRAME_MORE = 0,      /* no '\n' yet, keep reading */
	WW_FRAME_LINE = 1,      /* buf holds a complete line, NUL-terminated */
	WW_FRAME_OVERSIZED = 2  /* more than WW_CONTROL_MAX_REQUEST bytes */
};

void ww_control_framer_init(struct ww_control_framer *f);

/*
 * Feed n bytes.  Bytes after the first '\n' are ignored (one request per
 * connection).  Once LINE or OVERSIZED is returned, later calls return the
 * same state.
 */
enum ww_frame_state ww_control_framer_feed(struct ww_control_framer *f,
					   const void *data, size_t n);

enum ww_control_cmd {
	WW_CTL_STATUS = 1,
	WW_CTL_HISTORY,
	WW_CTL_VERSION
};

struct ww_control_req {
	enum ww_control_cmd cmd;
	int limit; /* history only */
};

/*
 * Parse one request line (without or with its '\n').  On failure returns
 * WW_EPARSE / WW_EINVAL / WW_EPROTO and sets *ret_code to one of the
 * WW_CTLERR_* names, err->msg to the message for the client.
 */
int ww_control_parse(const char *line, size_t len, struct ww_control_req *req,
		     const char **ret_code, struct ww_err *err);

/* The error object as one JSON line with '\n' (heap), or NULL. */
char *ww_control_error_json(const char *code, const char *message);

/*
 * The whole server side of one exchange: parse the line, ask the source,
 * return the response line ending in '\n' (heap).  Never NULL unless memory
 * is exhausted.
 */
char *ww_control_respond(const struct ww_control_source *src, const char *line,
			 size_t len);

/*
 * The response to a framing outcome that is not a line (oversized, timed
 * out): a heap error line.
 */
char *ww_control_respond_oversized(void);
char *ww_control_respond_timeout(void);

/* ---- transports (control_posix.c / control_win32.c) ---- */

struct ww_config;
struct ww_control_server;

/*
 * Start serving on the endpoint the configuration names (control.socket or
 * the default socket path on POSIX; \\.\pipe\<control.pipe> on Windows),
 * on a thread of its own.  Refuses to start when another monitor already
 * serves the endpoint (WW_EEXIST) or when its directory is not private
 * (WW_EPERM).  *ret_note may receive a heap warning to log (free()).
 */
int ww_control_server_start(const struct ww_config *cfg,
			    const struct ww_control_source *src,
			    struct ww_control_server **ret, char **ret_note,
			    struct ww_err *err);

/* Stop accepting, drop clients, join the thread, free.  NULL-safe. */
void ww_control_server_stop(struct ww_control_server *s);

/* The endpoint being served ("/var/lib/wsuswatch/wsuswatch.sock"). */
const char *ww_control_server_endpoint(const struct ww_control_server *s);

/*
 * Client side: send one request line to the endpoint of cfg and read the
 * whole response (heap, NUL-terminated, without the trailing newline).
 * WW_EUNAVAIL when no monitor listens, WW_EPERM when access is denied,
 * WW_ETIMEDOUT when it does not answer within timeout_ms.
 */
int ww_control_request(const struct ww_config *cfg, const char *request,
		       unsigned timeout_ms, char **ret_response,
		       struct ww_err *err);

/*
 * ww_control_request(), answered only by the monitor of the service named
 * `service`: on Windows the pipe's server process (GetNamedPipeServer-
 * ProcessId) must be that service's process (its PID from the SCM) or,
 * while the service is not running, this same executable run by SYSTEM,
 * Administrators or this account (a console monitor).  Any other server
 * (a process that took the name first) is refused with WW_EINUSE and a
 * message naming its PID, before the request is sent.  POSIX: the socket
 * lives in a private directory; the same as ww_control_request().
 */
int ww_control_request_service(const struct ww_config *cfg,
			       const char *service, const char *request,
			       unsigned timeout_ms, char **ret_response,
			       struct ww_err *err);

/* The endpoint name for cfg (heap), for messages. */
char *ww_control_endpoint(const struct ww_config *cfg);

#endif /* WW_SERVICE_CONTROL_H */
