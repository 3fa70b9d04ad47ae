#!/usr/bin/env python3
"""SIGKILL the tailing process at random moments; nothing lost, nothing twice.

Usage: tail_kill.py HELPER SCRATCH_DIR [RECORDS] [SEED] [KILLS] [SECONDS]

A writer appends numbered records (some with stack traces, written in
pieces so records and lines are cut at random points) to a log, rotating
it to .old now and then as WSUS does.  Meanwhile ww_tail_helper tails it
into a SQLite store and is killed with SIGKILL after a random delay, then
started again.  At the end one --drain run reads the rest, and the store
must hold every record exactly once.

It writes at least RECORDS records and goes on until the helper has been
killed at least KILLS times (CI: 3000 and 120), then fails if that took
more than SECONDS (default 300).  A rotation happens only once the store's
position is in the current file: the tailer guarantees one rotation between
two polls (or while it is down), not two (docs/synclog.md), and a second
rotation would delete the .old it has not finished.
"""
import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import time

helper, scratch = sys.argv[1], sys.argv[2]
records = int(sys.argv[3]) if len(sys.argv) > 3 else 3000
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 20261123
min_kills = int(sys.argv[5]) if len(sys.argv) > 5 else 5
budget = float(sys.argv[6]) if len(sys.argv) > 6 else 300.0
rng = random.Random(seed)
os.makedirs(scratch, exist_ok=True)
log = os.path.join(scratch, "SoftwareDistribution.log")
db = os.path.join(scratch, "ww.db")
for f in (log, log + ".old", db, db + "-wal", db + "-shm"):
    if os.path.exists(f):
        os.remove(f)


def record(i):
    s = (f"2024-01-01 {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}.{i % 1000:03d} UTC\t"
         f"Error\tWsusService.{i % 7}\tWebServiceCommunicationHelper.ProcessWebServiceProxyException\t"
         f"seq={i:06d} System.Net.WebException: The operation has timed out\r\n")
    if i % 4 == 0:
        s += "   at System.Net.HttpWebRequest.GetResponse()\r\n   --- End of inner exception stack trace ---\r\n"
    return s.encode()


def caught_up():
    """The store's position is in the current log (not in .old)."""
    try:
        st = os.stat(log)
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            row = con.execute("SELECT identity FROM source_position "
                              "WHERE source = 'log'").fetchone()
        finally:
            con.close()
    except (OSError, sqlite3.Error):
        return False
    return row is not None and row[0].startswith(f"{st.st_dev:x}:{st.st_ino:x}")


proc = None
kills = rotations = 0
pending = b""
i = 0
start = time.monotonic()
next_kill = None  # armed once the helper says it is tailing


def ready(p):
    """True once the helper has printed "ready" (it tails from then on)."""
    if select.select([p.stdout], [], [], 0)[0]:
        return p.stdout.readline() == b"ready\n"
    return False


while i < records or kills < min_kills or pending:
    if proc is None:
        proc = subprocess.Popen([helper, log, db], stdout=subprocess.PIPE)
        next_kill = None
    if next_kill is None and ready(proc):
        # A random moment of its tailing (it polls every 5 ms).
        next_kill = time.monotonic() + rng.uniform(0.02, 0.3)
    if not pending and (i < records or kills < min_kills):
        n = rng.randint(1, 40)
        pending = b"".join(record(k) for k in range(i, i + n))
        i += n
    cut = rng.randint(1, len(pending))  # may end mid-line or mid-record
    with open(log, "ab") as f:
        f.write(pending[:cut])
    pending = pending[cut:]
    if not pending and rng.random() < 0.1 and caught_up():
        if os.path.exists(log + ".old"):
            os.remove(log + ".old")
        os.rename(log, log + ".old")
        rotations += 1
    time.sleep(rng.uniform(0, 0.004))
    if next_kill is not None and time.monotonic() >= next_kill:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        proc = None
        kills += 1
    elif proc.poll() not in (None, -9):
        print("FAIL: helper exited with", proc.returncode)
        sys.exit(1)

if proc is not None:
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
if subprocess.run([helper, log, db, "--drain"], stdout=subprocess.DEVNULL).returncode != 0:
    print("FAIL: drain run failed")
    sys.exit(1)

records = i
elapsed = time.monotonic() - start
con = sqlite3.connect(db)
counts = {}
for (m,) in con.execute("SELECT message FROM log_finding"):
    seq = int(m[4:10])
    counts[seq] = counts.get(seq, 0) + 1
missing = [k for k in range(records) if k not in counts]
twice = {k: v for k, v in counts.items() if v != 1}
extra = [k for k in counts if k >= records]
print(f"{records} records, {kills} kills, {rotations} rotations, "
      f"{len(counts)} stored, {elapsed:.1f}s")
if missing or twice or extra:
    print("FAIL: missing", missing[:20], "twice", list(twice.items())[:20], "extra", extra[:20])
    sys.exit(1)
if kills < min_kills or rotations < 5:
    print(f"FAIL: too few kills ({kills} < {min_kills}) or rotations to mean anything")
    sys.exit(1)
if elapsed > budget:
    print(f"FAIL: {elapsed:.0f}s, more than the {budget:.0f}s budget")
    sys.exit(1)
print("ok")
