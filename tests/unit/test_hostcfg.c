/*
 * test_hostcfg.c - judging the host TLS registry values (the portable
 * half of hostcfg.h), and on POSIX that reading says "not applicable".
 * The Windows registry reads are tested under Wine (tests/wine/
 * hostcfg_wine.sh sets values with `wine reg add`).
 */
#include "compat.h"

#include "hostcfg.h"
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
	dword(&v->tls12_enabled, 1);
	dword(&v->tls12_disabled_by_default, 0);
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
	ck_assert_int_eq(r.n, 3);
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
	ww_hostcfg_evaluate(&v, NULL, &r);
	it = get(&r, "dotnet_strong_crypto");
	ck_assert_int_eq(it->state, WW_HOSTCFG_WARNING);
	ck_assert_str_eq(it->finding, "import_tls_path");
	ck_assert_ptr_nonnull(strstr(it->summary, "in the WOW6432Node view:"));
	ck_assert_ptr_nonnull(strstr(it->evidence,
				     "WOW6432Node: SchUseStrongCrypto=0"));
}
END_TEST

START_TEST(tls12_disabled)
{
	struct ww_hostcfg_values v;
	struct ww_hostcfg_report r;

	good(&v);
	v.tls12_enabled.value = 0;
	ww_hostcfg_evaluate(&v, NULL, &r);
	ck_assert_int_eq(get(&r, "schannel_tls12_client")->state,
			 WW_HOSTCFG_CRITICAL);
	good(&v);
	v.tls12_disabled_by_default.value = 1;
	ww_hostcfg_evaluate(&v, NULL, &r);
	ck_assert_int_eq(get(&r, "schannel_tls12_client")->state,
			 WW_HOSTCFG_WARNING);
	ck_assert_ptr_nonnull(strstr(get(&r, "schannel_tls12_client")->evidence,
				     "DisabledByDefault=1"));
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
	tcase_add_test(tc, upstream_in_evidence);
	tcase_add_test(tc, read_on_this_system);
	suite_add_tcase(s, tc);
	return s;
}
