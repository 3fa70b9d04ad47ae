/*
 * endpoint_tls_win32.c - TLS version and cipher with libcurl's Schannel
 * backend: CURLINFO_TLS_SSL_PTR gives the connection's CtxtHandle, which
 * QueryContextAttributes() describes.  Cipher names are IANA suite names
 * (SECPKG_ATTR_CIPHER_INFO, Vista and later), which differ from OpenSSL's.
 */
#include "compat.h"

#include <windows.h>
#define SECURITY_WIN32
#include <security.h>
#include <sspi.h>
#include <schannel.h>

#include <curl/curl.h>

#include "endpoint_tls.h"

void ww_endpoint_tls_note_text(struct ww_tls_info *ti, const char *text,
			       size_t len)
{
	(void)ti;
	(void)text;
	(void)len;
}

static const char *protocol_name(DWORD p)
{
	if (p & SP_PROT_TLS1_3_CLIENT)
		return "TLSv1.3";
	if (p & SP_PROT_TLS1_2_CLIENT)
		return "TLSv1.2";
	if (p & SP_PROT_TLS1_1_CLIENT)
		return "TLSv1.1";
	if (p & SP_PROT_TLS1_0_CLIENT)
		return "TLSv1";
	return "";
}

void ww_endpoint_tls_query(void *curl, struct ww_tls_info *ti)
{
	struct curl_tlssessioninfo *si = NULL;
	SecPkgContext_ConnectionInfo ci;
	SecPkgContext_CipherInfo cipher;
	CtxtHandle *ctx;

	if (curl_easy_getinfo((CURL *)curl, CURLINFO_TLS_SSL_PTR, &si) !=
		    CURLE_OK || !si || si->backend != CURLSSLBACKEND_SCHANNEL ||
	    !si->internals)
		return;
	ctx = (CtxtHandle *)si->internals;
	memset(&ci, 0, sizeof(ci));
	if (QueryContextAttributesW(ctx, SECPKG_ATTR_CONNECTION_INFO, &ci) ==
	    SEC_E_OK)
		snprintf(ti->version, sizeof(ti->version), "%s",
			 protocol_name(ci.dwProtocol));
	memset(&cipher, 0, sizeof(cipher));
	cipher.dwVersion = SECPKGCONTEXT_CIPHERINFO_V1;
	if (QueryContextAttributesW(ctx, SECPKG_ATTR_CIPHER_INFO, &cipher) ==
	    SEC_E_OK)
		WideCharToMultiByte(CP_UTF8, 0, cipher.szCipherSuite, -1,
				    ti->cipher, (int)sizeof(ti->cipher) - 1,
				    NULL, NULL);
}
