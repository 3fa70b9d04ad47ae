/*
 * fuzz_replay.c - runs the fuzz target without libFuzzer, so every build
 * (gcc, MinGW under Wine) exercises it: each seed file given on the command
 * line, then a fixed number of mutations from a fixed seed.  Deterministic:
 * a failure reproduces with the same arguments.
 *
 * usage: fuzz_replay_config ITERATIONS SEED FILE...
 */
#include "compat.h"

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern size_t ww_fuzz_config_loaded;

#define FUZZ_MAX_INPUT (64 * 1024)

static uint64_t rng_state;

/* xorshift64*: small, and the same on every platform. */
static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static size_t pick(size_t n)
{
	return n ? (size_t)(rng() % n) : 0;
}

/* Pieces of YAML and of the key table, so mutations reach deep. */
static const char *const tokens[] = {
	"\n", "\n  ", "\n    ", ": ", "- ", "{", "}", "[", "]", ", ", "\"", "'",
	"#", "&a ", "*a", "!!str ", "---\n", "...\n", "? ", "|\n  ", ">\n  ",
	"~", "null", "true", "false", "yes", "on", "off", "auto", "0", "65536",
	"5m", "1h30m", "99999999999999999999d", "-1", "http://", "https://",
	"h:443:1.2.3.4", "\t", "\\x00", "\xef\xbb\xbf", "\xff", "\xc3\xa9",
	"interval", "wsus", "upstream", "host", "port", "proxy", "password",
	"password_env", "password_credential", "resolve", "thresholds",
	"sync_warning", "sync_critical", "extra_urls", "probes", "tls",
	"min_version", "alerts", "repeat", "control", "database",
};

static void insert(struct ww_buf *b, size_t at, const char *s, size_t n)
{
	if (b->len + n > FUZZ_MAX_INPUT)
		return;
	if (ww_buf_append(b, s, n) != 0)
		return;
	memmove(b->data + at + n, b->data + at, b->len - n - at);
	memcpy(b->data + at, s, n);
}

static void mutate_once(struct ww_buf *b)
{
	size_t at = pick(b->len + 1), n;
	char c;

	switch (pick(5)) {
	case 0: /* flip a byte */
		if (b->len)
			b->data[pick(b->len)] ^= (char)(1u << pick(8));
		break;
	case 1: /* random byte */
		c = (char)pick(256);
		insert(b, at, &c, 1);
		break;
	case 2: /* delete a run */
		n = pick(16);
		if (at + n > b->len)
			n = b->len - at;
		memmove(b->data + at, b->data + at + n, b->len - at - n);
		b->len -= n;
		b->data[b->len] = '\0';
		break;
	case 3: { /* a token */
		const char *t = tokens[pick(WW_ARRAY_SIZE(tokens))];

		insert(b, at, t, strlen(t));
		break;
	}
	default: { /* copy a chunk of the input elsewhere */
		char tmp[64];
		size_t from = pick(b->len);

		n = pick(sizeof(tmp));
		if (from + n > b->len)
			n = b->len - from;
		memcpy(tmp, b->data + from, n);
		insert(b, at, tmp, n);
		break;
	}
	}
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct ww_buf b;
	char chunk[4096];
	size_t n;

	if (!f)
		return NULL;
	ww_buf_init(&b, FUZZ_MAX_INPUT);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (ww_buf_append(&b, chunk, n) != 0)
			break;
	fclose(f);
	*len = b.len;
	return ww_buf_detach(&b);
}

int main(int argc, char **argv)
{
	char *seeds[64];
	size_t lens[64], nseeds = 0, k;
	int64_t iterations, seed, i;
	int a;

	if (argc < 4 || ww_parse_i64(argv[1], &iterations) ||
	    ww_parse_i64(argv[2], &seed)) {
		fprintf(stderr, "usage: %s ITERATIONS SEED FILE...\n", argv[0]);
		return 64;
	}
	rng_state = (uint64_t)seed | 1;
	for (a = 3; a < argc && nseeds < WW_ARRAY_SIZE(seeds); a++) {
		seeds[nseeds] = read_file(argv[a], &lens[nseeds]);
		if (!seeds[nseeds]) {
			fprintf(stderr, "cannot read %s\n", argv[a]);
			return 66;
		}
		LLVMFuzzerTestOneInput((const uint8_t *)seeds[nseeds],
				       lens[nseeds]);
		nseeds++;
	}
	for (i = 0; i < iterations; i++) {
		struct ww_buf b;
		size_t s = pick(nseeds), m, rounds = 1 + pick(4);

		ww_buf_init(&b, FUZZ_MAX_INPUT);
		if (ww_buf_append(&b, seeds[s], lens[s]) != 0 ||
		    ww_buf_append(&b, "", 0) != 0)
			return 70;
		for (m = 0; m < rounds; m++)
			mutate_once(&b);
		LLVMFuzzerTestOneInput((const uint8_t *)(b.data ? b.data : ""),
				       b.len);
		ww_buf_release(&b);
	}
	for (k = 0; k < nseeds; k++)
		free(seeds[k]);
	printf("%zu seeds, %" PRId64 " mutations: ok (%zu inputs loaded)\n",
	       nseeds, iterations, ww_fuzz_config_loaded);
	return 0;
}
