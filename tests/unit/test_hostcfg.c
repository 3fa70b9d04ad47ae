/*
 * test_hostcfg.c - judging the host TLS registry values (the portable
 * half of hostcfg.h), and on POSIX that reading says "not applicable".
 * The Windows registry reads are tested under Wine (tests/wine/
 * hostcfg_wine.sh sets values with `wine reg add`).
 */
#include "compat.h"

#include "hostcfg.h"
#include "os.h"
#include "ww_test.h"

static void dword(struct ww_hostcfg_dword *d, uint32_t v)
{
	d->present = true;
	d->value = v;
}

/* A host set up the way the TLS 1.2 guidance says. */
static void good(struct ww_hostcfg_values *v)
{
	memset(v, 0, sizeof(*v));
	dword(&v->client[WW_HOSTCFG_TLS12].enabled, 1);
	dword(&v->client[WW_HOSTCFG_TLS12].disabled_by_default, 0);
	v->net64.key_present = v->net32.key_present = true;
	dword(&v->net64.strong_crypto, 1);
	dword(&v->net32.strong_crypto, 1);
	dword(&v->net64.system_default, 1);
	dword(&v->net32.system_default, 1);
	v->wsus_installed = true;
	dword(&v->wsus_port, 8530);
	dword(&v->wsus_ssl, 0);
	v->have_content_dir = true;
	snprintf(v->content_dir, sizeof(v->content_dir), "D:\\WSUS");
	v->w3wp.dont_enable_system_default = -1;
	v->os.present = true;
	v->os.build = 9600;
	snprintf(v->os.product, sizeof(v->os.product),
		 "Windows Server 2012 R2 Standard");
}

static const struct ww_hostcfg_item *get(const struct ww_hostcfg_report *r,
					 const char *name)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->items[i].name, name) == 0)
			return &r->items[i];
	ck_abort_msg("no item %s", name);
	return NULL;
}

START_TEST(good_host_is_ok)
{
	struct ww_hostcfg_values v;
	struct ww_hostcfg_report r;

	good(&v);
	ww_hostcfg_evaluate(&v, NULL, &r);
	ck_assert_int_eq(r.n, 5);
	ck_assert_int_eq(get(&r, "cipher_suite_order")->state, WW_HOSTCFG_OK);
	ck_assert_int_eq(get(&r, "w3wp_exe_config")->state, WW_HOSTCFG_OK);
	ck_assert_str_eq(get(&r, "dotnet_strong_crypto")->hint, "");
	ck_assert_int_eq(get(&r, "schannel_tls12_client")->state, WW_HOSTCFG_OK);
	ck_assert_int_eq(get(&r, "dotnet_strong_crypto")->state, WW_HOSTCFG_OK);
	ck_assert_ptr_null(get(&r, "dotnet_strong_crypto")->finding);
	ck_assert_int_eq(get(&r, "wsus_setup")->state, WW_HOSTCFG_OK);
	ck_assert_str_eq(get(&r, "wsus_setup")->summary,
			 "WSUS is installed: port 8530, SSL off");
	ck_assert_ptr_nonnull(strstr(get(&r, "wsus_setup")->evidence,
				     "ContentDir D:\\WSUS"));
}
END_TEST

START_TEST(nothing_set_is_import_tls_path)
{
	struct ww_hostcfg_values v;
	struct ww_hostcfg_report r;
	const struct ww_hostcfg_item *it;

	memset(&v, 0, sizeof(v));
	ww_hostcfg_evaluate(&v, NULL, &r);
	it = get(&r, "schannel_tls12_client");
	ck_assert_int_eq(it->state, WW_HOSTCFG_OK);
	ck_assert_ptr_nonnull(strstr(it->summary, "not configured"));
	it = get(&r, "dotnet_strong_crypto");
	ck_assert_int_eq(it->state, WW_HOSTCFG_WARNING);
	ck_assert_str_eq(it->finding, "import_tls_path");
	ck_assert_ptr_nonnull(strstr(it->summary, "inferred"));
	ck_assert_ptr_nonnull(strstr(it->summary, "64-bit and WOW6432Node"));
	ck_assert_ptr_nonnull(strstr(it->hint, "SchUseStrongCrypto=1"));
	ck_assert_ptr_nonnull(strstr(it->evidence, "v4.0.30319 key absent"));
	it = get(&r, "wsus_setup");
	ck_assert_int_eq(it->state, WW_HOSTCFG_UNKNOWN);
	ck_assert_ptr_nonnull(strstr(it->summary, "not installed"));
}
END_TEST

START_TEST(one_view_missing)
{
	struct ww_hostcfg_values v;
	struct ww_hostcfg_report r;
	const struct ww_hostcfg_item *it;

	good(&v);
	v.net32.strong_crypto.value = 0;
	v.net32.system_default.value = 0;
	ww_hostcfg_evaluate(&v, NULL, &r);
	it = get(&r, "dotnet_strong_crypto");
	ck_assert_int_eq(it->state, WW_HOSTCFG_WARNING);
	ck_assert_str_eq(it->finding, "import_tls_path");
	ck_assert_ptr_nonnull(strstr(it->summary, "in the WOW6432Node view"));
	ck_assert_ptr_nonnull(strstr(it->summary, "set to 0"));
	ck_assert_ptr_nonnull(strstr(it->evidence,
				     "WOW6432Node: SchUseStrongCrypto set to 0"));
	/* The fix names the WOW6432Node key only: the 64-bit one is set. */
	ck_assert_ptr_nonnull(strstr(it->hint, "WOW6432Node"));
	ck_assert_ptr_null(strstr(it->hint, "SOFTWARE\\Microsoft\\.NET"));
	/* The system's defaults in that view serve as well. */
	v.net32.system_default.value = 1;
	ww_hostcfg_evaluate(&v, NULL, &r);
	ck_assert_int_eq(get(&r, "dotnet_strong_crypto")->state, WW_HOSTCFG_OK);
}
END_TEST

START_TEST(tls12_disabled)
{
	struct ww_hostcfg_values v;
	struct ww_hostcfg_report r;

	good(&v);
	v.client[WW_HOSTCFG_TLS12].enabled.value = 0;
	ww_hostcfg_evaluate(&v, NULL, &r);
	ck_assert_int_eq(get(&r, "schannel_tls12_client")->state,
			 WW_HOSTCFG_CRITICAL);
	good(&v);
	v.client[WW_HOSTCFG_TLS12].disabled_by_default.value = 1;
	ww_hostcfg_evaluate(&v, NULL, &r);
	ck_assert_int_eq(get(&r, "schannel_tls12_client")->state,
			 WW_HOSTCFG_WARNING);
	ck_assert_ptr_nonnull(strstr(get(&r, "schannel_tls12_client")->evidence,
				     "DisabledByDefault=1"));
}
END_TEST

START_TEST(old_protocols_in_evidence)
{
	struct ww_hostcfg_values v;
	struct ww_hostcfg_report r;
	const struct ww_hostcfg_item *it;

	good(&v);
	dword(&v.client[WW_HOSTCFG_TLS10].enabled, 0);
	dword(&v.client[WW_HOSTCFG_TLS11].enabled, 0);
	ww_hostcfg_evaluate(&v, NULL, &r);
	it = get(&r, "schannel_tls12_client");
	ck_assert_int_eq(it->state, WW_HOSTCFG_OK);
	ck_assert_ptr_nonnull(strstr(it->summary, "TLS 1.0 and 1.1 are off"));
	ck_assert_ptr_nonnull(strstr(it->evidence, "TLS 1.0\\Client: Enabled=0"));
	ck_assert_ptr_nonnull(strstr(it->evidence, "TLS 1.1\\Client: Enabled=0"));
	ck_assert_ptr_nonnull(strstr(it->evidence, "TLS 1.2\\Client: Enabled=1"));
}
END_TEST

static void policy(struct ww_hostcfg_values *v, const char *list)
{
	v->suites_policy.present = true;
	snprintf(v->suites_policy.list, sizeof(v->suites_policy.list), "%s",
		 list);
}

START_TEST(cipher_policy_without_usable_suite)
{
	struct ww_hostcfg_values v;
	struct ww_hostcfg_report r;
	const struct ww_hostcfg_item *it;

	/* 2012 R2: the suites 2016 would use do not count. */
	good(&v);
	policy(&v, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,"
		   "TLS_RSA_WITH_AES_256_CBC_SHA256");
	ww_hostcfg_evaluate(&v, NULL, &r);
	it = get(&r, "cipher_suite_order");
	ck_assert_int_eq(it->state, WW_HOSTCFG_CRITICAL);
	ck_assert_str_eq(it->finding, "cipher_policy");
	ck_assert_ptr_nonnull(strstr(it->summary, "2012 and 2012 R2"));
	ck_assert_ptr_nonnull(strstr(it->hint,
		"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256"));
	ck_assert_ptr_nonnull(strstr(it->evidence, "build 9600"));
	/* Healthy: one of the list, any case and blanks. */
	policy(&v, "TLS_RSA_WITH_AES_256_CBC_SHA256, "
		   "tls_ecdhe_rsa_with_aes_128_cbc_sha256_p384 ");
	ww_hostcfg_evaluate(&v, NULL, &r);
	it = get(&r, "cipher_suite_order");
	ck_assert_int_eq(it->state, WW_HOSTCFG_OK);
	ck_assert_str_eq(it->hint, "");
	/* 2016: the GCM suite is usable there. */
	v.os.build = 14393;
	policy(&v, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
	ww_hostcfg_evaluate(&v, NULL, &r);
	ck_assert_int_eq(get(&r, "cipher_suite_order")->state, WW_HOSTCFG_OK);
	policy(&v, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256");
	ww_hostcfg_evaluate(&v, NULL, &r);
	it = get(&r, "cipher_suite_order");
	ck_assert_int_eq(it->state, WW_HOSTCFG_CRITICAL);
	ck_assert_ptr_nonnull(strstr(it->hint, "AES_128_GCM_SHA256"));
	/* A list cut where it was read: not judged on its first part. */
	v.suites_policy.truncated = true;
	ww_hostcfg_evaluate(&v, NULL, &r);
	it = get(&r, "cipher_suite_order");
	ck_assert_int_eq(it->state, WW_HOSTCFG_UNKNOWN);
	ck_assert_ptr_nonnull(strstr(it->summary, "longer than"));
}
END_TEST

START_TEST(cipher_local_setting_and_upstream)
{
	struct ww_hostcfg_values v;
	struct ww_hostcfg_report r;
	struct ww_hostcfg_expect e = { true, 8531, true };
	const struct ww_hostcfg_item *it;

	good(&v);
	v.suites_local.present = true;
	snprintf(v.suites_local.list, sizeof(v.suites_local.list),
		 "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
	ww_hostcfg_evaluate(&v, NULL, &r);
	it = get(&r, "cipher_suite_order");
	ck_assert_int_eq(it->state, WW_HOSTCFG_CRITICAL);
	ck_assert_ptr_nonnull(strstr(it->summary, "local setting"));
	/* Syncing from an upstream WSUS server the list matters less. */
	ww_hostcfg_evaluate(&v, &e, &r);
	ck_assert_int_eq(get(&r, "cipher_suite_order")->state,
			 WW_HOSTCFG_WARNING);
	/* Group Policy wins over the local setting. */
	policy(&v, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256");
	ww_hostcfg_evaluate(&v, NULL, &r);
	ck_assert_int_eq(get(&r, "cipher_suite_order")->state, WW_HOSTCFG_OK);
}
END_TEST

static const char W3WP_FALSE[] =
	"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n"
	"   <runtime>\n      <AppContextSwitchOverrides value=\"Switch.System."
	"Net.DontEnableSystemDefaultTlsVersions=false\"/>\n   </runtime>\n"
	"</configuration>\n";
static const char W3WP_TRUE[] =
	"<configuration><runtime><AppContextSwitchOverrides value=\"Switch.A="
	"true; switch.system.net.dontenablesystemdefaulttlsversions = true\"/>"
	"</runtime></configuration>";

static const char W3WP_OTHER_ROOT[] =
	"<other><runtime><AppContextSwitchOverrides value=\"Switch.System.Net."
	"DontEnableSystemDefaultTlsVersions=true\"/></runtime></other>";
static const char W3WP_NO_RUNTIME[] =
	"<configuration><AppContextSwitchOverrides value=\"Switch.System.Net."
	"DontEnableSystemDefaultTlsVersions=true\"/></configuration>";

START_TEST(w3wp_parse)
{
	struct ww_hostcfg_w3wp w;

	ww_hostcfg_parse_w3wp("w3wp.exe.config", W3WP_FALSE,
			      strlen(W3WP_FALSE), &w);
	ck_assert_int_eq(w.state, WW_HOSTCFG_FILE_READ);
	ck_assert_int_eq(w.dont_enable_system_default, 0);
	ww_hostcfg_parse_w3wp("w3wp.exe.config", W3WP_TRUE, strlen(W3WP_TRUE),
			      &w);
	ck_assert_int_eq(w.dont_enable_system_default, 1);
	ww_hostcfg_parse_w3wp("x", "<configuration/>", 16, &w);
	ck_assert_int_eq(w.state, WW_HOSTCFG_FILE_READ);
	ck_assert_int_eq(w.dont_enable_system_default, -1);
	/* Not under <configuration><runtime>: not the switch .NET reads. */
	ww_hostcfg_parse_w3wp("x", W3WP_OTHER_ROOT, strlen(W3WP_OTHER_ROOT), &w);
	ck_assert_int_eq(w.state, WW_HOSTCFG_FILE_READ);
	ck_assert_int_eq(w.dont_enable_system_default, -1);
	ww_hostcfg_parse_w3wp("x", W3WP_NO_RUNTIME, strlen(W3WP_NO_RUNTIME), &w);
	ck_assert_int_eq(w.state, WW_HOSTCFG_FILE_READ);
	ck_assert_int_eq(w.dont_enable_system_default, -1);
}
END_TEST

START_TEST(w3wp_malformed_names_file_and_line)
{
	struct ww_hostcfg_w3wp w;
	static const char bad[] = "<configuration>\n<runtime>\n"
				  "<AppContextSwitchOverrides value=\"x\">\n"
				  "</configuration>\n";
	static const char dtd[] = "<!DOCTYPE c [<!ENTITY a \"aaaa\">]>"
				  "<configuration/>";

	ww_hostcfg_parse_w3wp("C:\\w3wp.exe.config", bad, strlen(bad), &w);
	ck_assert_int_eq(w.state, WW_HOSTCFG_FILE_ERROR);
	ck_assert_msg(strncmp(w.error, "C:\\w3wp.exe.config:4:", 21) == 0,
		      "%s", w.error);
	ck_assert_int_eq(w.dont_enable_system_default, -1);
	ww_hostcfg_parse_w3wp("c", dtd, strlen(dtd), &w);
	ck_assert_int_eq(w.state, WW_HOSTCFG_FILE_ERROR);
	ck_assert_ptr_nonnull(strstr(w.error, "DOCTYPE"));
}
END_TEST

START_TEST(w3wp_read_file)
{
	char *dir = ww_test_tmpdir("hostcfg_w3wp");
	char *path = ww_os_path_join(dir, "w3wp.exe.config");
	char *big = malloc(WW_HOSTCFG_W3WP_MAX + 2);
	struct ww_hostcfg_w3wp w;

	ck_assert_ptr_nonnull(big);
	ww_hostcfg_read_w3wp(path, &w);
	ck_assert_int_eq(w.state, WW_HOSTCFG_FILE_ABSENT);
	ww_test_write_file(path, W3WP_TRUE, strlen(W3WP_TRUE));
	ww_hostcfg_read_w3wp(path, &w);
	ck_assert_int_eq(w.state, WW_HOSTCFG_FILE_READ);
	ck_assert_int_eq(w.dont_enable_system_default, 1);
	ck_assert_str_eq(w.path, path);
	/* Bounded: a file over the cap is not parsed at all. */
	memset(big, ' ', WW_HOSTCFG_W3WP_MAX + 1);
	ww_test_write_file(path, big, WW_HOSTCFG_W3WP_MAX + 1);
	ww_hostcfg_read_w3wp(path, &w);
	ck_assert_int_eq(w.state, WW_HOSTCFG_FILE_ERROR);
	ck_assert_ptr_nonnull(strstr(w.error, "larger than"));
	ck_assert_ptr_nonnull(strstr(w.error, path));
	remove(path);
	free(big);
	free(path);
	free(dir);
}
END_TEST

START_TEST(w3wp_keeps_import_off_defaults)
{
	struct ww_hostcfg_values v;
	struct ww_hostcfg_report r;
	const struct ww_hostcfg_item *it;

	/* No file and no registry: import can fail. */
	good(&v);
	memset(&v.net64, 0, sizeof(v.net64));
	memset(&v.net32, 0, sizeof(v.net32));
	ww_hostcfg_evaluate(&v, NULL, &r);
	ck_assert(ww_hostcfg_report_has_finding(&r, "import_tls_path"));
	ck_assert_ptr_nonnull(strstr(get(&r, "dotnet_strong_crypto")->summary,
				     "no w3wp.exe.config"));
	/* The file's switch=false rescues it. */
	ww_hostcfg_parse_w3wp("w", W3WP_FALSE, strlen(W3WP_FALSE), &v.w3wp);
	ww_hostcfg_evaluate(&v, NULL, &r);
	ck_assert(!ww_hostcfg_report_has_finding(&r, "import_tls_path"));
	ck_assert_int_eq(get(&r, "dotnet_strong_crypto")->state, WW_HOSTCFG_OK);
	ck_assert_int_eq(get(&r, "w3wp_exe_config")->state, WW_HOSTCFG_OK);
	/* switch=true: off the defaults even with the registry set; the
	 * registry item, being set, asks for nothing. */
	good(&v);
	ww_hostcfg_parse_w3wp("w", W3WP_TRUE, strlen(W3WP_TRUE), &v.w3wp);
	ww_hostcfg_evaluate(&v, NULL, &r);
	ck_assert(ww_hostcfg_report_has_finding(&r, "import_tls_path"));
	it = get(&r, "w3wp_exe_config");
	ck_assert_int_eq(it->state, WW_HOSTCFG_WARNING);
	ck_assert_str_eq(it->finding, "import_tls_path");
	ck_assert_ptr_nonnull(strstr(it->hint,
		"DontEnableSystemDefaultTlsVersions=false"));
	it = get(&r, "dotnet_strong_crypto");
	ck_assert_int_eq(it->state, WW_HOSTCFG_OK);
	ck_assert_str_eq(it->hint, "");
}
END_TEST

START_TEST(upstream_in_evidence)
{
	struct ww_hostcfg_values v;
	struct ww_hostcfg_report r;
	struct ww_hostcfg_expect e = { true, 8531, true };

	good(&v);
	ww_hostcfg_evaluate(&v, &e, &r);
	ck_assert_ptr_nonnull(strstr(get(&r, "wsus_setup")->evidence,
				     "configured upstream: port 8531 https"));
}
END_TEST

START_TEST(read_on_this_system)
{
	struct ww_hostcfg_values v;
	struct ww_err err;
	int r;

	ww_err_clear(&err);
	r = ww_hostcfg_read(&v, &err);
	/* POSIX: no registry; Windows (Wine): reads, absent values are fine. */
	if (r) {
		ck_assert_int_eq(r, WW_EUNAVAIL);
		ck_assert_ptr_nonnull(strstr(err.msg, "not applicable on this "
						      "system"));
	}
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("hostcfg");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, good_host_is_ok);
	tcase_add_test(tc, nothing_set_is_import_tls_path);
	tcase_add_test(tc, one_view_missing);
	tcase_add_test(tc, tls12_disabled);
	tcase_add_test(tc, old_protocols_in_evidence);
	tcase_add_test(tc, cipher_policy_without_usable_suite);
	tcase_add_test(tc, cipher_local_setting_and_upstream);
	tcase_add_test(tc, w3wp_parse);
	tcase_add_test(tc, w3wp_malformed_names_file_and_line);
	tcase_add_test(tc, w3wp_read_file);
	tcase_add_test(tc, w3wp_keeps_import_off_defaults);
	tcase_add_test(tc, upstream_in_evidence);
	tcase_add_test(tc, read_on_this_system);
	suite_add_tcase(s, tc);
	return s;
}
