/*
 * fuzz_evimport.c - libFuzzer target for the event XML importer (clang,
 * -DWW_FUZZ=ON).  Seed it with tests/fixtures/events/.  Checks the
 * invariants every caller relies on; ASan/UBSan catch the rest.
 */
#include "compat.h"

#include "evimport.h"

static int check_event(void *ctx, const struct ww_wsus_event *ev,
		       struct ww_err *err)
{
	(void)ctx;
	(void)err;
	if (ev->event_id > 0xFFFF || ev->qualifiers > 0xFFFF ||
	    memchr(ev->provider, 0, sizeof(ev->provider)) == NULL ||
	    memchr(ev->message, 0, sizeof(ev->message)) == NULL ||
	    memchr(ev->computer, 0, sizeof(ev->computer)) == NULL ||
	    memchr(ev->channel, 0, sizeof(ev->channel)) == NULL)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ww_evimport_stats st;
	struct ww_err err;
	int r;

	ww_err_clear(&err);
	r = ww_evimport_mem("fuzz.xml", data, size, check_event, NULL, &st,
			    &err);
	if (r && strncmp(err.msg, "fuzz.xml:", 9) != 0)
		abort(); /* every error names the input */
	if (st.parser_peak_bytes > 4 * WW_EVIMPORT_TOKEN_MAX)
		abort(); /* the memory bound holds */
	return 0;
}
