#!/usr/bin/env python3
"""One writer per database (issue 13, item 2).

`run --once` beside a running monitor, or a second monitor on the same
database (its own control socket), stored the same log records a second
time: neither writer knew of the other.  Now the second writer is refused
with exit 75 and a message that says why, stores nothing, and the first
goes on; once the first has stopped, `run --once` works again.

usage: monitor_writers.py WSUSWATCH WORKDIR
"""
import collections
import os
import sqlite3
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from monitor_store_rig import Rig  # noqa: E402
from wwtest import check, fresh_dir, verdict, wait_for  # noqa: E402

EXE, WORK = (os.path.abspath(a) for a in sys.argv[1:3])

fresh_dir(WORK)
DB = f"{WORK}/data/ww.db"
rig = Rig(EXE, WORK, DB)


def seq_counts():
    db = sqlite3.connect(f"file:{DB}?mode=ro", uri=True, timeout=10)
    try:
        rows = db.execute("SELECT message FROM log_finding").fetchall()
    finally:
        db.close()
    return collections.Counter(int(m[4:10]) for (m,) in rows if m.startswith("seq="))


def exactly_once(n):
    c = seq_counts()
    return sorted(c) == list(range(n)) and max(c.values()) == 1


rig.start_healthy(200)
rig.append(200, 400)

# --- run --once beside the running monitor ------------------------------------
t0 = time.monotonic()
r = rig.ww("run", "--once")
took = time.monotonic() - t0
check(r.returncode == 75, f"run --once beside a running monitor exits 75 "
      f"({r.returncode} in {took:.1f} s: {r.stderr.strip()[-300:]})")
check("another wsuswatch monitor" in r.stderr and DB in r.stderr,
      "its message names the database and the other writer")
check(wait_for(lambda: exactly_once(400), 30),
      f"every record stored exactly once ({sum(seq_counts().values())} rows "
      f"for 400 records)")

# --- a second monitor on the same database, its own socket -------------------
other = f"{WORK}/other.yaml"
with open(rig.config) as f:
    text = f.read().replace(rig.sock, f"{WORK}/run2/wsuswatch.sock")
with open(other, "w") as f:
    f.write(text)
rig.append(400, 500)
r = subprocess.run([EXE, "--config", other, "run", "--foreground"],
                   capture_output=True, text=True, timeout=60)
check(r.returncode == 75 and "one writer per database" in r.stderr,
      f"a second monitor on the same database exits 75 "
      f"({r.returncode}: {r.stderr.strip()[-300:]})")
check(wait_for(lambda: exactly_once(500), 30),
      f"still exactly once ({sum(seq_counts().values())} rows for 500 records)")
check(rig.proc.poll() is None and rig.status() is not None,
      "the first monitor runs on and answers")

# --- the first stops: run --once writes again --------------------------------
rig.proc.terminate()
check(rig.proc.wait(timeout=20) == 0, "the first monitor stops with 0")
rig.append(500, 520)
r = rig.ww("run", "--once")
check(r.returncode in (0, 74) and exactly_once(519),
      f"run --once after the monitor stopped stores the rest once "
      f"({r.returncode}, {sum(seq_counts().values())} rows)")
sys.exit(verdict(rig.log_text()))
