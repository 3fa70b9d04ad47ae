/*
 * fuzz_synclog.c - libFuzzer entry for the SoftwareDistribution.log
 * parser, classifier and sync-run tracker.  Built as a real fuzzer only
 * with clang and WW_FUZZ=ON (fuzz_synclog); fuzz_synclog_replay runs the
 * same entry over mutations of the fixtures in every build.
 *
 * The input is parsed twice, whole and split at a point taken from its
 * first byte, and both runs must agree: chunking must never matter.
 */
#include "compat.h"

#include "synclog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
	struct ww_synclog_classifier *c;
	struct ww_sync_tracker t;
	uint64_t records, sum;
};

static int on_run(void *ctx, const struct ww_sync_run *run)
{
	(void)ctx;
	if (run->key[0] != 's' && run->key[0] != 'f')
		abort();
	return 0;
}

static int on_record(void *p, const struct ww_synclog_record *rec)
{
	struct ctx *x = p;
	char ex[WW_SYNCLOG_EXAMPLE_MAX];
	ww_synclog_catset m = ww_synclog_classify(x->c, rec);

	if (strlen(rec->message) != rec->message_len || rec->end <= rec->offset ||
	    rec->millis < 0 || rec->millis > 999)
		abort();
	ww_synclog_example(rec, ex, sizeof(ex));
	x->records++;
	x->sum = x->sum * 31 + rec->end + m + rec->message_len;
	return ww_sync_tracker_record(&x->t, rec, m, on_run, x);
}

static void run(struct ctx *x, const uint8_t *data, size_t size, size_t split)
{
	struct ww_synclog_parser *p;

	memset(&x->t, 0, sizeof(x->t));
	ww_sync_tracker_init(&x->t);
	x->records = x->sum = 0;
	if (ww_synclog_parser_new(&p, on_record, x, NULL))
		abort();
	if (ww_synclog_parser_feed(p, data, split, NULL) ||
	    ww_synclog_parser_feed(p, data + split, size - split, NULL) ||
	    ww_synclog_parser_flush(p, false, NULL))
		abort();
	ww_sync_tracker_expire(&x->t, INT64_MAX / 2, on_run, x);
	ww_synclog_parser_free(p);
}

/* Pieces of the log format for replay_main.c's mutations. */
const char *const ww_fuzz_tokens[] = {
	"\n", "\r\n", "\t", "  ", "   at ", "--- End of inner exception stack trace ---",
	"Message: ", "2024-01-01 00:00:00.000 UTC", "2024-13-99 99:99:99.999 UTC",
	" UTC\tInfo\tw3wp.1\tA.B\t", "Error", "Change", "\xef\xbb\xbf", "\xff\xfe",
	"\0", "\xd8\x3d", "EventLogEventReporter.ReportEvent", "EventId=381,",
	"EventId=384,", "EventId=386,Message=", "EventId=99999999", "SyncFinish",
	"CatalogSyncAgent.X", "AdminDataAccess.StartSubscriptionManually",
	"do not possess a common algorithm", "Retry Limit Exceeded",
	"fe2.update.microsoft.com", "(407)", "\xc3\xa9",
};
const size_t ww_fuzz_ntokens = WW_ARRAY_SIZE(ww_fuzz_tokens);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ww_synclog_classifier *c;
	struct ctx a, b;

	if (!c && ww_synclog_classifier_new(&c, NULL))
		abort();
	a.c = b.c = c;
	run(&a, data, size, size);
	run(&b, data, size, size ? data[0] % (size + 1) : 0);
	if (a.records != b.records || a.sum != b.sum)
		abort();
	return 0;
}
