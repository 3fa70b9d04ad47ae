#!/usr/bin/env python3
"""The monitor while another process holds its database locked.

A running monitor follows a SoftwareDistribution.log; a second process
takes an exclusive write transaction on the database (BEGIN EXCLUSIVE, as
a backup tool or a stuck sqlite3 shell would) and keeps it for ~15 s
while the log grows.  The monitor must keep running and answering, say
so in status (sources.database.error, the sources:database check and
the health), retry with back-off, and, once the lock goes, store every
log record exactly once and report the database healthy again.

usage: monitor_dblock.py WSUSWATCH WORKDIR
"""
import atexit
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time

EXE, WORK = (os.path.abspath(a) for a in sys.argv[1:3])
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def wait_for(pred, secs):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.1)
    return pred()


def status():
    r = subprocess.run([EXE, "--config", CONFIG, "status", "--json"],
                       capture_output=True, text=True, timeout=30)
    try:
        return json.loads(r.stdout) if r.returncode == 0 else None
    except ValueError:
        return None


def append(first, last):
    """Lines seq first..last-1, each a timeout finding with its number."""
    day = time.strftime("%Y-%m-%d", time.gmtime())  # within the retention
    with open(LOG, "a") as f:
        for i in range(first, last):
            f.write(f"{day} 00:{i // 60 % 60:02d}:{i % 60:02d}.000 UTC\tError\t"
                    f"WsusService.9\tWebServiceCommunicationHelper.ProcessWebService"
                    f"ProxyException\tseq={i:06d} System.Net.WebException: The "
                    f"operation has timed out\n")


def stored_seqs():
    db = sqlite3.connect(f"file:{DB}?mode=ro", uri=True, timeout=10)
    try:
        rows = db.execute("SELECT message FROM log_finding").fetchall()
    finally:
        db.close()
    return sorted(int(m[4:10]) for (m,) in rows if m.startswith("seq="))


def check_of(st, name):
    for c in (st or {}).get("checks", []):
        if c.get("name") == name:
            return c
    return None


shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK, mode=0o700)
CONFIG, LOG, DB = f"{WORK}/wsuswatch.yaml", f"{WORK}/SoftwareDistribution.log", f"{WORK}/data/ww.db"
with open(CONFIG, "w") as f:
    f.write(f"database: {DB}\ncontrol: {{socket: {WORK}/run/ww.sock}}\n"
            f"wsus: {{log: {LOG}, discover: false}}\n"
            f"probes: {{microsoft_update: \"off\", upstream: \"off\"}}\n")
append(0, 50)
mlog = open(f"{WORK}/monitor.log", "w+")
mon = subprocess.Popen([EXE, "--config", CONFIG, "run", "--foreground"],
                       stdout=mlog, stderr=mlog)
atexit.register(lambda: mon.poll() is None and mon.kill())
check(wait_for(lambda: os.path.exists(DB) and len(stored_seqs()) == 50, 30),
      "the first 50 records are stored")
st = status()
check(st is not None and st["sources"].get("database", {}).get("error", 1) is None,
      f"sources.database is there, without an error ({(st or {}).get('sources')})")

# --- lock the database ------------------------------------------------------------
locker = sqlite3.connect(DB, timeout=10, isolation_level=None)
locker.execute("BEGIN EXCLUSIVE")
locked_at = time.monotonic()
append(50, 120)


def reports_lock():
    s = status()
    c = check_of(s, "sources:database")
    return (s is not None and s["sources"].get("database", {}).get("error") and
            c is not None and c.get("state") == "critical" and
            s.get("health") == "critical")


check(wait_for(reports_lock, 40),
      "status reports the locked database: sources.database.error, "
      "sources:database critical, health critical")
st = status() or {}
print("     sources.database:", st.get("sources", {}).get("database"))
check(mon.poll() is None, "the monitor keeps running")
while time.monotonic() - locked_at < 15:
    time.sleep(0.5)
check(status() is not None, "status still answers after 15 s of lock")
check(stored_seqs() == list(range(50)), "nothing was stored past the lock (no half commit)")
locker.execute("ROLLBACK")
locker.close()

# --- the lock is gone ------------------------------------------------------------------
append(120, 150)


def recovered():
    s = status()
    c = check_of(s, "sources:database")
    return (s is not None and s["sources"].get("database", {}).get("error", 1) is None
            and (c is None or c.get("state") == "ok")
            and s["sources"]["log"].get("error") is None)


# The back-off after repeated failures is at most a minute here.
check(wait_for(lambda: stored_seqs() == list(range(150)), 90),
      f"after the lock every record is stored exactly once ({len(stored_seqs())} rows)")
check(wait_for(recovered, 90), "status reports the database healthy again")
mlog.seek(0)
text = mlog.read()
check("database is locked" in text or "busy" in text, "the monitor logged the lock")
mon.terminate()
check(mon.wait(timeout=20) == 0, "the monitor stops with 0")

if failures:
    print("--- monitor log ---\n" + text)
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("all checks passed")
