#!/usr/bin/env python3
"""The monitor's database, or its -wal, deleted while the monitor runs
(issue 13, item 10).

SQLite goes on writing into the unlinked files without an error, so the
monitor looked fine while `history` failed and everything it stored was
lost at the next start.  status must say the database is failing
(sources.database.error, sources:database critical, health critical), and
the monitor must keep running and stop with 0.

usage: monitor_dbgone.py WSUSWATCH WORKDIR
"""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from monitor_store_rig import Rig  # noqa: E402
from wwtest import check, fresh_dir, verdict, wait_for  # noqa: E402

EXE, WORK = (os.path.abspath(a) for a in sys.argv[1:3])


def run(case, victim):
    work = fresh_dir(f"{WORK}/{case}")
    db = f"{work}/data/ww.db"
    rig = Rig(EXE, work, db)
    rig.start_healthy(20)
    os.remove(db + victim)
    rig.append(20, 40)
    check(wait_for(rig.db_error, 40),
          f"{case}: status says the database is failing")
    st = rig.status() or {}
    err = st.get("sources", {}).get("database", {}).get("error") or ""
    print("     sources.database.error:", err)
    check("deleted" in err and "restart" in err,
          f"{case}: the error says what happened and what to do")
    check(rig.proc.poll() is None, f"{case}: the monitor keeps running")
    rig.proc.terminate()
    check(rig.proc.wait(timeout=20) == 0, f"{case}: the monitor stops with 0")
    return rig


run("db", "")
rig = run("wal", "-wal")
sys.exit(verdict(rig.log_text()))
