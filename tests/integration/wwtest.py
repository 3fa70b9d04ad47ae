"""Helpers shared by the Python integration tests in this folder.

Each script imports it from its own directory:

    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import wwtest  # noqa: E402

ctest runs the scripts by their path in the source tree, so the folder
is on sys.path whatever the build directory.  Nothing here asserts: the
scripts decide what passes; this module only records, waits, starts and
serves.
"""
import atexit
import http.server
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time

failures = []


# --- verdicts -------------------------------------------------------------------
def check(cond, what, detail=None):
    """Record one check: "ok   what", or "FAIL what: detail"."""
    if cond:
        print("ok   " + what, flush=True)
    else:
        print("FAIL " + what + ("" if detail is None else f": {detail}"), flush=True)
        failures.append(what)
    return bool(cond)


def require(cond, what):
    """A check the rest of the script cannot go on without."""
    if not check(cond, what):
        sys.exit(1)


def verdict(monitor_log=None):
    """Print the outcome, with the monitor's output when something failed;
    the exit code (0 pass, 1 fail)."""
    if not failures:
        print("all checks passed")
        return 0
    if monitor_log is not None:
        print("--- monitor log ---\n" + monitor_log)
    print(f"{len(failures)} check(s) failed")
    return 1


def skip(why):
    """Exit 77: ctest's SKIP_RETURN_CODE for a missing tool or right."""
    print(f"skipped: {why}")
    sys.exit(77)


def wait_for(pred, secs, step=0.1):
    """Poll pred until it returns something true (returned) or secs pass
    (then pred's last answer)."""
    end = time.monotonic() + secs
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


# --- files and processes ------------------------------------------------------------
def fresh_dir(path):
    """An empty directory only we can enter (the monitor insists on 0700)."""
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path, mode=0o700)
    os.chmod(path, 0o700)
    return path


def cpu_seconds(pid):
    """User + system CPU time of a process so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def ww(exe, *args, config=None, timeout=60, env=None):
    """Run wsuswatch [--config config] args; the CompletedProcess (text)."""
    cmd = [exe] + (["--config", config] if config else []) + list(args)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                          env=env)


def control_exchange(sock, data, shut=True, timeout=10):
    """Send raw bytes to the control socket; everything read until EOF."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(sock)
    if data:
        s.sendall(data)
    if shut:
        s.shutdown(socket.SHUT_WR)
    out = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        out += chunk
    s.close()
    return out


def find(items, key, value):
    """The first dict in items whose key is value, or None."""
    return next((x for x in items or [] if x.get(key) == value), None)


def self_signed(cwd, name, subject, days, san=None):
    """NAME.pem and NAME.key in cwd: a self-signed RSA certificate."""
    args = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
            "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", str(days),
            "-subj", subject]
    if san:
        args += ["-addext", f"subjectAltName={san}"]
    openssl(args, cwd)


def openssl(args, cwd):
    """Run an openssl command; a failure raises with its message."""
    p = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError(f"{args}: {p.stderr}")


# --- SoftwareDistribution.log ----------------------------------------------------------
def log_time(t):
    """A SoftwareDistribution.log timestamp for epoch seconds t."""
    return time.strftime("%Y-%m-%d %H:%M:%S.000 UTC", time.gmtime(t))


def sync_lines(fixtures, start):
    """SoftwareDistribution.log text of one successful manual sync starting
    at start: the real lines of fixtures/synclog/track-sync.log (start,
    382 at +2 s, 384 = the success at +71 s, SyncFinish at +72 s) under new
    timestamps.  Returns (text, time of the success)."""
    path = os.path.join(fixtures, "synclog", "track-sync.log")
    lines = [l.split("\t", 1)[1] for l in
             open(path, encoding="utf-8").read().splitlines() if "\t" in l]
    offsets = [0, 2, 71, 72]
    assert len(lines) == 4 and "EventId=384" in lines[2]
    text = "".join(f"{log_time(start + o)}\t{l}\r\n"
                   for o, l in zip(offsets, lines))
    return text, start + offsets[2]


def stale_server(fixtures, dir, age):
    """Configuration lines for a WSUS server seen from dir: its log holds
    one successful sync that ended about age seconds ago, its upstream
    server (127.0.0.1, a port nothing listens on) refuses connections, and
    the metrics textfile is dir/wsuswatch.prom."""
    log = os.path.join(dir, "SoftwareDistribution.log")
    with open(log, "w", encoding="utf-8", newline="") as f:
        f.write(sync_lines(fixtures, int(time.time()) - age - 71)[0])
    return (f"wsus: {{log: {log}, discover: false,"
            f" upstream: {{host: 127.0.0.1, port: {free_port()}}}}}\n"
            f"probes: {{microsoft_update: \"off\", upstream: \"on\", timeout: 5s}}\n"
            f"metrics: {{textfile: {os.path.join(dir, 'wsuswatch.prom')}}}\n"
            f"alerts: {{syslog: false}}\n")


# --- the monitor ----------------------------------------------------------------------
def quiet_sources(log):
    """Configuration lines: follow log, no discovery, no network probes."""
    return (f"wsus: {{log: {log}, discover: false}}\n"
            f"probes: {{microsoft_update: \"off\", upstream: \"off\"}}\n")


class Monitor:
    """`wsuswatch run --foreground` on a configuration of its own in dir:
    database and control socket there, the rest from config_text.  Its
    output goes to dir/monitor.log; it is killed at exit if still running."""

    def __init__(self, exe, dir, config_text, db=None):
        self.exe, self.dir = exe, dir
        self.config = os.path.join(dir, "wsuswatch.yaml")
        self.sock = os.path.join(dir, "run", "wsuswatch.sock")
        self.db = db or os.path.join(dir, "data", "wsuswatch.db")
        self.logf = open(os.path.join(dir, "monitor.log"), "w+")
        self.proc = None
        self.write_config(config_text)

    def write_config(self, text):
        with open(self.config, "w") as f:
            f.write(f"database: {self.db}\ncontrol: {{socket: {self.sock}}}\n" + text)

    def start(self, **popen_kw):
        self.proc = subprocess.Popen(
            [self.exe, "--config", self.config, "run", "--foreground"],
            stdout=self.logf, stderr=self.logf, **popen_kw)
        atexit.register(lambda p=self.proc: p.poll() is None and p.kill())
        return self.proc

    def ww(self, *args, timeout=30):
        return ww(self.exe, *args, config=self.config, timeout=timeout)

    def status(self):
        """status --json as a dict, or None when it does not answer."""
        r = self.ww("status", "--json")
        try:
            return json.loads(r.stdout) if r.returncode == 0 else None
        except ValueError:
            return None

    def log_text(self):
        self.logf.seek(0)
        return self.logf.read()

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def stale_monitor(exe, src, work, runs=2):
    """A Monitor in work/server on stale_server(29 h) of the source tree
    src, not started, after `run --once` runs times (two: two probes in a
    row fail, the endpoint rule's default).  Returns (monitor, the status
    JSON of the last run); exits the test when a run fails."""
    d = fresh_dir(os.path.join(work, "server"))
    mon = Monitor(exe, d, stale_server(os.path.join(src, "tests", "fixtures"), d,
                                       29 * 3600))
    status = None
    for _ in range(runs):
        run = mon.ww("run", "--once")
        require(run.returncode == 0, "wsuswatch run --once succeeds")
        status = json.loads(run.stdout)
    return mon, status


def stop(proc, secs=30):
    """SIGTERM to a process started with start_new_session=True; its whole
    group is killed if it has not exited after secs."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(secs)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def names_cause(head, status):
    """Whether head, the first line of `wsuswatch check` before " | ",
    names the cause status --json gives at its top level: "WSUSWATCH
    <STATE> - <reason>: <cause summary>", or, when the headline check is
    its own cause (a failing probe), "WSUSWATCH <STATE> - <its summary>"."""
    cause = status.get("cause") or {}
    if not cause.get("summary"):
        return False
    own = find(status.get("checks"), "name", cause.get("check")) or {}
    prefix = f"WSUSWATCH {status['health'].upper()} - "
    return head.startswith(prefix) and (head.endswith(": " + cause["summary"])
                                        or head == prefix + own.get("summary", "\0"))


# --- servers on 127.0.0.1 -----------------------------------------------------------------
def free_port():
    """A port nothing listens on (bound once, then released)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Quiet(http.server.SimpleHTTPRequestHandler):
    """Serves files without a line per request on stderr."""

    def log_message(self, *a):
        pass


def http_server(directory, cert=None, key=None):
    """A threaded HTTP server (HTTPS with cert and key) for directory on
    127.0.0.1, running until exit; server_address[1] is its port."""
    handler = lambda *a, **kw: Quiet(*a, directory=directory, **kw)  # noqa: E731
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    if cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    atexit.register(httpd.shutdown)
    return httpd


def hung_listener():
    """A listener that accepts connections and never sends a byte;
    (socket, port, the accepted connections)."""
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    held = []

    def loop():
        while True:
            try:
                c, _ = srv.accept()
            except OSError:
                return
            held.append(c)  # never answered, never closed

    threading.Thread(target=loop, daemon=True).start()
    return srv, srv.getsockname()[1], held
