/*
 * fuzz_config.c - libFuzzer target for the configuration loader.  Beyond
 * "no crash", it checks the loader's promises: a failed load leaves the
 * struct as it was and says why; a successful one shows as YAML that loads
 * back.  Built with -fsanitize=fuzzer when WW_FUZZ=ON and the compiler is
 * clang; fuzz_replay.c drives the same function in every build.
 */
#include "compat.h"

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs that loaded; fuzz_replay.c reports it so a run shows its reach. */
size_t ww_fuzz_config_loaded;

static void check_show(const struct ww_config *cfg)
{
	struct ww_config back;
	struct ww_buf out;
	struct ww_err err;

	ww_buf_init(&out, (size_t)4 << 20);
	if (ww_config_show(cfg, &out) != 0)
		abort();
	if (ww_config_init(&back, &err) != 0)
		abort();
	if (ww_config_load_string(&back, "shown.yaml", out.data, out.len,
				  &err) != 0) {
		fprintf(stderr, "show output does not load: %s\n%s\n", err.msg,
			out.data);
		abort();
	}
	if (back.interval != cfg->interval ||
	    back.resolve.n != cfg->resolve.n ||
	    back.probes.extra_urls.n != cfg->probes.extra_urls.n)
		abort();
	ww_config_release(&back);
	ww_buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ww_config cfg;
	struct ww_err err;
	int r;

	if (ww_config_init(&cfg, &err) != 0)
		return 0;
	ww_err_clear(&err);
	r = ww_config_load_string(&cfg, "fuzz.yaml", (const char *)data, size,
				  &err);
	if (r == 0) {
		ww_fuzz_config_loaded++;
		check_show(&cfg);
	} else {
		/* Failed: a reason, and the defaults untouched. */
		if (err.code != r || !err.msg[0] || cfg.source ||
		    cfg.interval != 300)
			abort();
		if (r != WW_ECONFIG && r != WW_ENOMEM)
			abort();
	}
	ww_config_release(&cfg);
	return 0;
}
