#!/usr/bin/env python3
"""SoftwareDistribution.log and the configuration file as a hostile tester
leaves them (issue 13), with the real wsuswatch binary:

- invalid UTF-8 in log lines: `analyze --json`, `history --json` and the
  control socket's history answer are valid UTF-8 and valid JSON (item 7);
- a FIFO and a link to /dev/zero at the log path: the monitor neither
  blocks nor spins, status stays fresh and names the problem, SIGTERM
  stops it; a FIFO as the configuration file: `config check` and a reload
  (SIGHUP) answer at once (item 6);
- `run --once` on a quiet log whose last record is the 384 of a manual
  sync: the run is succeeded at once, not left `running` (item 13).

usage: synclog_hostile.py WSUSWATCH WORKDIR
"""
import json
import os
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wwtest import (Monitor, check, control_exchange, cpu_seconds, fresh_dir,  # noqa: E402
                    quiet_sources, verdict, wait_for)

EXE, WORK = sys.argv[1], sys.argv[2]
fresh_dir(WORK)
LOGS = []  # monitor logs, shown when a check fails

def stamp(t):
    """A log timestamp without its " UTC": "YYYY-MM-DD HH:MM:SS"."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t))


def record(t, msg, level="Info", comp="EventLogEventReporter.ReportEvent"):
    """One log line; t is "HH:MM:SS" on 2026-11-20 or a full stamp()."""
    when = t if len(t) > 8 else f"2026-11-20 {t}"
    return (f"{when}.000 UTC\t{level}\tWsusService.15\t{comp}\t").encode() + msg + b"\n"


def strict_json(data, what):
    """The document when data is valid UTF-8 and valid JSON, else None."""
    try:
        return json.loads(data.decode("utf-8", errors="strict"))
    except (UnicodeDecodeError, ValueError) as e:
        check(False, what, f"{e}: {data[:300]!r}")
        return None


def run_bytes(*args, timeout=30):
    return subprocess.run([EXE] + list(args), capture_output=True, timeout=timeout)


def stop(mon, proc, what):
    t0 = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        rc = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        rc = None
    took = time.monotonic() - t0
    check(rc == 0 and took < 5, f"{what}: SIGTERM stops the monitor with 0 ({rc}, {took:.1f}s)")
    mon.kill()
    LOGS.append(mon.log_text())


# --- item 7: invalid UTF-8 in, valid UTF-8 JSON out -------------------------------
def invalid_utf8():
    d = fresh_dir(os.path.join(WORK, "utf8"))
    log = os.path.join(d, "SoftwareDistribution.log")
    bad = b"caf\xe9 \xff\xfe \xc0\xaf \xed\xa0\x80 \xe2\x82"
    with open(log, "wb") as f:
        f.write(record("08:00:00", b"EventId=382,Type=Information,Category=Synchronization,"
                       b"Message=A manual synchronization was started."))
        f.write(record("08:00:05", b"WebException: The underlying connection was closed: " + bad,
                       level="Error", comp="SoapUtilities.CreateException\xff".encode("latin-1")))
        f.write(b"   at System.Net.HttpWebRequest.GetResponse() " + bad + b"\n")
        f.write(record("08:00:09", b"EventId=386,Type=Error,Category=Synchronization,"
                       b"Message=Synchronization failed. Reason: " + bad))
    r = run_bytes("analyze", "--log", log, "--json")
    doc = strict_json(r.stdout, "analyze --json with invalid UTF-8 in the log is valid UTF-8 JSON")
    if doc is not None:
        runs = doc.get("sync_runs") or [{}]
        check(r.returncode == 0 and "\ufffd" in (runs[-1].get("error") or ""),
              f"analyze --json: the run's error carries U+FFFD ({runs[-1]})")
        check(any("\ufffd" in (x.get("example") or "") for x in doc.get("findings", [])),
              "analyze --json: the finding's example carries U+FFFD")

    mon = Monitor(EXE, d, quiet_sources(log))
    proc = mon.start()
    check(wait_for(lambda: os.path.exists(mon.sock), 10), "utf8: the control socket appears")

    def failed_run():
        r = subprocess.run([EXE, "--config", mon.config, "history", "--json"],
                           capture_output=True, timeout=30)
        return r if b'"failed"' in r.stdout else None
    r = wait_for(failed_run, 15, 0.3)
    doc = strict_json(r.stdout if r else b"", "history --json after invalid UTF-8 is valid UTF-8 JSON")
    if doc is not None:
        errors = [x.get("error") or "" for x in doc.get("sync_runs", [])]
        check(any("\ufffd" in e for e in errors), f"history --json: U+FFFD in the run error ({errors})")
    resp = control_exchange(mon.sock, b'{"cmd":"history"}\n')
    doc = strict_json(resp, "the control socket's history answer is valid UTF-8 JSON")
    check(doc is not None and any(x.get("result") == "failed" for x in doc.get("sync_runs", [])),
          "the control socket's history answer holds the failed run")
    stop(mon, proc, "utf8")


# --- item 6: FIFO and /dev/zero at the log path, FIFO as the configuration --------
def status_of(mon):
    """The status document, straight from the control socket (the CLI
    would read the configuration file, which may be the FIFO)."""
    try:
        return json.loads(control_exchange(mon.sock, b'{"cmd":"status"}\n'))
    except (OSError, ValueError):
        return None


def fresh_after(mon, first):
    """A later snapshot than first (the loop republishes at least every
    10 s; a loop stuck in open() or read() never does), or None."""
    def newer():
        st = status_of(mon)
        return st if st and first and st.get("generated_at") != first.get("generated_at") else None
    return wait_for(newer, 15, 0.5)


def not_regular(name, make):
    d = fresh_dir(os.path.join(WORK, name))
    log = os.path.join(d, "SoftwareDistribution.log")
    make(log)
    mon = Monitor(EXE, d, quiet_sources(log))
    proc = mon.start()
    check(wait_for(lambda: os.path.exists(mon.sock), 10), f"{name}: the control socket appears")
    first = wait_for(lambda: status_of(mon), 10)
    cpu0, t0 = cpu_seconds(proc.pid), time.monotonic()
    second = fresh_after(mon, first)
    cpu, secs = cpu_seconds(proc.pid) - cpu0, time.monotonic() - t0
    err = ((second or {}).get("sources") or {}).get("log", {}).get("error") or ""
    check(second is not None, f"{name}: status is fresh (a new snapshot after "
          f"{(first or {}).get('generated_at')})")
    check("not a regular file" in err, f"{name}: status names the log problem ({err!r})")
    check(cpu < 0.2 * secs + 0.3, f"{name}: the monitor does not spin ({cpu:.2f} s CPU in {secs:.0f} s)")
    stop(mon, proc, name)


def config_fifo():
    d = fresh_dir(os.path.join(WORK, "configfifo"))
    fifo = os.path.join(d, "fifo.yaml")
    os.mkfifo(fifo)
    t0 = time.monotonic()
    try:
        r = subprocess.run([EXE, "config", "check", fifo], capture_output=True, text=True,
                           timeout=10)
        rc, msg = r.returncode, r.stderr.strip()
    except subprocess.TimeoutExpired:
        rc, msg = None, "hung"
    check(rc == 66 and "not a regular file" in msg and time.monotonic() - t0 < 5,
          f"config check of a FIFO refuses it at once ({rc}: {msg})")

    log = os.path.join(d, "SoftwareDistribution.log")
    mon = Monitor(EXE, d, quiet_sources(log))
    proc = mon.start()
    check(wait_for(lambda: os.path.exists(mon.sock), 10), "configfifo: the control socket appears")
    os.remove(mon.config)
    os.mkfifo(mon.config)
    proc.send_signal(signal.SIGHUP)
    check(wait_for(lambda: "not a regular file" in mon.log_text(), 5),
          "a reload from a FIFO configuration is refused at once")
    check(fresh_after(mon, status_of(mon)) is not None,
          "after that reload the monitor still runs (status fresh)")
    stop(mon, proc, "configfifo")


# --- item 13: run --once sees the last record of a quiet log -----------------------
def run_once_quiet():
    d = fresh_dir(os.path.join(WORK, "once"))
    log = os.path.join(d, "SoftwareDistribution.log")
    # A sync two hours ago, its 384 written an hour ago: quiet since.
    now = time.time()
    with open(log, "wb") as f:
        f.write(record(stamp(now - 7200), b"EventId=382,Type=Information,Category=Synchronization,"
                       b"Message=A manual synchronization was started."))
        f.write(record(stamp(now - 3600), b"EventId=384,Type=Information,Category=Synchronization,"
                       b"Message=Synchronization completed successfully."))
    os.utime(log, (now - 3600, now - 3600))
    mon = Monitor(EXE, d, quiet_sources(log))
    r = mon.ww("run", "--once")
    h = mon.ww("history", "--json")
    try:
        runs = json.loads(h.stdout).get("sync_runs", [])
    except ValueError:
        runs = []
    check(r.returncode == 0 and [x.get("result") for x in runs] == ["succeeded"],
          f"run --once on a quiet log: the last record (384) is read ({runs})")
    LOGS.append(r.stderr)


invalid_utf8()
not_regular("fifo", os.mkfifo)
not_regular("devzero", lambda p: os.symlink("/dev/zero", p))
config_fifo()
run_once_quiet()
sys.exit(verdict("\n".join(LOGS)))
