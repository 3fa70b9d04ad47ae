/*
 * config.c - defaults, the YAML loader and "config show", all driven by
 * the key table in config_keys.c.
 *
 * The loader walks libyaml's event stream against the table: a mapping is
 * only accepted where the table has a section, a scalar or a sequence only
 * where it has a key of that type, so nesting is bounded by the table and
 * the walk stops at the first event that does not fit.  It fills a
 * temporary struct and swaps it into the caller's only when the whole file
 * is valid.  The first error is reported as "FILE:LINE:COL: message".
 */
#include "compat.h"

#include <yaml.h>

#include "config.h"
#include "config_keys.h"
#include "os.h"

/* Where a key was set in the file, for duplicate and cross-key errors. */
struct key_pos {
	bool seen;
	size_t line, col; /* 1-based */
};

#define MAX_SECTIONS 32

struct loader {
	yaml_parser_t parser;
	const char *name;        /* file name for messages */
	const char *text;        /* the whole input, for reader-error marks */
	size_t len;
	struct ww_config *cfg;   /* the temporary being filled */
	struct ww_err *err;
	struct key_pos *pos;     /* one per table row */
	char *sections[MAX_SECTIONS]; /* sections already seen (owned) */
	size_t nsections;
};

static void *field(struct ww_config *cfg, const struct ww_config_key *k)
{
	return (char *)cfg + k->offset;
}

static const void *cfield(const struct ww_config *cfg,
			  const struct ww_config_key *k)
{
	return (const char *)cfg + k->offset;
}

static void strlist_clear(struct ww_strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->items[i]);
	WW_FREE(l->items);
	l->n = 0;
}

static int strlist_add(struct ww_strlist *l, const char *s)
{
	char **items;
	char *copy = ww_strdup(s);

	if (!copy)
		return WW_ENOMEM;
	items = realloc(l->items, (l->n + 1) * sizeof(*items));
	if (!items) {
		free(copy);
		return WW_ENOMEM;
	}
	items[l->n++] = copy;
	l->items = items;
	return 0;
}

void ww_config_release(struct ww_config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	for (i = 0; i < ww_config_nkeys; i++) {
		const struct ww_config_key *k = &ww_config_keys[i];

		if (k->type == WW_CFG_STRING || k->type == WW_CFG_URL) {
			char **p = field(cfg, k);

			WW_FREE(*p);
		} else if (k->type == WW_CFG_STRLIST) {
			strlist_clear(field(cfg, k));
		}
	}
	WW_FREE(cfg->source);
}

/* ---- Values: text to field, shared by the defaults and the loader ---- */

/* A plain scalar that YAML reads as null. */
static bool is_null(const char *s, bool plain)
{
	return plain && (!*s || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
			 strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0);
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

static bool is_url(const char *s)
{
	size_t skip;

	if (strncmp(s, "http://", 7) == 0)
		skip = 7;
	else if (strncmp(s, "https://", 8) == 0)
		skip = 8;
	else
		return false;
	/* A host must follow, and a URL has no spaces. */
	return s[skip] && s[skip] != '/' && !strchr(s, ' ');
}

/* HOST:PORT:ADDR as curl --resolve takes it; ADDR may hold colons (IPv6). */
static bool is_pin(const char *s)
{
	const char *c1 = strchr(s, ':');
	const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	char port[8];
	int64_t n;

	if (!c1 || !c2 || c1 == s || !c2[1] || c2 - c1 - 1 >= (ptrdiff_t)sizeof(port) ||
	    c2 == c1 + 1 || strchr(s, ' '))
		return false;
	memcpy(port, c1 + 1, (size_t)(c2 - c1 - 1));
	port[c2 - c1 - 1] = '\0';
	return ww_parse_i64(port, &n) == 0 && n >= 1 && n <= 65535;
}

static bool in_choices(const char *choices, const char *s)
{
	size_t n = strlen(s);
	const char *p = choices;

	while (p) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);

		if (len == n && strncmp(p, s, n) == 0)
			return true;
		p = bar ? bar + 1 : NULL;
	}
	return false;
}

/* Check one string (or list entry) against the row; why gets the reason. */
static int check_string(const struct ww_config_key *k, const char *s,
			bool list_entry, char *why, size_t whylen)
{
	if (has_control(s)) {
		snprintf(why, whylen, "control characters are not allowed in '%s'",
			 k->name);
		return WW_ECONFIG;
	}
	if ((k->type == WW_CFG_URL || (list_entry && (k->flags & WW_CFG_LIST_URLS))) &&
	    !is_url(s)) {
		snprintf(why, whylen, "'%s': '%s' is not a URL starting with "
			 "http:// or https://", k->name, s);
		return WW_ECONFIG;
	}
	if (list_entry && (k->flags & WW_CFG_LIST_PINS) && !is_pin(s)) {
		snprintf(why, whylen, "'%s': '%s' is not HOST:PORT:ADDR "
			 "(e.g. sws.update.microsoft.com:443:10.0.0.5)", k->name, s);
		return WW_ECONFIG;
	}
	if (k->choices && !in_choices(k->choices, s)) {
		snprintf(why, whylen, "'%s' must be one of %s, not '%s'", k->name,
			 k->choices, s);
		return WW_ECONFIG;
	}
	return 0;
}

static int set_string(const struct ww_config_key *k, struct ww_config *cfg,
		      const char *s, bool plain, char *why, size_t whylen)
{
	char **p = field(cfg, k);
	char *copy = NULL;
	int r;

	if (is_null(s, plain)) {
		if (!(k->flags & WW_CFG_NULLABLE)) {
			snprintf(why, whylen, "'%s' must not be null (expected %s)",
				 k->name, k->type == WW_CFG_URL ? "a URL" : "a string");
			return WW_ECONFIG;
		}
	} else {
		r = check_string(k, s, false, why, whylen);
		if (r)
			return r;
		copy = ww_strdup(s);
		if (!copy)
			return WW_ENOMEM;
	}
	free(*p);
	*p = copy;
	return 0;
}

static int set_bool(const struct ww_config_key *k, struct ww_config *cfg,
		    const char *s, bool plain, char *why, size_t whylen)
{
	bool *p = field(cfg, k);

	if (plain && strcmp(s, "true") == 0) {
		*p = true;
	} else if (plain && strcmp(s, "false") == 0) {
		*p = false;
	} else {
		snprintf(why, whylen, "'%s' expects true or false, not %s%s%s",
			 k->name, plain ? "'" : "the quoted string '", s, "'");
		return WW_ECONFIG;
	}
	return 0;
}

static int set_number(const struct ww_config_key *k, struct ww_config *cfg,
		      const char *s, char *why, size_t whylen)
{
	int64_t v;
	int r;
	char lo[32], hi[32];

	if (k->type == WW_CFG_DURATION) {
		r = ww_duration_parse(s, &v);
		if (r) {
			snprintf(why, whylen, "'%s': bad duration '%s' (write a "
				 "number with a unit s, m, h or d, e.g. 5m or 1h30m)",
				 k->name, s);
			return WW_ECONFIG;
		}
		ww_duration_format(k->min, lo, sizeof(lo));
		ww_duration_format(k->max, hi, sizeof(hi));
	} else {
		if (ww_parse_i64(s, &v)) {
			snprintf(why, whylen, "'%s' expects an integer, not '%s'",
				 k->name, s);
			return WW_ECONFIG;
		}
		snprintf(lo, sizeof(lo), "%" PRId64, k->min);
		snprintf(hi, sizeof(hi), "%" PRId64, k->max);
	}
	if (v < k->min || v > k->max) {
		snprintf(why, whylen, "'%s': %s is out of range (%s to %s)",
			 k->name, s, lo, hi);
		return WW_ECONFIG;
	}
	*(int64_t *)field(cfg, k) = v;
	return 0;
}

static int set_tristate(const struct ww_config_key *k, struct ww_config *cfg,
			const char *s, char *why, size_t whylen)
{
	enum ww_tristate *p = field(cfg, k);

	if (strcmp(s, "auto") == 0) {
		*p = WW_AUTO;
	} else if (strcmp(s, "on") == 0) {
		*p = WW_ON;
	} else if (strcmp(s, "off") == 0) {
		*p = WW_OFF;
	} else {
		snprintf(why, whylen, "'%s' expects auto, on or off, not '%s'",
			 k->name, s);
		return WW_ECONFIG;
	}
	return 0;
}

/*
 * Set the field of row k from the scalar s.  plain: s was written without
 * quotes (only plain scalars can be null, true or false).  A list takes a
 * null or "[]" here; its entries come through list_add().
 */
static int set_scalar(const struct ww_config_key *k, struct ww_config *cfg,
		      const char *s, bool plain, char *why, size_t whylen)
{
	switch (k->type) {
	case WW_CFG_STRING:
	case WW_CFG_URL:
		return set_string(k, cfg, s, plain, why, whylen);
	case WW_CFG_BOOL:
		return set_bool(k, cfg, s, plain, why, whylen);
	case WW_CFG_INT:
	case WW_CFG_DURATION:
		return set_number(k, cfg, s, why, whylen);
	case WW_CFG_TRISTATE:
		return set_tristate(k, cfg, s, why, whylen);
	case WW_CFG_STRLIST:
		if (is_null(s, plain) || (plain && strcmp(s, "[]") == 0)) {
			strlist_clear(field(cfg, k));
			return 0;
		}
		snprintf(why, whylen, "'%s' expects a list (- item lines or "
			 "[a, b]), not a single value", k->name);
		return WW_ECONFIG;
	}
	return WW_EINVAL;
}

static int list_add(const struct ww_config_key *k, struct ww_config *cfg,
		    const char *s, char *why, size_t whylen)
{
	struct ww_strlist *l = field(cfg, k);
	int r;

	if (l->n >= WW_CONFIG_MAX_LIST) {
		snprintf(why, whylen, "'%s' has more than %d entries", k->name,
			 WW_CONFIG_MAX_LIST);
		return WW_ECONFIG;
	}
	r = check_string(k, s, true, why, whylen);
	return r ? r : strlist_add(l, s);
}

int ww_config_init(struct ww_config *cfg, struct ww_err *err)
{
	char why[WW_ERR_MSG_MAX];
	size_t i;
	int r = 0;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < ww_config_nkeys && !r; i++) {
		const struct ww_config_key *k = &ww_config_keys[i];
		char *dyn = NULL;
		const char *def = k->def;

		if (k->def_fn) {
			dyn = k->def_fn();
			if (!dyn) {
				r = WW_ENOMEM;
				break;
			}
			def = dyn;
		}
		/* NULL is the null default; it is already in place. */
		if (def)
			r = set_scalar(k, cfg, def, true, why, sizeof(why));
		free(dyn);
	}
	cfg->discovery.code = WW_ESTATE;
	ww_strlcpy(cfg->discovery.msg, "not attempted", sizeof(cfg->discovery.msg));
	if (r) {
		ww_config_release(cfg);
		if (r == WW_ENOMEM)
			return ww_err_set(err, r, "configuration defaults: out of memory");
		return ww_err_set(err, r, "configuration default: %s", why);
	}
	return 0;
}

/* ---- The loader ---- */

static int loader_fail(struct loader *ld, yaml_mark_t mark, const char *fmt,
		       ...) WW_PRINTF(3, 4);

static int loader_fail(struct loader *ld, yaml_mark_t mark, const char *fmt,
		       ...)
{
	char msg[WW_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ww_err_set(ld->err, WW_ECONFIG, "%s:%zu:%zu: %s", ld->name,
			  mark.line + 1, mark.column + 1, msg);
}

/* libyaml's reader errors carry a byte offset, not a mark. */
static yaml_mark_t mark_at(const struct loader *ld, size_t offset)
{
	yaml_mark_t m = { offset, 0, 0 };
	size_t i;

	for (i = 0; i < offset && i < ld->len; i++) {
		if (ld->text[i] == '\n') {
			m.line++;
			m.column = 0;
		} else if (((unsigned char)ld->text[i] & 0xc0) != 0x80) {
			m.column++;
		}
	}
	return m;
}

static int syntax_error(struct loader *ld)
{
	yaml_parser_t *p = &ld->parser;
	const char *problem = p->problem ? p->problem : "unknown error";

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return ww_err_set(ld->err, WW_ENOMEM, "%s: out of memory",
				  ld->name);
	case YAML_READER_ERROR:
		return loader_fail(ld, mark_at(ld, p->problem_offset),
				   "invalid input: %s", problem);
	default:
		break;
	}
	if (p->context)
		return loader_fail(ld, p->problem_mark,
				   "YAML syntax error: %s %s (started at line %zu)",
				   problem, p->context, p->context_mark.line + 1);
	return loader_fail(ld, p->problem_mark, "YAML syntax error: %s", problem);
}

static int next_event(struct loader *ld, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&ld->parser, ev))
		return syntax_error(ld);
	return 0;
}

static const char *event_what(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_MAPPING_START_EVENT:
		return "a mapping";
	case YAML_SEQUENCE_START_EVENT:
		return "a list";
	case YAML_SCALAR_EVENT:
		return "a value";
	case YAML_ALIAS_EVENT:
		return "an alias";
	default:
		return "something else";
	}
}

/* Tags and aliases would let a file say more than the table can mean. */
static int check_node(struct loader *ld, const yaml_event_t *ev)
{
	const yaml_char_t *tag = NULL;

	if (ev->type == YAML_ALIAS_EVENT)
		return loader_fail(ld, ev->start_mark,
				   "aliases (*name) are not supported");
	if (ev->type == YAML_SCALAR_EVENT)
		tag = ev->data.scalar.tag;
	else if (ev->type == YAML_MAPPING_START_EVENT)
		tag = ev->data.mapping_start.tag;
	else if (ev->type == YAML_SEQUENCE_START_EVENT)
		tag = ev->data.sequence_start.tag;
	if (tag)
		return loader_fail(ld, ev->start_mark,
				   "YAML tags (%s) are not supported", (const char *)tag);
	if (ev->type == YAML_SCALAR_EVENT) {
		if (ev->data.scalar.length > WW_CONFIG_MAX_SCALAR)
			return loader_fail(ld, ev->start_mark,
					   "value longer than %d bytes",
					   WW_CONFIG_MAX_SCALAR);
		if (strlen((const char *)ev->data.scalar.value) !=
		    ev->data.scalar.length)
			return loader_fail(ld, ev->start_mark,
					   "NUL character in value");
	}
	return 0;
}

static const char *scalar(const yaml_event_t *ev)
{
	return (const char *)ev->data.scalar.value;
}

static bool scalar_plain(const yaml_event_t *ev)
{
	return ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* A section is a proper prefix of some key: "wsus", "wsus.upstream". */
static bool is_section(const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < ww_config_nkeys; i++) {
		const char *k = ww_config_keys[i].name;

		if (strncmp(k, name, n) == 0 && k[n] == '.')
			return true;
	}
	return false;
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[72];

	if (lb >= WW_ARRAY_SIZE(row) || la >= WW_ARRAY_SIZE(row))
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

static const char *leaf(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot ? dot + 1 : name;
}

/* Consider one candidate name for ww_config_suggest(). */
static void suggest_try(const char *name, const char *cand, size_t cand_len,
			char *buf, size_t size, size_t *best_d)
{
	char c[72];
	size_t d;

	if (cand_len >= sizeof(c))
		return;
	memcpy(c, cand, cand_len);
	c[cand_len] = '\0';
	d = edit_distance(name, c);
	if (strcmp(leaf(c), leaf(name)) == 0 && d > 1)
		d = 1; /* the right key in the wrong section */
	if (d < *best_d) {
		*best_d = d;
		ww_strlcpy(buf, c, size);
	}
}

/*
 * The known key or section closest to an unknown name: a small typo, or
 * the same last component written in the wrong section.  Fills buf and
 * returns true when one is close enough to be worth suggesting.
 */
WW_TESTABLE bool ww_config_suggest(const char *name, char *buf, size_t size)
{
	size_t i, best_d = SIZE_MAX, limit = strlen(name) >= 10 ? 3 : 2;

	for (i = 0; i < ww_config_nkeys; i++) {
		const char *k = ww_config_keys[i].name;
		const char *dot;

		suggest_try(name, k, strlen(k), buf, size, &best_d);
		for (dot = strchr(k, '.'); dot; dot = strchr(dot + 1, '.'))
			suggest_try(name, k, (size_t)(dot - k), buf, size, &best_d);
	}
	return best_d <= limit;
}

static int unknown_key(struct loader *ld, const char *name, yaml_mark_t mark)
{
	char hint[72];

	if (strcmp(leaf(name), "password") == 0)
		return loader_fail(ld, mark, "'%s': a clear-text password is not "
				   "allowed in the configuration; put it in an "
				   "environment variable named by password_env, or "
				   "(Windows) a credential named by password_credential",
				   name);
	if (ww_config_suggest(name, hint, sizeof(hint)))
		return loader_fail(ld, mark, "unknown key '%s' (did you mean '%s'?)",
				   name, hint);
	return loader_fail(ld, mark, "unknown key '%s'", name);
}

static int value_error(struct loader *ld, yaml_mark_t mark, int r,
		       const char *why)
{
	if (r == WW_ENOMEM)
		return ww_err_set(ld->err, r, "%s: out of memory", ld->name);
	return loader_fail(ld, mark, "%s", why);
}

/* The entries of a list key, after its SEQUENCE-START. */
static int load_list(struct loader *ld, const struct ww_config_key *k)
{
	char why[WW_ERR_MSG_MAX];
	yaml_event_t ev;
	int r;

	strlist_clear(field(ld->cfg, k));
	for (;;) {
		r = next_event(ld, &ev);
		if (r)
			return r;
		if (ev.type == YAML_SEQUENCE_END_EVENT)
			break;
		r = check_node(ld, &ev);
		if (!r && ev.type != YAML_SCALAR_EVENT)
			r = loader_fail(ld, ev.start_mark, "'%s': list entries must "
					"be strings, not %s", k->name, event_what(&ev));
		if (!r && is_null(scalar(&ev), scalar_plain(&ev)))
			r = loader_fail(ld, ev.start_mark, "'%s': empty list entry",
					k->name);
		if (!r) {
			r = list_add(k, ld->cfg, scalar(&ev), why, sizeof(why));
			if (r)
				r = value_error(ld, ev.start_mark, r, why);
		}
		yaml_event_delete(&ev);
		if (r)
			return r;
	}
	yaml_event_delete(&ev);
	return 0;
}

/* The value of key k, whose name was just read. */
static int load_value(struct loader *ld, const struct ww_config_key *k)
{
	char why[WW_ERR_MSG_MAX];
	yaml_event_t ev;
	int r;

	r = next_event(ld, &ev);
	if (r)
		return r;
	r = check_node(ld, &ev);
	if (r)
		goto out;
	if (ev.type == YAML_SCALAR_EVENT) {
		r = set_scalar(k, ld->cfg, scalar(&ev), scalar_plain(&ev), why,
			       sizeof(why));
		if (r)
			r = value_error(ld, ev.start_mark, r, why);
	} else if (ev.type == YAML_SEQUENCE_START_EVENT &&
		   k->type == WW_CFG_STRLIST) {
		r = load_list(ld, k);
	} else {
		r = loader_fail(ld, ev.start_mark, "'%s' expects %s%s, not %s",
				k->name, k->type == WW_CFG_INT ? "an " : "a ",
				ww_config_type_name(k->type), event_what(&ev));
	}
out:
	yaml_event_delete(&ev);
	return r;
}

static int load_mapping(struct loader *ld, const char *prefix);

/* The value of a section: a mapping of its keys, or null for "defaults". */
static int load_section(struct loader *ld, const char *name, yaml_mark_t key_mark)
{
	yaml_event_t ev;
	size_t i;
	int r;

	for (i = 0; i < ld->nsections; i++)
		if (strcmp(ld->sections[i], name) == 0)
			return loader_fail(ld, key_mark, "duplicate section '%s'", name);
	if (ld->nsections == MAX_SECTIONS)
		return loader_fail(ld, key_mark, "too many sections");
	ld->sections[ld->nsections] = ww_strdup(name);
	if (!ld->sections[ld->nsections])
		return ww_err_set(ld->err, WW_ENOMEM, "%s: out of memory", ld->name);
	ld->nsections++;
	r = next_event(ld, &ev);
	if (r)
		return r;
	r = check_node(ld, &ev);
	if (!r && ev.type == YAML_MAPPING_START_EVENT) {
		r = load_mapping(ld, name);
	} else if (!r && !(ev.type == YAML_SCALAR_EVENT &&
			   is_null(scalar(&ev), scalar_plain(&ev)))) {
		r = loader_fail(ld, ev.start_mark, "'%s' is a section: expected "
				"a mapping of its keys, not %s", name,
				event_what(&ev));
	}
	yaml_event_delete(&ev);
	return r;
}

static int load_key(struct loader *ld, const char *name, yaml_mark_t mark)
{
	const struct ww_config_key *k = ww_config_key_find(name);
	struct key_pos *pos;

	if (!k) {
		if (is_section(name))
			return load_section(ld, name, mark);
		return unknown_key(ld, name, mark);
	}
	pos = &ld->pos[k - ww_config_keys];
	if (pos->seen)
		return loader_fail(ld, mark, "duplicate key '%s' (first set at "
				   "line %zu)", name, pos->line);
	pos->seen = true;
	pos->line = mark.line + 1;
	pos->col = mark.column + 1;
	/* Explicit, even when null: discovery must not fill it (all or
	 * nothing still holds: this is the temporary's table). */
	ld->cfg->origin[k - ww_config_keys] = WW_ORIGIN_FILE;
	return load_value(ld, k);
}

/* The keys of a mapping, after its MAPPING-START; prefix "" at the top. */
static int load_mapping(struct loader *ld, const char *prefix)
{
	char name[160];
	yaml_event_t ev;
	int r;

	for (;;) {
		r = next_event(ld, &ev);
		if (r)
			return r;
		if (ev.type == YAML_MAPPING_END_EVENT)
			break;
		r = check_node(ld, &ev);
		if (!r && ev.type != YAML_SCALAR_EVENT)
			r = loader_fail(ld, ev.start_mark, "expected a key name, "
					"not %s", event_what(&ev));
		if (!r && strchr(scalar(&ev), '.'))
			r = loader_fail(ld, ev.start_mark, "key '%s' contains '.': "
					"write sections as nested mappings", scalar(&ev));
		if (!r && (size_t)snprintf(name, sizeof(name), "%s%s%s", prefix,
					   *prefix ? "." : "", scalar(&ev)) >= sizeof(name))
			r = loader_fail(ld, ev.start_mark, "key name too long");
		if (!r)
			r = load_key(ld, name, ev.start_mark);
		yaml_event_delete(&ev);
		if (r)
			return r;
	}
	yaml_event_delete(&ev);
	return 0;
}

static yaml_mark_t pos_mark(const struct loader *ld, const char *name)
{
	const struct ww_config_key *k = ww_config_key_find(name);
	const struct key_pos *p = &ld->pos[k - ww_config_keys];
	yaml_mark_t m = { 0, 0, 0 };

	if (p->seen) {
		m.line = p->line - 1;
		m.column = p->col - 1;
	}
	return m;
}

/* Rules between keys, checked once the whole file is in. */
static int check_cross(struct loader *ld)
{
	const struct ww_config *c = ld->cfg;
	const char *w = "thresholds.sync_warning", *cr = "thresholds.sync_critical";

	if (c->thresholds.sync_warning >= c->thresholds.sync_critical) {
		const char *at = ld->pos[ww_config_key_find(cr) - ww_config_keys].seen ?
			cr : w;

		return loader_fail(ld, pos_mark(ld, at), "'%s' must be shorter "
				   "than '%s'", w, cr);
	}
	if (c->proxy.password_env && c->proxy.password_credential)
		return loader_fail(ld, pos_mark(ld, "proxy.password_credential"),
				   "set proxy.password_env or "
				   "proxy.password_credential, not both");
	return 0;
}

/* The one document: a mapping of keys, or empty ("---" alone). */
static int load_document(struct loader *ld)
{
	yaml_event_t ev;
	int r;

	r = next_event(ld, &ev);
	if (r)
		return r;
	r = check_node(ld, &ev);
	if (!r && ev.type == YAML_MAPPING_START_EVENT)
		r = load_mapping(ld, "");
	else if (!r && !(ev.type == YAML_SCALAR_EVENT &&
			 is_null(scalar(&ev), scalar_plain(&ev))))
		r = loader_fail(ld, ev.start_mark, "the configuration must be a "
				"mapping of keys (key: value), not %s", event_what(&ev));
	yaml_event_delete(&ev);
	if (r)
		return r;
	r = next_event(ld, &ev);
	if (r)
		return r;
	yaml_event_delete(&ev); /* DOCUMENT-END: the parser checked it */
	return 0;
}

static int load_stream(struct loader *ld)
{
	yaml_event_t ev;
	bool had_doc = false;
	int r;

	r = next_event(ld, &ev); /* STREAM-START */
	if (r)
		return r;
	yaml_event_delete(&ev);
	for (;;) {
		r = next_event(ld, &ev);
		if (r)
			return r;
		if (ev.type == YAML_STREAM_END_EVENT)
			break;
		if (had_doc)
			r = loader_fail(ld, ev.start_mark, "only one YAML document "
					"is allowed");
		yaml_event_delete(&ev);
		if (!r)
			r = load_document(ld);
		if (r)
			return r;
		had_doc = true;
	}
	yaml_event_delete(&ev);
	return check_cross(ld);
}

int ww_config_load_string(struct ww_config *cfg, const char *name,
			  const char *text, size_t len, struct ww_err *err)
{
	struct loader ld;
	struct ww_config tmp;
	size_t i;
	int r;

	if (len > WW_CONFIG_MAX_FILE)
		return ww_err_set(err, WW_ECONFIG, "%s: larger than %zu bytes",
				  name, WW_CONFIG_MAX_FILE);
	r = ww_config_init(&tmp, err);
	if (r)
		return r;
	memset(&ld, 0, sizeof(ld));
	ld.name = name;
	ld.text = text;
	ld.len = len;
	ld.cfg = &tmp;
	ld.err = err;
	ld.pos = calloc(ww_config_nkeys, sizeof(*ld.pos));
	if (!ld.pos || !yaml_parser_initialize(&ld.parser)) {
		free(ld.pos);
		ww_config_release(&tmp);
		return ww_err_set(err, WW_ENOMEM, "%s: out of memory", name);
	}
	yaml_parser_set_input_string(&ld.parser, (const unsigned char *)text, len);
	r = load_stream(&ld);
	if (!r) {
		tmp.source = ww_strdup(name);
		if (!tmp.source)
			r = ww_err_set(err, WW_ENOMEM, "%s: out of memory", name);
	}
	yaml_parser_delete(&ld.parser);
	for (i = 0; i < ld.nsections; i++)
		free(ld.sections[i]);
	free(ld.pos);
	if (r) {
		ww_config_release(&tmp);
		return r;
	}
	ww_config_release(cfg);
	*cfg = tmp;
	return 0;
}

/* Read at most WW_CONFIG_MAX_FILE + 1 bytes, so an oversize file is seen. */
int ww_config_load_file(struct ww_config *cfg, const char *path,
			struct ww_err *err)
{
	struct ww_buf b;
	int r;

	ww_buf_init(&b, WW_CONFIG_MAX_FILE);
	r = ww_os_read_file(path, WW_CONFIG_MAX_FILE, &b, err);
	if (r == WW_ERANGE)
		r = err->code = WW_ECONFIG; /* a file to fix, as any config error */
	if (!r)
		r = ww_config_load_string(cfg, path, b.data ? b.data : "", b.len,
					  err);
	ww_buf_release(&b);
	return r;
}

/* ---- Setting one key ---- */

int ww_config_set(struct ww_config *cfg, const char *name, const char *value,
		  enum ww_config_origin origin, const char *source,
		  struct ww_err *err)
{
	const struct ww_config_key *k = ww_config_key_find(name);
	char why[WW_ERR_MSG_MAX];
	size_t idx;
	int r;

	if (!k || k->type == WW_CFG_STRLIST)
		return ww_err_set(err, WW_EINVAL, "'%s' cannot be set here", name);
	idx = (size_t)(k - ww_config_keys);
	if (!value) {
		if (!(k->flags & WW_CFG_NULLABLE))
			return ww_err_set(err, WW_ECONFIG, "'%s' must not be null",
					  name);
		r = set_string(k, cfg, "", true, why, sizeof(why));
	} else if (strlen(value) > WW_CONFIG_MAX_SCALAR) {
		return ww_err_set(err, WW_ECONFIG, "'%s': value longer than %d "
				  "bytes", name, WW_CONFIG_MAX_SCALAR);
	} else if (is_null(value, true) && (k->type == WW_CFG_STRING ||
					    k->type == WW_CFG_URL)) {
		/* Text is taken literally: "" or "null" is not a null here. */
		return ww_err_set(err, WW_ECONFIG, "'%s': empty or null-like "
				  "value '%s'", name, value);
	} else {
		r = set_scalar(k, cfg, value, true, why, sizeof(why));
	}
	if (r == WW_ENOMEM)
		return ww_err_set(err, r, "'%s': out of memory", name);
	if (r)
		return ww_err_set(err, r, "%s", why);
	cfg->origin[idx] = (unsigned char)origin;
	cfg->origin_source[idx] = source;
	return 0;
}

enum ww_config_origin ww_config_origin_of(const struct ww_config *cfg,
					  const char *name)
{
	const struct ww_config_key *k = ww_config_key_find(name);

	return k ? (enum ww_config_origin)cfg->origin[k - ww_config_keys] :
		   WW_ORIGIN_DEFAULT;
}

/* ---- Showing ---- */

/* A YAML double-quoted scalar; everything printable passes through. */
static int show_quoted(struct ww_buf *out, const char *s)
{
	int r = ww_buf_appends(out, "\"");

	for (; *s && !r; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			r = ww_buf_appendf(out, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			r = ww_buf_appendf(out, "\\x%02x", c);
		else
			r = ww_buf_append(out, s, 1);
	}
	return r ? r : ww_buf_appends(out, "\"");
}

/* One comment line; control characters would end the comment. */
static int show_comment(struct ww_buf *out, const char *prefix,
			const char *text)
{
	int r = ww_buf_appends(out, prefix);

	for (; !r && *text; text++)
		r = ww_buf_append(out, (unsigned char)*text < 0x20 ? "?" : text, 1);
	return r ? r : ww_buf_appends(out, "\n");
}

/* What discovery found or why it could not; silent where WSUS cannot be. */
static int show_discovery(struct ww_buf *out,
			  const struct ww_config_discovery *d)
{
	int r = 0;

	if (d->code == WW_ESTATE || d->code == WW_EUNAVAIL)
		return 0;
	if (d->code)
		return show_comment(out, "# WSUS settings not discovered: ",
				    d->msg);
	r = ww_buf_appendf(out, "# Discovered from WSUS: %zu key%s (marked "
			   "\"discovered\"); the file wins over discovery.\n",
			   d->applied, d->applied == 1 ? "" : "s");
	if (!r && d->server[0])
		r = show_comment(out, "# This WSUS server: ", d->server);
	if (!r && d->susdb_code)
		r = show_comment(out, "# ", d->susdb_msg);
	if (!r && d->rejected[0])
		r = show_comment(out, "# Not taken: ", d->rejected);
	return r;
}

static int show_value(struct ww_buf *out, const struct ww_config *cfg,
		      const struct ww_config_key *k, int indent)
{
	static const char *const tri[] = { "auto", "on", "off" };
	const void *p = cfield(cfg, k);
	char dur[32];
	size_t i;
	int r = 0;

	switch (k->type) {
	case WW_CFG_STRING:
	case WW_CFG_URL:
		if (!*(char *const *)p)
			return ww_buf_appends(out, "null");
		return show_quoted(out, *(char *const *)p);
	case WW_CFG_BOOL:
		return ww_buf_appends(out, *(const bool *)p ? "true" : "false");
	case WW_CFG_INT:
		return ww_buf_appendf(out, "%" PRId64, *(const int64_t *)p);
	case WW_CFG_DURATION:
		ww_duration_format(*(const int64_t *)p, dur, sizeof(dur));
		return ww_buf_appends(out, dur);
	case WW_CFG_TRISTATE:
		return ww_buf_appends(out, tri[*(const enum ww_tristate *)p]);
	case WW_CFG_STRLIST: {
		const struct ww_strlist *l = p;

		if (!l->n)
			return ww_buf_appends(out, "[]");
		for (i = 0; i < l->n && !r; i++) {
			r = ww_buf_appendf(out, "\n%*s- ", indent + 2, "");
			if (!r)
				r = show_quoted(out, l->items[i]);
		}
		return r;
	}
	}
	return WW_EINVAL;
}

/* Components shared by the sections of a and b ("wsus.log", "wsus.upstream.port": 1). */
static size_t common_sections(const char *a, const char *b)
{
	size_t n = 0, i;

	for (i = 0; a[i] && a[i] == b[i]; i++)
		if (a[i] == '.')
			n++;
	return n;
}

static int show_key(struct ww_buf *out, const struct ww_config *cfg,
		    const struct ww_config_key *k, const char *prev)
{
	size_t depth = 0, shared = prev ? common_sections(prev, k->name) : 0;
	const char *s = k->name, *dot;
	int r = 0;

	/* Open the sections this key is in that the previous key was not. */
	for (dot = strchr(s, '.'); dot && !r; dot = strchr(s, '.')) {
		if (depth >= shared)
			r = ww_buf_appendf(out, "%*s%.*s:\n", (int)depth * 2, "",
					   (int)(dot - s), s);
		depth++;
		s = dot + 1;
	}
	if (r)
		return r;
	/* A block list's entries follow on their own lines, after the doc. */
	if (k->type == WW_CFG_STRLIST &&
	    ((const struct ww_strlist *)cfield(cfg, k))->n) {
		r = ww_buf_appendf(out, "%*s%s:  # %s", (int)depth * 2, "", s,
				   k->doc);
		if (!r)
			r = show_value(out, cfg, k, (int)depth * 2);
	} else {
		size_t idx = (size_t)(k - ww_config_keys);

		r = ww_buf_appendf(out, "%*s%s: ", (int)depth * 2, "", s);
		if (!r)
			r = show_value(out, cfg, k, (int)depth * 2);
		if (!r && cfg->origin[idx] == WW_ORIGIN_DISCOVERED)
			r = ww_buf_appendf(out, "  # discovered: %s",
					   cfg->origin_source[idx] ?
					   cfg->origin_source[idx] : "WSUS");
		else if (!r)
			r = ww_buf_appendf(out, "  # %s", k->doc);
	}
	return r ? r : ww_buf_appends(out, "\n");
}

int ww_config_show(const struct ww_config *cfg, struct ww_buf *out)
{
	const char *prev = NULL, *src = cfg->source;
	size_t i;
	int r;

	r = ww_buf_appends(out, "# wsuswatch effective configuration (");
	if (!r && !src)
		r = ww_buf_appends(out, "built-in defaults");
	/* The file name goes into a comment: no line break may end it. */
	for (i = 0; !r && src && src[i]; i++)
		r = ww_buf_append(out, (unsigned char)src[i] < 0x20 ? "?" : &src[i], 1);
	if (!r)
		r = ww_buf_appends(out, ")\n# The proxy password is never shown, only "
				   "the variable or credential it is read from.\n");
	if (!r)
		r = show_discovery(out, &cfg->discovery);
	for (i = 0; i < ww_config_nkeys && !r; i++) {
		r = show_key(out, cfg, &ww_config_keys[i], prev);
		prev = ww_config_keys[i].name;
	}
	return r;
}

/* ---- Secrets ---- */

int ww_config_proxy_password(const struct ww_config *cfg, char **ret_user,
			     char **ret, struct ww_err *err)
{
	const char *var = cfg->proxy.password_env;
	const char *cred = cfg->proxy.password_credential;
	char *secret = NULL, *user = NULL;
	int r;

	*ret = NULL;
	if (ret_user)
		*ret_user = NULL;
	if (var) {
		secret = ww_os_getenv(var);
		if (!secret || !*secret) {
			ww_os_secret_free(secret);
			return ww_err_set(err, WW_ENOENT, "proxy password: "
					  "environment variable '%s' (proxy."
					  "password_env) is not set or empty", var);
		}
	} else if (cred) {
		r = ww_os_credential_read(cred, &user, &secret, err);
		if (r)
			return r;
	}
	/* The credential's user stands in for an unset proxy.user: an
	 * administrator keeps DOMAIN\user and password together there. */
	if (ret_user && !cfg->proxy.user && user && *user) {
		*ret_user = user;
		user = NULL;
	}
	free(user);
	*ret = secret;
	return 0;
}
