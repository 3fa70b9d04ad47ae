#!/usr/bin/env python3
"""Control socket under load (run by bench_control.sh).

A real `wsuswatch run --foreground` serves {"cmd":"status"}; a trivial
asyncio Unix-socket echo server (one line in, the line back, close) is the
baseline, measured in the same run with the same client.  The client is one
process multiplexing CONC connections with selectors: each connection
connects, sends the request, reads to EOF (the server closes after one
answer, as the protocol says), and a new one starts, until TOTAL requests
are answered.  Latency is connect-to-EOF.

Then the leak check: the monitor's VmRSS after a warm-up and after
100 000 more status requests; growth over LEAK_LIMIT_KB fails.

usage: bench_control.py WSUSWATCH FIXTURES WORKDIR
Exit 0 with the table, 1 when a number cannot be measured or RSS grew.
"""
import asyncio
import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import time

REQ = b'{"cmd":"status"}\n'
PER_LEVEL = {1: 3000, 16: 10000, 200: 10000}
LEAK_REQUESTS = 100000
LEAK_LIMIT_KB = 1024


def die(msg):
    print(f"BENCH FAILED: {msg}", file=sys.stderr, flush=True)
    sys.exit(1)


def load(path, conc, total, expect_status):
    """-> (requests/s, p50 ms, p99 ms, mean response bytes)"""
    sel = selectors.DefaultSelector()
    lat, nbytes = [], 0
    started = 0

    def start():
        nonlocal started
        started += 1
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        t0 = time.perf_counter()
        s.connect(path)  # blocks only while the backlog is full
        s.setblocking(False)
        s.send(REQ)      # 17 bytes: always fits the socket buffer
        sel.register(s, selectors.EVENT_READ, [t0, []])

    t_begin = time.perf_counter()
    for _ in range(min(conc, total)):
        start()
    while len(lat) < total:
        events = sel.select(timeout=10)
        if not events:
            die(f"{path}: no answer within 10 s ({len(lat)}/{total} done)")
        for key, _ in events:
            s, (t0, chunks) = key.fileobj, key.data
            try:
                data = s.recv(65536)
            except BlockingIOError:
                continue
            except OSError as e:
                die(f"{path}: {e}")
            if data:
                chunks.append(data)
                continue
            lat.append(time.perf_counter() - t0)
            sel.unregister(s)
            s.close()
            resp = b"".join(chunks)
            nbytes += len(resp)
            if not resp.endswith(b"\n") or b'"error"' in resp[:200] or (
                    not expect_status and resp != REQ):
                die(f"{path}: bad answer {resp[:200]!r}")
            if expect_status and len(lat) == 1 and "tasks" not in json.loads(resp):
                die(f"{path}: not a status answer: {resp[:200]!r}")
            if started < total:
                start()
    elapsed = time.perf_counter() - t_begin
    lat.sort()
    return (total / elapsed, lat[len(lat) // 2] * 1000,
            lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000,
            nbytes / total)


def echo_server(path):
    async def handle(reader, writer):
        line = await reader.readline()
        writer.write(line)
        await writer.drain()
        writer.close()

    async def main():
        srv = await asyncio.start_unix_server(handle, path=path, backlog=512)
        async with srv:
            await srv.serve_forever()
    asyncio.run(main())


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    die(f"no VmRSS for pid {pid}")


def wait_for(pred, secs):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.1)
    return False


def main():
    if len(sys.argv) != 4:
        die("usage: bench_control.py WSUSWATCH FIXTURES WORKDIR")
    EXE, FIXTURES, WORK = sys.argv[1:4]
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(os.path.join(WORK, "run"), mode=0o700)
    sock = os.path.join(WORK, "run", "wsuswatch.sock")
    echo = os.path.join(WORK, "run", "echo.sock")
    log = os.path.join(WORK, "SoftwareDistribution.log")
    shutil.copy(os.path.join(FIXTURES, "synclog", "track-sync.log"), log)
    cfg = os.path.join(WORK, "wsuswatch.yaml")
    with open(cfg, "w") as f:
        f.write(f"database: {WORK}/data/wsuswatch.db\n"
                f"control: {{socket: {sock}}}\n"
                f"wsus: {{log: {log}}}\n"
                "probes: {microsoft_update: \"off\", upstream: \"off\"}\n"
                "alerts: {syslog: false}\n")
    mlog = open(os.path.join(WORK, "monitor.log"), "w")
    mon = subprocess.Popen([EXE, "--config", cfg, "run", "--foreground"],
                           stdout=mlog, stderr=mlog)
    srv = subprocess.Popen([sys.executable, __file__, "--echo", echo])
    try:
        if not wait_for(lambda: os.path.exists(sock), 10):
            die(f"the monitor did not open {sock} (see {WORK}/monitor.log)")
        if not wait_for(lambda: os.path.exists(echo), 10):
            die(f"the echo server did not open {echo}")
        load(sock, 4, 200, True)  # warm-up: snapshot published, code paged in
        load(echo, 4, 200, False)
        print(f"{'clients':<8} {'wsuswatch req/s':<16} {'p50 ms':<8} {'p99 ms':<8} "
              f"{'echo req/s':<11} {'p50 ms':<8} {'p99 ms':<8} {'wsuswatch/echo req/s'}")
        size = 0
        for conc, total in PER_LEVEL.items():
            w = load(sock, conc, total, True)
            e = load(echo, conc, total, False)
            size = w[3]
            print(f"{conc:<8} {w[0]:<16.0f} {w[1]:<8.2f} {w[2]:<8.2f} "
                  f"{e[0]:<11.0f} {e[1]:<8.2f} {e[2]:<8.2f} {w[0] / e[0]:.2f}",
                  flush=True)
        print(f"(status answer {size:.0f} bytes, echo answer {len(REQ)} bytes)")
        load(sock, 16, 2000, True)
        before = rss_kb(mon.pid)
        half = None
        for i in range(2):
            load(sock, 16, LEAK_REQUESTS // 2, True)
            if i == 0:
                half = rss_kb(mon.pid)
        after = rss_kb(mon.pid)
        if mon.poll() is not None:
            die(f"the monitor exited ({mon.returncode}) during the load")
        grew = after - before
        print(f"monitor VmRSS: {before} KB before, {half} KB after "
              f"{LEAK_REQUESTS // 2}, {after} KB after {LEAK_REQUESTS} status "
              f"requests: {grew:+d} KB "
              f"({'ok' if grew <= LEAK_LIMIT_KB else 'LEAK'}, limit "
              f"{LEAK_LIMIT_KB} KB)")
        if grew > LEAK_LIMIT_KB:
            die(f"the monitor's RSS grew by {grew} KB over {LEAK_REQUESTS} requests")
    finally:
        for p in (srv, mon):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
    if mon.returncode not in (0, -signal.SIGTERM):
        die(f"the monitor exited with {mon.returncode} (see {WORK}/monitor.log)")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--echo":
        echo_server(sys.argv[2])
    else:
        main()
