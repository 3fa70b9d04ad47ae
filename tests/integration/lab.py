#!/usr/bin/env python3
"""A WSUS lab on 127.0.0.1 and the guide's typical failures as short scenes
(issue 16): what `.ci/demo` shows a newcomer and what tests/integration/
demo_lab.py asserts.  verdict_same.py builds its evidence from the same
pieces (the proxy, the log).

The lab:
  - a stand-in for Microsoft Update over TLS (a Python HTTPS server serving
    the sync web service's path) with a lab CA (probe_rig.make_certs); the
    real name sws.update.microsoft.com (and fe2.update.microsoft.com) reach
    it through `resolve:` pins, trusted through `tls.cacert`;
  - the same endpoint refusing every handshake: `openssl s_server -tls1`
    with only TLS 1.0, which wsuswatch never offers (test_probe.py's way);
  - tinyproxy with Basic authentication.  A proxy resolves names itself,
    so scenes through it name the stand-in by its address;
  - a SoftwareDistribution.log in the real format, times relative to now.

A scene writes a configuration of its own, runs the monitor once (`run
--once`: the store `check` reads), prints the first line of `check` (the
verdict and the named cause) and the first fix `diagnose` gives.  The last
scene runs the monitor (`run --foreground`) while the fault is repaired.
The proxy password is only ever in the environment.

usage: lab.py WSUSWATCH_BINARY   (prints the scenes; exit 0, or 1 when the
lab itself could not run)
"""
import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import probe_rig  # noqa: E402
import wwtest  # noqa: E402

USER, PASSWORD = "probeuser", "S3cr3t-Pw-7731"
MU = "sws.update.microsoft.com"
FE2 = "fe2.update.microsoft.com"  # decommissioned 2019-07-08 (wsus-facts.md)
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")
REC = "Info\tWsusService.15\tEventLogEventReporter.ReportEvent\t"
ERR = "Error\tWsusService.15\tWebServiceCommunicationHelper.ProcessWebServiceProxyException\t"
FAIL_407 = ("System.Net.WebException: The request failed with HTTP status 407: "
            "Proxy Authentication Required.")
FAIL_SOAP = ("System.Web.Services.Protocols.SoapException: Fault occurred "
             "InvalidAuthorizationCookie")


# --- the WSUS log ------------------------------------------------------------------
def stamp(t):
    return t.strftime("%Y-%m-%d %H:%M:%S.000 UTC")


def write_log(path, now, ok_hours, fail_hours=None, reason=FAIL_407):
    """A manual sync that succeeded ok_hours ago (the real lines of the
    track-sync.log fixture under new times); with fail_hours, a later one
    that failed fail_hours ago: WSUS's exception record, then the 386
    repeating its reason."""
    h, m = datetime.timedelta(hours=1), datetime.timedelta(minutes=1)
    text, _ = wwtest.sync_lines(FIXTURES, int((now - ok_hours * h).timestamp()) - 71)
    lines = []
    if fail_hours is not None:
        bad = now - fail_hours * h
        lines += [f"{stamp(bad - m)}\t{REC}EventId=382,Type=Information,"
                  "Category=Synchronization,Message=A manual synchronization was started.",
                  f"{stamp(bad)}\t{ERR}{reason}",
                  f"{stamp(bad)}\t{REC}EventId=386,Type=Error,Category=Synchronization,"
                  f"Message=Synchronization failed. Reason: {reason}"]
    with open(path, "w", newline="") as f:
        f.write(text + "".join(line + "\r\n" for line in lines))


def append_success(path):
    """WSUS syncs again, successfully, now: the real lines of the
    track-sync.log fixture under new times, appended."""
    text, _ = wwtest.sync_lines(FIXTURES, int(time.time()) - 72)
    with open(path, "a", newline="") as f:
        f.write(text)


# --- servers -----------------------------------------------------------------------
def start_tinyproxy(tmp, port):
    """tinyproxy on 127.0.0.1:port demanding USER and PASSWORD (Basic)."""
    conf = os.path.join(tmp, "tinyproxy.conf")
    with open(conf, "w") as f:
        f.write(f"User nobody\nGroup nogroup\nPort {port}\nListen 127.0.0.1\n"
                f"Timeout 30\nMaxClients 10\nAllow 127.0.0.1\n"
                f"BasicAuth {USER} {PASSWORD}\n")
    probe_rig.start(["tinyproxy", "-d", "-c", conf], port)


def start_standin(tmp):
    """The lab CA (tmp/ca.pem) and the TLS stand-in for Microsoft Update,
    serving the sync web service's path as MU, FE2 and 127.0.0.1; its port."""
    os.makedirs(f"{tmp}/www/ServerSyncWebService")
    with open(f"{tmp}/www/ServerSyncWebService/ServerSyncWebService.asmx", "w") as f:
        f.write("stand-in for Microsoft Update\n")
    probe_rig.make_certs(tmp, leaves=("good",), self_signed=False, names=(MU, FE2))
    tls = wwtest.http_server(f"{tmp}/www", cert=f"{tmp}/good.pem", key=f"{tmp}/good.key")
    return tls.server_address[1]


def stale_behind_407(tmp):
    """The evidence of a stale sync behind a proxy that wants a password:
    the stand-in, tinyproxy with Basic authentication, and a log whose
    last success is 60h old followed by a failed run 2h ago whose reason
    is the 407.  Returns (stand-in port, proxy port, log path)."""
    tls_port = start_standin(tmp)
    proxy_port = wwtest.free_port()
    start_tinyproxy(tmp, proxy_port)
    log = os.path.join(tmp, "SoftwareDistribution.log")
    write_log(log, now(), ok_hours=60, fail_hours=2)
    return tls_port, proxy_port, log


def start_endpoints(tmp):
    """The stand-in and the TLS 1.0-only server; their ports."""
    tls = start_standin(tmp)
    old = wwtest.free_port()
    probe_rig.start(["openssl", "s_server", "-accept", f"127.0.0.1:{old}",
                     "-cert", f"{tmp}/good.pem", "-key", f"{tmp}/good.key", "-tls1",
                     "-cipher", "ALL:@SECLEVEL=0", "-www", "-quiet"], old,
                    stdin=subprocess.DEVNULL)
    return tls, old


# --- configurations ----------------------------------------------------------------
def config_text(tmp, log, muurl, proxy_port=None, pins=(), extra=""):
    """The lab's configuration: the log, MUUrl (a host in `pins` reaches
    127.0.0.1), the lab CA, optionally the proxy (password from the
    environment), no syslog; one failed probe is enough to alert, so that
    one monitor run shows it."""
    text = (f"wsus: {{log: '{log}', discover: false, muurl: '{muurl}'}}\n"
            "probes: {microsoft_update: \"on\", upstream: \"off\", timeout: 10s}\n"
            f"tls: {{cacert: '{tmp}/ca.pem'}}\n"
            "thresholds: {probe_failures: 1}\nalerts: {syslog: false}\n" + extra)
    if pins:
        text += "resolve: [" + ", ".join(f"'{p}'" for p in pins) + "]\n"
    if proxy_port:
        text += (f"proxy: {{url: 'http://127.0.0.1:{proxy_port}', user: {USER},"
                 " password_env: WW_LAB_PROXY_PW}\n")
    return text


class Lab:
    """The servers of the lab in tmp (started by start(), stopped by stop())
    and the binary that is shown at work."""

    def __init__(self, exe, tmp, out=print):
        self.exe, self.tmp, self.out = exe, tmp, out
        self.monitors = []

    def start(self):
        self.tls, self.old = start_endpoints(self.tmp)
        self.proxy = wwtest.free_port()
        start_tinyproxy(self.tmp, self.proxy)

    def stop(self):
        for m in self.monitors:
            m.kill()
        probe_rig.stop_all()

    def env(self, password):
        env = dict(os.environ, WW_LAB_PROXY_PW=password)
        for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                  "ALL_PROXY", "all_proxy", "WSUSWATCH_PROXY_PASSWORD"):
            env.pop(k, None)
        return env

    def scene_dir(self, name):
        d = wwtest.fresh_dir(os.path.join(self.tmp, name))
        return d, os.path.join(d, "SoftwareDistribution.log")

    def mu(self, host=MU, port=None):
        """The MUUrl `host` on the stand-in's port and its pin."""
        port = port or self.tls
        return f"https://{host}:{port}", (f"{host}:{port}:127.0.0.1",)

    def show(self, n, title, d, text, password=PASSWORD):
        """Scene n: its title, `check`'s first line after one monitor run,
        `diagnose`'s first fix.  Returns the check line."""
        env = self.env(password)
        mon = wwtest.Monitor(self.exe, d, text)
        run = subprocess.run([self.exe, "--config", mon.config, "run", "--once"],
                             capture_output=True, text=True, timeout=60, env=env)
        if run.returncode != 0:
            raise RuntimeError(f"run --once: {run.returncode} {run.stderr}")
        chk = subprocess.run([self.exe, "--config", mon.config, "check"],
                             capture_output=True, text=True, timeout=60, env=env)
        head = chk.stdout.split("\n")[0].split(" | ")[0]
        diag = subprocess.run([self.exe, "--config", mon.config, "diagnose"],
                              capture_output=True, text=True, timeout=60, env=env)
        self.out(f"\n== {n}/6 {title}")
        self.out(f"   check      {head}")
        self.out(f"   first fix  {first_fix(diag.stdout)}")
        return head

    # --- the scenes --------------------------------------------------------------
    def healthy(self):
        d, log = self.scene_dir("healthy")
        write_log(log, now(), ok_hours=3)
        self.show(1, "Healthy: through the proxy with the right password, last sync 3h ago",
                  d, config_text(self.tmp, log, f"https://127.0.0.1:{self.tls}",
                                 self.proxy))

    def proxy_407(self):
        d, log = self.scene_dir("proxy407")
        write_log(log, now(), ok_hours=60, fail_hours=2)
        self.show(2, "The proxy password expired: the proxy answers 407", d,
                  config_text(self.tmp, log, f"https://127.0.0.1:{self.tls}",
                              self.proxy), password="expired-password")

    def handshake(self):
        d, log = self.scene_dir("handshake")
        write_log(log, now(), ok_hours=20)
        muurl, pins = self.mu(port=self.old)
        self.show(3, f"{MU} refuses the handshake (it speaks TLS 1.0 only)", d,
                  config_text(self.tmp, log, muurl, pins=pins))

    def fe2(self):
        d, log = self.scene_dir("fe2")
        write_log(log, now(), ok_hours=20)
        muurl, pins = self.mu(FE2)
        self.show(4, f"A decommissioned MUUrl: {FE2} in the configuration", d,
                  config_text(self.tmp, log, muurl, pins=pins))

    def stale(self):
        d, log = self.scene_dir("stale")
        write_log(log, now(), ok_hours=60, fail_hours=3, reason=FAIL_SOAP)
        muurl, pins = self.mu()
        self.show(5, "Sync stale, the path fine: the cause is in the log", d,
                  config_text(self.tmp, log, muurl, pins=pins))

    def monitor(self):
        """The monitor at work: scene 5's server, then WSUS syncs again."""
        d, log = self.scene_dir("monitor")
        write_log(log, now(), ok_hours=60, fail_hours=3, reason=FAIL_SOAP)
        muurl, pins = self.mu()
        mon = wwtest.Monitor(self.exe, d, config_text(self.tmp, log, muurl, pins=pins,
                                                      extra="interval: 10s\n"))
        self.monitors.append(mon)
        self.out("\n== 6/6 The monitor at work: run --foreground, interval 10s")
        mon.start(env=self.env(PASSWORD), start_new_session=True)
        s = wwtest.wait_for(lambda: health_is(mon, "critical"), 30)
        self.out(f"   status     {status_line(s)}")
        append_success(log)
        self.out("   (WSUS syncs successfully: a new success in SoftwareDistribution.log)")
        s = wwtest.wait_for(lambda: health_is(mon, "ok"), 30)
        self.out(f"   status     {status_line(s)}")
        self.out("   history    alert transitions, oldest first:")
        for t in transitions(mon):
            self.out(f"     {t}")
        stop_monitor(mon)


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def first_fix(report):
    """The first line under diagnose's "First to fix:", or its verdict line."""
    lines = report.splitlines()
    for i, line in enumerate(lines):
        if line.strip() == "First to fix:" and i + 1 < len(lines):
            return re.sub(r"^\s*1\.\s*", "", lines[i + 1])
        if line.strip() == "Nothing to fix.":
            return "nothing to fix"
    return "(no report)"


def health_is(mon, state):
    s = mon.status()
    return s if s and s.get("health") == state else None


def status_line(s):
    """`status --json` in one line: the health, the staleness, the named cause."""
    if not s:
        return "(no answer)"
    cause = s.get("cause") or {}
    stale = wwtest.find(s.get("checks"), "name", "sync_staleness") or {}
    text = f"{s['health'].upper()} - {stale.get('summary')}"
    if cause.get("summary"):
        text += f"; cause {cause.get('check')}: {cause['summary']}"
    return text


def transitions(mon):
    r = mon.ww("history", "--json", "--limit", "20")
    doc = json.loads(r.stdout) if r.returncode == 0 else {}
    rows = list(reversed(doc.get("alert_transitions") or []))
    return [f"{t.get('at')}  {t.get('name')}  {t.get('transition')} {t.get('state')}: "
            f"{t.get('reason')}" + (f"; cause {t['cause']}: {t.get('cause_summary')}"
                                    if t.get("cause") else "") for t in rows]


def stop_monitor(mon):
    if mon.proc and mon.proc.poll() is None:
        wwtest.stop(mon.proc)


def main():
    exe = os.path.abspath(sys.argv[1])
    for tool in ("tinyproxy", "openssl"):
        if not shutil.which(tool):
            print(f"lab: {tool} is not installed (.ci/setup installs it)", file=sys.stderr)
            return 1
    # SIGTERM/SIGINT/SIGHUP unwind through `finally`: nothing is left running.
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda *_: sys.exit(130))
    tmp = tempfile.mkdtemp(prefix="wsuswatch-lab.")
    os.chmod(tmp, 0o755)  # tinyproxy drops to nobody
    lab = Lab(exe, tmp, out=lambda s: print(s, flush=True))
    t0 = time.monotonic()
    try:
        lab.start()
        print(f"wsuswatch lab on 127.0.0.1: a TLS stand-in for {MU} (lab CA, resolve: pins), "
              f"tinyproxy with Basic auth, a SoftwareDistribution.log; in {tmp}", flush=True)
        for scene in (lab.healthy, lab.proxy_407, lab.handshake, lab.fe2, lab.stale,
                      lab.monitor):
            scene()
    finally:
        lab.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\nlab: 6 scenes in {time.monotonic() - t0:.0f}s; every server stopped, "
          f"{tmp} removed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
