/*
 * hostcfg_dump_win32.c - read the host TLS registry values the way
 * diagnose does (ww_hostcfg_read, the real registry) and print one line
 * per judged item: "NAME STATE FINDING | SUMMARY".  hostcfg_wine.cmake
 * sets values with `wine reg add` and checks these lines.
 */
#include "compat.h"

#include "hostcfg.h"

static const char *state_name(enum ww_hostcfg_state s)
{
	static const char *const n[] = { "ok", "warning", "critical",
					 "unknown" };

	return (unsigned)s < 4 ? n[s] : "?";
}

int main(void)
{
	struct ww_hostcfg_values v;
	struct ww_hostcfg_report r;
	struct ww_err err;
	size_t i;

	ww_err_clear(&err);
	if (ww_hostcfg_read(&v, &err)) {
		printf("read failed: %s\n", err.msg);
		return 1;
	}
	ww_hostcfg_evaluate(&v, NULL, &r);
	for (i = 0; i < r.n; i++)
		printf("%s %s %s | %s\n", r.items[i].name,
		       state_name(r.items[i].state),
		       r.items[i].finding ? r.items[i].finding : "-",
		       r.items[i].summary);
	return 0;
}
