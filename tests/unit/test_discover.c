/*
 * test_discover.c - the portable half of WSUS discovery: SUSDB rows as
 * text into struct ww_discovered, the SUSDB server and connection string,
 * LogPath as file or directory, and the merge where the file always wins.
 */
#include "compat.h"

#include "config.h"
#include "config_keys.h"
#include "discover.h"
#include "tail.h"
#include "util.h"
#include "ww_test.h"

static struct ww_discovered *disc(void)
{
	struct ww_discovered *d = malloc(sizeof(*d));

	ck_assert_ptr_nonnull(d);
	ww_discovered_init(d);
	d->installed = true;
	return d;
}

/* tbConfigurationA in column order, as the ODBC edge hands it over. */
static void row_a(struct ww_discovered *d, const char *sync_to_mu,
		  const char *host, const char *port, const char *ssl,
		  const char *use_proxy, const char *proxy, const char *pport,
		  const char *anon, const char *user)
{
	const char *v[] = { sync_to_mu, host, port, ssl, use_proxy, proxy,
			    pport, anon, user };

	ck_assert_uint_eq(WW_ARRAY_SIZE(v), ww_disc_queries[WW_DISC_TABLE_A].ncols);
	ww_discovered_take_row(d, WW_DISC_TABLE_A, v);
}

static void row_b(struct ww_discovered *d, const char *muurl, const char *log)
{
	const char *v[] = { muurl, log };

	ww_discovered_take_row(d, WW_DISC_TABLE_B, v);
}

static void row_c(struct ww_discovered *d, const char *rollover,
		  const char *domain)
{
	const char *v[] = { rollover, domain };

	ww_discovered_take_row(d, WW_DISC_TABLE_C, v);
}

static void load(struct ww_config *c, const char *yaml)
{
	struct ww_err err;

	ck_assert_msg(ww_config_init(c, &err) == 0, "%s", err.msg);
	if (yaml)
		ck_assert_msg(ww_config_load_string(c, "t.yaml", yaml,
						    strlen(yaml), &err) == 0,
			      "%s", err.msg);
}

static void apply(struct ww_config *c, const struct ww_discovered *d)
{
	struct ww_err err;

	ck_assert_msg(ww_config_apply_discovered(c, d, &err) == 0, "%s",
		      err.msg);
}

static const char *src_of(const struct ww_config *c, const char *key)
{
	size_t i;

	for (i = 0; i < ww_config_nkeys; i++)
		if (strcmp(ww_config_keys[i].name, key) == 0)
			return c->origin_source[i] ? c->origin_source[i] : "";
	return "";
}

START_TEST(rows_parse)
{
	struct ww_discovered *d = disc();

	row_a(d, "0", "wsus-up.corp.example", "8531", "1", "1", "proxy.corp",
	      "3128", "0", "svc-wsus");
	row_b(d, "https://sws.update.microsoft.com", "C:\\Logs");
	row_c(d, "20971520", "CORP  ");
	ck_assert(d->sync_to_mu.known && !d->sync_to_mu.value);
	ck_assert_str_eq(d->upstream_host.value, "wsus-up.corp.example");
	ck_assert_int_eq(d->upstream_port.value, 8531);
	ck_assert(d->upstream_ssl.value);
	ck_assert_str_eq(d->upstream_port.source,
			 "SUSDB tbConfigurationA.ServerPortNumber");
	ck_assert_int_eq(d->proxy_port.value, 3128);
	ck_assert(d->proxy_anonymous.known && !d->proxy_anonymous.value);
	ck_assert_int_eq(d->log_rollover.value, 20971520);
	ck_assert_str_eq(d->proxy_domain.value, "CORP"); /* padding trimmed */
	ck_assert_str_eq(d->bad, "");
	free(d);
}
END_TEST

START_TEST(rows_bad_and_null)
{
	struct ww_discovered *d = disc();

	row_a(d, "True", NULL, "eighty", "maybe", NULL, "", NULL, NULL, NULL);
	ck_assert(d->sync_to_mu.known && d->sync_to_mu.value);
	ck_assert(!d->upstream_host.known);
	ck_assert(!d->upstream_port.known);
	ck_assert(!d->upstream_ssl.known);
	ck_assert(!d->proxy_name.known);
	ck_assert_msg(strstr(d->bad, "ServerPortNumber: 'eighty'") &&
		      strstr(d->bad, "UpstreamServerUseSSL: 'maybe'"), "%s",
		      d->bad);
	free(d);
}
END_TEST

START_TEST(server_and_conn_string)
{
	char buf[512];

	ww_discover_sql_server(NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "np:\\\\.\\pipe\\MICROSOFT##WID\\tsql\\query");
	ww_discover_sql_server("WSUS01\\MICROSOFT##WID", buf, sizeof(buf));
	ck_assert_str_eq(buf, "np:\\\\.\\pipe\\MICROSOFT##WID\\tsql\\query");
	ww_discover_sql_server("MICROSOFT##SSEE", buf, sizeof(buf));
	ck_assert_str_eq(buf, "np:\\\\.\\pipe\\MSSQL$MICROSOFT##SSEE\\sql\\query");
	ww_discover_sql_server("SQL01\\WSUS", buf, sizeof(buf));
	ck_assert_str_eq(buf, "SQL01\\WSUS");

	ck_assert_int_eq(ww_discover_conn_string("{SQL Server}", "SQL01\\W;x}",
						 buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "Driver={SQL Server};Server={SQL01\\W;x}}};"
			 "Database=SUSDB;Trusted_Connection=yes;");
	ck_assert_int_eq(ww_discover_conn_string("{ODBC Driver 18 for SQL Server}",
						 "h", buf, sizeof(buf)), 0);
	ck_assert_ptr_nonnull(strstr(buf, "Encrypt=Optional;"));
	ck_assert_int_eq(ww_discover_conn_string("{SQL Server}", "h", buf, 20),
			 WW_ERANGE);
}
END_TEST

START_TEST(log_path_file_or_dir)
{
	char buf[256];

	ww_discover_log_file("D:\\WSUS\\Logs", buf, sizeof(buf));
	ck_assert_str_eq(buf, "D:\\WSUS\\Logs\\SoftwareDistribution.log");
	ww_discover_log_file("D:\\WSUS\\Logs\\", buf, sizeof(buf));
	ck_assert_str_eq(buf, "D:\\WSUS\\Logs\\SoftwareDistribution.log");
	ww_discover_log_file("D:\\WSUS\\Logs\\Custom.LOG", buf, sizeof(buf));
	ck_assert_str_eq(buf, "D:\\WSUS\\Logs\\Custom.LOG");
}
END_TEST

START_TEST(mu_fills_defaults)
{
	struct ww_discovered *d = disc();
	struct ww_config c;

	load(&c, NULL);
	row_a(d, "1", "", "8530", "0", "0", NULL, "80", "1", NULL);
	row_b(d, "https://sws1.update.microsoft.com", "D:\\Logs\\");
	apply(&c, d);
	ck_assert_str_eq(c.wsus.muurl, "https://sws1.update.microsoft.com");
	ck_assert_str_eq(src_of(&c, "wsus.muurl"), "SUSDB tbConfigurationB.MUUrl");
	ck_assert_ptr_null(c.wsus.upstream.host);
	ck_assert_int_eq(ww_config_origin_of(&c, "wsus.upstream.host"),
			 WW_ORIGIN_DISCOVERED);
	ck_assert_str_eq(src_of(&c, "wsus.upstream.host"),
			 "SUSDB tbConfigurationA.SyncToMU");
	/* SyncToMU=1: the upstream's port is not taken. */
	ck_assert_int_eq(ww_config_origin_of(&c, "wsus.upstream.port"),
			 WW_ORIGIN_DEFAULT);
	ck_assert_ptr_null(c.proxy.url);
	ck_assert_int_eq(ww_config_origin_of(&c, "proxy.url"),
			 WW_ORIGIN_DISCOVERED);
	ck_assert_str_eq(c.wsus.log, "D:\\Logs\\SoftwareDistribution.log");
	ck_assert_str_eq(src_of(&c, "wsus.log"), "SUSDB tbConfigurationB.LogPath");
	ck_assert_uint_eq(c.discovery.applied, 5);
	ww_config_release(&c);
	free(d);
}
END_TEST

START_TEST(upstream_fills)
{
	struct ww_discovered *d = disc();
	struct ww_config c;
	struct ww_buf out;

	load(&c, NULL);
	row_a(d, "0", "wsus-up.corp.example", "8531", "1", "0", NULL, NULL,
	      NULL, NULL);
	apply(&c, d);
	ck_assert_str_eq(c.wsus.upstream.host, "wsus-up.corp.example");
	ck_assert_int_eq(c.wsus.upstream.port, 8531);
	ck_assert(c.wsus.upstream.ssl);
	ck_assert_str_eq(src_of(&c, "wsus.upstream.ssl"),
			 "SUSDB tbConfigurationA.UpstreamServerUseSSL");
	ww_buf_init(&out, 1 << 20);
	ck_assert_int_eq(ww_config_show(&c, &out), 0);
	ck_assert_msg(strstr(out.data, "host: \"wsus-up.corp.example\"  # "
			     "discovered: SUSDB tbConfigurationA.UpstreamServerName\n"),
		      "%s", out.data);
	ck_assert_msg(strstr(out.data, "port: 8531  # discovered: SUSDB "
			     "tbConfigurationA.ServerPortNumber\n"), "%s", out.data);
	ww_buf_release(&out);
	ww_config_release(&c);
	free(d);
}
END_TEST

START_TEST(file_wins)
{
	struct ww_discovered *d = disc();
	struct ww_config c;

	/* The file names its own upstream and says "no proxy" with null. */
	load(&c, "wsus:\n  upstream:\n    host: mine.example\n"
	     "proxy:\n  url: null\n");
	row_a(d, "0", "theirs.example", "8531", "1", "1", "proxy.corp", "8080",
	      "0", "svc");
	row_b(d, "https://fe2.update.microsoft.com/v6", NULL);
	apply(&c, d);
	ck_assert_str_eq(c.wsus.upstream.host, "mine.example");
	ck_assert_int_eq(ww_config_origin_of(&c, "wsus.upstream.host"),
			 WW_ORIGIN_FILE);
	/* Port and SSL belong to the file's host: not mixed with SUSDB's. */
	ck_assert_int_eq(c.wsus.upstream.port, 8530);
	ck_assert(!c.wsus.upstream.ssl);
	ck_assert_ptr_null(c.proxy.url);
	ck_assert_ptr_null(c.proxy.user);
	ck_assert_int_eq(ww_config_origin_of(&c, "proxy.user"), WW_ORIGIN_DEFAULT);
	/* A key the file left out is still filled. */
	ck_assert_str_eq(c.wsus.muurl, "https://fe2.update.microsoft.com/v6");
	ww_config_release(&c);
	free(d);
}
END_TEST

START_TEST(proxy_user_with_domain)
{
	struct ww_discovered *d = disc();
	struct ww_config c;

	load(&c, "proxy:\n  password_env: WSUS_PROXY_PW\n");
	row_a(d, "1", NULL, NULL, NULL, "1", "proxy.corp.example", "3128", "0",
	      "svc-wsus");
	row_c(d, "20971520", "CORP");
	apply(&c, d);
	ck_assert_str_eq(c.proxy.url, "http://proxy.corp.example:3128");
	ck_assert_str_eq(c.proxy.user, "CORP\\svc-wsus");
	ck_assert_str_eq(c.proxy.password_env, "WSUS_PROXY_PW");
	ww_config_release(&c);

	/* Anonymous access: no user, whatever ProxyUserName says. */
	ww_discovered_init(d);
	load(&c, NULL);
	row_a(d, "1", NULL, NULL, NULL, "1", "proxy.corp.example", NULL, "1",
	      "svc-wsus");
	apply(&c, d);
	ck_assert_str_eq(c.proxy.url, "http://proxy.corp.example:80");
	ck_assert_ptr_null(c.proxy.user);
	ck_assert_str_eq(src_of(&c, "proxy.user"),
			 "SUSDB tbConfigurationA.AnonymousProxyAccess");
	ww_config_release(&c);
	free(d);
}
END_TEST

START_TEST(invalid_values_are_not_taken)
{
	struct ww_discovered *d = disc();
	struct ww_config c;

	load(&c, NULL);
	row_a(d, "0", "up\x01host", "70000", "0", "1", "bad host/x", "80", "1",
	      NULL);
	row_b(d, "ftp://mirror.example", NULL);
	apply(&c, d);
	ck_assert_ptr_null(c.wsus.upstream.host);
	ck_assert_int_eq(c.wsus.upstream.port, 8530);
	ck_assert_str_eq(c.wsus.muurl, "https://sws.update.microsoft.com");
	ck_assert_ptr_null(c.proxy.url);
	ck_assert_msg(strstr(c.discovery.rejected, "wsus.muurl") &&
		      strstr(c.discovery.rejected, "ProxyName"), "%s",
		      c.discovery.rejected);
	ck_assert_uint_eq(c.discovery.applied, 0);
	ww_config_release(&c);
	free(d);
}
END_TEST

START_TEST(target_dir_when_no_log_path)
{
	struct ww_discovered *d = disc();
	struct ww_config c;

	load(&c, NULL);
	ww_strlcpy(d->target_dir.value, "E:\\Update Services",
		   sizeof(d->target_dir.value));
	d->target_dir.known = true;
	d->target_dir.source = "registry Setup\\TargetDir";
	apply(&c, d);
	ck_assert_str_eq(c.wsus.log,
			 "E:\\Update Services\\LogFiles\\SoftwareDistribution.log");
	ww_config_release(&c);
	/* LogPath (SUSDB) wins over TargetDir (registry). */
	load(&c, NULL);
	row_b(d, NULL, "F:\\L\\x.log");
	apply(&c, d);
	ck_assert_str_eq(c.wsus.log, "F:\\L\\x.log");
	ww_config_release(&c);
	free(d);
}
END_TEST

/* wsus.log_rollover for diagnose and the log task, from SUSDB or the file. */
static uint64_t bound_with(const char *yaml, const char *rollover,
			   enum ww_config_origin origin)
{
	struct ww_discovered *d = disc();
	struct ww_config c;
	uint64_t bound;

	load(&c, yaml);
	row_c(d, rollover, NULL);
	apply(&c, d);
	ck_assert_int_eq(ww_config_origin_of(&c, "wsus.log_rollover"), origin);
	if (origin == WW_ORIGIN_DISCOVERED)
		ck_assert_str_eq(src_of(&c, "wsus.log_rollover"),
				 "SUSDB tbConfigurationC.LogRolloverFileSizeInBytes");
	bound = ww_tail_initial_max(c.wsus.log_rollover);
	ww_config_release(&c);
	free(d);
	return bound;
}

START_TEST(rollover_bounds_the_first_read)
{
	/* Discovered: WSUS's size plus a quarter. */
	ck_assert_uint_eq(bound_with(NULL, "52428800", WW_ORIGIN_DISCOVERED),
			  65536000);
	/* Configured: the file wins over SUSDB. */
	ck_assert_uint_eq(bound_with("wsus:\n  log_rollover: 104857600\n",
				     "52428800", WW_ORIGIN_FILE), 131072000);
	/* Neither: 32 MiB. */
	ck_assert_uint_eq(bound_with(NULL, NULL, WW_ORIGIN_DEFAULT), 32u << 20);
	/* Clamped to 1 MiB .. 1 GiB. */
	ck_assert_uint_eq(bound_with(NULL, "4096", WW_ORIGIN_DISCOVERED),
			  1u << 20);
	ck_assert_uint_eq(bound_with(NULL, "4294967296", WW_ORIGIN_DISCOVERED),
			  1u << 30);
	/* A negative size is not taken: the default stays. */
	ck_assert_uint_eq(bound_with(NULL, "-1", WW_ORIGIN_DEFAULT), 32u << 20);
}
END_TEST

START_TEST(discover_off)
{
	struct ww_config c;

	load(&c, "wsus:\n  discover: false\n");
	ck_assert_int_eq(ww_config_discover(&c), 0);
	ck_assert_int_eq(c.discovery.code, WW_ESTATE);
	ck_assert(!ww_config_discovery_noteworthy(&c));
	ww_config_release(&c);
}
END_TEST

/*
 * No WSUS on this machine: unavailable, not noteworthy, nothing applied.
 * Where WSUS is (a Wine prefix with the Setup key, see wine_discover)
 * this cannot be checked and is skipped.
 */
START_TEST(discover_unavailable)
{
	struct ww_config c;
	struct ww_buf out;
	bool found;

	load(&c, NULL);
	ck_assert_int_eq(ww_config_discover(&c), 0);
	found = c.discovery.code == 0;
	if (found)
		ww_config_release(&c);
	WW_TEST_SKIP_IF(found, "WSUS is installed here (its Setup key is present)");
	ck_assert_msg(c.discovery.code == WW_EUNAVAIL ||
		      c.discovery.code == WW_ENOENT, "%d %s", c.discovery.code,
		      c.discovery.msg);
	ck_assert(!ww_config_discovery_noteworthy(&c));
	ck_assert_uint_eq(c.discovery.applied, 0);
	ww_buf_init(&out, 1 << 20);
	ck_assert_int_eq(ww_config_show(&c, &out), 0);
	ck_assert_ptr_null(strstr(out.data, "# discovered"));
	ww_buf_release(&out);
	ww_config_release(&c);
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("discover");
	TCase *tc = tcase_create("discover");

	tcase_add_test(tc, rows_parse);
	tcase_add_test(tc, rows_bad_and_null);
	tcase_add_test(tc, server_and_conn_string);
	tcase_add_test(tc, log_path_file_or_dir);
	tcase_add_test(tc, mu_fills_defaults);
	tcase_add_test(tc, upstream_fills);
	tcase_add_test(tc, file_wins);
	tcase_add_test(tc, proxy_user_with_domain);
	tcase_add_test(tc, invalid_values_are_not_taken);
	tcase_add_test(tc, target_dir_when_no_log_path);
	tcase_add_test(tc, rollover_bounds_the_first_read);
	tcase_add_test(tc, discover_off);
	suite_add_tcase(s, tc);
	/* Skipped where WSUS is: a ctest entry of its own (ww_test.h). */
	tc = tcase_create("unavailable");
	tcase_set_tags(tc, WW_TEST_TAG_SEPARATE);
	tcase_add_test(tc, discover_unavailable);
	suite_add_tcase(s, tc);
	return s;
}
