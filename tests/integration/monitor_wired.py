#!/usr/bin/env python3
"""The running monitor does the whole job, end to end, on POSIX.

A real `wsuswatch run --foreground` with every source wired:
  * the upstream WSUS server is a local HTTP server (python's http.server,
    which sends Content-Length) serving the two upstream probe paths;
  * SoftwareDistribution.log is a file that grows, written with the real
    lines of tests/fixtures/synclog/track-sync.log under new timestamps;
  * the event log cannot be read on POSIX.

Phase 1 (issue 6, "done when"): the log's last successful sync is 30 h old.
`status --json` carries every contract field with real values; `check`
prints WARNING and exits 1; the metrics textfile exists and passes
`promtool check metrics`; the sync_staleness alert is raised once.
Phase 2: a successful sync is appended; the offset grows, last_successful_sync
becomes the appended line's time, the alert clears once.
Phase 3: SIGHUP with wsus.log pointing at another file re-creates the tailer.
Phase 4: a probe hangs (a listener that accepts and never answers, probe
timeout 60 s); the log task keeps running; SIGTERM stops it within 3 s.

usage: monitor_wired.py WSUSWATCH FIXTURES_DIR WORKDIR
"""
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wwtest  # noqa: E402
from wwtest import check, failures, find, wait_for  # noqa: E402

EXE, FIXTURES, WORK = sys.argv[1], sys.argv[2], sys.argv[3]


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def sync_lines(start):
    """A successful sync starting at start; returns (text, success time)."""
    return wwtest.sync_lines(FIXTURES, start)


class Monitor(wwtest.Monitor):
    """A monitor in WORK/name."""

    def __init__(self, name, config_text):
        path = os.path.join(WORK, name)
        os.makedirs(path, mode=0o700)
        super().__init__(EXE, path, config_text)

    def start(self):
        super().start()
        return wait_for(lambda: os.path.exists(self.sock), 10)

    def task(self, st, name):
        return find(st.get("tasks"), "name", name) or {}

    def dump_log(self):
        print(f"--- {self.dir}/monitor.log ---\n" + self.log_text())


def alert_transitions(mon, name, transition):
    r = mon.ww("history", "--json", "--limit", "1000")
    if r.returncode != 0:
        return None
    rows = json.loads(r.stdout).get("alert_transitions", [])
    return sum(1 for a in rows
               if a.get("name") == name and a.get("transition") == transition)


wwtest.fresh_dir(WORK)

# --- the upstream WSUS server ------------------------------------------------
www = os.path.join(WORK, "www")
os.makedirs(os.path.join(www, "ServerSyncWebService"))
os.makedirs(os.path.join(www, "selfupdate"))
with open(os.path.join(www, "ServerSyncWebService", "ServerSyncWebService.asmx"), "w") as f:
    f.write("<html>ServerSyncWebService</html>\n")
with open(os.path.join(www, "selfupdate", "iuident.cab"), "wb") as f:
    f.write(b"MSCF" + b"\0" * 60)
httpd = wwtest.http_server(www)
UP_PORT = httpd.server_address[1]

# --- phase 1: the last successful sync is 30 h old ---------------------------
now = int(time.time())
start_old = now - 30 * 3600 - 71
text_old, success_old = sync_lines(start_old)
logpath = os.path.join(WORK, "SoftwareDistribution.log")
with open(logpath, "w", encoding="utf-8", newline="") as f:
    f.write(text_old)
prom = os.path.join(WORK, "metrics", "wsuswatch.prom")
os.makedirs(os.path.dirname(prom))

BASE = (f"interval: 10s\n"
        f"wsus: {{discover: false, log: {logpath},"
        f" upstream: {{host: 127.0.0.1, port: {UP_PORT}, ssl: false}}}}\n"
        f"probes: {{microsoft_update: \"off\", upstream: \"on\", timeout: 10s}}\n"
        f"metrics: {{textfile: {prom}}}\n"
        f"alerts: {{syslog: false}}\n")
mon = Monitor("main", BASE)
check(mon.start(), "the monitor starts and its socket appears")


def phase1_ready():
    st = mon.status()
    if not st or st.get("last_successful_sync") != iso(success_old):
        return None
    if len(st.get("probes", [])) < 2 or st.get("health") == "unknown":
        return None
    # The last record is complete once the file stopped growing (settle).
    if st["sources"]["log"].get("offset") != os.path.getsize(logpath):
        return None
    return st


st = wait_for(phase1_ready, 40) or mon.status() or {}
print(json.dumps(st, indent=1)[:6000])

CONTRACT = ["version", "started_at", "health", "last_successful_sync",
            "last_sync_attempt", "last_sync_result", "sync_age_seconds",
            "checks", "probes", "sources", "alerts"]
check(all(k in st for k in CONTRACT), "status --json has every contract field")
check(st.get("last_successful_sync") == iso(success_old),
      f"last_successful_sync is the 384 line's time ({st.get('last_successful_sync')} "
      f"vs {iso(success_old)})")
check(st.get("last_sync_attempt") == iso(start_old),
      f"last_sync_attempt is the manual start ({st.get('last_sync_attempt')})")
check(st.get("last_sync_result") == "succeeded", "last_sync_result is succeeded")
age = st.get("sync_age_seconds")
check(isinstance(age, (int, float)) and abs(age - (time.time() - success_old)) < 60,
      f"sync_age_seconds is about 30 h ({age})")
check(st.get("health") == "warning", f"health is warning ({st.get('health')})")

probes = st.get("probes", [])
for target in ("upstream_sync", "upstream_selfupdate"):
    p = find(probes, "target", target)
    check(p is not None and p.get("ok") is True and p.get("result") == "ok"
          and p.get("http_status") == 200 and p.get("stage") is None
          and str(UP_PORT) in p.get("url", ""),
          f"probes[] has {target} ok against the local server ({p and p.get('result')})")
check(all(k in (probes[0] if probes else {}) for k in
          ("url", "ok", "stage", "result", "wu_code", "http_status", "tls_version",
           "tls_cipher", "cert_not_after", "cert_days_left", "clock_skew_seconds",
           "elapsed_ms", "hint")), "probe entries carry the probe --json fields")

log = st.get("sources", {}).get("log", {})
size_old = os.path.getsize(logpath)
check(log.get("path") == logpath, f"sources.log.path ({log.get('path')})")
check(log.get("offset") == size_old,
      f"sources.log.offset is the file size ({log.get('offset')} of {size_old})")
check(isinstance(log.get("last_read_at"), str) and log.get("error") is None,
      f"sources.log.last_read_at set, error null ({log})")
ev = st.get("sources", {}).get("eventlog", {})
check(ev.get("available") is False and isinstance(ev.get("error"), str) and ev["error"],
      f"sources.eventlog.available false with an error string ({ev})")
check(ev.get("last_record_id") is None, "sources.eventlog.last_record_id null")

checks = st.get("checks", [])
stale = find(checks, "name", "sync_staleness")
check(stale is not None and stale.get("state") == "warning" and
      "30h" in stale.get("summary", "") and isinstance(stale.get("since"), str),
      f"checks[] sync_staleness warning with since and summary ({stale})")
check(all(set(c) >= {"name", "state", "since", "summary"} for c in checks) and
      find(checks, "name", "endpoint:upstream_sync") is not None and
      find(checks, "name", "sources:log") is not None,
      f"checks[] covers endpoints and sources ({[c.get('name') for c in checks]})")
alert = find(st.get("alerts", []), "name", "sync_staleness")
check(alert is not None and alert.get("state") == "active" and
      alert.get("event_id") == 2001 and isinstance(alert.get("since"), str),
      f"alerts[] has sync_staleness active with event 2001 ({alert})")

r = mon.ww("check")
check(r.returncode == 1 and r.stdout.startswith("WSUSWATCH WARNING"),
      f"check prints WARNING and exits 1 ({r.returncode}: {r.stdout.strip()})")
check(os.path.exists(prom), "the metrics textfile exists")
if shutil.which("promtool"):
    r = subprocess.run(["promtool", "check", "metrics"], stdin=open(prom),
                       capture_output=True, text=True)
    check(r.returncode == 0, f"promtool check metrics passes ({r.stdout}{r.stderr})")
else:
    print("skip promtool not installed")
text = open(prom).read() if os.path.exists(prom) else ""
check("wsuswatch_" in text and f"{success_old}" in text,
      "the textfile carries the last successful sync time")

# Several health cycles later the alert is still raised exactly once.
first_health_runs = mon.task(st, "health").get("runs", 0)
wait_for(lambda: mon.task(mon.status() or {}, "health").get("runs", 0)
         >= first_health_runs + 2, 40)
check(alert_transitions(mon, "sync_staleness", "raise") == 1,
      "the stale-sync alert was raised once (alert_history)")

# --- phase 2: a successful sync is appended -----------------------------------
start_new = int(time.time()) - 120
text_new, success_new = sync_lines(start_new)
with open(logpath, "a", encoding="utf-8", newline="") as f:
    f.write(text_new)
size_new = os.path.getsize(logpath)


def phase2_ready():
    s = mon.status()
    return s if s and s.get("last_successful_sync") == iso(success_new) and \
        s["sources"]["log"].get("offset") == size_new else None


st2 = wait_for(phase2_ready, 30) or mon.status() or {}
log2 = st2.get("sources", {}).get("log", {})
check(log2.get("offset") == size_new and size_new > size_old,
      f"sources.log.offset grew after the append ({log.get('offset')} -> {log2.get('offset')})")
check(st2.get("last_successful_sync") == iso(success_new),
      f"last_successful_sync is the appended success line's time "
      f"({st2.get('last_successful_sync')} vs {iso(success_new)})")
check(find(st2.get("checks"), "name", "sync_staleness", ).get("state") == "ok"
      if find(st2.get("checks"), "name", "sync_staleness") else False,
      "sync_staleness is ok again")
check(find(st2.get("alerts"), "name", "sync_staleness") is None,
      "no active sync_staleness alert")
check(st2.get("health") == "ok", f"health is ok ({st2.get('health')}: "
      f"{[(c['name'], c['state']) for c in st2.get('checks', []) if c['state'] != 'ok']})")
r = mon.ww("check")
check(r.returncode == 0 and r.stdout.startswith("WSUSWATCH OK"),
      f"check prints OK and exits 0 ({r.returncode}: {r.stdout.strip()})")
runs = mon.task(st2, "health").get("runs", 0)
wait_for(lambda: mon.task(mon.status() or {}, "health").get("runs", 0) >= runs + 2, 40)
check(alert_transitions(mon, "sync_staleness", "clear") == 1 and
      alert_transitions(mon, "sync_staleness", "raise") == 1,
      "the alert cleared once (and was not raised again)")

# --- phase 3: SIGHUP to another log re-creates the tailer ---------------------
other = os.path.join(WORK, "other", "SoftwareDistribution.log")
os.makedirs(os.path.dirname(other))
text_other, success_other = sync_lines(int(time.time()) - 600)
with open(other, "w", encoding="utf-8", newline="") as f:
    f.write(text_other)
mon.write_config(BASE.replace(f"log: {logpath},", f"log: {other},"))
mon.proc.send_signal(signal.SIGHUP)
st3 = wait_for(lambda: (lambda s: s if s and s["sources"]["log"].get("path") == other and
                        s["sources"]["log"].get("offset") == os.path.getsize(other)
                        else None)(mon.status()), 30) or mon.status() or {}
check(st3.get("sources", {}).get("log", {}).get("path") == other and
      st3["sources"]["log"].get("offset") == os.path.getsize(other),
      f"after SIGHUP the new wsus.log is followed from its start ({st3.get('sources')})")
# The newest success is still the appended one (phase 2), not the older file's.
check(st3.get("last_successful_sync") == iso(success_new),
      "last_successful_sync stays the newest success across sources files")

t0 = time.monotonic()
mon.proc.send_signal(signal.SIGTERM)
rc = mon.proc.wait(10)
check(rc == 0 and time.monotonic() - t0 < 3, f"SIGTERM stops the monitor ({rc}, "
      f"{time.monotonic() - t0:.2f}s)")
if failures:
    mon.dump_log()

# --- phase 4: a hung probe blocks neither the log task nor the stop -----------
hung, HUNG_PORT, accepted = wwtest.hung_listener()
hlog = os.path.join(WORK, "hung.log")
open(hlog, "w").close()
mon4 = Monitor("hung", f"interval: 10s\n"
               f"wsus: {{discover: false, log: {hlog}}}\n"
               f"probes: {{microsoft_update: \"off\", upstream: \"off\", timeout: 60s,"
               f" extra_urls: [\"http://127.0.0.1:{HUNG_PORT}/hang\"]}}\n"
               f"alerts: {{syslog: false}}\n")
check(mon4.start(), "the second monitor starts")
check(wait_for(lambda: len(accepted) > 0, 15), "the probe connected to the hung listener")
s4 = mon4.status() or {}
log_runs = mon4.task(s4, "log").get("runs", 0)
s4b = wait_for(lambda: (lambda s: s if mon4.task(s, "log").get("runs", 0) >= log_runs + 1
                        else None)(mon4.status() or {}), 15) or {}
check(mon4.task(s4b, "probes").get("running") is True and
      mon4.task(s4b, "log").get("runs", 0) > log_runs,
      "while the probe hangs the log task keeps running")
with open(hlog, "a", encoding="utf-8", newline="") as f:
    f.write(sync_lines(int(time.time()) - 300)[0])
s4c = wait_for(lambda: (lambda s: s if s.get("last_successful_sync") else None)(
    mon4.status() or {}), 20) or {}
check(s4c.get("last_successful_sync") is not None,
      "and health still judges the log meanwhile")
t0 = time.monotonic()
mon4.proc.send_signal(signal.SIGTERM)
try:
    rc = mon4.proc.wait(10)
except subprocess.TimeoutExpired:
    rc = None
took = time.monotonic() - t0
check(rc == 0 and took < 3, f"SIGTERM during a hung probe: exit {rc} in {took:.2f}s (< 3 s)")
if failures:
    mon4.dump_log()

httpd.shutdown()
hung.close()
sys.exit(wwtest.verdict())
