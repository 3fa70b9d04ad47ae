/*
 * fuzz_hostxml.c - libFuzzer target for the IIS configuration files the
 * host source parses with expat (clang, -DWW_FUZZ=ON): applicationHost.config
 * (WsusPool) and w3wp.exe.config (AppContextSwitchOverrides).  Every input
 * goes through both parsers.  Seed it with tests/fuzz/corpus/hostxml/.  Whatever the bytes:
 * no crash (ASan/UBSan), every error names the file, every text field stays
 * terminated and the values stay in their documented ranges.
 */
#include "compat.h"

#include "hostcfg.h"
#include "hostsvc.h"
#include "util.h"

static void check_pool(const struct ww_hostsvc_pool *p)
{
	if (memchr(p->error, 0, sizeof(p->error)) == NULL ||
	    memchr(p->path, 0, sizeof(p->path)) == NULL ||
	    memchr(p->start_mode, 0, sizeof(p->start_mode)) == NULL ||
	    p->auto_start < -1 || p->auto_start > 1 ||
	    (p->have_private_memory && p->private_memory_kb < 0))
		abort();
}

/* Tokens the replay's mutator splices in (replay_main.c): the
 * elements and attributes the parser looks for, and XML's hard parts. */
const char *const ww_fuzz_tokens[] = {
	"<add name=\"WsusPool\">", "</add>", "privateMemory=\"",
	"<periodicRestart ", "<applicationPoolDefaults>", "autoStart=\"false\"",
	"startMode=\"", "<!DOCTYPE x [<!ENTITY a \"b\">]>", "&a;", "<![CDATA[",
	"\"99999999999999999999\"", "\"-1\"", "<recycling>", "</recycling>",
	"<?xml version=\"1.0\" encoding=\"UTF-16\"?>",
	"<runtime>", "</runtime>", "<AppContextSwitchOverrides value=\"",
	"Switch.System.Net.DontEnableSystemDefaultTlsVersions=true",
	"Switch.System.Net.DontEnableSystemDefaultTlsVersions=false;", ";;=",
};
const size_t ww_fuzz_ntokens = WW_ARRAY_SIZE(ww_fuzz_tokens);

static void check_w3wp(const struct ww_hostcfg_w3wp *w)
{
	if (memchr(w->path, 0, sizeof(w->path)) == NULL ||
	    memchr(w->overrides, 0, sizeof(w->overrides)) == NULL ||
	    memchr(w->error, 0, sizeof(w->error)) == NULL ||
	    w->dont_enable_system_default < -1 ||
	    w->dont_enable_system_default > 1 ||
	    (w->state == WW_HOSTCFG_FILE_ERROR &&
	     strncmp(w->error, "w3wp.exe.config", 15) != 0))
		abort();
}

static void fuzz_w3wp(const uint8_t *data, size_t size)
{
	struct ww_hostcfg_w3wp *w = calloc(1, sizeof(*w));

	if (!w)
		abort();
	ww_hostcfg_parse_w3wp("w3wp.exe.config", (const char *)data, size, w);
	check_w3wp(w);
	free(w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ww_hostsvc_pool pool;
	struct ww_err err;
	int r;

	memset(&pool, 0, sizeof(pool));
	ww_err_clear(&err);
	r = ww_hostsvc_apphost_parse((const char *)data, size,
				     "applicationHost.config", &pool, &err);
	if (r && strncmp(err.msg, "applicationHost.config", 22) != 0)
		abort(); /* every error names the input */
	check_pool(&pool);
	fuzz_w3wp(data, size);
	return 0;
}
