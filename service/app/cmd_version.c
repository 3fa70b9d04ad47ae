#include "compat.h"

#include <curl/curl.h>
#include <sqlite3.h>
#include <yaml.h>

#include "cli.h"

int ww_cmd_version(struct ww_cli *cli, int argc, char **argv)
{
	const curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);
	FILE *out = cli ? cli->out : stdout;

	(void)argc;
	(void)argv;
	fprintf(out, "wsuswatch %s\n", WW_VERSION);
	fprintf(out, "libcurl %s (%s), SQLite %s, libyaml %s\n", cv->version,
		cv->ssl_version ? cv->ssl_version : "no TLS", sqlite3_libversion(),
		yaml_get_version_string());
	return WW_EXIT_OK;
}
