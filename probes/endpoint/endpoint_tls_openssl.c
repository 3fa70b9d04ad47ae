/*
 * endpoint_tls_openssl.c - TLS version and cipher with libcurl's OpenSSL
 * backend, read from the line libcurl logs after the handshake:
 *   7.x: "SSL connection using TLSv1.2 / ECDHE-RSA-AES256-GCM-SHA384"
 *   8.x: "SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384 / ..."
 * Cipher names are OpenSSL's, not IANA's (docs/probes.md).
 */
#include "compat.h"

#include "endpoint_tls.h"

#define MARK "SSL connection using "

static void copy_field(char *dst, size_t size, const char *s, size_t len)
{
	size_t n = len < size - 1 ? len : size - 1;

	memcpy(dst, s, n);
	dst[n] = '\0';
}

void ww_endpoint_tls_note_text(struct ww_tls_info *ti, const char *text,
			       size_t len)
{
	size_t mlen = strlen(MARK), i, start;

	if (len < mlen || memcmp(text, MARK, mlen) != 0)
		return;
	text += mlen;
	len -= mlen;
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	for (i = 0; i + 2 < len && memcmp(text + i, " / ", 3) != 0; i++)
		;
	if (i + 2 >= len)
		return;
	copy_field(ti->version, sizeof(ti->version), text, i);
	start = i + 3;
	for (i = start; i + 2 < len && memcmp(text + i, " / ", 3) != 0; i++)
		;
	if (i + 2 >= len)
		i = len;
	copy_field(ti->cipher, sizeof(ti->cipher), text + start, i - start);
}

void ww_endpoint_tls_query(void *curl, struct ww_tls_info *ti)
{
	(void)curl;
	(void)ti;
}
