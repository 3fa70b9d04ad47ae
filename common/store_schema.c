/*
 * store_schema.c - the schema of the wsuswatch database, as a list of
 * migration steps.  A step is never edited once released: a new version
 * appends a step that adds tables, columns or indexes (never renames or
 * drops what other code or an older build reads).  docs/store.md explains
 * the tables.
 *
 * Tables are not STRICT so that an administrator can still inspect a
 * database with an older SQLite tool (DB Browser and friends), and times
 * are INTEGER seconds since 1970-01-01 UTC.
 */
#include "compat.h"

#include "store.h"
#include "store_internal.h"

static const char schema_v1[] =
	"CREATE TABLE probe_result ("
	" id INTEGER PRIMARY KEY,"
	" target TEXT NOT NULL,"       /* "microsoft_update", "upstream", URL */
	" url TEXT NOT NULL,"
	" at INTEGER NOT NULL,"
	" ok INTEGER NOT NULL CHECK (ok IN (0, 1)),"
	" stage TEXT,"                 /* NULL when ok */
	" result TEXT NOT NULL,"       /* docs/cli-contract.md enumeration */
	" wu_code TEXT,"               /* "0x800B0109" */
	" http_status INTEGER,"
	" tls_version TEXT,"
	" tls_cipher TEXT,"
	" cert_not_after INTEGER,"
	" clock_skew INTEGER,"         /* seconds, server minus local */
	" elapsed_ms INTEGER,"
	" hint TEXT,"
	" detail_json TEXT);"
	"CREATE INDEX probe_result_target_at ON probe_result(target, at);"
	"CREATE INDEX probe_result_at ON probe_result(at);"

	"CREATE TABLE sync_run ("
	" id INTEGER PRIMARY KEY,"
	" source TEXT NOT NULL,"       /* log, eventlog, susdb */
	" source_key TEXT NOT NULL,"   /* the source's own id of the run */
	" kind TEXT NOT NULL DEFAULT 'unknown'"
	"  CHECK (kind IN ('scheduled', 'manual', 'unknown')),"
	" started_at INTEGER,"
	" finished_at INTEGER,"
	" result TEXT NOT NULL DEFAULT 'unknown'"
	"  CHECK (result IN ('succeeded', 'failed', 'running', 'unknown')),"
	" error TEXT,"
	" UNIQUE (source, source_key));"
	"CREATE INDEX sync_run_started_at ON sync_run(started_at);"
	"CREATE INDEX sync_run_finished_at ON sync_run(finished_at);"

	"CREATE TABLE log_finding ("
	" id INTEGER PRIMARY KEY,"
	" source TEXT NOT NULL,"
	" at INTEGER NOT NULL,"
	" category TEXT NOT NULL,"
	" level TEXT,"
	" component TEXT,"
	" message TEXT);"
	"CREATE INDEX log_finding_category_at ON log_finding(category, at);"
	"CREATE INDEX log_finding_at ON log_finding(at);"

	"CREATE TABLE wsus_event ("
	" id INTEGER PRIMARY KEY,"
	" source TEXT NOT NULL,"
	" record_id INTEGER NOT NULL,"
	" event_id INTEGER NOT NULL,"
	" level TEXT,"
	" at INTEGER NOT NULL,"
	" meaning TEXT,"
	" message TEXT,"
	" UNIQUE (source, record_id));"
	"CREATE INDEX wsus_event_at ON wsus_event(at);"

	/*
	 * checksum has no declared type (BLOB affinity): the source stores
	 * whatever it computes, an integer hash or raw bytes, unchanged.
	 */
	"CREATE TABLE source_position ("
	" source TEXT PRIMARY KEY,"
	" identity TEXT,"
	" offset INTEGER NOT NULL DEFAULT 0,"
	" checksum BLOB,"
	" checksum_len INTEGER,"
	" bookmark TEXT,"
	" updated_at INTEGER NOT NULL);"

	/* value is NUMERIC: integers stay integers, ratios stay reals. */
	"CREATE TABLE alert ("
	" name TEXT PRIMARY KEY,"
	" state TEXT NOT NULL,"
	" since INTEGER,"
	" last_notified INTEGER,"
	" reason TEXT,"
	" value NUMERIC,"
	" event_id INTEGER);"

	"CREATE TABLE alert_history ("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL,"
	" at INTEGER NOT NULL,"
	" transition TEXT NOT NULL,"
	" state TEXT,"
	" reason TEXT);"
	"CREATE INDEX alert_history_at ON alert_history(at);";

/*
 * v2: the cause an active alert was raised with (a check key), so that a
 * change of cause while the alert stays raised is told (docs/events.md).
 */
static const char schema_v2[] =
	"ALTER TABLE alert ADD COLUMN cause TEXT;";

/*
 * v3 (issue 13): a saved position names its file by more than the
 * bytes before the offset.  head_checksum / head_len: FNV-1a of the file's
 * first bytes (a copy-truncated file keeps its inode but not its first
 * line); previous_*: the file read before it, so that a rotated file we
 * never saw can be told from one we already read.  NULL in rows of
 * versions 1 and 2: unknown, handled as before.
 */
static const char schema_v3[] =
	"ALTER TABLE source_position ADD COLUMN head_checksum BLOB;"
	"ALTER TABLE source_position ADD COLUMN head_len INTEGER;"
	"ALTER TABLE source_position ADD COLUMN previous_identity TEXT;"
	"ALTER TABLE source_position ADD COLUMN previous_head_checksum BLOB;"
	"ALTER TABLE source_position ADD COLUMN previous_head_len INTEGER;";

/*
 * v4: the cause each alert transition was told with (the check key and
 * its one phrase), so that history says why, as the event did, and a
 * re-raise for a change of cause can be told from a repeat.  NULL for a
 * clear and in rows written before version 4.
 */
static const char schema_v4[] =
	"ALTER TABLE alert_history ADD COLUMN cause TEXT;"
	"ALTER TABLE alert_history ADD COLUMN cause_summary TEXT;";

const struct ww_store_migration ww_store_migrations[] = {
	{ 1, schema_v1 },
	{ 2, schema_v2 },
	{ 3, schema_v3 },
	{ 4, schema_v4 },
};

const size_t ww_store_migrations_count = WW_ARRAY_SIZE(ww_store_migrations);

/* Steps are numbered 1..N without gaps; the last is the build's version. */
_Static_assert(WW_ARRAY_SIZE(ww_store_migrations) == WW_STORE_SCHEMA_VERSION,
	       "one migration step per schema version");
