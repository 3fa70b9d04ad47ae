/*
 * test_hostsvc.c - judging the local services (the portable half of
 * hostsvc.h): services, the DACL walk, the Trusted Root store,
 * applicationHost.config; and the engine rows built on them (cause
 * attribution: local services after host TLS, before the network path).
 * The Windows reads are tested under Wine (tests/wine/hostsvc_wine.sh).
 */
#include "compat.h"

#include "health.h"
#include "hostsvc.h"
#include "os.h"
#include "util.h"
#include "ww_test.h"

#define H 3600
#define NOW ((int64_t)1800000000)

static void svc(struct ww_hostsvc_values *v, enum ww_hostsvc_id id,
		enum ww_hostsvc_start start, enum ww_hostsvc_run run)
{
	v->services[id].code = 0;
	v->services[id].start = start;
	v->services[id].run = run;
}

static void ace(struct ww_hostsvc_dacl *d, enum ww_hostsvc_ace_type t,
		const char *sid, uint32_t mask, bool inherit_only)
{
	struct ww_hostsvc_ace *a = &d->aces[d->n++];

	a->type = t;
	a->mask = mask;
	a->inherit_only = inherit_only;
	ww_strlcpy(a->sid, sid, sizeof(a->sid));
}

#define FILE_READ_EXEC 0x001200a9u /* "Read & execute" */
#define FULL 0x001f01ffu

/* A WSUS server set up the way the guides say. */
static void good(struct ww_hostsvc_values *v)
{
	memset(v, 0, sizeof(*v));
	svc(v, WW_HOSTSVC_WSUS, WW_SVC_START_AUTO, WW_SVC_RUN_RUNNING);
	svc(v, WW_HOSTSVC_BITS, WW_SVC_START_MANUAL, WW_SVC_RUN_STOPPED);
	svc(v, WW_HOSTSVC_W3SVC, WW_SVC_START_AUTO, WW_SVC_RUN_RUNNING);
	v->pool.found = true;
	v->pool.auto_start = 1;
	v->pool.have_private_memory = true;
	v->pool.private_memory_kb = 1843200;
	ww_strlcpy(v->pool.path, "applicationHost.config", sizeof(v->pool.path));
	ww_strlcpy(v->content.path, "D:\\WSUS", sizeof(v->content.path));
	ace(&v->content, WW_ACE_ALLOW, "S-1-5-18", FULL, false);
	ace(&v->content, WW_ACE_ALLOW, "S-1-5-32-544", FULL, false);
	ace(&v->content, WW_ACE_ALLOW, "S-1-5-20", FILE_READ_EXEC, false);
	ace(&v->content, WW_ACE_ALLOW, "S-1-5-32-545", FILE_READ_EXEC, false);
	v->roots.total = 40;
}

static enum ww_hostsvc_state service_state(const struct ww_hostsvc_values *v,
					   enum ww_hostsvc_id id)
{
	struct ww_hostsvc_verdict r;

	ww_hostsvc_judge_service(v, id, &r);
	return r.state;
}

START_TEST(healthy_server_is_ok)
{
	struct ww_hostsvc_values v;
	struct ww_hostsvc_verdict r;
	size_t i;

	good(&v);
	for (i = 0; i < WW_HOSTSVC_N; i++)
		ck_assert_int_eq(service_state(&v, (enum ww_hostsvc_id)i),
				 WW_HOSTSVC_OK);
	ww_hostsvc_judge_service(&v, WW_HOSTSVC_BITS, &r);
	ck_assert_str_eq(r.summary, "BITS is stopped, startup type manual");
	ck_assert_str_eq(r.fix, "");
	ww_hostsvc_judge_pool(&v, &r);
	ck_assert_int_eq(r.state, WW_HOSTSVC_OK);
	ck_assert_ptr_nonnull(strstr(r.summary, "1843200 KB"));
	ck_assert_ptr_nonnull(strstr(r.evidence, "run state is not in the file"));
	ww_hostsvc_judge_content(&v, &r);
	ck_assert_int_eq(r.state, WW_HOSTSVC_OK);
	ww_hostsvc_judge_roots(&v, &r);
	ck_assert_int_eq(r.state, WW_HOSTSVC_OK);
	ck_assert_str_eq(r.summary, "40 certificates in the machine's Trusted "
		"Root store, all self-issued");
}
END_TEST

START_TEST(bits_disabled_is_critical)
{
	struct ww_hostsvc_values v;
	struct ww_hostsvc_verdict r;

	good(&v);
	v.services[WW_HOSTSVC_BITS].start = WW_SVC_START_DISABLED;
	ww_hostsvc_judge_service(&v, WW_HOSTSVC_BITS, &r);
	ck_assert_int_eq(r.state, WW_HOSTSVC_CRITICAL);
	ck_assert_str_eq(r.summary, "BITS is disabled: synchronization fails "
		"(WSUS downloads with BITS)");
	ck_assert_ptr_nonnull(strstr(r.fix, "Set-Service BITS -StartupType "
					    "Manual"));
	ck_assert_ptr_nonnull(strstr(r.evidence, "startup type disabled"));
	/* Automatic but stopped: something stopped it. */
	v.services[WW_HOSTSVC_BITS].start = WW_SVC_START_DELAYED;
	ck_assert_int_eq(service_state(&v, WW_HOSTSVC_BITS), WW_HOSTSVC_WARNING);
	v.services[WW_HOSTSVC_BITS].run = WW_SVC_RUN_RUNNING;
	ck_assert_int_eq(service_state(&v, WW_HOSTSVC_BITS), WW_HOSTSVC_OK);
}
END_TEST

START_TEST(wsus_and_iis_must_run_automatically)
{
	struct ww_hostsvc_values v;
	struct ww_hostsvc_verdict r;

	good(&v);
	v.services[WW_HOSTSVC_WSUS].start = WW_SVC_START_MANUAL;
	ww_hostsvc_judge_service(&v, WW_HOSTSVC_WSUS, &r);
	ck_assert_int_eq(r.state, WW_HOSTSVC_WARNING);
	ck_assert_ptr_nonnull(strstr(r.summary, "will not start after a "
						"reboot"));
	v.services[WW_HOSTSVC_WSUS].run = WW_SVC_RUN_STOPPED;
	ck_assert_int_eq(service_state(&v, WW_HOSTSVC_WSUS),
			 WW_HOSTSVC_CRITICAL);
	v.services[WW_HOSTSVC_W3SVC].start = WW_SVC_START_DISABLED;
	ww_hostsvc_judge_service(&v, WW_HOSTSVC_W3SVC, &r);
	ck_assert_int_eq(r.state, WW_HOSTSVC_CRITICAL);
	ck_assert_ptr_nonnull(strstr(r.fix, "Start-Service W3SVC"));
	v.services[WW_HOSTSVC_W3SVC].code = WW_ENOENT;
	ck_assert_int_eq(service_state(&v, WW_HOSTSVC_W3SVC),
			 WW_HOSTSVC_CRITICAL);
	v.services[WW_HOSTSVC_W3SVC].code = WW_EPERM;
	ck_assert_int_eq(service_state(&v, WW_HOSTSVC_W3SVC),
			 WW_HOSTSVC_UNKNOWN);
}
END_TEST

START_TEST(not_a_wsus_server_is_skipped)
{
	struct ww_hostsvc_values v;
	struct ww_hostsvc_verdict r;

	good(&v);
	v.services[WW_HOSTSVC_WSUS].code = WW_ENOENT;
	v.services[WW_HOSTSVC_BITS].start = WW_SVC_START_DISABLED;
	ck_assert(!ww_hostsvc_wsus_installed(&v));
	ww_hostsvc_judge_service(&v, WW_HOSTSVC_BITS, &r);
	ck_assert_int_eq(r.state, WW_HOSTSVC_SKIPPED);
	ck_assert_str_eq(r.summary, "WsusService is not installed: not a WSUS "
		"server");
	ww_hostsvc_judge_pool(&v, &r);
	ck_assert_int_eq(r.state, WW_HOSTSVC_SKIPPED);
	ww_hostsvc_judge_content(&v, &r);
	ck_assert_int_eq(r.state, WW_HOSTSVC_SKIPPED);
}
END_TEST

static uint32_t allowed(const struct ww_hostsvc_dacl *d, const char *sid)
{
	const char *sids[] = { sid, "S-1-5-11", "S-1-1-0" };

	return ww_hostsvc_dacl_allowed(d, sids, WW_ARRAY_SIZE(sids));
}

START_TEST(dacl_walk)
{
	struct ww_hostsvc_dacl d;

	memset(&d, 0, sizeof(d));
	/* Empty DACL: nobody; NULL DACL: everybody. */
	ck_assert_uint_eq(allowed(&d, "S-1-5-20"), 0);
	d.null_dacl = true;
	ck_assert_uint_eq(allowed(&d, "S-1-5-20"), 0xffffffffu);
	d.null_dacl = false;
	/* Inherit-only: for children, not for the directory itself. */
	ace(&d, WW_ACE_ALLOW, "S-1-5-20", FULL, true);
	ck_assert_uint_eq(allowed(&d, "S-1-5-20"), 0);
	/* Everyone counts for every token; GENERIC_READ maps to read. */
	ace(&d, WW_ACE_ALLOW, "S-1-1-0", 0x80000000u, false);
	ck_assert_uint_eq(allowed(&d, "S-1-5-20") & WW_HOSTSVC_READ_MASK,
			  WW_HOSTSVC_READ_MASK);
	/* A deny before the allow wins; a deny after it does not. */
	memset(&d, 0, sizeof(d));
	ace(&d, WW_ACE_DENY, "S-1-5-20", 0x1u, false);
	ace(&d, WW_ACE_ALLOW, "S-1-5-11", FILE_READ_EXEC, false);
	ck_assert_uint_eq(allowed(&d, "S-1-5-20") & 0x1u, 0);
	ck_assert_uint_eq(allowed(&d, "S-1-5-32-545") & WW_HOSTSVC_READ_MASK,
			  WW_HOSTSVC_READ_MASK);
	memset(&d, 0, sizeof(d));
	ace(&d, WW_ACE_ALLOW, "S-1-5-11", FILE_READ_EXEC, false);
	ace(&d, WW_ACE_DENY, "S-1-5-20", 0x1u, false);
	ck_assert_uint_eq(allowed(&d, "S-1-5-20") & WW_HOSTSVC_READ_MASK,
			  WW_HOSTSVC_READ_MASK);
	/* Other ACE types are not judged. */
	memset(&d, 0, sizeof(d));
	ace(&d, WW_ACE_OTHER, "S-1-5-20", FULL, false);
	ck_assert_uint_eq(allowed(&d, "S-1-5-20"), 0);
}
END_TEST

START_TEST(content_unreadable_for_network_service)
{
	struct ww_hostsvc_values v;
	struct ww_hostsvc_verdict r;

	good(&v);
	/* Only SYSTEM and Administrators: neither can read. */
	v.content.n = 2;
	ww_hostsvc_judge_content(&v, &r);
	ck_assert_int_eq(r.state, WW_HOSTSVC_CRITICAL);
	ck_assert_str_eq(r.summary, "NETWORK SERVICE and Users cannot read the "
		"content directory D:\\WSUS: update files cannot be served or "
		"downloaded");
	ck_assert_ptr_nonnull(strstr(r.fix, "icacls \"D:\\WSUS\" /grant "
		"*S-1-5-20:(OI)(CI)RX /grant *S-1-5-32-545:(OI)(CI)RX"));
	ck_assert_ptr_nonnull(strstr(r.evidence, "allow S-1-5-18 0x1f01ff"));
	/* NETWORK SERVICE's token holds Users: Users' read is enough. */
	ace(&v.content, WW_ACE_ALLOW, "S-1-5-32-545", FILE_READ_EXEC, false);
	ww_hostsvc_judge_content(&v, &r);
	ck_assert_int_eq(r.state, WW_HOSTSVC_OK);
	/* NETWORK SERVICE denied, Users allowed. */
	memset(&v.content.aces, 0, sizeof(v.content.aces));
	v.content.n = 0;
	ace(&v.content, WW_ACE_DENY, "S-1-5-20", FULL, false);
	ace(&v.content, WW_ACE_ALLOW, "S-1-5-32-545", FILE_READ_EXEC, false);
	ww_hostsvc_judge_content(&v, &r);
	ck_assert_int_eq(r.state, WW_HOSTSVC_CRITICAL);
	ck_assert_ptr_nonnull(strstr(r.fix, "/grant *S-1-5-20:(OI)(CI)RX;"));
	ck_assert_ptr_null(strstr(r.fix, "S-1-5-32-545"));
	/* Only NETWORK SERVICE: Users cannot read, a warning. */
	v.content.n = 0;
	ace(&v.content, WW_ACE_ALLOW, "S-1-5-20", FILE_READ_EXEC, false);
	ww_hostsvc_judge_content(&v, &r);
	ck_assert_int_eq(r.state, WW_HOSTSVC_WARNING);
	ck_assert_str_eq(r.summary, "Users cannot read the content directory "
		"D:\\WSUS: update files cannot be served or downloaded");
	/* Unknown ContentDir: skipped; unreadable DACL: unknown. */
	v.content.code = WW_ENOENT;
	ww_hostsvc_judge_content(&v, &r);
	ck_assert_int_eq(r.state, WW_HOSTSVC_SKIPPED);
	v.content.code = WW_EPERM;
	ww_hostsvc_judge_content(&v, &r);
	ck_assert_int_eq(r.state, WW_HOSTSVC_UNKNOWN);
}
END_TEST

START_TEST(intermediate_in_trusted_root)
{
	struct ww_hostsvc_values v;
	struct ww_hostsvc_verdict r;

	ck_assert(!ww_hostsvc_cert_is_intermediate("CN=Root", "CN=Root"));
	ck_assert(ww_hostsvc_cert_is_intermediate("CN=Issuing CA", "CN=Root"));
	good(&v);
	v.roots.n_intermediate = v.roots.n = 1;
	ww_strlcpy(v.roots.certs[0].subject, "CN=Lab Issuing CA",
		   sizeof(v.roots.certs[0].subject));
	ww_strlcpy(v.roots.certs[0].issuer, "CN=Lab Root CA",
		   sizeof(v.roots.certs[0].issuer));
	ww_hostsvc_judge_roots(&v, &r);
	ck_assert_int_eq(r.state, WW_HOSTSVC_WARNING);
	ck_assert_str_eq(r.summary, "1 intermediate CA certificate in the "
		"machine's Trusted Root store, e.g. CN=Lab Issuing CA");
	ck_assert_str_eq(r.evidence, "\"CN=Lab Issuing CA\" issued by \"CN=Lab "
		"Root CA\"");
	ck_assert_ptr_nonnull(strstr(r.fix, "Intermediate Certification "
					    "Authorities"));
	v.roots.code = WW_EIO;
	ww_hostsvc_judge_roots(&v, &r);
	ck_assert_int_eq(r.state, WW_HOSTSVC_UNKNOWN);
}
END_TEST

/* ---- applicationHost.config ---- */

#define APPHOST(pool, defaults) \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
	"<configuration>\n" \
	" <system.applicationHost>\n" \
	"  <applicationPools>\n" \
	"   <add name=\"DefaultAppPool\">\n" \
	"    <recycling><periodicRestart privateMemory=\"5\" /></recycling>\n" \
	"   </add>\n" \
	pool \
	"   <applicationPoolDefaults managedRuntimeVersion=\"v4.0\">\n" \
	defaults \
	"   </applicationPoolDefaults>\n" \
	"  </applicationPools>\n" \
	" </system.applicationHost>\n" \
	"</configuration>\n"

static int parse(const char *xml, struct ww_hostsvc_pool *p,
		 struct ww_err *err)
{
	ww_err_clear(err);
	return ww_hostsvc_apphost_parse(xml, strlen(xml), "ah.config", p, err);
}

START_TEST(apphost_pool)
{
	struct ww_hostsvc_values v;
	struct ww_hostsvc_verdict r;
	struct ww_err err;

	good(&v);
	ck_assert_int_eq(parse(APPHOST("   <add name=\"WsusPool\" autoStart="
		"\"true\" startMode=\"AlwaysRunning\">\n    <recycling>"
		"<periodicRestart privateMemory=\"1843200\" time=\"00:00:00\"/>"
		"</recycling>\n   </add>\n", ""), &v.pool, &err), 0);
	ck_assert(v.pool.found);
	ck_assert_int_eq(v.pool.auto_start, 1);
	ck_assert_str_eq(v.pool.start_mode, "AlwaysRunning");
	ck_assert(v.pool.have_private_memory);
	ck_assert_int_eq(v.pool.private_memory_kb, 1843200);
	ww_hostsvc_judge_pool(&v, &r);
	ck_assert_int_eq(r.state, WW_HOSTSVC_OK);
	/* A lowered limit: 503s while IIS recycles. */
	ck_assert_int_eq(parse(APPHOST("   <add name=\"wsuspool\"><recycling>"
		"<periodicRestart privateMemory=\"512000\"/></recycling></add>\n",
		""), &v.pool, &err), 0);
	ck_assert_int_eq(v.pool.auto_start, -1);
	ww_hostsvc_judge_pool(&v, &r);
	ck_assert_int_eq(r.state, WW_HOSTSVC_WARNING);
	ck_assert_ptr_nonnull(strstr(r.summary, "512000 KB"));
	ck_assert_ptr_nonnull(strstr(r.fix, "privateMemory -Value 0"));
	/* No limit of its own: applicationPoolDefaults' applies. */
	ck_assert_int_eq(parse(APPHOST("   <add name=\"WsusPool\" autoStart="
		"\"false\"/>\n", "    <recycling><periodicRestart privateMemory="
		"\"1000\"/></recycling>\n"), &v.pool, &err), 0);
	ck_assert(v.pool.private_memory_default);
	ck_assert_int_eq(v.pool.private_memory_kb, 1000);
	ck_assert_int_eq(v.pool.auto_start, 0);
	ww_hostsvc_judge_pool(&v, &r);
	ck_assert_int_eq(r.state, WW_HOSTSVC_WARNING);
	ck_assert_ptr_nonnull(strstr(r.summary, "autoStart=false"));
	/* No WsusPool at all. */
	ck_assert_int_eq(parse(APPHOST("", ""), &v.pool, &err), 0);
	ck_assert(!v.pool.found);
	ww_hostsvc_judge_pool(&v, &r);
	ck_assert_int_eq(r.state, WW_HOSTSVC_WARNING);
	ck_assert_str_eq(r.summary, "no WsusPool application pool in "
		"ah.config");
}
END_TEST

/* The WSUS virtual roots' Require SSL, from <location> <access>. */
START_TEST(apphost_virtual_root_ssl)
{
	static const char xml[] =
		"<configuration>\n"
		" <location path=\"WSUS Administration/ClientWebService\">\n"
		"  <system.webServer><security><access sslFlags=\"Ssl\" />"
		"</security></system.webServer>\n </location>\n"
		" <location path=\"WSUS Administration/Content\">\n"
		"  <system.webServer><security><access sslFlags=\"Ssl, "
		"SslNegotiateCert\" /></security></system.webServer>\n"
		" </location>\n"
		" <location path=\"WSUS Administration/SelfUpdate\">\n"
		"  <system.webServer><security><access sslFlags=\"SslNegotiateCert\""
		" /></security></system.webServer>\n </location>\n"
		" <system.webServer><security><access sslFlags=\"Ssl\" />"
		"</security></system.webServer>\n"
		"</configuration>\n";
	struct ww_hostsvc_pool p;
	struct ww_err err;

	ck_assert_int_eq(parse(xml, &p, &err), 0);
	ck_assert_int_eq(p.content_ssl, 1);
	/* SslNegotiateCert alone is not Require SSL; the global <access>
	 * and ClientWebService's (which must require it) are not roots. */
	ck_assert_int_eq(p.selfupdate_ssl, 0);
	/* Another site's Content root does not speak for WSUS's, in
	 * either order. */
	ck_assert_int_eq(parse("<configuration>"
		"<location path=\"WSUS Administration/Content\"><system.webServer>"
		"<security><access sslFlags=\"None\" /></security>"
		"</system.webServer></location>"
		"<location path=\"Intranet/Content\"><system.webServer>"
		"<security><access sslFlags=\"Ssl\" /></security>"
		"</system.webServer></location></configuration>", &p, &err), 0);
	ck_assert_int_eq(p.content_ssl, 0);
	ck_assert_int_eq(parse("<configuration>"
		"<location path=\"Intranet/Content\"><system.webServer>"
		"<security><access sslFlags=\"Ssl\" /></security>"
		"</system.webServer></location>"
		"<location path=\"WSUS Administration/Content\"><system.webServer>"
		"<security><access sslFlags=\"None\" /></security>"
		"</system.webServer></location></configuration>", &p, &err), 0);
	ck_assert_int_eq(p.content_ssl, 0);
	ck_assert_int_eq(parse("<configuration/>", &p, &err), 0);
	ck_assert_int_eq(p.content_ssl, -1);
	ck_assert_int_eq(p.selfupdate_ssl, -1);
}
END_TEST

START_TEST(apphost_errors_name_file_and_line)
{
	struct ww_hostsvc_pool p;
	struct ww_hostsvc_values v;
	struct ww_hostsvc_verdict r;
	struct ww_err err;
	char *dir, *path;

	ck_assert_int_eq(parse("<configuration>\n<a>\n</b>", &p, &err),
			 WW_EPARSE);
	ck_assert_ptr_nonnull(strstr(err.msg, "ah.config:3:"));
	ck_assert_int_eq(parse("<!DOCTYPE x [<!ENTITY a \"b\">]>\n<x/>", &p,
			       &err), WW_EPARSE);
	ck_assert_ptr_nonnull(strstr(err.msg, "DOCTYPE"));
	ck_assert_int_eq(parse(APPHOST("<add name=\"WsusPool\"><recycling>"
		"<periodicRestart privateMemory=\"lots\"/></recycling></add>", ""),
		&p, &err), WW_EPARSE);
	ck_assert_ptr_nonnull(strstr(err.msg, "ah.config:8:"));
	/* From a file: missing, then a real one. */
	dir = ww_test_tmpdir("hostsvc");
	path = ww_os_path_join(dir, "applicationHost.config");
	ck_assert_int_eq(ww_hostsvc_apphost_read(path, &p, &err), WW_ENOENT);
	ck_assert_int_eq(p.code, WW_ENOENT);
	good(&v);
	v.pool = p;
	ww_hostsvc_judge_pool(&v, &r);
	ck_assert_int_eq(r.state, WW_HOSTSVC_UNKNOWN);
	ww_test_write_file(path, APPHOST("<add name=\"WsusPool\"/>", ""),
			   strlen(APPHOST("<add name=\"WsusPool\"/>", "")));
	ck_assert_int_eq(ww_hostsvc_apphost_read(path, &p, &err), 0);
	ck_assert(p.found);
	ck_assert(!p.have_private_memory);
	ww_os_remove(path);
	free(path);
	free(dir);
}
END_TEST

START_TEST(read_on_this_system)
{
	struct ww_hostsvc_values v;
	struct ww_hostsvc_opts o = { NULL, false };
	struct ww_err err;
	int r;

	ww_err_clear(&err);
	r = ww_hostsvc_read(&o, &v, &err);
	/* POSIX: no SCM; Windows (Wine): each part has its own code. */
	if (r) {
		ck_assert_int_eq(r, WW_EUNAVAIL);
		ck_assert_ptr_nonnull(strstr(err.msg, "not applicable on this "
						      "system"));
	} else {
		ck_assert_int_eq(v.content.code, WW_ENOENT);
	}
}
END_TEST

/* ---- the engine's rows ---- */

static void stale_input(struct ww_health_input *in)
{
	ww_health_input_init(in);
	in->th.sync_warning = 26 * H;
	in->th.sync_critical = 50 * H;
	in->th.sync_failures = 3;
	in->th.probe_failures = 2;
	in->th.cert_warning = 30 * 86400;
	in->th.clock_skew = 300;
	in->sync_runs = 5;
	in->have_success = true;
	in->last_success = NOW - 60 * H;
	in->have_attempt = true;
	in->last_attempt = NOW - H;
	in->first_observed = NOW - 10 * 86400;
	in->local_avail = WW_FACT_AVAILABLE;
	good(&in->local);
}

static const struct ww_check_result *cause(const struct ww_health_report *r)
{
	const struct ww_check_result *c;

	c = ww_health_cause_of(r, ww_health_find(r, "sync_staleness"));
	ck_assert_ptr_nonnull(c);
	return c;
}

START_TEST(engine_bits_disabled_is_the_cause)
{
	static struct ww_health_input in;
	static struct ww_health_report rep;
	struct ww_probe_summary *t;

	stale_input(&in);
	in.local.services[WW_HOSTSVC_BITS].start = WW_SVC_START_DISABLED;
	/* A failing probe too: the local service comes first. */
	t = &in.targets[in.ntargets++];
	ww_strlcpy(t->name, "microsoft_update", sizeof(t->name));
	ww_strlcpy(t->url, "https://sws.update.microsoft.com", sizeof(t->url));
	ww_strlcpy(t->stage, "tcp", sizeof(t->stage));
	ww_strlcpy(t->result, "connect_timeout", sizeof(t->result));
	t->consecutive_failures = 3;
	in.source_known = true;
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_str_eq(cause(&rep)->key, "service:BITS");
	ck_assert_int_eq(cause(&rep)->state, WW_STATE_CRITICAL);
	ck_assert_int_eq(cause(&rep)->section, WW_SECTION_SERVICES);
	ck_assert_ptr_nonnull(strstr(cause(&rep)->fix, "Start-Service BITS"));
	ck_assert_str_eq(ww_health_find(&rep, "service:WsusService")->reason,
			 "WsusService is running, startup type automatic");
	/* The warning on Trusted Root does not outrank it. */
	in.local.roots.n_intermediate = in.local.roots.n = 1;
	ww_strlcpy(in.local.roots.certs[0].subject, "CN=I",
		   sizeof(in.local.roots.certs[0].subject));
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_str_eq(cause(&rep)->key, "service:BITS");
	/* Without BITS disabled the network path is the cause. */
	in.local.services[WW_HOSTSVC_BITS].start = WW_SVC_START_MANUAL;
	in.local.roots.n_intermediate = in.local.roots.n = 0;
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_str_eq(cause(&rep)->key, "endpoint:microsoft_update");
}
END_TEST

START_TEST(engine_content_and_roots_are_causes)
{
	static struct ww_health_input in;
	static struct ww_health_report rep;

	stale_input(&in);
	in.local.content.n = 2; /* SYSTEM and Administrators only */
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_str_eq(cause(&rep)->key, "content_dir_access");
	ck_assert_ptr_nonnull(strstr(cause(&rep)->fix, "icacls"));
	stale_input(&in);
	in.local.roots.n_intermediate = in.local.roots.n = 1;
	ww_strlcpy(in.local.roots.certs[0].subject, "CN=Lab Issuing CA",
		   sizeof(in.local.roots.certs[0].subject));
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_str_eq(cause(&rep)->key, "trusted_root");
	ck_assert_int_eq(cause(&rep)->state, WW_STATE_WARNING);
	/* Away from a WSUS server: skipped, nothing counts. */
	in.local.services[WW_HOSTSVC_WSUS].code = WW_ENOENT;
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert(ww_health_find(&rep, "service:BITS")->skipped);
	ck_assert(!ww_health_find(&rep, "trusted_root")->counts);
	ck_assert_ptr_null(ww_health_cause_of(&rep, ww_health_find(&rep,
						"sync_staleness")));
	/* WSUS's Setup key without WsusService (a half-removed WSUS) is a
	 * WSUS server still: one predicate for every host check. */
	in.host_avail = WW_FACT_AVAILABLE;
	in.host.wsus_installed = true;
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert(ww_health_find(&rep, "trusted_root")->counts);
	in.host.wsus_installed = false;
	in.host_avail = WW_FACT_NOT_RUN;
	/* POSIX: one row says why, skipped. */
	in.local_avail = WW_FACT_NOT_HERE;
	ww_strlcpy(in.local_error, "not applicable on this system",
		   sizeof(in.local_error));
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert(ww_health_find(&rep, "service:WsusService")->skipped);
	ck_assert_str_eq(ww_health_find(&rep, "service:WsusService")->item,
			 "local_services");
	ck_assert_ptr_null(ww_health_find(&rep, "service:BITS"));
	ck_assert_ptr_null(ww_health_find(&rep, "trusted_root"));
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("hostsvc");
	TCase *tc = tcase_create("core");
	TCase *te = tcase_create("engine");

	tcase_add_test(tc, healthy_server_is_ok);
	tcase_add_test(tc, bits_disabled_is_critical);
	tcase_add_test(tc, wsus_and_iis_must_run_automatically);
	tcase_add_test(tc, not_a_wsus_server_is_skipped);
	tcase_add_test(tc, dacl_walk);
	tcase_add_test(tc, content_unreadable_for_network_service);
	tcase_add_test(tc, intermediate_in_trusted_root);
	tcase_add_test(tc, apphost_pool);
	tcase_add_test(tc, apphost_virtual_root_ssl);
	tcase_add_test(tc, apphost_errors_name_file_and_line);
	tcase_add_test(tc, read_on_this_system);
	tcase_add_test(te, engine_bits_disabled_is_the_cause);
	tcase_add_test(te, engine_content_and_roots_are_causes);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, te);
	return s;
}
