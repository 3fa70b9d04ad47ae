#!/usr/bin/env python3
"""The control socket when the monitor runs out of file descriptors.

The monitor runs with RLIMIT_NOFILE 64; 80 clients connect and stay
silent, so accept() fails with EMFILE while connections wait in the
backlog.  The control thread must neither spin (the listener stays
readable: poll() would return at once, forever) nor die: it logs the
trouble once, pauses accepting, and serves everyone once descriptors are
free again.

usage: control_limits.py WSUSWATCH WORKDIR
"""
import os
import resource
import socket
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wwtest import Monitor, check, cpu_seconds, fresh_dir, quiet_sources, skip, verdict, wait_for  # noqa: E402

EXE, WORK = (os.path.abspath(a) for a in sys.argv[1:3])

if not os.path.exists("/proc/self/stat"):
    skip("no /proc")
fresh_dir(WORK)
mon = Monitor(EXE, WORK, quiet_sources(f"{WORK}/SoftwareDistribution.log"))


def status_ok():
    return "health" in (mon.status() or {})


def limit():
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))


proc = mon.start(preexec_fn=limit)
check(wait_for(lambda: os.path.exists(mon.sock) and status_ok(), 15), "the monitor answers")

clients = []
for _ in range(80):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(mon.sock)
    clients.append(c)
time.sleep(0.5)
before = cpu_seconds(proc.pid)
time.sleep(2.0)
used = cpu_seconds(proc.pid) - before
check(used < 0.5, f"out of descriptors, the monitor does not spin ({used:.2f} s CPU in 2 s)")
text = mon.log_text()
check("accept() failed" in text and text.count("accept() failed") == 1,
      "the trouble is logged, once")
check(proc.poll() is None, "the monitor keeps running")
for c in clients:
    c.close()
check(wait_for(status_ok, 15), "served again once the clients are gone")
proc.terminate()
check(proc.wait(timeout=20) == 0, "the monitor stops with 0")
sys.exit(verdict(mon.log_text()))
