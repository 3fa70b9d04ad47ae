/*
 * replay_main.c - runs a libFuzzer target's LLVMFuzzerTestOneInput without
 * libFuzzer, so every build (gcc, MinGW under Wine) pushes random mutations
 * of the seed files through it: each file given, then ITERATIONS mutations
 * from a fixed SEED.  A failure reproduces with the same arguments.
 *
 * usage: <target>_replay ITERATIONS SEED FILE...
 */
#include "compat.h"

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define INPUT_MAX (64 * 1024)

static uint64_t rng_state;

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

/*
 * Pieces of the input format, defined by each target next to its
 * LLVMFuzzerTestOneInput, so mutations reach the interesting paths.
 */
extern const char *const ww_fuzz_tokens[];
extern const size_t ww_fuzz_ntokens;

static void mutate(struct ww_buf *b)
{
	size_t n = 1 + pick(8), i;
	char run[64];

	for (i = 0; i < n; i++) {
		size_t at = pick(b->len + 1), len;
		const char *t;

		switch (pick(4)) {
		case 0: /* flip a byte */
			if (b->len)
				b->data[pick(b->len)] ^= (char)(1u << pick(8));
			break;
		case 1: /* delete a run */
			len = pick(32);
			if (at + len <= b->len) {
				memmove(b->data + at, b->data + at + len, b->len - at - len);
				b->len -= len;
			}
			break;
		case 2: /* duplicate a run */
			len = pick(64);
			/*
			 * Copy the run out first: appending from the buffer's own
			 * memory would read it after realloc() moved it.
			 */
			if (at + len <= b->len)
				memcpy(run, b->data + at, len);
			if (at + len <= b->len && b->len + len <= INPUT_MAX &&
			    ww_buf_append(b, run, len) == 0) {
				memmove(b->data + at + len, b->data + at, b->len - len - at);
				memcpy(b->data + at + len, b->data + at, len);
			}
			break;
		default: /* insert a token */
			t = ww_fuzz_tokens[pick(ww_fuzz_ntokens)];
			len = *t ? strlen(t) : 1;
			if (b->len + len <= INPUT_MAX && ww_buf_append(b, t, len) == 0) {
				memmove(b->data + at + len, b->data + at, b->len - len - at);
				memcpy(b->data + at, t, len);
			}
			break;
		}
	}
}

static int read_file(const char *path, struct ww_buf *b)
{
	FILE *f = fopen(path, "rb");
	char chunk[4096];
	size_t n;

	if (!f)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (ww_buf_append(b, chunk, n)) {
			fclose(f);
			return -1;
		}
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	struct ww_buf seeds[32], b;
	int64_t iters, seed;
	int nseeds = 0, i;
	int64_t k;

	if (argc < 4 || ww_parse_i64(argv[1], &iters) || ww_parse_i64(argv[2], &seed)) {
		fprintf(stderr, "usage: %s ITERATIONS SEED FILE...\n", argv[0]);
		return 64;
	}
	for (i = 3; i < argc && nseeds < 32; i++) {
		ww_buf_init(&seeds[nseeds], INPUT_MAX);
		if (read_file(argv[i], &seeds[nseeds])) {
			fprintf(stderr, "%s: cannot read %s\n", argv[0], argv[i]);
			return 66;
		}
		LLVMFuzzerTestOneInput((const uint8_t *)seeds[nseeds].data, seeds[nseeds].len);
		nseeds++;
	}
	rng_state = (uint64_t)seed | 1;
	ww_buf_init(&b, INPUT_MAX);
	for (k = 0; k < iters; k++) {
		const struct ww_buf *s = &seeds[pick((size_t)nseeds)];

		ww_buf_reset(&b);
		if (s->len && ww_buf_append(&b, s->data, s->len))
			return 70;
		mutate(&b);
		LLVMFuzzerTestOneInput((const uint8_t *)(b.data ? b.data : ""), b.len);
	}
	ww_buf_release(&b);
	for (i = 0; i < nseeds; i++)
		ww_buf_release(&seeds[i]);
	printf("%" PRId64 " mutations of %d seeds: ok\n", iters, nseeds);
	return 0;
}
