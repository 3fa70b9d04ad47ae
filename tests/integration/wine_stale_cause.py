#!/usr/bin/env python3
"""The stale-sync event of the Windows build carries its cause and fix
(issue 11, done-when 2), under Wine.

The evidence is the lab's (lab.py, as for .ci/demo and verdict_same.py): a
SoftwareDistribution.log whose last success is 60 hours old, followed by a
failed run; a local TLS server standing in for Microsoft Update behind
tinyproxy, which demands Basic authentication; the configured password is
wrong.  `wine wsuswatch.exe run --once` runs one monitor cycle with Wine's
event log tracing on (WINEDEBUG=+eventlog): Wine's ReportEventW prints each
insertion string of every event the sink reports, in order.

Asserted:
  - the stale-sync alert (event 2002, critical) is reported with the
    insertion strings of docs/events.md: check, level, reason, value,
    thresholds, then the cause key, the cause, its evidence and its fix;
  - the cause is the 407 at the proxy with its code 0x8024401B, the
    evidence is what the transfer said, the fix names the proxy password;
  - `check` on the database that run left names the same cause in its
    first line;
  - the same for a second scene without probes, where the guide's error
    code in the log (0x80072EE2 after the last success) is the cause
    (issue 14's "the guide's error codes in the log" under Wine);
  - `diagnose --json` on the same evidence and the monitor's cycle judge
    every common check alike, the event log's included: Wine's wevtapi is
    a stub, so this is the unreadable event log judged the same by both
    faces (issue 11, "one state per fact").

Wine's event log is a trace, not a log: that the Event Viewer renders the
message with these strings is for real Windows (docs/open-items.md).

usage: wine_stale_cause.py WSUSWATCH_EXE EMULATOR SCRATCH_DIR
Exit 0 pass, 1 fail, 77 skipped (tinyproxy or openssl missing).
"""
import json
import os
import re
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab  # noqa: E402
import probe_rig  # noqa: E402
import wwtest  # noqa: E402
from wwtest import check  # noqa: E402

# "011c:err:eventlog:ReportEventW L"text"": one insertion string.
TRACE = re.compile(r'^[0-9a-f]+:(?:err|warn|trace|fixme):eventlog:ReportEventW L"(.*)"$')


def native(path):
    return "Z:" + path.replace("/", "\\")


def config_text(tmp, log, tls_port, proxy_port):
    return (f"wsus: {{log: '{native(log)}', discover: false,"
            f" muurl: 'https://127.0.0.1:{tls_port}'}}\n"
            "probes: {microsoft_update: \"on\", upstream: \"off\", timeout: 10s}\n"
            f"tls: {{cacert: '{native(tmp + '/ca.pem')}'}}\n"
            f"proxy: {{url: 'http://127.0.0.1:{proxy_port}', user: {lab.USER},"
            " password_env: WW_TEST_PROXY_PW}\n"
            f"database: '{native(tmp + '/data/wsuswatch.db')}'\n")


def reported_strings(stderr):
    """The insertion strings of each ReportEventW call, as lists.  Wine
    traces the strings of one call in a row; a call's first string is the
    check's name (docs/events.md), so a new list starts at each name that
    follows a complete event (9 strings)."""
    events, cur = [], []
    for line in stderr.splitlines():
        m = TRACE.match(line.strip())
        if not m:
            continue
        cur.append(m.group(1))
        if len(cur) == 9:
            events.append(cur)
            cur = []
    return events


def main():
    exe, emulator, tmp = sys.argv[1], sys.argv[2], sys.argv[3]
    if not shutil.which("tinyproxy") or not shutil.which("openssl"):
        wwtest.skip("tinyproxy or openssl not installed")
    wwtest.fresh_dir(tmp)
    os.makedirs(f"{tmp}/data")
    try:
        tls_port, proxy_port, log = lab.stale_behind_407(tmp)
        with open(f"{tmp}/w.yaml", "w") as f:
            f.write(config_text(tmp, log, tls_port, proxy_port))
        run(exe, emulator, native(f"{tmp}/w.yaml"), SCENE_407)
        codes_scene(exe, emulator, tmp)
    finally:
        probe_rig.stop_all()
    sys.exit(wwtest.verdict())


def states(doc):
    return {c["name"]: c["state"] for c in doc.get("checks") or []}


def same_verdict(exe, emulator, cfg, env, once_out, cause):
    """Wine's wevtapi is a stub: the event log is unreadable for both
    faces.  diagnose and the monitor's cycle (run --once prints the status
    document) must judge every common check alike, the event checks
    included, and name the same cause."""
    try:
        mon = json.loads(once_out)
    except ValueError:
        check(False, "run --once prints the status document", once_out[-500:])
        return
    quiet = dict(env, WINEDEBUG="-all")
    r = subprocess.run([emulator, exe, "--config", cfg, "diagnose", "--json"],
                       capture_output=True, text=True, timeout=150, env=quiet,
                       stdin=subprocess.DEVNULL)
    try:
        diag = json.loads(r.stdout)
    except ValueError:
        check(False, "diagnose --json under Wine", r.stdout[-500:] + r.stderr[-500:])
        return
    d, m = states(diag), states(mon)
    common = sorted(set(d) & set(m))
    differ = [(n, d[n], m[n]) for n in common if d[n] != m[n]]
    check(len(common) >= 10 and not differ,
          f"diagnose and the monitor agree on {len(common)} checks under Wine", differ or common)
    events = [n for n in common if n.startswith(("wsus_events", "catalog", "sources:eventlog"))]
    check(events, "the event log's checks are among them", common)
    check((diag.get("cause") or {}).get("check") == (mon.get("cause") or {}).get("check")
          == cause, f"both name the same cause, {cause}",
          (diag.get("cause"), mon.get("cause")))


# What each scene's faces must say: the cause's check, then text that
# strings 7, 8 and 9 of the stale-sync event and `check`'s first line hold.
SCENE_407 = ("endpoint:microsoft_update",
             "proxy requires authentication (407, 0x8024401B) at 127.0.0.1:",
             "CONNECT tunnel failed", "proxy user and password", "(407, 0x8024401B)")
SCENE_CODES = ("finding:timeout", "the WSUS log shows timeout",
               "0x80072EE2", "do not assume IIS", "the WSUS log shows timeout")


def run(exe, emulator, cfg, scene):
    cause, text, evidence, fix, head_text = scene
    env = dict(os.environ, WW_TEST_PROXY_PW="expired-password", WINEDEBUG="+eventlog")
    r = subprocess.run([emulator, exe, "--config", cfg, "run", "--once"],
                       capture_output=True, text=True, timeout=150, env=env,
                       stdin=subprocess.DEVNULL)
    check(r.returncode == 0, f"{cause}: run --once under Wine exits 0", r.stderr[-2000:])
    same_verdict(exe, emulator, cfg, env, r.stdout, cause)
    stale = [e for e in reported_strings(r.stderr) if e[0] == "sync_staleness"]
    check(len(stale) == 1, f"{cause}: one stale-sync event was reported",
          [ln for ln in r.stderr.splitlines() if "eventlog" in ln][:40])
    if not stale:
        return
    e = stale[0]
    check(e[1] == "critical" and e[2].startswith("last successful sync 60h ago"),
          "strings 1-3: check, level, reason", e[:3])
    check(e[5] == cause, "string 6: the cause's check", e[5])
    check(text in e[6], "string 7: the cause", e[6])
    check(evidence in e[7], "string 8: its evidence", e[7])
    check(fix in e[8], "string 9: its fix", e[8])
    env["WINEDEBUG"] = "-all"
    r = subprocess.run([emulator, exe, "--config", cfg, "check"], capture_output=True,
                       text=True, timeout=60, env=env, stdin=subprocess.DEVNULL)
    head = r.stdout.split("\n")[0].split(" | ")[0]
    check(r.returncode == 2 and head.startswith("WSUSWATCH CRITICAL - last successful sync 60h ago")
          and head_text in head,
          f"{cause}: check on what the service stored names the same cause", r.stdout + r.stderr)


def codes_scene(exe, emulator, tmp):
    """The guide's error code in the log, no probe: the log is the cause."""
    os.makedirs(f"{tmp}/codes/data")
    log = f"{tmp}/codes/SoftwareDistribution.log"
    lab.write_log(log, lab.now(), ok_hours=60, fail_hours=2,
                  reason="System.Net.WebException: The operation has timed out (0x80072EE2)")
    with open(f"{tmp}/codes/w.yaml", "w") as f:
        f.write(f"wsus: {{log: '{native(log)}', discover: false}}\n"
                "probes: {microsoft_update: \"off\", upstream: \"off\"}\n"
                f"database: '{native(tmp + '/codes/data/wsuswatch.db')}'\n")
    run(exe, emulator, native(f"{tmp}/codes/w.yaml"), SCENE_CODES)


if __name__ == "__main__":
    main()
