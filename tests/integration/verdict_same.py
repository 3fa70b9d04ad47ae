#!/usr/bin/env python3
"""One engine, one verdict (issue 11): the same evidence judged by
`diagnose --json` and by a running monitor (`status --json`, `check`, the
metrics textfile) gives every check present in both the same state, and
every face names the same cause.

The evidence (built by lab.py, as for .ci/demo): a SoftwareDistribution.log
whose last successful sync was 60 hours ago, followed by a failed one; a local TLS server standing in for
Microsoft Update, reached through tinyproxy that demands Basic
authentication, with a wrong password configured: the proxy answers 407.

Asserted:
  - diagnose and status agree on the state of every common check (at least
    ten of them), and both name endpoint:microsoft_update as the cause;
  - the first line of `check` is CRITICAL, names the staleness and the 407
    with its code 0x8024401B, before the perfdata;
  - the textfile has wsuswatch_cause_info for sync_staleness with stage
    proxy and code 0x8024401B.

usage: verdict_same.py WSUSWATCH_BINARY SCRATCH_DIR   (77: no tinyproxy)
"""
import json
import os
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab  # noqa: E402
import probe_rig  # noqa: E402
import wwtest  # noqa: E402
from wwtest import check  # noqa: E402


def config_text(tmp, log, tls_port, proxy_port):
    return (f"wsus: {{log: '{log}', discover: false,"
            f" muurl: 'https://127.0.0.1:{tls_port}'}}\n"
            "probes: {microsoft_update: \"on\", upstream: \"off\", timeout: 10s}\n"
            f"tls: {{cacert: '{tmp}/ca.pem'}}\n"
            f"proxy: {{url: 'http://127.0.0.1:{proxy_port}', user: {lab.USER},"
            " password_env: WW_TEST_PROXY_PW}\n"
            f"metrics: {{textfile: '{tmp}/mon/wsuswatch.prom'}}\n"
            "alerts: {syslog: false}\n")


def states(checks):
    return {c["name"]: c["state"] for c in checks}


def main():
    exe, tmp = sys.argv[1], sys.argv[2]
    if not shutil.which("tinyproxy"):
        wwtest.skip("tinyproxy not installed")
    wwtest.fresh_dir(tmp)
    os.makedirs(f"{tmp}/mon", mode=0o700)
    try:
        tls_port, proxy_port, log = lab.stale_behind_407(tmp)
        text = config_text(tmp, log, tls_port, proxy_port)
        env = dict(os.environ, WW_TEST_PROXY_PW="expired-password")
        run(exe, tmp, text, env)
    finally:
        probe_rig.stop_all()
    sys.exit(wwtest.verdict())


def run(exe, tmp, text, env):
    mon = wwtest.Monitor(exe, f"{tmp}/mon", text)
    r = subprocess.run([exe, "--config", mon.config, "diagnose", "--json"],
                       capture_output=True, text=True, timeout=120, env=env)
    diag = json.loads(r.stdout)
    check(r.returncode == 2, f"diagnose exits 2 (critical): {r.returncode} {r.stderr}")
    mon.start(env=env)
    ready = wwtest.wait_for(lambda: ready_status(mon), 60)
    check(ready is not None, "the monitor judged the log and the probe", mon.log_text())
    if not ready:
        return
    d, s = states(diag["checks"]), states(ready["checks"])
    common = sorted(set(d) & set(s))
    differ = [(n, d[n], s[n]) for n in common if d[n] != s[n]]
    check(len(common) >= 10 and not differ,
          f"diagnose and status agree on {len(common)} checks", differ or common)
    for face, doc in (("diagnose", diag), ("status", ready)):
        cause = doc.get("cause") or {}
        check(cause.get("check") == "endpoint:microsoft_update" and
              cause.get("code") == "0x8024401B" and cause.get("fix"),
              f"{face} names the 407 at the proxy as the cause", cause)
        check("CONNECT tunnel failed" in (cause.get("evidence") or ""),
              f"{face}: the cause's evidence is what the transfer said", cause)
    r = subprocess.run([exe, "--config", mon.config, "check"], capture_output=True,
                       text=True, timeout=60, env=env)
    first = r.stdout.split("\n")[0]
    head = first.split(" | ")[0]
    check(r.returncode == 2 and head.startswith("WSUSWATCH CRITICAL - last successful sync 60h ago")
          and "proxy requires authentication (407, 0x8024401B) at 127.0.0.1:" in head,
          "check names the 407 and its code before the perfdata", r.stdout)
    with open(f"{tmp}/mon/wsuswatch.prom") as f:
        prom = f.read()
    check('wsuswatch_cause_info{check="sync_staleness",cause="endpoint:microsoft_update",'
          'stage="proxy",code="0x8024401B"} 1' in prom, "the textfile says why",
          [line for line in prom.splitlines() if "cause" in line])
    mon.kill()


def ready_status(mon):
    s = mon.status()
    if not s:
        return None
    names = states(s.get("checks") or [])
    if names.get("endpoint:microsoft_update") in (None, "ok") or \
            names.get("sync_staleness") in (None, "unknown"):
        return None
    return s


if __name__ == "__main__":
    main()
