/*
 * gen_synclog.c - a SoftwareDistribution.log of a given size in the real
 * format, for the benchmark (bench_synclog.sh).  The mix imitates a busy
 * WSUS server: mostly Info lines of the client web service, the state
 * machine and content sync; a sync every six hours (381/384/SyncFinish,
 * one in four failing with retries and a 386); failures with .NET stack
 * traces; now and then a SQL deadlock.  Messages are the real sample
 * texts (tests/fixtures/synclog).  Deterministic (fixed seed).
 *
 * usage: ww_bench_gen OUT MEGABYTES        write the log
 *        ww_bench_gen --records OUT N      write the log, N records
 *        ww_bench_gen --patterns           print the classifier's patterns
 */
#include "compat.h"

#include "synclog.h"
#include "util.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint32_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

static const char *const info[][2] = {
	{ "ClientImplementation.SyncUpdates", "SyncUpdates round trip: 1 client, 0 updates, 2 ms" },
	{ "ClientImplementation.GetExtendedUpdateInfo", "GetExtendedUpdateInfo: returned 14 updates" },
	{ "ClientImplementation.GetCookie", "Client cookie issued, expiration 2024-01-01 04:00:00" },
	{ "WsusTestKeys.AreTestKeysAllowed", "Server test key check: test keys are NOT allowed" },
	{ "DataAccess.GetNextQueuedSubscription", "Index #0 SubscriptionId 4b3f... State Idle" },
	{ "ContentSyncAgent.WakeUpWorkerThreadProc", "Woke up, 0 jobs in queue" },
	{ "ContentSyncAgent.ProcessBITSNotificationQueue", "BITS job 7D2A... transferred, 3 files" },
	{ "SusService.ValidateServerCertificate", "CheckValidationResult Succeeds: CertOK" },
	{ "ThreadEntry", "ThreadHelper.ThreadStart" },
	{ "ClientImplementation..ctor", "Initializing ClientWebService ProcessID = 380, Process Start Time = 5/22/2020 10:44:06 AM, Product Version = 10.0.14393.2969" },
	{ "StateMachine.ProcessNotification", "DispatchManager Worker Thread Processing NotificationEvent: ReportingSync" },
};

static const char *const failures[] = {
	"ProcessWebServiceProxyException found Exception was WebException. Action: Retry. Exception Details: System.Net.WebException: The underlying connection was closed: An unexpected error occurred on a send. ---> System.IO.IOException: Unable to read data from the transport connection: An existing connection was forcibly closed by the remote host. ---> System.Net.Sockets.SocketException: An existing connection was forcibly closed by the remote host",
	"ProcessWebServiceProxyException found Exception was WebException. Action: Retry. Exception Details: System.Net.WebException: The underlying connection was closed: An unexpected error occurred on a receive. ---> System.ComponentModel.Win32Exception: The client and server cannot communicate, because they do not possess a common algorithm",
	"ProcessWebServiceProxyException found Exception was WebException but Retry Limit Exceeded. Action: No Retry, Fail. Exception Details: System.Net.WebException: The remote name could not be resolved: 'sws.update.microsoft.com'",
};

static FILE *out;
static int64_t now = 1704067200; /* 2024-01-01 */
static unsigned ms;
static uint64_t written, records;

static void line(const char *level, const char *proc, const char *comp,
		 const char *msg)
{
	struct ww_civil c;
	int n;

	ww_time_to_civil(now, &c);
	n = fprintf(out, "%04d-%02d-%02d %02d:%02d:%02d.%03u UTC\t%s\t%s\t%s\t%s\r\n",
		    c.year, c.mon, c.day, c.hour, c.min, c.sec, ms, level, proc,
		    comp, msg);
	written += (uint64_t)n;
	records++;
	ms = (ms + 1 + rng() % 200) % 1000;
	if (ms < 200)
		now++;
}

static void stack(void)
{
	written += (uint64_t)fprintf(out,
		"   at System.Net.HttpWebRequest.GetRequestStream(TransportContext& context)\r\n"
		"   at System.Web.Services.Protocols.SoapHttpClientProtocol.Invoke(String methodName, Object[] parameters)\r\n"
		"   at Microsoft.UpdateServices.ServerSync.CatalogSyncAgentCore.ExecuteSyncProtocol(Boolean allowRedirect)\r\n"
		"   --- End of inner exception stack trace ---\r\n");
}

#define EV "EventLogEventReporter.ReportEvent"
#define PX "WebServiceCommunicationHelper.ProcessWebServiceProxyException"

static void sync_run(void)
{
	bool fail = rng() % 4 == 0;
	int i;

	line("Info", "WsusService.15", EV, "EventId=381,Type=Information,Category=Synchronization,Message=A scheduled synchronization was started.");
	for (i = 0; fail && i < 3; i++) {
		line("Error", "WsusService.20", PX, failures[rng() % 3]);
		stack();
	}
	if (fail)
		line("Error", "WsusService.15", EV, "EventId=386,Type=Error,Category=Synchronization,Message=Synchronization failed. Reason: The underlying connection was closed.");
	else
		line("Info", "WsusService.15", EV, "EventId=384,Type=Information,Category=Synchronization,Message=Synchronization completed successfully.");
	line("Info", "WsusService.31", "CatalogSyncAgent.SetSubscriptionStateWithRetry", "Firing event SyncFinish...");
}

/* Stops at bytes or at max_records, whichever comes first (the last sync
 * may overshoot by a few records: the benchmark counts what it reads). */
static int generate(const char *path, uint64_t bytes, uint64_t max_records)
{
	int64_t next_sync = now + 3600;
	char proc[32];

	out = fopen(path, "wb");
	if (!out)
		return 1;
	while (written < bytes && records < max_records) {
		uint32_t r = rng() % 1000;

		if (now >= next_sync) {
			sync_run();
			next_sync += 6 * 3600;
		} else if (r < 985) {
			snprintf(proc, sizeof(proc), "w3wp.%u", 10 + rng() % 90);
			line("Info", proc, info[r % WW_ARRAY_SIZE(info)][0],
			     info[r % WW_ARRAY_SIZE(info)][1]);
		} else if (r < 995) {
			line("Warning", "WsusService.9", "HmtWebServices.CheckReportingWebService",
			     "Reporting WebService SoapException:System.Web.Services.Protocols.SoapException: Server was unable to process request. ---> Ping method is only available from local machine.");
			stack();
		} else {
			line("Error", "w3wp.44", "DataAccess.ExecuteSPGetUpdatesForClient",
			     "System.Data.SqlClient.SqlException");
			written += (uint64_t)fprintf(out, "Message: Transaction (Process ID 56) was deadlocked on lock resources with another process and has been chosen as the deadlock victim. Rerun the transaction.\r\n");
		}
	}
	return fclose(out) != 0;
}

int main(int argc, char **argv)
{
	const char *p;
	size_t i;
	int64_t mb;

	if (argc == 2 && strcmp(argv[1], "--patterns") == 0) {
		for (i = 0; (p = ww_synclog_pattern(i, NULL)) != NULL; i++)
			printf("%s\n", p);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "--records") == 0 &&
	    !ww_parse_i64(argv[3], &mb) && mb > 0)
		return generate(argv[2], UINT64_MAX, (uint64_t)mb);
	if (argc != 3 || ww_parse_i64(argv[2], &mb) || mb <= 0) {
		fprintf(stderr, "usage: ww_bench_gen OUT MEGABYTES | --records OUT N"
			" | --patterns\n");
		return 64;
	}
	return generate(argv[1], (uint64_t)mb << 20, UINT64_MAX);
}
