/*
 * evimport.c - streaming import of wevtutil / Event Viewer XML exports.
 *
 * Pipeline: bytes -> encoding (BOM) -> UTF-8 -> XML declaration blanked
 * -> expat, inside a synthetic root element so that wevtutil's rootless
 * sequence of <Event> elements is a well-formed document.  One event is
 * kept at a time; expat's heap is counted through its memory suite and
 * its buffering is bounded by WW_EVIMPORT_TOKEN_MAX.
 */
#include "compat.h"

#include <expat.h>

#include "os.h"
#include "evimport.h"
#include "util.h"

#define ROOT_OPEN "<wsuswatch-import>"
#define ROOT_CLOSE "</wsuswatch-import>"
#define NUM_MAX 32

/* --- expat heap accounting -------------------------------------------- */

struct memtrack {
	size_t cur, peak;
};

/*
 * Expat's memory suite has no user pointer, so the running import's
 * tracker is a static, set and cleared under ww_os_static_lock(): imports
 * in one process take turns (they are the CLI's analyze and diagnose,
 * one at a time anyway).  Not thread-local storage, which MSVC's C mode
 * lacks.
 */
static struct memtrack *cur_track;

union memhdr {
	size_t size;
	max_align_t align;
};

static void *track_malloc(size_t n)
{
	union memhdr *h = malloc(sizeof(*h) + n);

	if (!h)
		return NULL;
	h->size = n;
	if (cur_track) {
		cur_track->cur += n;
		if (cur_track->cur > cur_track->peak)
			cur_track->peak = cur_track->cur;
	}
	return h + 1;
}

static void track_free(void *p)
{
	union memhdr *h;

	if (!p)
		return;
	h = (union memhdr *)p - 1;
	if (cur_track)
		cur_track->cur -= h->size;
	free(h);
}

static void *track_realloc(void *p, size_t n)
{
	union memhdr *h, *nh;
	size_t old;

	if (!p)
		return track_malloc(n);
	h = (union memhdr *)p - 1;
	old = h->size;
	nh = realloc(h, sizeof(*nh) + n);
	if (!nh)
		return NULL;
	nh->size = n;
	if (cur_track) {
		cur_track->cur = cur_track->cur - old + n;
		if (cur_track->cur > cur_track->peak)
			cur_track->peak = cur_track->cur;
	}
	return nh + 1;
}

static const XML_Memory_Handling_Suite track_suite = {
	track_malloc, track_realloc, track_free
};

/* --- input: file or memory, decoded to UTF-8 -------------------------- */

enum enc { ENC_UNKNOWN, ENC_UTF8, ENC_UTF16LE, ENC_UTF16BE };

struct src {
	FILE *f;
	const unsigned char *mem;
	size_t mem_len, mem_pos;
	bool io_error;
	enum enc enc;
	unsigned char carry;  /* odd byte of a UTF-16 unit split by a read */
	bool has_carry;
	uint32_t high;        /* pending high surrogate, 0 for none */
};

static size_t src_read(struct src *s, unsigned char *buf, size_t n)
{
	size_t got;

	if (s->f) {
		got = fread(buf, 1, n, s->f);
		if (got < n && ferror(s->f))
			s->io_error = true;
		return got;
	}
	got = s->mem_len - s->mem_pos < n ? s->mem_len - s->mem_pos : n;
	memcpy(buf, s->mem + s->mem_pos, got);
	s->mem_pos += got;
	return got;
}

/* One UTF-16 code unit as UTF-8 (util.h: pairs joined, lone halves U+FFFD). */
static size_t utf16_unit(struct src *s, uint32_t u, unsigned char *o)
{
	uint32_t cp[2];
	size_t i, k = ww_utf16_unit(&s->high, u, cp), n = 0;

	for (i = 0; i < k; i++)
		n += ww_utf8_put(cp[i], o + n);
	return n;
}

/* Convert in[0..n) of UTF-16 to UTF-8 in out (room for 2n + 8 bytes). */
static size_t utf16_decode(struct src *s, const unsigned char *in, size_t n,
			   unsigned char *out)
{
	size_t i = 0, o = 0;
	uint32_t u;

	if (s->has_carry && n > 0) {
		u = s->enc == ENC_UTF16LE ? (uint32_t)(s->carry | in[0] << 8)
					  : (uint32_t)(s->carry << 8 | in[0]);
		o += utf16_unit(s, u, out + o);
		s->has_carry = false;
		i = 1;
	}
	for (; i + 1 < n; i += 2) {
		u = s->enc == ENC_UTF16LE ? (uint32_t)(in[i] | in[i + 1] << 8)
					  : (uint32_t)(in[i] << 8 | in[i + 1]);
		o += utf16_unit(s, u, out + o);
	}
	if (i < n) {
		s->carry = in[i];
		s->has_carry = true;
	}
	return o;
}

/* Detect the encoding from the first bytes; returns the BOM length. */
static size_t detect_encoding(struct src *s, const unsigned char *b, size_t n)
{
	if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
		s->enc = ENC_UTF8;
		return 3;
	}
	if (n >= 2 && b[0] == 0xFF && b[1] == 0xFE) {
		s->enc = ENC_UTF16LE;
		return 2;
	}
	if (n >= 2 && b[0] == 0xFE && b[1] == 0xFF) {
		s->enc = ENC_UTF16BE;
		return 2;
	}
	/*
	 * No BOM: an ASCII character next to a zero byte can only be UTF-16
	 * (XML has no NUL).  Not just '<': an export may start with blanks
	 * or a line break before it (XML spec, appendix F).
	 */
	if (n >= 2 && b[0] != 0 && b[0] < 0x80 && b[1] == 0)
		s->enc = ENC_UTF16LE;
	else if (n >= 2 && b[0] == 0 && b[1] != 0 && b[1] < 0x80)
		s->enc = ENC_UTF16BE;
	else
		s->enc = ENC_UTF8;
	return 0;
}

/* --- the event state machine ------------------------------------------ */

enum section { SEC_NONE, SEC_SYSTEM, SEC_RENDERING, SEC_EVENTDATA };
enum field { F_NONE, F_EVENTID, F_LEVEL, F_RECORDID, F_CHANNEL,
	     F_COMPUTER, F_MESSAGE, F_DATA };

struct imp {
	XML_Parser p;
	const char *name;
	ww_evimport_fn fn;
	void *ctx;
	struct ww_evimport_stats *st;
	struct ww_err *err;
	int rc;                 /* first error, 0 while fine */
	int depth;              /* 1 = the synthetic root */
	int event_depth;        /* depth of the open <Event>, 0 if none */
	enum section section;
	enum field field;
	int64_t last_progress;  /* byte index of the last expat callback */
	struct ww_wsus_event ev;
	bool have_provider, have_id, have_record, have_time, have_msg;
	const char *bad;        /* why the current event is malformed */
	unsigned long ev_line, ev_col;
	char num[NUM_MAX];
	size_t num_len, msg_len, data_len;
	bool num_over, name_over;
	size_t name_len;
	char *name_buf;         /* channel or computer being read */
	char data[WW_EV_MESSAGE_MAX];
	bool data_cut;
};

static const char *local_name(const char *n)
{
	const char *c = strrchr(n, ':');

	return c ? c + 1 : n;
}

static void position(struct imp *im, unsigned long *line, unsigned long *col)
{
	size_t pre = strlen(ROOT_OPEN);

	*line = (unsigned long)XML_GetCurrentLineNumber(im->p);
	*col = (unsigned long)XML_GetCurrentColumnNumber(im->p) + 1;
	if (*line == 1)
		*col = *col > pre ? *col - pre : 1;
}

static void WW_PRINTF(3, 4) fail(struct imp *im, int code, const char *fmt, ...)
{
	char what[WW_ERR_MSG_MAX];
	unsigned long line, col;
	va_list ap;

	if (im->rc)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	position(im, &line, &col);
	im->rc = ww_err_set(im->err, code, "%s:%lu:%lu: %s", im->name, line,
			    col, what);
	XML_StopParser(im->p, XML_FALSE);
}

static void progress(struct imp *im)
{
	im->last_progress = (int64_t)XML_GetCurrentByteIndex(im->p);
}

/* Append text, cutting at a UTF-8 character boundary when full. */
static void append_text(char *buf, size_t cap, size_t *len, const char *s,
			size_t n, bool *cut)
{
	size_t room = cap - 1 - *len;

	if (n > room) {
		n = room;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		*cut = true;
	}
	memcpy(buf + *len, s, n);
	*len += n;
	buf[*len] = '\0';
}

static const char *attr(const char **atts, const char *name)
{
	for (; atts[0]; atts += 2)
		if (strcmp(local_name(atts[0]), name) == 0)
			return atts[1];
	return NULL;
}

static void begin_event(struct imp *im)
{
	memset(&im->ev, 0, sizeof(im->ev));
	im->have_provider = im->have_id = im->have_record = false;
	im->have_time = im->have_msg = false;
	im->bad = NULL;
	im->data_len = 0;
	im->data[0] = '\0';
	im->data_cut = false;
	im->event_depth = im->depth;
	im->section = SEC_NONE;
	im->field = F_NONE;
	position(im, &im->ev_line, &im->ev_col);
}

static void start_field(struct imp *im, enum field f)
{
	im->field = f;
	im->num_len = 0;
	im->num_over = false;
	im->num[0] = '\0';
	im->name_len = 0;
	im->name_over = false;
	if (f == F_CHANNEL || f == F_COMPUTER) {
		im->name_buf = f == F_CHANNEL ? im->ev.channel : im->ev.computer;
		im->name_buf[0] = '\0';
	} else if (f == F_MESSAGE) {
		im->msg_len = 0;
		im->ev.message[0] = '\0';
		im->ev.message_cut = false;
	} else if (f == F_DATA && im->data_len > 0) {
		append_text(im->data, sizeof(im->data), &im->data_len, "\n", 1,
			    &im->data_cut);
	}
}

static void system_attrs(struct imp *im, const char *ln, const char **atts)
{
	const char *v;
	int64_t n;

	if (strcmp(ln, "Provider") == 0) {
		v = attr(atts, "Name");
		if (!v || !*v)
			v = attr(atts, "EventSourceName");
		if (!v || !*v)
			return;
		if (ww_strlcpy(im->ev.provider, v, sizeof(im->ev.provider)) >=
		    sizeof(im->ev.provider))
			im->bad = "provider name too long";
		im->have_provider = true;
	} else if (strcmp(ln, "TimeCreated") == 0) {
		v = attr(atts, "SystemTime");
		if (v && ww_time_parse_iso(v, &im->ev.time) == 0)
			im->have_time = true;
		else
			im->bad = "TimeCreated/@SystemTime missing or invalid";
	} else if (strcmp(ln, "EventID") == 0) {
		v = attr(atts, "Qualifiers");
		if (v && *v) {
			if (ww_parse_i64(v, &n) || n < 0 || n > 0xFFFF)
				im->bad = "EventID/@Qualifiers invalid";
			im->ev.qualifiers = (uint32_t)n;
			im->ev.has_qualifiers = true;
		}
	}
}

static void event_start(struct imp *im, const char *ln, const char **atts)
{
	int rel = im->depth - im->event_depth;

	if (rel == 1) {
		im->section = strcmp(ln, "System") == 0 ? SEC_SYSTEM :
			      strcmp(ln, "RenderingInfo") == 0 ? SEC_RENDERING :
			      strcmp(ln, "EventData") == 0 ? SEC_EVENTDATA :
			      SEC_NONE;
		return;
	}
	if (rel != 2 || im->field != F_NONE)
		return;
	if (im->section == SEC_SYSTEM) {
		system_attrs(im, ln, atts);
		if (strcmp(ln, "EventID") == 0)
			start_field(im, F_EVENTID);
		else if (strcmp(ln, "Level") == 0)
			start_field(im, F_LEVEL);
		else if (strcmp(ln, "EventRecordID") == 0)
			start_field(im, F_RECORDID);
		else if (strcmp(ln, "Channel") == 0)
			start_field(im, F_CHANNEL);
		else if (strcmp(ln, "Computer") == 0)
			start_field(im, F_COMPUTER);
	} else if (im->section == SEC_RENDERING && strcmp(ln, "Message") == 0) {
		start_field(im, F_MESSAGE);
	} else if (im->section == SEC_EVENTDATA && strcmp(ln, "Data") == 0) {
		start_field(im, F_DATA);
	}
}

static void XMLCALL on_start(void *ud, const XML_Char *name,
			     const XML_Char **atts)
{
	struct imp *im = ud;
	const char *ln = local_name(name);

	progress(im);
	im->depth++;
	if (im->depth > WW_EVIMPORT_DEPTH_MAX) {
		fail(im, WW_EPARSE, "elements nested deeper than %d",
		     WW_EVIMPORT_DEPTH_MAX);
		return;
	}
	if (im->depth == 1)
		return;
	if (im->event_depth) {
		event_start(im, ln, atts);
	} else if (strcmp(ln, "Event") == 0 && im->depth <= 3) {
		begin_event(im);
	} else if (strcmp(ln, "Events") != 0 || im->depth != 2) {
		fail(im, WW_EPARSE,
		     "unexpected element <%s>: not an event export "
		     "(expected <Event> or <Events>)", ln);
	}
}

/* Whitespace-trimmed strict number of the current numeric field. */
static bool field_number(struct imp *im, int64_t max, int64_t *ret)
{
	char *s = im->num, *e = im->num + im->num_len;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
			 e[-1] == '\n'))
		*--e = '\0';
	return !im->num_over && ww_parse_i64(s, ret) == 0 && *ret >= 0 &&
	       *ret <= max;
}

static void end_field(struct imp *im)
{
	int64_t n;

	switch (im->field) {
	case F_EVENTID:
		if (field_number(im, 0xFFFFFFFFll, &n)) {
			ww_wsus_event_set_id(&im->ev, (uint32_t)n);
			im->have_id = true;
		} else {
			im->bad = "EventID invalid";
		}
		break;
	case F_LEVEL:
		if (field_number(im, 255, &n))
			im->ev.level = (int)n;
		else
			im->bad = "Level invalid";
		break;
	case F_RECORDID:
		if (field_number(im, INT64_MAX, &n)) {
			im->ev.record_id = (uint64_t)n;
			im->have_record = true;
		} else {
			im->bad = "EventRecordID invalid";
		}
		break;
	case F_CHANNEL:
	case F_COMPUTER:
		if (im->name_over)
			im->bad = "Channel or Computer too long";
		break;
	case F_MESSAGE:
		im->have_msg = true;
		break;
	case F_DATA:
	case F_NONE:
		break;
	}
	im->field = F_NONE;
}

static void end_event(struct imp *im)
{
	struct ww_err e;
	int r;

	im->event_depth = 0;
	if (!im->bad && (!im->have_provider || !im->have_id ||
			 !im->have_record || !im->have_time))
		im->bad = "Provider, EventID, EventRecordID or TimeCreated missing";
	if (im->bad) {
		if (im->st->malformed++ == 0)
			snprintf(im->st->note, sizeof(im->st->note),
				 "%s:%lu:%lu: event skipped: %s", im->name,
				 im->ev_line, im->ev_col, im->bad);
		return;
	}
	if (!im->have_msg) {
		ww_strlcpy(im->ev.message, im->data, sizeof(im->ev.message));
		im->ev.message_cut = im->data_cut;
	}
	im->st->events++;
	if (ww_wsus_event_is_wsus(&im->ev))
		im->st->wsus_events++;
	ww_err_clear(&e);
	r = im->fn ? im->fn(im->ctx, &im->ev, &e) : 0;
	if (r) {
		im->rc = r;
		if (im->err)
			*im->err = e;
		XML_StopParser(im->p, XML_FALSE);
	}
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	struct imp *im = ud;

	(void)name;
	progress(im);
	if (im->event_depth) {
		int rel = im->depth - im->event_depth;

		if (im->field != F_NONE && rel == 2)
			end_field(im);
		else if (rel == 1)
			im->section = SEC_NONE;
		else if (rel == 0)
			end_event(im);
	}
	im->depth--;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	struct imp *im = ud;
	size_t n = (size_t)len;
	int i;

	progress(im);
	switch (im->field) {
	case F_EVENTID:
	case F_LEVEL:
	case F_RECORDID:
		append_text(im->num, sizeof(im->num), &im->num_len, s, n,
			    &im->num_over);
		return;
	case F_CHANNEL:
	case F_COMPUTER:
		append_text(im->name_buf, WW_EV_NAME_MAX, &im->name_len, s, n,
			    &im->name_over);
		return;
	case F_MESSAGE:
		append_text(im->ev.message, sizeof(im->ev.message),
			    &im->msg_len, s, n, &im->ev.message_cut);
		return;
	case F_DATA:
		append_text(im->data, sizeof(im->data), &im->data_len, s, n,
			    &im->data_cut);
		return;
	case F_NONE:
		break;
	}
	if (im->event_depth)
		return;
	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') {
			fail(im, WW_EPARSE, "text outside <Event> elements: "
			     "not an event export");
			return;
		}
}

static void XMLCALL on_other(void *ud, const XML_Char *data)
{
	(void)data;
	progress(ud);
}

static void XMLCALL on_pi(void *ud, const XML_Char *target,
			  const XML_Char *data)
{
	(void)target;
	(void)data;
	progress(ud);
}

/* --- driving expat ---------------------------------------------------- */

/*
 * The stream is wrapped in a root element, where an XML declaration is
 * not allowed: blank it with spaces so that line and column numbers of
 * everything after it stay those of the file.
 */
static int blank_declaration(struct imp *im, char *b, size_t n)
{
	size_t i;

	if (n < 6 || memcmp(b, "<?xml", 5) != 0 ||
	    (b[5] != ' ' && b[5] != '\t' && b[5] != '\r' && b[5] != '\n'))
		return 0;
	for (i = 5; i + 1 < n && i < 1024; i++)
		if (b[i] == '?' && b[i + 1] == '>') {
			for (n = 0; n < i + 2; n++)
				if (b[n] != '\n' && b[n] != '\r')
					b[n] = ' ';
			return 0;
		}
	return ww_err_set(im->err, WW_EPARSE,
			  "%s:1:1: XML declaration not closed within 1 KiB",
			  im->name);
}

static int expat_error(struct imp *im)
{
	unsigned long line, col;

	if (im->rc)
		return im->rc;
	position(im, &line, &col);
	im->rc = ww_err_set(im->err, WW_EPARSE, "%s:%lu:%lu: %s", im->name,
			    line, col, XML_ErrorString(XML_GetErrorCode(im->p)));
	return im->rc;
}

static int feed(struct imp *im, const char *b, size_t n, bool final)
{
	if (XML_Parse(im->p, b, (int)n, final) != XML_STATUS_OK)
		return expat_error(im);
	return 0;
}

static void note_truncated(struct imp *im)
{
	unsigned long line, col;

	position(im, &line, &col);
	im->st->truncated = true;
	snprintf(im->st->note, sizeof(im->st->note),
		 "%s:%lu:%lu: truncated: the file ends inside %s; the %" PRIu64
		 " complete events before it were kept", im->name, line, col,
		 im->event_depth ? "an <Event> element" : "the XML",
		 im->st->events);
}

/* Read, decode and parse everything; called with the parser ready. */
static int pump(struct imp *im, struct src *s, unsigned char *raw,
		unsigned char *utf8)
{
	int64_t total = (int64_t)strlen(ROOT_OPEN);
	bool first = true;
	size_t n, skip, len;
	int r;

	while ((n = src_read(s, raw, WW_EVIMPORT_CHUNK)) > 0) {
		im->st->bytes += n;
		skip = first ? detect_encoding(s, raw, n) : 0;
		if (s->enc == ENC_UTF8) {
			len = n - skip;
			memcpy(utf8, raw + skip, len);
		} else {
			len = utf16_decode(s, raw + skip, n - skip, utf8);
		}
		if (first && (r = blank_declaration(im, (char *)utf8, len)))
			return im->rc = r;
		first = false;
		if ((r = feed(im, (char *)utf8, len, false)))
			return r;
		total += (int64_t)len;
		if (total - im->last_progress > WW_EVIMPORT_TOKEN_MAX) {
			fail(im, WW_ERANGE, "no complete XML token in %d KiB "
			     "(element or comment too large)",
			     WW_EVIMPORT_TOKEN_MAX / 1024);
			return im->rc;
		}
	}
	if (s->io_error)
		return ww_err_set(im->err, WW_EIO, "%s: read error after %" PRIu64
				  " bytes", im->name, im->st->bytes);
	return 0;
}

static int finish(struct imp *im, struct src *s)
{
	if (im->depth > 1 || s->has_carry) {
		note_truncated(im);
		return 0;
	}
	if (XML_Parse(im->p, ROOT_CLOSE, (int)strlen(ROOT_CLOSE), XML_TRUE) !=
	    XML_STATUS_OK) {
		if (im->rc)
			return im->rc;
		/* The only thing left unparsed is a token cut by the end. */
		note_truncated(im);
	}
	return 0;
}

static int run(struct imp *im, struct src *s)
{
	struct memtrack track = { 0, 0 };
	unsigned char *raw = malloc(WW_EVIMPORT_CHUNK);
	unsigned char *utf8 = malloc(2 * WW_EVIMPORT_CHUNK + 8);
	int r = WW_ENOMEM;

	ww_os_static_lock();
	cur_track = &track;
	im->p = XML_ParserCreate_MM("UTF-8", &track_suite, NULL);
	if (!raw || !utf8 || !im->p) {
		r = ww_err_set(im->err, WW_ENOMEM, "%s: out of memory", im->name);
		goto out;
	}
	XML_SetUserData(im->p, im);
	XML_SetElementHandler(im->p, on_start, on_end);
	XML_SetCharacterDataHandler(im->p, on_text);
	XML_SetCommentHandler(im->p, on_other);
	XML_SetProcessingInstructionHandler(im->p, on_pi);
	r = feed(im, ROOT_OPEN, strlen(ROOT_OPEN), false);
	if (!r)
		r = pump(im, s, raw, utf8);
	if (!r)
		r = finish(im, s);
out:
	if (im->p)
		XML_ParserFree(im->p);
	im->st->parser_peak_bytes = track.peak;
	cur_track = NULL;
	ww_os_static_unlock();
	free(raw);
	free(utf8);
	return r;
}

static int import(const char *name, struct src *s, ww_evimport_fn fn,
		  void *ctx, struct ww_evimport_stats *stats,
		  struct ww_err *err)
{
	struct ww_evimport_stats local;
	struct imp *im = calloc(1, sizeof(*im));
	int r;

	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	if (!im)
		return ww_err_set(err, WW_ENOMEM, "%s: out of memory", name);
	im->name = name;
	im->fn = fn;
	im->ctx = ctx;
	im->st = stats;
	im->err = err;
	r = run(im, s);
	free(im);
	return r;
}

int ww_evimport_mem(const char *name, const void *data, size_t len,
		    ww_evimport_fn fn, void *ctx,
		    struct ww_evimport_stats *stats, struct ww_err *err)
{
	struct src s;

	memset(&s, 0, sizeof(s));
	s.mem = data;
	s.mem_len = len;
	return import(name, &s, fn, ctx, stats, err);
}

int ww_evimport_file(const char *path, ww_evimport_fn fn, void *ctx,
		     struct ww_evimport_stats *stats, struct ww_err *err)
{
	struct src s;
	int r;

	memset(&s, 0, sizeof(s));
	s.f = ww_os_fopen(path, "rb");
	if (!s.f) {
		int e = errno;

		if (stats)
			memset(stats, 0, sizeof(*stats));
		return ww_err_set_os(err, e == ENOENT ? WW_ENOENT : WW_EIO,
				     (unsigned long)e, "%s: cannot open: %s",
				     path, strerror(e));
	}
	r = import(path, &s, fn, ctx, stats, err);
	fclose(s.f);
	return r;
}
