/*
 * wsyncmgr.h - ConfigMgr's WsyncMgr.log, where a software update point is
 * installed (issue 14, item 7): its "ImportUpdateFromCatalogSite failed"
 * lines mean the import of updates from the Microsoft Update Catalog
 * failed, which the guide puts on the manual-import TLS path (.NET
 * SchUseStrongCrypto / SystemDefaultTlsVersions, w3wp.exe.config: the
 * host check import_tls_path), not on sync's.  Read as the tail of the
 * file, bounded, each time the facts are gathered.
 */
#ifndef WW_PROBES_WSYNCMGR_H
#define WW_PROBES_WSYNCMGR_H

#include "compat.h"
#include "err.h"

/* The end of the file that is read: ConfigMgr rolls the log at 2.5 MB. */
#define WW_WSYNCMGR_TAIL (1024 * 1024)
#define WW_WSYNCMGR_LINE_MAX 256

struct ww_wsyncmgr_facts {
	uint64_t import_failed;          /* "ImportUpdateFromCatalogSite failed" */
	char last[WW_WSYNCMGR_LINE_MAX]; /* the newest such line, trimmed */
	char last_time[32];              /* its <date time> as ConfigMgr wrote it */
	uint64_t bytes;                  /* how much of the file was read */
};

/*
 * Scan text (the file's tail; a first partial line is skipped when
 * partial is true) into *ret.  Pure: the unit tests feed it lines.
 */
void ww_wsyncmgr_scan(const char *text, size_t len, bool partial,
		      struct ww_wsyncmgr_facts *ret);

/*
 * Read the last WW_WSYNCMGR_TAIL bytes of path (shared with ConfigMgr,
 * which keeps writing) and scan them.  WW_ENOENT when there is no file.
 */
int ww_wsyncmgr_read(const char *path, struct ww_wsyncmgr_facts *ret,
		     struct ww_err *err);

#endif /* WW_PROBES_WSYNCMGR_H */
