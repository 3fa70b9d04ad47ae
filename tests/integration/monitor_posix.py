#!/usr/bin/env python3
"""The monitor end to end on POSIX, with the real wsuswatch binary.

run --foreground with a configuration in a scratch directory; the control
socket's permissions; status and status --json (every contract field);
200 concurrent status clients; silent, malformed and oversized clients;
SIGHUP with a broken and then a good configuration; `wsuswatch reload`
(SIGHUP to the pid in the database's lock) applies a changed interval; a
second monitor on the same socket; SIGTERM within 3 s; status and reload
exit 69 once it is gone.

usage: monitor_posix.py WSUSWATCH WORKDIR
"""
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wwtest import (Monitor, check, control_exchange, fresh_dir, quiet_sources,  # noqa: E402
                    verdict, wait_for)

EXE, WORK = sys.argv[1], sys.argv[2]
CONTRACT_FIELDS = ["version", "started_at", "health", "last_successful_sync",
                   "last_sync_attempt", "last_sync_result", "sync_age_seconds",
                   "checks", "probes", "sources", "alerts"]


def exchange(data, shut=True, timeout=10):
    """Send raw bytes, return (everything read until EOF, seconds taken)."""
    t0 = time.monotonic()
    out = control_exchange(SOCK, data, shut, timeout)
    return out, time.monotonic() - t0


def error_code(resp):
    try:
        return json.loads(resp)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


fresh_dir(WORK)
BASE = quiet_sources(f"{WORK}/SoftwareDistribution.log")
M = Monitor(EXE, WORK, BASE)
CONFIG, SOCK, ww = M.config, M.sock, M.ww

# --- not running yet: exit 69 ----------------------------------------------
r = ww("status")
check(r.returncode == 69 and "not running" in r.stderr,
      f"status without a monitor exits 69 ({r.returncode}: {r.stderr.strip()})")

# --- run --once -------------------------------------------------------------
r = ww("run", "--once")
once = json.loads(r.stdout) if r.returncode == 0 else {}
check(r.returncode == 0 and all(k in once for k in CONTRACT_FIELDS),
      f"run --once exits 0 and prints the status ({r.returncode}: {r.stderr.strip()})")

# --- start the monitor --------------------------------------------------------
mon = M.start()
check(wait_for(lambda: os.path.exists(SOCK), 10), "the control socket appears")

st = os.lstat(SOCK)
check(stat.S_ISSOCK(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o600,
      f"socket mode is 0600 ({oct(stat.S_IMODE(st.st_mode))})")
dst = os.stat(os.path.dirname(SOCK))
check(stat.S_IMODE(dst.st_mode) == 0o700,
      f"socket directory mode is 0700 ({oct(stat.S_IMODE(dst.st_mode))})")

# --- status ------------------------------------------------------------------
r = ww("status", "--json")
status = json.loads(r.stdout) if r.returncode == 0 else {}
check(r.returncode == 0, f"status --json exits 0 ({r.returncode}: {r.stderr.strip()})")
missing = [k for k in CONTRACT_FIELDS if k not in status]
check(not missing, f"status --json has every contract field (missing {missing})")
src = status.get("sources", {})
check(set(src.get("log", {})) >= {"path", "offset", "last_read_at", "error"} and
      set(src.get("eventlog", {})) >= {"available", "last_record_id", "error"},
      "sources.log and sources.eventlog carry their fields")
check(status.get("health") in ("ok", "warning", "critical", "unknown"),
      f"health is one of the four states ({status.get('health')})")
check(status.get("config") == CONFIG, "status names the configuration file")
check(any(t["name"] == "health" and t["runs"] >= 1 for t in status.get("tasks", [])),
      "the health task has run")
r = ww("status")
check(r.returncode == 0 and "health:" in r.stdout and "last successful sync:" in r.stdout,
      "status prints a readable summary")

resp, _ = exchange(b'{"cmd":"version"}\n')
check(json.loads(resp).get("version") == status.get("version"), "version request")
resp, _ = exchange(b'{"cmd":"history","limit":1}\n')
runs = json.loads(resp).get("task_runs")
check(isinstance(runs, list) and len(runs) == 1, f"history honours limit ({resp[:80]})")
hist = json.loads(resp)
check(all(isinstance(hist.get(k), list) for k in ("sync_runs", "probe_results",
                                                  "alert_transitions"))
      and hist.get("store_error", "missing") is None,
      f"history carries the store's sync runs, probe results and alerts ({resp[:200]})")
check(all(len(hist[k]) <= 1 for k in ("sync_runs", "probe_results", "alert_transitions")),
      "the store's history honours limit too")

# --- refused requests: error object, then the server closes -----------------
resp, _ = exchange(b"garbage\n", shut=False)
check(error_code(resp) == "malformed_request", f"malformed request -> error ({resp!r})")
resp, _ = exchange(b'{"cmd":"reboot"}\n', shut=False)
check(error_code(resp) == "unknown_command", "unknown command -> error")
resp, _ = exchange(b"x" * 5000, shut=False)
check(error_code(resp) == "request_too_large", f"5000 bytes -> error ({resp[:80]!r})")
resp, _ = exchange(b'{"cmd":"status"}' + b" " * 4080 + b"\n", shut=False)
check(error_code(resp) == "request_too_large", "4097-byte line -> error")
resp, _ = exchange(b'{"cmd":"status"}' + b" " * 4079 + b"\n", shut=False)
check(error_code(resp) is None and b'"health"' in resp, "4096-byte line is served")
resp, _ = exchange(b'{"cmd":"status"}')
check(error_code(resp) == "malformed_request", "a request without newline -> error")

# --- a silent client is timed out; meanwhile others are served ----------------
silent = []
for _ in range(50):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(SOCK)
    silent.append(s)
t0 = time.monotonic()
resp, took = exchange(b'{"cmd":"status"}\n', shut=False)
check(b'"health"' in resp and took < 1.0,
      f"status answered in {took:.3f}s while 50 silent clients are connected")
s = silent[0]
s.settimeout(15)
data = b""
while True:
    chunk = s.recv(4096)
    if not chunk:
        break
    data += chunk
waited = time.monotonic() - t0
check(error_code(data) == "timeout" and 3 <= waited <= 10,
      f"a silent client gets a timeout error and is closed after {waited:.1f}s")
for s in silent:
    s.close()

# --- 200 concurrent status clients ------------------------------------------
cycles_before = json.loads(exchange(b'{"cmd":"status"}\n')[0])["cycles"]
results = [None] * 200


def client(i):
    try:
        resp, _ = exchange(b'{"cmd":"status"}\n', shut=False, timeout=30)
        results[i] = json.loads(resp)
    except Exception as e:  # noqa: BLE001 - report any failure as a result
        results[i] = e


threads = [threading.Thread(target=client, args=(i,)) for i in range(200)]
t0 = time.monotonic()
for t in threads:
    t.start()
for t in threads:
    t.join()
took = time.monotonic() - t0
ok = sum(1 for x in results if isinstance(x, dict) and "health" in x)
check(ok == 200, f"200 concurrent clients all answered ({ok}/200 in {took:.2f}s)")
check(wait_for(lambda: json.loads(exchange(b'{"cmd":"status"}\n')[0])["cycles"] > cycles_before, 15),
      "the monitor keeps publishing snapshots after the storm")

# --- a second monitor on the same socket is refused ----------------------------
r = subprocess.run([EXE, "--config", CONFIG, "run", "--foreground"],
                   capture_output=True, text=True, timeout=30)
check(r.returncode == 69 and "already serving" in r.stderr,
      f"a second monitor is refused ({r.returncode}: {r.stderr.strip()})")
check(ww("status").returncode == 0, "the first monitor still answers")

# --- SIGHUP: a broken file is rejected, a good one is applied ----------------
with open(CONFIG, "a") as f:
    f.write("interval: [broken\n")
mon.send_signal(signal.SIGHUP)
check(wait_for(lambda: "reload rejected" in M.log_text(), 5),
      "SIGHUP with a broken file logs the rejection")
after = json.loads(exchange(b'{"cmd":"status"}\n')[0])
check(mon.poll() is None and after.get("config") == CONFIG,
      "the monitor keeps running on the previous configuration")
M.write_config(BASE + "retention: 7d\n")
mon.send_signal(signal.SIGHUP)
check(wait_for(lambda: "configuration reloaded" in M.log_text(), 5),
      "SIGHUP with a good file reloads it")


def probes_interval():
    st = M.status() or {}
    return {t.get("name"): t.get("interval_seconds") for t in st.get("tasks", [])}.get("probes")


# --- `wsuswatch reload`: SIGHUP to the monitor found by its lock ----------------
before = probes_interval()
M.write_config(BASE + "retention: 7d\ninterval: 7m\n")
r = ww("reload")
check(r.returncode == 0 and f"pid {mon.pid}" in r.stdout,
      f"reload exits 0 and names the monitor's pid {mon.pid} ({r.returncode}: "
      f"{r.stdout.strip()} {r.stderr.strip()})")
check(wait_for(lambda: probes_interval() == 420, 5),
      f"after reload, status shows the new interval (420 s; was {before}, now "
      f"{probes_interval()})")

# --- SIGTERM: prompt stop, socket removed ----------------------------------------
t0 = time.monotonic()
mon.send_signal(signal.SIGTERM)
try:
    rc = mon.wait(timeout=10)
except subprocess.TimeoutExpired:
    mon.kill()
    rc = None
took = time.monotonic() - t0
check(rc == 0 and took < 3.0, f"SIGTERM stops the monitor with 0 in {took:.2f}s (rc {rc})")
check(not os.path.exists(SOCK), "the socket is removed on exit")
r = ww("status")
check(r.returncode == 69, "status exits 69 once the monitor is gone")
r = ww("reload")
check(r.returncode == 69 and "no monitor is running" in r.stderr,
      f"reload exits 69 once the monitor is gone ({r.returncode}: {r.stderr.strip()})")

# --- a socket directory open to others is refused -------------------------------
os.chmod(f"{WORK}/run", 0o755)
r = subprocess.run([EXE, "--config", CONFIG, "run", "--foreground"],
                   capture_output=True, text=True, timeout=30)
check(r.returncode != 0 and "mode 0700" in r.stderr,
      f"a group/world-readable socket directory is refused ({r.stderr.strip()})")

sys.exit(verdict(M.log_text()))
