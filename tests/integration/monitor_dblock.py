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
import os
import sqlite3
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from monitor_store_rig import Rig  # noqa: E402
from wwtest import check, fresh_dir, wait_for  # noqa: E402

EXE, WORK = (os.path.abspath(a) for a in sys.argv[1:3])

fresh_dir(WORK)
DB = f"{WORK}/data/ww.db"
rig = Rig(EXE, WORK, DB)
rig.start_healthy(50)

# --- lock the database ------------------------------------------------------------
locker = sqlite3.connect(DB, timeout=10, isolation_level=None)
locker.execute("BEGIN EXCLUSIVE")
locked_at = time.monotonic()
rig.append(50, 120)
check(wait_for(rig.db_error, 40),
      "status reports the locked database: sources.database.error, "
      "sources:database critical, health critical")
st = rig.status() or {}
print("     sources.database:", st.get("sources", {}).get("database"))
check(rig.proc.poll() is None, "the monitor keeps running")
while time.monotonic() - locked_at < 15:
    time.sleep(0.5)
check(rig.status() is not None, "status still answers after 15 s of lock")
check(rig.stored_seqs() == list(range(50)), "nothing was stored past the lock (no half commit)")
locker.execute("ROLLBACK")
locker.close()

# --- the lock is gone ------------------------------------------------------------------
rig.append(120, 150)
# The back-off after repeated failures is at most a minute here.
check(wait_for(lambda: rig.stored_seqs() == list(range(150)), 90),
      f"after the lock every record is stored exactly once ({len(rig.stored_seqs())} rows)")
check(wait_for(rig.db_healthy, 90), "status reports the database healthy again")
text = rig.log_text()
check("database is locked" in text or "busy" in text, "the monitor logged the lock")
rig.finish()
