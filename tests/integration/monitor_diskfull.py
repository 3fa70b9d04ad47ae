#!/usr/bin/env python3
"""The monitor while the filesystem of its database is full.

The database lives on a 1 MiB tmpfs mounted for the test (root only: exit
77, skipped, when mount is not permitted).  A running monitor follows a
SoftwareDistribution.log; a filler file takes every free byte while the
log grows.  The monitor must keep running and answering without spinning,
say so in status (sources.database.error, the sources:database check and
the health), and, once space is freed, store every log record exactly
once (the tailer's position only moves with its commit) and report the
database healthy again.

usage: monitor_diskfull.py WSUSWATCH WORKDIR
"""
import errno
import os
import shutil
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from monitor_store_rig import Rig  # noqa: E402
from wwtest import check, fresh_dir, skip, wait_for  # noqa: E402

EXE, WORK = (os.path.abspath(a) for a in sys.argv[1:3])
DATA = f"{WORK}/data"
DB = f"{DATA}/ww.db"
FILLER = f"{DATA}/filler"
BATCH = 100


def unmount():
    if os.path.ismount(DATA):
        subprocess.run(["umount", DATA], check=False)
    if os.path.ismount(DATA):
        subprocess.run(["umount", "-l", DATA], check=False)


def fill():
    """Write FILLER until the filesystem is full; its size."""
    chunk = b"\0" * 4096
    size = 0
    with open(FILLER, "ab", buffering=0) as f:
        while True:
            try:
                size += f.write(chunk)
            except OSError as e:
                if e.errno != errno.ENOSPC:
                    raise
                return size


def run(rig):
    rig.start_healthy(50)

    # --- fill the filesystem ---------------------------------------------------------
    print(f"     filler: {fill()} bytes, {shutil.disk_usage(DATA).free} free")
    # The WAL may still have room for a batch or two: the log grows until a
    # commit needs a page the filesystem cannot give.
    appended = 50
    deadline = time.monotonic() + 60
    failed = lambda: "task 'log' failed" in rig.log_text()  # noqa: E731
    while not failed() and time.monotonic() < deadline:
        rig.append(appended, appended + BATCH)
        appended += BATCH
        wait_for(failed, 7)
    failed_at = time.monotonic()
    check(failed(), "the log task fails to commit")
    # A source that starts failing kicks the health task: no waiting for
    # its 30 s interval.
    check(wait_for(rig.db_error, 10),
          f"status reports the full filesystem within 10 s "
          f"({time.monotonic() - failed_at:.1f} s): sources.database.error, "
          f"sources:database critical, health critical")
    st = rig.status() or {}
    print(f"     {appended} records appended; sources.database:",
          st.get("sources", {}).get("database"))
    stored_full = rig.stored_seqs()
    check(stored_full == list(range(len(stored_full))),
          f"what was stored before the disk filled is a prefix ({len(stored_full)} rows)")
    cpu0 = rig.cpu_seconds()
    time.sleep(10)
    cpu = rig.cpu_seconds() - cpu0
    check(cpu < 2.0, f"no busy loop while the disk is full ({cpu:.2f} s CPU in 10 s)")
    check(rig.proc.poll() is None, "the monitor keeps running")
    check(rig.status() is not None, "status still answers")

    # --- free the space ----------------------------------------------------------------
    os.unlink(FILLER)
    rig.append(appended, appended + BATCH)
    appended += BATCH
    # The back-off after repeated failures is at most a minute here.
    check(wait_for(lambda: rig.stored_seqs() == list(range(appended)), 90),
          f"after space is freed every record is stored exactly once "
          f"({len(rig.stored_seqs())} rows of {appended})")
    check(wait_for(rig.db_healthy, 90), "status reports the database healthy again")
    text = rig.log_text()
    check("full" in text, "the monitor logged the full disk")
    rig.finish()


fresh_dir(WORK)
os.makedirs(DATA, mode=0o700)
m = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1M,mode=0700", "tmpfs", DATA],
                   capture_output=True, text=True)
if m.returncode != 0:
    skip(f"cannot mount a 1 MiB tmpfs for the database (needs root or "
         f"CAP_SYS_ADMIN): {m.stderr.strip() or m.returncode}")
rig = Rig(EXE, WORK, DB)
try:
    run(rig)
finally:
    rig.kill()
    unmount()
