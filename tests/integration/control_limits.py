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
import atexit
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import time

EXE, WORK = (os.path.abspath(a) for a in sys.argv[1:3])
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def wait_for(pred, secs):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.1)
    return pred()


def status_ok():
    r = subprocess.run([EXE, "--config", CONFIG, "status", "--json"],
                       capture_output=True, text=True, timeout=30)
    try:
        return r.returncode == 0 and "health" in json.loads(r.stdout)
    except ValueError:
        return False


if not os.path.exists("/proc/self/stat"):
    print("no /proc: skipped")
    sys.exit(77)
shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK, mode=0o700)
CONFIG, SOCK = f"{WORK}/wsuswatch.yaml", f"{WORK}/run/ww.sock"
with open(CONFIG, "w") as f:
    f.write(f"database: {WORK}/data/ww.db\ncontrol: {{socket: {SOCK}}}\n"
            f"wsus: {{log: {WORK}/SoftwareDistribution.log, discover: false}}\n"
            f"probes: {{microsoft_update: \"off\", upstream: \"off\"}}\n")


def limit():
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))


mlog = open(f"{WORK}/monitor.log", "w+")
mon = subprocess.Popen([EXE, "--config", CONFIG, "run", "--foreground"],
                       stdout=mlog, stderr=mlog, preexec_fn=limit)
atexit.register(lambda: mon.poll() is None and mon.kill())
check(wait_for(lambda: os.path.exists(SOCK) and status_ok(), 15), "the monitor answers")

clients = []
for _ in range(80):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(SOCK)
    clients.append(c)
time.sleep(0.5)
before = cpu_ticks(mon.pid)
time.sleep(2.0)
used = (cpu_ticks(mon.pid) - before) / os.sysconf("SC_CLK_TCK")
check(used < 0.5, f"out of descriptors, the monitor does not spin ({used:.2f} s CPU in 2 s)")
mlog.seek(0)
text = mlog.read()
check("accept() failed" in text and text.count("accept() failed") == 1,
      "the trouble is logged, once")
check(mon.poll() is None, "the monitor keeps running")
for c in clients:
    c.close()
check(wait_for(status_ok, 15), "served again once the clients are gone")
mon.terminate()
check(mon.wait(timeout=20) == 0, "the monitor stops with 0")

if failures:
    mlog.seek(0)
    print("--- monitor log ---\n" + mlog.read())
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("all checks passed")
