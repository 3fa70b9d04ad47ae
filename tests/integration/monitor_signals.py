#!/usr/bin/env python3
"""Signals at awkward moments (issue 13, item 11), with the real binary.

A SIGHUP (reload) within the first milliseconds after start, while `run`
is still loading its configuration, must not end the daemon: it lives on
and stops with exit 0 at SIGTERM.  A SIGHUP right after a SIGTERM must
not make it die of SIGHUP instead of exiting 0.

usage: monitor_signals.py WSUSWATCH WORKDIR

The "first milliseconds" are counted from the moment the daemon opens its
configuration file (inotify IN_OPEN): before that the process is still in
the dynamic loader (and, under ASan, the sanitizer's start-up, which takes
hundreds of milliseconds on a loaded machine), where no program can take a
signal.
"""
import ctypes
import os
import select
import signal
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wwtest import Monitor, check, fresh_dir, quiet_sources, verdict, wait_for  # noqa: E402

EXE, WORK = sys.argv[1], sys.argv[2]
ROUNDS = 24

fresh_dir(WORK)
M = Monitor(EXE, WORK, quiet_sources(f"{WORK}/SoftwareDistribution.log"))


def stop(proc, timeout=20):
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout)
    except Exception:
        proc.kill()
        return proc.wait()


LIBC = ctypes.CDLL(None, use_errno=True)
IN_OPEN = 0x20


def watch_open(path):
    """An inotify descriptor that becomes readable when path is opened."""
    fd = LIBC.inotify_init1(os.O_CLOEXEC)
    if fd < 0 or LIBC.inotify_add_watch(fd, path.encode(), IN_OPEN) < 0:
        print("SKIP: inotify unavailable")
        sys.exit(77)
    return fd


def wait_open(fd, timeout=30):
    """True once the watched file was opened."""
    if not select.select([fd], [], [], timeout)[0]:
        return False
    os.read(fd, 4096)
    return True


# --- SIGHUP 0-23 ms after the configuration is opened: a reload -------------
early = []
for i in range(ROUNDS):
    fd = watch_open(M.config)
    proc = M.start()
    opened = wait_open(fd)
    os.close(fd)
    time.sleep(i / 1000.0)
    proc.send_signal(signal.SIGHUP)
    up = wait_for(lambda: os.path.exists(M.sock) or proc.poll() is not None, 20)
    alive = up and proc.poll() is None
    rc = stop(proc) if alive else proc.returncode
    early.append((i, alive and opened, rc))
    if os.path.exists(M.sock):
        os.remove(M.sock)
bad = [e for e in early if not e[1] or e[2] != 0]
check(not bad, f"a SIGHUP 0-{ROUNDS - 1} ms after the configuration is opened is a reload, not death "
      f"({len(bad)} of {ROUNDS} rounds failed: {bad[:4]})")

# --- SIGHUP 0-46 ms after SIGTERM, while the monitor stops: exit 0 ---------
# (Sent together, SIGHUP would be taken first, being the lower number.)
late = []
for i in range(ROUNDS):
    proc = M.start()
    wait_for(lambda: os.path.exists(M.sock) or proc.poll() is not None, 20)
    time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    time.sleep(2 * i / 1000.0)
    proc.send_signal(signal.SIGHUP)
    try:
        late.append(proc.wait(20))
    except Exception:
        proc.kill()
        late.append(proc.wait())
bad = [rc for rc in late if rc != 0]
check(not bad, f"SIGTERM followed by SIGHUP exits 0 ({len(bad)} of {ROUNDS} "
      f"rounds did not: {bad[:4]})")
sys.exit(verdict())
