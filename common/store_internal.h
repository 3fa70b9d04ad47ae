/*
 * store_internal.h - the store's migration table and the knobs unit tests
 * turn.  Not for other modules: they use store.h.
 */
#ifndef WW_STORE_INTERNAL_H
#define WW_STORE_INTERNAL_H

#include "compat.h"

/*
 * "wsuswatch" marks its databases with this PRAGMA application_id
 * ('WSWW' in ASCII), so a database of another program is never taken for
 * ours, nor ours for someone else's.
 */
#define WW_STORE_APPLICATION_ID 0x57535757

/* The busy timeout of every connection the store opens, milliseconds. */
#define WW_STORE_BUSY_TIMEOUT_MS 5000

/*
 * One migration step: the SQL that takes a database from version - 1 to
 * version.  It runs in one transaction together with the user_version
 * bump, so a step is applied entirely or not at all.
 */
struct ww_store_migration {
	int version;
	const char *sql;
};

/* The product's steps, versions 1..WW_STORE_SCHEMA_VERSION in order. */
extern const struct ww_store_migration ww_store_migrations[];
extern const size_t ww_store_migrations_count;

/*
 * Test hooks.  Replace the migration table (steps must be in increasing
 * version order, starting at 1; NULL restores the product's) and the busy
 * timeout (0 restores the default) used by later opens.
 */
void ww_store_set_migrations(const struct ww_store_migration *steps,
			     size_t n);
void ww_store_set_busy_timeout_ms(int ms);

#endif /* WW_STORE_INTERNAL_H */
