/*
 * mutate_evimport.c - a fixed number of deterministic random mutations of
 * the event fixtures through the importer (a ctest, in every build; the
 * libFuzzer target fuzz_evimport.c needs clang).  Under ASan/UBSan this
 * catches memory errors; it also checks that every outcome is one the
 * callers handle: success (maybe truncated, with a note) or a parse /
 * bound error naming the input with a position.
 *
 * usage: mutate_evimport ITERATIONS SEED FIXTURE...
 */
#include "compat.h"

#include "evimport.h"
#include "util.h"

#define MAX_FILES 16
#define WW_MUT_INPUT_MAX (256 * 1024)

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64*: reproducible from the seed on every platform. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static size_t below(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

static const char *const tokens[] = {
	"<Event>", "</Event>", "<Events>", "</Events>", "<System>", "<",
	"</", ">", "/>", "&amp;", "&#0;", "&#xD800;", "&bogus;", "<![CDATA[",
	"]]>", "<!--", "-->", "<?xml version='1.0'?>", "\xff\xfe", "\xef\xbb\xbf",
	"\xc3", "\xf0\x9d\x94", "\0", "'", "\"", "<EventID Qualifiers='99999'>",
	"<EventRecordID>18446744073709551616</EventRecordID>",
	"<!DOCTYPE x [<!ENTITY a 'b'>]>", "<TimeCreated SystemTime='x'/>",
};

static size_t mutate(unsigned char *b, size_t len, size_t cap)
{
	size_t at = below(len + 1), n, k;
	const char *t;

	switch (below(6)) {
	case 0: /* flip a byte */
		if (len)
			b[below(len)] ^= (unsigned char)(1u << below(8));
		return len;
	case 1: /* delete a range */
		n = below(len - at + 1) % 64;
		memmove(b + at, b + at + n, len - at - n);
		return len - n;
	case 2: /* truncate */
		return at;
	case 3: /* duplicate a range */
		n = below(len - at + 1) % 512;
		if (len + n > cap)
			return len;
		memmove(b + at + n, b + at, len - at);
		return len + n;
	default: /* insert a token */
		t = tokens[below(WW_ARRAY_SIZE(tokens))];
		k = strlen(t) ? strlen(t) : 1;
		if (len + k > cap)
			return len;
		memmove(b + at + k, b + at, len - at);
		memcpy(b + at, t, k);
		return len + k;
	}
}

static int check_event(void *ctx, const struct ww_wsus_event *ev,
		       struct ww_err *err)
{
	(void)ctx;
	(void)err;
	if (ev->event_id > 0xFFFF || ev->qualifiers > 0xFFFF ||
	    strlen(ev->message) >= sizeof(ev->message) ||
	    strlen(ev->provider) >= sizeof(ev->provider) || !ev->provider[0])
		return ww_err_set(err, WW_EINVAL, "invariant broken");
	return 0;
}

static unsigned char *load(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b = malloc(WW_MUT_INPUT_MAX);

	if (!f || !b) {
		fprintf(stderr, "mutate_evimport: cannot read %s\n", path);
		exit(2);
	}
	*len = fread(b, 1, WW_MUT_INPUT_MAX / 2, f);
	fclose(f);
	return b;
}

static int one(unsigned char *work, size_t len, unsigned long i)
{
	struct ww_evimport_stats st;
	struct ww_err err;
	int r;

	ww_err_clear(&err);
	r = ww_evimport_mem("mut.xml", work, len, check_event, NULL, &st, &err);
	if (r == 0 && (!st.truncated || strstr(st.note, ": truncated: ")))
		return 0;
	if ((r == WW_EPARSE || r == WW_ERANGE) &&
	    strncmp(err.msg, "mut.xml:", 8) == 0)
		return 0;
	fprintf(stderr, "iteration %lu: unexpected outcome %d: %s / %s\n", i, r,
		err.msg, st.note);
	return 1;
}

int main(int argc, char **argv)
{
	unsigned char *files[MAX_FILES], *work = malloc(WW_MUT_INPUT_MAX);
	size_t lens[MAX_FILES], nfiles = 0, len, m, f;
	int64_t iters = 0, seed = 0;
	unsigned long i, bad = 0;

	if (argc < 4 || ww_parse_i64(argv[1], &iters) || ww_parse_i64(argv[2], &seed)) {
		fprintf(stderr, "usage: mutate_evimport ITERATIONS SEED FIXTURE...\n");
		return 64;
	}
	for (f = 3; f < (size_t)argc && nfiles < MAX_FILES; f++, nfiles++)
		files[nfiles] = load(argv[f], &lens[nfiles]);
	rng_state = (uint64_t)seed | 1;
	for (i = 0; i < (unsigned long)iters; i++) {
		f = below(nfiles);
		memcpy(work, files[f], lens[f]);
		len = lens[f];
		for (m = 1 + below(8); m > 0; m--)
			len = mutate(work, len, WW_MUT_INPUT_MAX);
		bad += (unsigned long)one(work, len, i);
	}
	printf("mutate_evimport: %lu iterations, %lu unexpected outcomes\n",
	       (unsigned long)iters, bad);
	for (f = 0; f < nfiles; f++)
		free(files[f]);
	free(work);
	return bad ? 1 : 0;
}
