#!/usr/bin/env python3
"""The command-line contract (docs/cli.md) checked on the real binary.

Every JSON document that probe, analyze, diagnose, history, status and
run --once print is walked: each field the contract lists is present,
unknown values are null (never "" or 0), timestamps are ISO 8601 UTC,
enumerations take documented values only.  Exit codes are checked for
each case the contract names.  Servers: a Python HTTP server, a Python
HTTPS server with a certificate made here by openssl, a raw responder
that sends no Date header, a closed port and an unresolvable name, all
on 127.0.0.1.

usage: contract_posix.py WSUSWATCH FIXTURES WORKDIR
Exit 0 pass, 1 fail, 77 skipped (openssl missing).
"""
import json
import os
import re
import shutil
import socket
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wwtest  # noqa: E402
from wwtest import check, wait_for  # noqa: E402

EXE, FIX, WORK = (os.path.abspath(a) for a in sys.argv[1:4])
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

PROBE_FIELDS = ["url", "ok", "stage", "result", "wu_code", "http_status",
                "tls_version", "tls_cipher", "cert_not_after", "cert_days_left",
                "clock_skew_seconds", "elapsed_ms", "hint"]
PROBE_RESULTS = {"ok", "dns_failure", "connect_refused", "connect_timeout",
                 "timeout", "proxy_dns_failure", "proxy_connect_failure",
                 "proxy_auth_required", "tls_handshake_failed", "tls_untrusted",
                 "tls_expired", "tls_not_yet_valid", "tls_name_mismatch",
                 "http_unauthorized", "http_not_found", "http_unavailable",
                 "http_error"}
STAGES = {"dns", "connect", "proxy", "tls", "http", None}
STATES = {"ok", "warning", "critical", "unknown"}
RUN_FIELDS = ["kind", "started_at", "finished_at", "result", "error"]
RUN_RESULTS = {"succeeded", "failed", "running", "unknown"}
RUN_KINDS = {"scheduled", "manual", "unknown"}
FINDING_FIELDS = ["category", "count", "first_seen", "last_seen", "example", "hint"]
EVENT_FIELDS = ["event_id", "level", "time", "record_id", "meaning", "message"]
MEANINGS = {"catalog_sync_failed", "catalog_stale", "catalog_healthy",
            "content_download_failed", "self_check_failed", "sync_started",
            "sync_succeeded", "sync_failed", "other"}
STATUS_FIELDS = ["version", "started_at", "health", "last_successful_sync",
                 "last_sync_attempt", "last_sync_result", "sync_age_seconds",
                 "checks", "probes", "sources", "alerts"]
CHECK_FIELDS = ["name", "state", "since", "summary"]
ALERT_FIELDS = ["name", "state", "since", "event_id"]
TIME_KEYS = {"started_at", "finished_at", "first_seen", "last_seen", "time",
             "last_sync_attempt", "last_successful_sync", "since", "at",
             "generated_at", "cert_not_after", "last_read_at", "last_run",
             "last_success", "next_run"}


def walk(doc, where):
    """Every document: no "" anywhere, timestamps in the contract's form."""
    bad = []

    def visit(v, path, key):
        if isinstance(v, dict):
            for k, x in v.items():
                visit(x, f"{path}.{k}", k)
        elif isinstance(v, list):
            for i, x in enumerate(v):
                visit(x, f"{path}[{i}]", key)
        elif v == "":
            bad.append(f"{path} is \"\" (unknown must be null)")
        elif key in TIME_KEYS and v is not None and not (
                isinstance(v, str) and ISO.match(v)):
            bad.append(f"{path} = {v!r} is not an ISO 8601 UTC timestamp")

    visit(doc, where, None)
    check(not bad, f"{where}: nulls and timestamps {bad[:5]}")


def has(obj, fields, where):
    missing = [f for f in fields if not isinstance(obj, dict) or f not in obj]
    check(not missing, f"{where}: contract fields present (missing {missing})")


def probe_result(p, where):
    has(p, PROBE_FIELDS, where)
    check(p.get("result") in PROBE_RESULTS, f"{where}: result {p.get('result')!r} documented")
    check(p.get("stage") in STAGES, f"{where}: stage {p.get('stage')!r} documented")
    check((p.get("stage") is None) == bool(p.get("ok")),
          f"{where}: stage is null exactly when ok")
    check((p.get("wu_code") is None) == bool(p.get("ok")),
          f"{where}: wu_code is null exactly when ok")
    wu = p.get("wu_code")
    check(wu is None or re.match(r"^0x[0-9A-F]{8}$", wu), f"{where}: wu_code form {wu!r}")
    hs = p.get("http_status")
    check(hs is None or (isinstance(hs, int) and 100 <= hs <= 599),
          f"{where}: http_status null or a status ({hs!r})")
    if p.get("stage") in ("dns", "connect", "proxy", "tls"):
        unknown = [k for k in ("http_status", "clock_skew_seconds") if p.get(k) is not None]
        check(not unknown, f"{where}: no response, so {unknown} must be null")
    if p.get("url", "").startswith("http:"):
        tls = [k for k in ("tls_version", "tls_cipher", "cert_not_after",
                           "cert_days_left") if p.get(k) is not None]
        check(not tls, f"{where}: plain HTTP, so {tls} must be null")
    tv = p.get("tls_version")
    check(tv is None or re.match(r"^TLSv1\.[0-3]$", tv), f"{where}: tls_version {tv!r}")
    check(isinstance(p.get("elapsed_ms"), int) and p["elapsed_ms"] >= 0,
          f"{where}: elapsed_ms a number")


def sync_run(r, where):
    has(r, RUN_FIELDS, where)
    check(r.get("result") in RUN_RESULTS, f"{where}: result {r.get('result')!r}")
    check(r.get("kind") in RUN_KINDS, f"{where}: kind {r.get('kind')!r}")
    if r.get("result") in ("succeeded", "running"):
        check(r.get("error") is None, f"{where}: error null for a {r['result']} run")
    if r.get("result") == "running":
        check(r.get("finished_at") is None, f"{where}: finished_at null while running")


def analysis(d, where):
    for k in ("sync_runs", "findings"):
        check(isinstance(d.get(k), list), f"{where}: {k} is a list")
    for k in ("last_sync_attempt", "last_successful_sync"):
        check(k in d, f"{where}: {k} present")
    for i, r in enumerate(d.get("sync_runs", [])):
        sync_run(r, f"{where}.sync_runs[{i}]")
    for i, f in enumerate(d.get("findings", [])):
        has(f, FINDING_FIELDS, f"{where}.findings[{i}]")
        check(isinstance(f.get("count"), int) and f["count"] > 0,
              f"{where}.findings[{i}]: count > 0")


def ww(*args, config=None):
    return wwtest.ww(EXE, *args, config=config, timeout=120)


def json_of(r, what):
    try:
        return json.loads(r.stdout)
    except ValueError:
        check(False, f"{what}: stdout is JSON ({r.returncode}: {r.stdout[:200]!r} {r.stderr[:300]!r})")
        return {}


# --- servers ------------------------------------------------------------------
def no_date_server():
    """HTTP/1.0 200 without a Date header: the clock skew is unknown."""
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(8)

    def loop():
        while True:
            c, _ = ls.accept()
            try:
                c.settimeout(5)
                c.recv(4096)
                c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n"
                          b"Connection: close\r\n\r\nok")
            except OSError:
                pass
            c.close()

    threading.Thread(target=loop, daemon=True).start()
    return ls.getsockname()[1]


if not shutil.which("openssl"):
    wwtest.skip("openssl missing")
wwtest.fresh_dir(WORK)
os.chdir(WORK)
wwtest.self_signed(WORK, "cert", "/CN=127.0.0.1", 40, san="IP:127.0.0.1")
os.makedirs("www")
with open("www/index.html", "w") as f:
    f.write("hello\n")
HTTP = wwtest.http_server(f"{WORK}/www").server_address[1]
HTTPS = wwtest.http_server(f"{WORK}/www", "cert.pem", "cert.key").server_address[1]
NODATE = no_date_server()
CLOSED = wwtest.free_port()
ok_urls = [f"http://127.0.0.1:{HTTP}/", f"https://127.0.0.1:{HTTPS}/",
           f"http://127.0.0.1:{NODATE}/"]

# --- probe --json ------------------------------------------------------------
r = ww("probe", "--json", "--cacert", "cert.pem", *ok_urls)
check(r.returncode == 0, f"probe: every probe ok exits 0 ({r.returncode}: {r.stderr.strip()})")
d = json_of(r, "probe ok")
walk(d, "probe(ok)")
res = d.get("results", [])
check(len(res) == 3 and all(p.get("ok") is True for p in res), "probe: three ok results")
for i, p in enumerate(res):
    probe_result(p, f"probe(ok)[{i}]")
if len(res) == 3:
    plain, tls, nodate = res
    check(plain["http_status"] == 200 and plain["result"] == "ok", "plain HTTP: 200 ok")
    check(isinstance(plain["clock_skew_seconds"], int),
          "plain HTTP with a Date header: clock_skew_seconds is a number")
    check(tls["tls_version"] in ("TLSv1.2", "TLSv1.3") and tls["tls_cipher"],
          f"TLS: version and cipher known ({tls['tls_version']}, {tls['tls_cipher']})")
    check(isinstance(tls["cert_days_left"], int) and 38 <= tls["cert_days_left"] <= 40,
          f"TLS: cert_days_left of a 40-day certificate ({tls['cert_days_left']})")
    check(tls["cert_not_after"] is not None, "TLS: cert_not_after known")
    check(nodate["clock_skew_seconds"] is None,
          f"no Date header: clock_skew_seconds null, not 0 ({nodate['clock_skew_seconds']!r})")

bad_urls = [f"http://127.0.0.1:{HTTP}/missing", "http://no-such-host.invalid/",
            f"http://127.0.0.1:{CLOSED}/", f"https://127.0.0.1:{HTTPS}/"]
r = ww("probe", "--json", "--timeout", "10", *bad_urls)
check(r.returncode == 2, f"probe: a failed probe exits 2 ({r.returncode})")
d = json_of(r, "probe failing")
walk(d, "probe(fail)")
res = d.get("results", [])
for i, p in enumerate(res):
    probe_result(p, f"probe(fail)[{i}]")
got = [(p.get("stage"), p.get("result")) for p in res]
check(got == [("http", "http_not_found"), ("dns", "dns_failure"),
              ("connect", "connect_refused"), ("tls", "tls_untrusted")],
      f"probe: stage and result of each failure ({got})")
r = ww("probe", "--timeout", "0", "http://127.0.0.1/")
check(r.returncode == 64, f"probe --timeout 0 is a usage error, 64 ({r.returncode})")
r = ww("probe", "--json", "--cacert", f"{WORK}/absent.pem", ok_urls[1])
check(r.returncode in (2, 66), f"probe --cacert missing file: 2 or 66 ({r.returncode})")

# --- analyze --json ----------------------------------------------------------
log = f"{FIX}/synclog/real-samples.log"
r = ww("analyze", "--json", "--log", log, "--events", f"{FIX}/events/wevtutil-plain.xml")
check(r.returncode == 0, f"analyze exits 0 ({r.returncode}: {r.stderr.strip()})")
d = json_of(r, "analyze")
walk(d, "analyze")
has(d, ["files", "lines", "records", "malformed", "sync_runs", "last_sync_attempt",
        "last_successful_sync", "findings", "wsus_events"], "analyze")
analysis(d, "analyze")
evs = d.get("wsus_events", [])
check(len(evs) > 0, f"analyze --events: {len(evs)} WSUS events")
for i, e in enumerate(evs):
    has(e, EVENT_FIELDS, f"analyze.wsus_events[{i}]")
    check(e.get("meaning") in MEANINGS, f"wsus_events[{i}]: meaning {e.get('meaning')!r}")
r = ww("analyze", "--json", "--log", log)
check(r.returncode == 0 and "wsus_events" not in json_of(r, "analyze log only"),
      "analyze without --events has no wsus_events")
r = ww("analyze", "--json", "--log", f"{WORK}/absent.log")
check(r.returncode == 66, f"analyze: a missing file exits 66 ({r.returncode})")
r = ww("analyze", "--json", "--events", f"{FIX}/events/wevtutil-malformed.xml")
check(r.returncode == 65, f"analyze: malformed event XML exits 65 ({r.returncode})")
r = ww("analyze", "--bogus")
check(r.returncode == 64, f"analyze: unknown option exits 64 ({r.returncode})")

# --- a configuration for the stored commands ----------------------------------
# The fixture's sync run moved to yesterday, so retention keeps it.
yesterday = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 86400))
with open(log) as f, open(f"{WORK}/SoftwareDistribution.log", "w") as out:
    out.write(f.read().replace("2014-01-16", yesterday))
M = wwtest.Monitor(EXE, WORK,
                   f"wsus: {{log: {WORK}/SoftwareDistribution.log, discover: false}}\n"
                   f"probes: {{microsoft_update: \"off\", upstream: \"off\", timeout: 10s,\n"
                   f"  extra_urls: [\"http://127.0.0.1:{NODATE}/\", \"http://no-such-host.invalid/\",\n"
                   f"               \"https://127.0.0.1:{HTTPS}/\"]}}\n"
                   f"tls: {{cacert: {WORK}/cert.pem}}\n")
CONFIG, SOCK = M.config, M.sock
with open("broken.yaml", "w") as f:
    f.write("interval: [broken\n")


def status_doc(d, where):
    walk(d, where)
    has(d, STATUS_FIELDS, where)
    check(d.get("health") in STATES, f"{where}: health {d.get('health')!r}")
    for i, c in enumerate(d.get("checks", [])):
        has(c, CHECK_FIELDS, f"{where}.checks[{i}]")
        check(c.get("state") in STATES, f"{where}.checks[{i}]: state {c.get('state')!r}")
    for i, p in enumerate(d.get("probes", [])):
        probe_result(p, f"{where}.probes[{i}]")
    for i, a in enumerate(d.get("alerts", [])):
        has(a, ALERT_FIELDS, f"{where}.alerts[{i}]")
    src = d.get("sources", {})
    has(src.get("log"), ["path", "offset", "last_read_at", "error"], f"{where}.sources.log")
    has(src.get("eventlog"), ["available", "last_record_id", "error"], f"{where}.sources.eventlog")
    ev = src.get("eventlog", {})
    check(ev.get("available") is not False or ev.get("last_record_id") is None,
          f"{where}: an unavailable event log has last_record_id null ({ev.get('last_record_id')!r})")
    if d.get("last_successful_sync") is None:
        check(d.get("sync_age_seconds") is None, f"{where}: sync_age null without a success")
    else:
        check(isinstance(d.get("sync_age_seconds"), int), f"{where}: sync_age a number")


r = ww("run", "--once", config=CONFIG)
check(r.returncode in (0, 74), f"run --once exits 0 or 74 ({r.returncode}: {r.stderr.strip()})")
status_doc(json_of(r, "run --once"), "run --once")

# --- history --json ------------------------------------------------------------
r = ww("history", "--json", config=CONFIG)
check(r.returncode == 0, f"history exits 0 ({r.returncode}: {r.stderr.strip()})")
d = json_of(r, "history")
walk(d, "history")
has(d, ["sync_runs", "probe_results", "alert_transitions"], "history")
for i, x in enumerate(d.get("sync_runs", [])):
    sync_run(x, f"history.sync_runs[{i}]")
for i, p in enumerate(d.get("probe_results", [])):
    probe_result(p, f"history.probe_results[{i}]")
check(len(d.get("sync_runs", [])) >= 1 and len(d.get("probe_results", [])) == 3,
      "history has the log's sync run and the three probe results")
tls = [p for p in d.get("probe_results", []) if p.get("url", "").startswith("https:")]
check(len(tls) == 1 and isinstance(tls[0].get("cert_days_left"), int) and
      38 <= tls[0]["cert_days_left"] <= 40,
      f"history: cert_days_left of the TLS probe ({tls[0].get('cert_days_left') if tls else None})")
r = ww("history", "--limit", "0", config=CONFIG)
check(r.returncode == 64, f"history --limit 0 exits 64 ({r.returncode})")
r = ww("history", "--json", config="broken.yaml")
check(r.returncode == 78, f"history with a broken configuration exits 78 ({r.returncode})")
with open("junk.db", "w") as f:
    f.write("an administrator's notes, not a database, long enough to be read\n")
with open("junk.yaml", "w") as f:
    f.write(f"database: {WORK}/junk.db\n")
r = ww("history", "--json", config="junk.yaml")
check(r.returncode == 74, f"history on a file that is not a database exits 74 ({r.returncode})")

# --- diagnose --json -----------------------------------------------------------
r = ww("diagnose", "--json", "--timeout", "10", config=CONFIG)
d = json_of(r, "diagnose")
walk(d, "diagnose")
has(d, ["version", "generated_at", "config", "health", "exit_code", "checks",
        "fix_first", "groups", "probes", "sync_runs", "last_sync_attempt",
        "last_successful_sync", "findings"], "diagnose")
check(d.get("health") in STATES, f"diagnose: health {d.get('health')!r}")
code = {"ok": 0, "warning": 1, "critical": 2, "unknown": 3}.get(d.get("health"))
check(r.returncode == code == d.get("exit_code"),
      f"diagnose: exit {r.returncode} = exit_code {d.get('exit_code')} = health {d.get('health')}")
for i, c in enumerate(d.get("checks", [])):
    has(c, CHECK_FIELDS, f"diagnose.checks[{i}]")
    check(c.get("state") in STATES, f"diagnose.checks[{i}]: state")
for g in d.get("groups", []):
    for it in g.get("items", []):
        check(it.get("state") in STATES | {"skipped"},
              f"diagnose {g.get('name')}/{it.get('name')}: state {it.get('state')!r}")
for i, p in enumerate(d.get("probes", [])):
    probe_result(p, f"diagnose.probes[{i}]")
analysis(d, "diagnose")
r = ww("diagnose", "--bogus")
check(r.returncode == 64, f"diagnose: unknown option exits 64 ({r.returncode})")
r = ww("diagnose", "--json", config="broken.yaml")
check(r.returncode == 78, f"diagnose with a broken configuration exits 78 ({r.returncode})")

# --- check ---------------------------------------------------------------------
r = ww("check", config=CONFIG)
m = re.match(r"^WSUSWATCH (OK|WARNING|CRITICAL|UNKNOWN) - .+ \| .*sync_age=\d+s;\d+;\d+;0 "
             r".*probes_failed=\d+;;;0\n$", r.stdout)
check(m is not None, f"check prints one plugin line with perfdata ({r.stdout!r})")
if m:
    want = {"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3}[m.group(1)]
    check(r.returncode == want, f"check exits {want} for {m.group(1)} ({r.returncode})")
for cfg, what in (("broken.yaml", "a broken configuration"),
                  ("junk.yaml", "a file that is not a database")):
    r = ww("check", config=cfg)
    check(r.returncode == 3 and r.stdout.startswith("WSUSWATCH UNKNOWN - "),
          f"check with {what}: UNKNOWN, exit 3 ({r.returncode}: {r.stdout.strip()})")
r = ww("check", "--bogus", config=CONFIG)
check(r.returncode == 3, f"check: even a usage error is UNKNOWN, 3 ({r.returncode})")

# --- status --json against a running monitor --------------------------------------
r = ww("status", "--json", config=CONFIG)
check(r.returncode == 69, f"status without a monitor exits 69 ({r.returncode})")
mon = M.start()
check(wait_for(lambda: os.path.exists(SOCK), 10), "the control socket appears")


def probed():
    r = ww("status", "--json", config=CONFIG)
    try:
        return len(json.loads(r.stdout)["probes"]) == 3
    except (ValueError, KeyError):
        return False


check(wait_for(probed, 20), "the monitor has probed the three targets")
r = ww("status", "--json", config=CONFIG)
check(r.returncode == 0, f"status --json exits 0 ({r.returncode})")
st = json_of(r, "status")
status_doc(st, "status")
nd = [p for p in st.get("probes", []) if str(p.get("url", "")).endswith(f":{NODATE}/")]
check(len(nd) == 1 and nd[0].get("clock_skew_seconds") is None and nd[0]["http_status"] == 200,
      "status: the Date-less probe keeps clock_skew_seconds null")
r = ww("status", "--bogus", config=CONFIG)
check(r.returncode == 64, f"status: unknown option exits 64 ({r.returncode})")
r = ww("status", "--json", config="broken.yaml")
check(r.returncode == 78, f"status with a broken configuration exits 78 ({r.returncode})")
mon.terminate()
check(mon.wait(timeout=15) == 0, "the monitor stops with 0")
r = ww("status", config=CONFIG)
check(r.returncode == 69, f"status after the stop exits 69 ({r.returncode})")

# --- config ----------------------------------------------------------------------
r = ww("config", "check", "broken.yaml")
check(r.returncode == 78, f"config check on a broken file exits 78 ({r.returncode})")
r = ww("config", "check", CONFIG)
check(r.returncode == 0, f"config check on a good file exits 0 ({r.returncode})")
r = ww("frobnicate")
check(r.returncode == 64, f"an unknown command exits 64 ({r.returncode})")

sys.exit(wwtest.verdict(M.log_text()))
