/*
 * fuzz_hostxml.c - libFuzzer target for the IIS configuration files the
 * host source parses with expat (clang, -DWW_FUZZ=ON): applicationHost.config
 * (WsusPool).  Seed it with tests/fuzz/corpus/hostxml/.  Whatever the bytes:
 * no crash (ASan/UBSan), every error names the file, every text field stays
 * terminated and the values stay in their documented ranges.
 */
#include "compat.h"

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
};
const size_t ww_fuzz_ntokens = WW_ARRAY_SIZE(ww_fuzz_tokens);

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
	return 0;
}
