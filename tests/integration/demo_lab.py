#!/usr/bin/env python3
"""The README's first command as CI runs it (issue 16): `.ci/demo
--no-setup` with WSUSWATCH_BIN naming the built binary runs the lab
(lab.py) and exits 0 within the time budget.

Asserted, scene by scene, from what a newcomer reads on the terminal:
  1. healthy: check OK, last success 3h ago, nothing to fix;
  2. the proxy password expired: CRITICAL, stale 60h, cause the 407 at the
     proxy with 0x8024401B; first fix the proxy credentials;
  3. the endpoint refusing the handshake: CRITICAL at stage tls
     (0x80072EFE); first fix "no common TLS protocol or cipher";
  4. fe2 as MUUrl: CRITICAL, decommissioned; first fix muurl_policy;
  5. stale with the path fine: CRITICAL, cause the log's soap_fault;
  6. the monitor: status CRITICAL naming finding:soap_fault, then OK;
     history's transitions raise sync_staleness with that cause, then clear.
Then nothing the lab started still runs and its directory is gone; the
same after a SIGTERM in the middle of the demo.

usage: demo_lab.py DEMO_SCRIPT WSUSWATCH_BINARY   (77: no tinyproxy)
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wwtest  # noqa: E402
from wwtest import check  # noqa: E402

# (check line must contain all of these, first fix must contain all of these)
SCENES = {
    1: (["WSUSWATCH OK - last successful sync 3h ago"], ["nothing to fix"]),
    2: (["WSUSWATCH CRITICAL - last successful sync 60h ago (critical > 50h): "
         "proxy requires authentication (407, 0x8024401B) at 127.0.0.1:"],
        ["microsoft_update (critical)", "407", "proxy user and password"]),
    3: (["WSUSWATCH CRITICAL - https://sws.update.microsoft.com:",
         "stage tls: tls_handshake_failed 0x80072EFE"],
        ["microsoft_update (critical)", "no common TLS protocol or cipher"]),
    4: (["WSUSWATCH CRITICAL - MUUrl https://fe2.update.microsoft.com:",
         "decommissioned on 2019-07-08"],
        ["muurl_policy (critical)", "MUUrl https://sws.update.microsoft.com"]),
    5: (["WSUSWATCH CRITICAL - last successful sync 60h ago (critical > 50h): "
         "the WSUS log shows soap_fault"],
        ["finding:soap_fault", "SOAP fault"]),
}


def scenes(out):
    """{n: the lines of scene n} from the demo's output."""
    found, cur = {}, None
    for line in out.splitlines():
        m = re.match(r"== (\d)/6 ", line)
        if m:
            cur = int(m.group(1))
            found[cur] = []
        elif cur is not None:
            found[cur].append(line.strip())
    return found


def field(lines, key):
    return [l[len(key):].strip() for l in lines if l.startswith(key + " ")]


def leftovers(tmp):
    """Processes whose command line names the lab's directory."""
    left = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if tmp in cmd:
            left.append(f"{pid}: {cmd}")
    return left


def main():
    demo, exe = sys.argv[1], os.path.abspath(sys.argv[2])
    if not shutil.which("tinyproxy"):
        wwtest.skip("tinyproxy not installed")
    env = dict(os.environ, WSUSWATCH_BIN=exe)
    t0 = time.monotonic()
    r = subprocess.run([demo, "--no-setup"], capture_output=True, text=True,
                       timeout=150, env=env, stdin=subprocess.DEVNULL)
    took = time.monotonic() - t0
    print(r.stdout)
    check(r.returncode == 0, f"the demo exits 0 ({r.returncode})", r.stderr)
    check(took < 90, f"the demo took {took:.0f}s (< 90s)")
    got = scenes(r.stdout)
    check(sorted(got) == [1, 2, 3, 4, 5, 6], "six scenes", sorted(got))
    for n, (want_check, want_fix) in SCENES.items():
        lines = got.get(n, [])
        head, fix = field(lines, "check"), field(lines, "first fix")
        check(len(head) == 1 and all(w in head[0] for w in want_check),
              f"scene {n}: check's verdict and cause", head)
        check(len(fix) == 1 and all(w in fix[0] for w in want_fix),
              f"scene {n}: diagnose's first fix", fix)
    mon = got.get(6, [])
    st = field(mon, "status")
    check(len(st) == 2 and st[0].startswith("CRITICAL - last successful sync 60h ago")
          and "; cause finding:soap_fault: the WSUS log shows soap_fault" in st[0]
          and st[1].startswith("OK - last successful sync ") and "cause" not in st[1],
          "scene 6: status raised with its cause, then OK", st)
    tr = [l for l in mon if re.match(r"\d{4}-\d\d-\d\dT", l)]
    check(len(tr) >= 2 and "sync_staleness  raise critical" in tr[0]
          and "cause finding:soap_fault: the WSUS log shows soap_fault" in tr[0]
          and "sync_staleness  clear ok" in tr[-1] and "cause" not in tr[-1],
          "scene 6: history's alert transitions raise, then clear", tr)
    check(re.search(r"removed\s*$", r.stdout), "the demo ends saying it cleaned up",
          r.stdout[-300:])
    cleaned(r.stdout, "after the demo")
    interrupted(demo, env)
    sys.exit(wwtest.verdict())


def cleaned(out, when):
    """The lab's directory (its first line names it) gone, nothing that
    names it still running."""
    m = re.search(r"in (/\S+wsuswatch-lab\.\S+)$", out, re.M)
    if not check(m is not None, f"{when}: the demo says where its lab is", out[:300]):
        return
    tmp = m.group(1)
    left = wwtest.wait_for(lambda: not leftovers(tmp), 5) or leftovers(tmp)
    check(not os.path.exists(tmp), f"{when}: {tmp} removed")
    check(left is True, f"{when}: nothing the lab started still runs", left)


def interrupted(demo, env):
    """SIGTERM in the middle of scene 3 (what the trap is for): the demo
    ends and leaves nothing behind."""
    with open(os.devnull) as null:
        p = subprocess.Popen([demo, "--no-setup"], stdout=subprocess.PIPE, text=True,
                             env=env, stdin=null)
    out = ""
    for line in p.stdout:
        out += line
        if line.startswith("== 3/6"):
            p.send_signal(signal.SIGTERM)
            break
    out += p.stdout.read()
    rc = p.wait(60)
    check(rc != 0 and "== 4/6" not in out, f"SIGTERM stops the demo (exit {rc})")
    cleaned(out, "after SIGTERM")


if __name__ == "__main__":
    main()
