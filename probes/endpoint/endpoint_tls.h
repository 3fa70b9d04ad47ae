/*
 * endpoint_tls.h - the TLS-backend seam of the endpoint probe: how the
 * negotiated protocol version and cipher are learned.  libcurl exposes the
 * backend's own handle (CURLINFO_TLS_SSL_PTR), which only that backend's
 * API can read, so each backend gets one file chosen by CMake:
 *   endpoint_tls_openssl.c (POSIX, libcurl with OpenSSL): reads the
 *     "SSL connection using <version> / <cipher>" line libcurl's OpenSSL
 *     backend emits, so wsuswatch need not link OpenSSL itself;
 *   endpoint_tls_win32.c (Windows, libcurl with Schannel): asks Schannel
 *     with QueryContextAttributes(SECPKG_ATTR_CONNECTION_INFO /
 *     SECPKG_ATTR_CIPHER_INFO) on the CtxtHandle libcurl hands out.
 */
#ifndef WW_PROBES_ENDPOINT_TLS_H
#define WW_PROBES_ENDPOINT_TLS_H

#include "compat.h"

struct ww_tls_info {
	char version[32]; /* "TLSv1.2"; "" when unknown */
	char cipher[96];  /* backend's cipher name; "" when unknown */
};

/* One informational line from libcurl (CURLINFO_TEXT), not terminated. */
void ww_endpoint_tls_note_text(struct ww_tls_info *ti, const char *text,
			       size_t len);

/* During the transfer, from a libcurl callback that runs after the TLS
 * handshake (CURLINFO_TLS_SSL_PTR is only valid while libcurl holds the
 * connection: after curl_easy_perform has returned it is not); curl is
 * the CURL * easy handle. */
void ww_endpoint_tls_query(void *curl, struct ww_tls_info *ti);

#endif /* WW_PROBES_ENDPOINT_TLS_H */
