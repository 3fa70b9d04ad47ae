/*
 * config_keys.h - the declarative table behind struct ww_config: one row
 * per key, as Fluent Bit's flb_config_map.  config.c walks YAML against
 * it, fills defaults from it, releases memory by it and prints it; tests
 * and "wsuswatch config keys" read it.  Internal to config/ and tests.
 */
#ifndef WW_CONFIG_KEYS_H
#define WW_CONFIG_KEYS_H

#include "compat.h"

enum ww_config_type {
	WW_CFG_STRING,   /* char *; any scalar */
	WW_CFG_BOOL,     /* bool; plain true or false, nothing else */
	WW_CFG_INT,      /* int64_t; decimal, within min..max */
	WW_CFG_DURATION, /* int64_t seconds; "5m", "1h30m"; min..max */
	WW_CFG_TRISTATE, /* enum ww_tristate; auto, on or off */
	WW_CFG_STRLIST,  /* struct ww_strlist; a sequence of scalars */
	WW_CFG_URL       /* char *; http:// or https:// only */
};

/* Row flags. */
#define WW_CFG_NULLABLE   0x01u /* null is a valid value (means "none") */
#define WW_CFG_SECRET_REF 0x02u /* names where a secret lives, never one */
#define WW_CFG_LIST_URLS  0x04u /* string-list entries must be URLs */
#define WW_CFG_LIST_PINS  0x08u /* string-list entries are HOST:PORT:ADDR */

struct ww_config_key {
	const char *name;        /* dotted path, "thresholds.sync_warning" */
	enum ww_config_type type;
	const char *def;         /* default as it would be written, NULL: null */
	char *(*def_fn)(void);   /* OS-dependent default (heap), wins over def */
	size_t offset;           /* offsetof(struct ww_config, ...) */
	int64_t min, max;        /* WW_CFG_INT / WW_CFG_DURATION bounds */
	unsigned flags;
	const char *choices;     /* "1.2|1.3": allowed strings, NULL: any */
	const char *doc;         /* one line */
};

extern const struct ww_config_key ww_config_keys[];
extern const size_t ww_config_nkeys;

/* Bounds on untrusted input, enforced by the loader. */
#define WW_CONFIG_MAX_FILE   ((size_t)1 << 20) /* 1 MiB */
#define WW_CONFIG_MAX_SCALAR 4096              /* bytes in one value */
#define WW_CONFIG_MAX_LIST   256               /* entries in one list */

/* Name of a type as shown to users: "duration", "string list". */
const char *ww_config_type_name(enum ww_config_type type);

/* The row called name (dotted), or NULL. */
const struct ww_config_key *ww_config_key_find(const char *name);

#endif /* WW_CONFIG_KEYS_H */
