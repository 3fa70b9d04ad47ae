#!/usr/bin/env python3
"""History requests must not delay `status` (issue 13, item 12).

A history answer reads the store (sync runs, probe results, alert
transitions) and takes milliseconds to build; built on the single control
thread, 100 clients that ask for history and never read their answers
delayed a `status` by 2.5 s.  Here a monitor holds 1000 sync runs; 100
clients send {"cmd":"history","limit":1000} and never read; a status asked
right after must answer within 0.5 s, and a history asked then must still
be answered completely.

usage: control_history_load.py WSUSWATCH WORKDIR
"""
import json
import os
import socket
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wwtest import Monitor, check, fresh_dir, quiet_sources, verdict, wait_for  # noqa: E402

EXE, WORK = sys.argv[1], sys.argv[2]
RUNS, CLIENTS, BOUND = 1000, 100, 0.5

fresh_dir(WORK)
LOG = f"{WORK}/SoftwareDistribution.log"
EV = "WsusService.15\tEventLogEventReporter.ReportEvent\tEventId="
with open(LOG, "w") as f:
    t0 = time.time() - RUNS * 1800 - 7200
    for i in range(RUNS):
        for dt, ev in ((0, "381,Type=Information,Category=Synchronization,"
                           "Message=A scheduled synchronization was started."),
                       (600, "384,Type=Information,Category=Synchronization,"
                             "Message=Synchronization completed successfully.")):
            ts = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t0 + i * 1800 + dt))
            f.write(f"{ts}.000 UTC\tInfo\t{EV}{ev}\n")
M = Monitor(EXE, WORK, quiet_sources(LOG))


def ask(req, timeout=30):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    t = time.monotonic()
    s.connect(M.sock)
    s.sendall(req)
    out = b""
    while not out.endswith(b"\n"):
        chunk = s.recv(1 << 16)
        if not chunk:
            break
        out += chunk
    s.close()
    return out, time.monotonic() - t


mon = M.start()
check(wait_for(lambda: (M.status() or {}).get("last_sync_result") == "succeeded", 60),
      "the monitor has read the log")
h, took = ask(b'{"cmd":"history","limit":1000}\n')
runs = len(json.loads(h).get("sync_runs", []))
print(f"     one history answer: {len(h)} bytes, {runs} sync runs, {took:.3f} s")
check(runs == RUNS, f"history holds the {RUNS} runs ({runs})")

silent = []
for _ in range(CLIENTS):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(M.sock)
    s.sendall(b'{"cmd":"history","limit":1000}\n')
    silent.append(s)  # never read
lat = []
for _ in range(5):
    out, took = ask(b'{"cmd":"status"}\n')
    lat.append(took)
    check(b'"health"' in out, "status answers while 100 history clients wait")
print("     status latencies:", ", ".join(f"{x:.3f}" for x in lat))
check(max(lat) < BOUND, f"status within {BOUND} s while {CLIENTS} clients that "
      f"never read ask for history (max {max(lat):.3f} s)")
h, took = ask(b'{"cmd":"history","limit":5}\n', timeout=60)
check(len(json.loads(h).get("sync_runs", [])) == 5,
      f"a history asked meanwhile is answered ({took:.2f} s)")
for s in silent:
    s.close()
check(mon.poll() is None, "the monitor runs on")
mon.terminate()
check(mon.wait(timeout=20) == 0, "the monitor stops with 0")
sys.exit(verdict(M.log_text()))
