/*
 * synclog_parse.c - SoftwareDistribution.log records from a byte stream.
 *
 * The parser is push-driven (feed any chunking, as the tailer reads) and
 * keeps raw file offsets for every record, so the tailer can commit "just
 * past the last complete record" whatever the encoding.  A record is only
 * complete when the next header line arrives (a stack trace may follow
 * its header), hence the pending record and ww_synclog_parser_flush().
 *
 * Lines end at LF, CRLF, a lone CR or a run of NUL bytes (what NTFS
 * leaves where a crash lost data; the next header may follow directly).
 * Every line is made valid UTF-8 before anything looks at it (invalid
 * sequences become U+FFFD), so records, findings, run errors and the JSON
 * built from them are valid UTF-8 whatever the file holds.
 *
 * Memory is bounded: one line buffer, one buffer for a line's valid
 * UTF-8 copy and one record buffer, each capped at 1 MiB; whatever is
 * beyond a cap is dropped and counted.
 */
#include "compat.h"

#include "synclog.h"
#include "utf8.h"
#include "util.h"

struct ww_synclog_parser {
	ww_synclog_record_fn fn;
	void *ctx;
	enum ww_synclog_encoding enc;  /* AUTO until decided */
	uint64_t pos;                  /* raw offset of the next byte */
	uint64_t emitted_end;
	uint64_t line_no;
	bool skip_until_header;        /* resuming mid-file */

	/* BOM sniffing at offset 0 */
	unsigned char head[3];
	size_t head_len;

	/* the line being assembled across feeds (or decoded from UTF-16) */
	char *part;
	size_t part_len, part_cap;
	bool part_active, part_overlong;
	bool cr_pending;               /* the line ended in CR: LF next? */
	uint64_t part_start;

	/* a line with invalid UTF-8, repaired */
	char *clean;
	size_t clean_cap;

	/* UTF-16LE decoding state */
	unsigned char odd;
	bool has_odd;
	uint32_t high_surrogate;

	/* the pending record: header + continuation lines */
	char *rec;
	size_t rec_len, rec_cap;
	bool has_pending;
	struct ww_synclog_record prec; /* pointers stored as offsets */
	size_t off_level, off_process, off_component, off_message;

	struct ww_synclog_stats stats;
};

int ww_synclog_parser_new(struct ww_synclog_parser **ret,
			  ww_synclog_record_fn fn, void *ctx,
			  struct ww_err *err)
{
	struct ww_synclog_parser *p = calloc(1, sizeof(*p));

	if (!p)
		return ww_err_set(err, WW_ENOMEM, "synclog parser: out of memory");
	p->fn = fn;
	p->ctx = ctx;
	ww_synclog_parser_begin(p, 0, WW_SYNCLOG_ENC_AUTO, false);
	*ret = p;
	return 0;
}

void ww_synclog_parser_free(struct ww_synclog_parser *p)
{
	if (!p)
		return;
	free(p->part);
	free(p->clean);
	free(p->rec);
	free(p);
}

void ww_synclog_parser_begin(struct ww_synclog_parser *p, uint64_t offset,
			     enum ww_synclog_encoding enc, bool skip_partial)
{
	/* A resumed UTF-8 file has no BOM ahead of it. */
	if (enc == WW_SYNCLOG_ENC_AUTO && offset > 0)
		enc = WW_SYNCLOG_ENC_UTF8;
	p->enc = enc;
	p->pos = offset;
	p->emitted_end = offset;
	p->skip_until_header = skip_partial;
	p->head_len = 0;
	p->part_len = 0;
	p->part_active = false;
	p->part_overlong = false;
	p->cr_pending = false;
	p->has_odd = false;
	p->high_surrogate = 0;
	p->has_pending = false;
	p->rec_len = 0;
	p->line_no = 0;
}

enum ww_synclog_encoding ww_synclog_sniff_encoding(const void *head,
						   size_t len)
{
	const unsigned char *h = head;

	if (len >= 3 && h[0] == 0xEF && h[1] == 0xBB && h[2] == 0xBF)
		return WW_SYNCLOG_ENC_UTF8_BOM;
	if (len >= 2 && h[0] == 0xFF && h[1] == 0xFE)
		return WW_SYNCLOG_ENC_UTF16LE;
	return WW_SYNCLOG_ENC_UTF8;
}

const char *ww_synclog_level_name(enum ww_synclog_level level)
{
	static const char *const names[] = { "other", "verbose", "info",
					     "change", "warning", "error" };

	return (unsigned)level < WW_ARRAY_SIZE(names) ? names[level] : "other";
}

/* ---- header ---------------------------------------------------------- */

static bool two(const char *s, int *v)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return false;
	*v = (s[0] - '0') * 10 + (s[1] - '0');
	return true;
}

/* "YYYY-MM-DD HH:MM:SS.mmm UTC", 27 bytes. */
#define TS_LEN 27

static bool looks_like_timestamp(const char *s, size_t n)
{
	return n >= TS_LEN && s[4] == '-' && s[7] == '-' && s[10] == ' ' &&
	       s[13] == ':' && s[16] == ':' && s[19] == '.' &&
	       s[0] >= '0' && s[0] <= '9' && memcmp(s + 23, " UTC", 4) == 0;
}

static bool parse_timestamp(const char *s, int64_t *t, int *ms)
{
	int y1, y2, mo, d, h, mi, se, m1, m2;

	if (!two(s, &y1) || !two(s + 2, &y2) || !two(s + 5, &mo) ||
	    !two(s + 8, &d) || !two(s + 11, &h) || !two(s + 14, &mi) ||
	    !two(s + 17, &se) || !two(s + 20, &m1) || s[22] < '0' ||
	    s[22] > '9')
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    se > 60)
		return false;
	m2 = s[22] - '0';
	*ms = m1 * 10 + m2;
	*t = ww_time_from_civil(y1 * 100 + y2, mo, d, h, mi, se);
	return true;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/* The token at *i up to whitespace; NUL-terminates it, *i after it. */
static size_t token(char *s, size_t n, size_t *i)
{
	size_t start;

	while (*i < n && is_ws(s[*i]))
		(*i)++;
	start = *i;
	while (*i < n && !is_ws(s[*i]))
		(*i)++;
	return start;
}

static enum ww_synclog_level level_of(const char *s, size_t n)
{
	static const struct {
		const char *name;
		enum ww_synclog_level level;
	} levels[] = {
		{ "Info", WW_SYNCLOG_LEVEL_INFO },
		{ "Error", WW_SYNCLOG_LEVEL_ERROR },
		{ "Warning", WW_SYNCLOG_LEVEL_WARNING },
		{ "Change", WW_SYNCLOG_LEVEL_CHANGE },
		{ "Verbose", WW_SYNCLOG_LEVEL_VERBOSE },
	};
	size_t i;

	for (i = 0; i < WW_ARRAY_SIZE(levels); i++) {
		const char *name = levels[i].name;
		size_t k;

		if (strlen(name) != n)
			continue;
		for (k = 0; k < n && (s[k] | 0x20) == (name[k] | 0x20); k++)
			;
		if (k == n)
			return levels[i].level;
	}
	return WW_SYNCLOG_LEVEL_OTHER;
}

static bool alpha_token(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 16)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')))
			return false;
	return true;
}

/*
 * Split on the first runs of whitespace only: the message itself has
 * spaces, and renderings of the log turn the TABs into runs of spaces.
 */
bool ww_synclog_parse_header(char *line, size_t len,
			     struct ww_synclog_record *rec)
{
	size_t i = TS_LEN, lv, pr, co, lv_end, pr_end, co_end;

	if (!looks_like_timestamp(line, len) ||
	    !parse_timestamp(line, &rec->time, &rec->millis))
		return false;
	if (i < len && !is_ws(line[i]))
		return false;
	lv = token(line, len, &i);
	lv_end = i;
	pr = token(line, len, &i);
	pr_end = i;
	co = token(line, len, &i);
	co_end = i;
	if (!alpha_token(line + lv, lv_end - lv) || pr_end == pr)
		return false;
	while (i < len && is_ws(line[i]))
		i++;
	rec->level = level_of(line + lv, lv_end - lv);
	rec->message = line + i;
	rec->message_len = len - i;
	line[lv_end] = '\0';
	line[pr_end] = '\0';
	line[co_end] = '\0';
	line[len] = '\0';
	rec->level_text = line + lv;
	rec->process = line + pr;
	rec->component = line + co;
	return true;
}

/* ---- records --------------------------------------------------------- */

/*
 * NUL bytes end a line (see consume_utf8()), so none should reach here;
 * any that did would become spaces, keeping every field a C string.
 */
static void copy_clean(char *dst, const char *src, size_t n)
{
	char *end = dst + n, *q;

	memcpy(dst, src, n);
	for (q = memchr(dst, '\0', n); q; q = memchr(q, '\0', (size_t)(end - q)))
		*q++ = ' ';
}

static int rec_reserve(struct ww_synclog_parser *p, size_t need)
{
	size_t cap;
	char *n;

	if (need <= p->rec_cap)
		return 0;
	cap = p->rec_cap ? p->rec_cap : 512;
	while (cap < need)
		cap *= 2;
	n = realloc(p->rec, cap);
	if (!n)
		return WW_ENOMEM;
	p->rec = n;
	p->rec_cap = cap;
	return 0;
}

static int emit_pending(struct ww_synclog_parser *p)
{
	struct ww_synclog_record r;
	int ret;

	if (!p->has_pending)
		return 0;
	r = p->prec;
	r.level_text = p->rec + p->off_level;
	r.process = p->rec + p->off_process;
	r.component = p->rec + p->off_component;
	r.message = p->rec + p->off_message;
	r.message_len = p->rec_len - p->off_message;
	p->rec[p->rec_len] = '\0';
	p->has_pending = false;
	p->emitted_end = r.end;
	p->stats.records++;
	ret = p->fn ? p->fn(p->ctx, &r) : 0;
	return ret;
}

static int start_record(struct ww_synclog_parser *p, const char *line,
			size_t len, uint64_t start, uint64_t end,
			bool overlong, bool *ok)
{
	struct ww_synclog_record *r = &p->prec;

	if (rec_reserve(p, len + 1))
		return WW_ENOMEM;
	copy_clean(p->rec, line, len);
	p->rec[len] = '\0';
	*ok = ww_synclog_parse_header(p->rec, len, r);
	if (!*ok)
		return 0;
	p->off_level = (size_t)(r->level_text - p->rec);
	p->off_process = (size_t)(r->process - p->rec);
	p->off_component = (size_t)(r->component - p->rec);
	p->off_message = (size_t)(r->message - p->rec);
	p->rec_len = len;
	r->line = p->line_no;
	r->offset = start;
	r->end = end;
	r->truncated = overlong;
	p->has_pending = true;
	return 0;
}

static int append_continuation(struct ww_synclog_parser *p, const char *line,
			       size_t len, uint64_t end)
{
	size_t room;

	p->prec.end = end;
	if (p->prec.truncated && p->rec_len >= WW_SYNCLOG_RECORD_MAX)
		return 0;
	room = WW_SYNCLOG_RECORD_MAX - p->rec_len;
	if (len + 1 > room) {
		if (!p->prec.truncated)
			p->stats.overlong++;
		p->prec.truncated = true;
		if (!room)
			return 0;
		/* Cut at a character boundary: the record stays valid UTF-8. */
		len = room - 1;
		while (len && ((unsigned char)line[len] & 0xC0) == 0x80)
			len--;
	}
	if (rec_reserve(p, p->rec_len + len + 2))
		return WW_ENOMEM;
	p->rec[p->rec_len++] = '\n';
	copy_clean(p->rec + p->rec_len, line, len);
	p->rec_len += len;
	return 0;
}

/*
 * Replace *line by its valid UTF-8 copy (each invalid sequence becomes the
 * three bytes of U+FFFD, so the copy can grow: it is cut at the line cap).
 */
static int repair_line(struct ww_synclog_parser *p, const char **line,
		       size_t *len, bool *overlong)
{
	size_t want = *len * 3 < WW_SYNCLOG_LINE_MAX ? *len * 3 :
						       WW_SYNCLOG_LINE_MAX;
	bool cut;

	if (want + 1 > p->clean_cap) {
		char *q = realloc(p->clean, want + 1);

		if (!q)
			return WW_ENOMEM;
		p->clean = q;
		p->clean_cap = want + 1;
	}
	*len = ww_utf8_sanitize(*line, *len, p->clean, want, &cut);
	*line = p->clean;
	if (cut)
		*overlong = true;
	return 0;
}

static int handle_line(struct ww_synclog_parser *p, const char *line,
		       size_t len, uint64_t start, uint64_t end, bool overlong)
{
	bool ok;
	int r;

	p->stats.lines++;
	p->line_no++;
	if (len == 0)
		return 0;
	if (!ww_utf8_valid(line, len) &&
	    repair_line(p, &line, &len, &overlong))
		return WW_ENOMEM;
	if (overlong)
		p->stats.overlong++;
	if (looks_like_timestamp(line, len)) {
		r = emit_pending(p);
		if (r)
			return r;
		p->skip_until_header = false;
		r = start_record(p, line, len, start, end, overlong, &ok);
		if (r)
			return r;
		if (!ok)
			p->stats.malformed++;
		return 0;
	}
	if (p->has_pending)
		return append_continuation(p, line, len, end);
	if (!p->skip_until_header)
		p->stats.malformed++;
	return 0;
}

/* ---- line assembly --------------------------------------------------- */

static int part_append(struct ww_synclog_parser *p, const char *s, size_t n)
{
	size_t room;

	if (!p->part_active) {
		p->part_active = true;
		p->part_start = p->pos;
	}
	room = WW_SYNCLOG_LINE_MAX - p->part_len;
	if (n > room) {
		p->part_overlong = true;
		n = room;
	}
	if (!n)
		return 0;
	if (p->part_len + n + 1 > p->part_cap) {
		size_t cap = p->part_cap ? p->part_cap : 1024;
		char *q;

		while (cap < p->part_len + n + 1)
			cap *= 2;
		q = realloc(p->part, cap);
		if (!q)
			return WW_ENOMEM;
		p->part = q;
		p->part_cap = cap;
	}
	memcpy(p->part + p->part_len, s, n);
	p->part_len += n;
	return 0;
}

static int part_finish(struct ww_synclog_parser *p, uint64_t end)
{
	int r = handle_line(p, p->part ? p->part : "", p->part_len,
			    p->part_start, end, p->part_overlong);

	p->part_len = 0;
	p->part_active = false;
	p->part_overlong = false;
	return r;
}

/* The line s[0..n) ends at end: finish the gathered line, or take it as is. */
static int end_line(struct ww_synclog_parser *p, const char *s, size_t n,
		    uint64_t start, uint64_t end)
{
	bool cut = n > WW_SYNCLOG_LINE_MAX;

	if (p->part_active) {
		if (part_append(p, s, n))
			return WW_ENOMEM;
		return part_finish(p, end);
	}
	return handle_line(p, s, cut ? WW_SYNCLOG_LINE_MAX : n, start, end,
			   cut);
}

/* Where the line at s[0..n) ends: LF, CR or NUL; n when not in sight. */
static size_t line_break(const char *s, size_t n)
{
	const char *q = memchr(s, '\n', n);
	size_t k = q ? (size_t)(q - s) : n;

	q = memchr(s, '\r', k);
	if (q)
		k = (size_t)(q - s);
	q = memchr(s, '\0', k);
	return q ? (size_t)(q - s) : k;
}

/*
 * A CR ended the last line; is the next byte its LF?  Either way the line
 * is finished, just past the CR or just past the LF.
 */
static int settle_cr(struct ww_synclog_parser *p, const char **s, size_t *len)
{
	p->cr_pending = false;
	if (**s == '\n') {
		(*s)++;
		(*len)--;
		p->pos++;
	}
	return part_finish(p, p->pos);
}

static int consume_utf8(struct ww_synclog_parser *p, const char *s,
			size_t len)
{
	uint64_t start;
	size_t k, n;
	int r;

	p->stats.bytes += len;
	while (len) {
		if (p->cr_pending) {
			r = settle_cr(p, &s, &len);
			if (r)
				return r;
			continue;
		}
		k = line_break(s, len);
		start = p->pos;
		if (k == len || (s[k] == '\r' && k + 1 == len)) {
			/* Unterminated, or a CR whose LF may come next. */
			if (part_append(p, s, k))
				return WW_ENOMEM;
			p->pos += len;
			p->cr_pending = k < len;
			return 0;
		}
		n = k + 1;
		if (s[k] == '\r' && s[k + 1] == '\n')
			n++;
		while (s[k] == '\0' && n < len && s[n] == '\0')
			n++; /* a run of NULs is one line break */
		p->pos += n;
		/* A NUL run with nothing before it is no line at all. */
		r = (k || p->part_active || s[k] != '\0') ?
			    end_line(p, s, k, start, p->pos) : 0;
		if (r)
			return r;
		s += n;
		len -= n;
	}
	return 0;
}

/* One code point as UTF-8 into the line buffer. */
static int put_codepoint(struct ww_synclog_parser *p, uint32_t cp)
{
	unsigned char u[4];
	size_t n = ww_utf8_put(cp, u);

	return part_append(p, (const char *)u, n);
}

/* One code point of UTF-16 text: a line break ends the line's part. */
static int utf16_code_point(struct ww_synclog_parser *p, uint32_t c)
{
	if (c == 0 && !p->part_active)
		return 0; /* a NUL run with nothing before it */
	if (c == '\n' || c == '\r' || c == 0) {
		if (!p->part_active)
			p->part_start = p->pos - 2;
		p->part_active = true;
		if (c == '\r') {
			p->cr_pending = true;
			return 0;
		}
		return part_finish(p, p->pos);
	}
	if (!p->part_active) {
		p->part_active = true;
		p->part_start = p->pos - 2;
	}
	return put_codepoint(p, c);
}

/*
 * One UTF-16 code unit, decoded by ww_utf16_unit() (util.h: pairs joined,
 * lone halves U+FFFD).  A pending high surrogate starts the line's part
 * like any unit.
 */
static int utf16_unit(struct ww_synclog_parser *p, unsigned u)
{
	uint32_t cp[2];
	size_t i, n;
	int r;

	if (p->cr_pending) {
		/* As in consume_utf8(): CRLF, or a lone CR ending the line. */
		p->cr_pending = false;
		if (u == '\n')
			return part_finish(p, p->pos);
		r = part_finish(p, p->pos - 2);
		if (r)
			return r;
	}
	n = ww_utf16_unit(&p->high_surrogate, u, cp);
	for (i = 0; i < n; i++)
		if ((r = utf16_code_point(p, cp[i])))
			return r;
	if (p->high_surrogate && !p->part_active) {
		p->part_active = true;
		p->part_start = p->pos - 2;
	}
	return 0;
}

static int consume_utf16(struct ww_synclog_parser *p, const unsigned char *s,
			 size_t len)
{
	size_t i = 0;
	int r;

	p->stats.bytes += len;
	if (p->has_odd && len) {
		p->has_odd = false;
		p->pos += 2;
		r = utf16_unit(p, p->odd | ((unsigned)s[0] << 8));
		if (r)
			return r;
		i = 1;
	}
	for (; i + 1 < len; i += 2) {
		p->pos += 2;
		r = utf16_unit(p, s[i] | ((unsigned)s[i + 1] << 8));
		if (r)
			return r;
	}
	if (i < len) {
		p->odd = s[i];
		p->has_odd = true;
	}
	return 0;
}

static int consume(struct ww_synclog_parser *p, const unsigned char *s,
		   size_t len)
{
	if (p->enc == WW_SYNCLOG_ENC_UTF16LE)
		return consume_utf16(p, s, len);
	return consume_utf8(p, (const char *)s, len);
}

/* Could the bytes gathered so far still grow into a BOM? */
static bool bom_prefix(const unsigned char *h, size_t n)
{
	static const unsigned char u8[] = { 0xEF, 0xBB, 0xBF };
	static const unsigned char u16[] = { 0xFF, 0xFE };

	return (n < 3 && memcmp(h, u8, n) == 0) ||
	       (n < 2 && memcmp(h, u16, n) == 0);
}

/* At offset 0 in AUTO mode: skip the BOM, if any, then go on. */
static int decide_encoding(struct ww_synclog_parser *p)
{
	size_t skip = 0;

	p->enc = ww_synclog_sniff_encoding(p->head, p->head_len);
	if (p->enc == WW_SYNCLOG_ENC_UTF8_BOM)
		skip = 3;
	else if (p->enc == WW_SYNCLOG_ENC_UTF16LE)
		skip = 2;
	p->pos += skip;
	p->stats.bytes += skip;
	p->emitted_end = p->pos;
	return consume(p, p->head + skip, p->head_len - skip);
}

int ww_synclog_parser_feed(struct ww_synclog_parser *p, const void *data,
			   size_t len, struct ww_err *err)
{
	const unsigned char *s = data;
	int r;

	while (p->enc == WW_SYNCLOG_ENC_AUTO && len) {
		p->head[p->head_len++] = *s++;
		len--;
		if (!bom_prefix(p->head, p->head_len)) {
			r = decide_encoding(p);
			if (r)
				goto fail;
		}
	}
	r = consume(p, s, len);
	if (r)
		goto fail;
	return 0;
fail:
	if (r == WW_ENOMEM)
		return ww_err_set(err, r, "synclog parser: out of memory");
	return r;
}

int ww_synclog_parser_flush(struct ww_synclog_parser *p,
			    bool complete_lines_only, struct ww_err *err)
{
	int r = 0;

	if (p->enc == WW_SYNCLOG_ENC_AUTO && p->head_len) {
		if (complete_lines_only)
			return 0;
		r = decide_encoding(p);
	}
	if (!r && p->cr_pending) {
		/* Nothing came after the CR: it ended the line. */
		p->cr_pending = false;
		r = part_finish(p, p->pos);
	}
	if (!r && (p->part_active || p->has_odd || p->high_surrogate)) {
		if (complete_lines_only)
			return 0;
		if (p->has_odd) {
			p->has_odd = false;
			p->pos += 1;
		}
		if (p->high_surrogate) {
			p->high_surrogate = 0;
			r = put_codepoint(p, 0xFFFD);
		}
		if (!r)
			r = part_finish(p, p->pos);
	}
	if (!r)
		r = emit_pending(p);
	if (r == WW_ENOMEM)
		return ww_err_set(err, r, "synclog parser: out of memory");
	return r;
}

bool ww_synclog_parser_pending(const struct ww_synclog_parser *p)
{
	return p->has_pending;
}

uint64_t ww_synclog_parser_emitted_end(const struct ww_synclog_parser *p)
{
	return p->emitted_end;
}

uint64_t ww_synclog_parser_fed_end(const struct ww_synclog_parser *p)
{
	return p->pos + (p->has_odd ? 1 : 0) +
	       (p->enc == WW_SYNCLOG_ENC_AUTO ? p->head_len : 0);
}

const struct ww_synclog_stats *
ww_synclog_parser_stats(const struct ww_synclog_parser *p)
{
	return &p->stats;
}

void ww_synclog_parser_reset_stats(struct ww_synclog_parser *p)
{
	memset(&p->stats, 0, sizeof(p->stats));
}

enum ww_synclog_encoding
ww_synclog_parser_encoding(const struct ww_synclog_parser *p)
{
	return p->enc;
}
