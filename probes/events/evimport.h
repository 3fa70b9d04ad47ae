/*
 * evimport.h - import of exported Application-log events.
 *
 * Two export shapes are read, both streamed through expat so that memory
 * stays bounded whatever the file size:
 *   - `wevtutil qe Application /q:... /f:xml` (or /f:RenderedXml): a
 *     sequence of <Event> elements with no single root element.  The
 *     importer wraps the stream in a synthetic root.
 *   - Event Viewer "Save As... XML": <Events><Event>...</Event></Events>,
 *     usually UTF-16 with a BOM and an XML declaration.
 * Encodings: UTF-8 (with or without BOM) and UTF-16 LE/BE with a BOM.
 *
 * Every complete <Event> with a provider, an event ID, a record ID and a
 * creation time is handed to the caller's function; events lacking one of
 * those are counted as malformed and skipped.  The message is
 * RenderingInfo/Message when the export has it, else the EventData/Data
 * strings joined by newlines.
 *
 * Truncated files (the export was cut off, the disk filled): the complete
 * events before the break are delivered, the import succeeds and
 * stats->truncated is set with a "FILE:LINE:COL: truncated: ..." note.
 * Any other XML error is malformed input: WW_EPARSE with "FILE:LINE:COL:
 * <what>" - events before the error have been delivered, so a caller that
 * stores them must roll back (ww_evstore_import() does).
 */
#ifndef WW_PROBES_EVIMPORT_H
#define WW_PROBES_EVIMPORT_H

#include "compat.h"
#include "err.h"
#include "wsus_event.h"

#define WW_EVIMPORT_CHUNK (64 * 1024)
/* Longest stretch of input without one complete XML token (a start tag
 * with its attributes, a comment): bounds expat's own buffer, which
 * peaks at about 3 times this (it doubles while holding the token). */
#define WW_EVIMPORT_TOKEN_MAX (256 * 1024)
#define WW_EVIMPORT_DEPTH_MAX 32

struct ww_evimport_stats {
	uint64_t events;       /* complete events delivered */
	uint64_t wsus_events;  /* of which from the WSUS provider */
	uint64_t malformed;    /* <Event> elements skipped */
	uint64_t bytes;        /* input bytes read */
	bool truncated;
	/* "FILE:LINE:COL: truncated: ..." or the first malformed event. */
	char note[WW_ERR_MSG_MAX];
	size_t parser_peak_bytes; /* expat's peak heap use, for the bound */
};

/*
 * Called for each complete event; ev is valid only during the call.  A
 * non-zero return stops the import and is returned (err filled by fn).
 */
typedef int (*ww_evimport_fn)(void *ctx, const struct ww_wsus_event *ev,
			      struct ww_err *err);

/* Import the file at path.  WW_ENOENT / WW_EIO when it cannot be read. */
int ww_evimport_file(const char *path, ww_evimport_fn fn, void *ctx,
		     struct ww_evimport_stats *stats, struct ww_err *err);

/* Import from memory; name is used in messages. */
int ww_evimport_mem(const char *name, const void *data, size_t len,
		    ww_evimport_fn fn, void *ctx,
		    struct ww_evimport_stats *stats, struct ww_err *err);

#endif /* WW_PROBES_EVIMPORT_H */
