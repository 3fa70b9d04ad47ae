#!/usr/bin/env python3
"""contrib/icinga2 validated and run by a real Icinga 2.

A scratch configuration tree includes contrib/icinga2/wsuswatch.conf
unchanged, with two hosts: one marked vars.wsuswatch (its wsuswatch_binary
and wsuswatch_config pointing at the build and a scratch server), one not.
Icinga 2 runs as the current user with every path (data, cache, log,
spool, run) in the scratch directory.

1. `icinga2 daemon -C` accepts it; a copy of the file with a syntax error
   is refused (the validation reads the file).
2. The objects Icinga 2 compiled (its objects file): the CheckCommand
   "wsuswatch", and the apply rule made exactly one service, on the marked
   host.
3. The daemon runs: an external command forces the service's check, and
   after a clean shutdown the state file holds Icinga's last check result:
   the command line it ran (wsuswatch --config FILE check), the state =
   the exit code of `wsuswatch check`, its output (naming the cause
   status --json gives) and its performance data.

The server: `wsuswatch run --once`, twice, on a WSUS server whose last
successful sync is 29 h old and whose upstream refuses connections.

usage: monitoring_icinga2.py WSUSWATCH SOURCE_DIR WORKDIR
Exit 0 pass, 1 fail, 77 skipped (icinga2 missing).
"""
import json
import os
import shutil
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wwtest  # noqa: E402
from wwtest import check, require, wait_for  # noqa: E402

EXE, SRC, WORK = (os.path.abspath(a) for a in sys.argv[1:4])
CONF = os.path.join(SRC, "contrib", "icinga2", "wsuswatch.conf")
ICINGA = shutil.which("icinga2")
if not ICINGA:
    wwtest.skip("icinga2 not found (apt-get install icinga2-bin)")
wwtest.fresh_dir(WORK)

mon, status = wwtest.stale_monitor(EXE, SRC, WORK)

DIRS = {name: os.path.join(WORK, "icinga", name)
        for name in ("DataDir", "CacheDir", "LogDir", "SpoolDir", "InitRunDir")}
for d in DIRS.values():
    os.makedirs(d)
CMD_PIPE = os.path.join(DIRS["InitRunDir"], "icinga2.cmd")
NOTICE_LOG = os.path.join(DIRS["LogDir"], "notice.log")
DEFINES = [f"-D{k}={v}" for k, v in DIRS.items()] + [
    "-DRunAsUser=" + subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip(),
    "-DRunAsGroup=" + subprocess.run(["id", "-gn"], capture_output=True, text=True).stdout.strip()]


def tree(name, conf):
    """icinga2.conf of a scratch tree that includes conf."""
    path = os.path.join(WORK, name)
    with open(path, "w") as f:
        f.write(f"""include "{conf}"
object CheckCommand "dummy" {{ command = [ "/bin/true" ] }}
object Host "wsus1" {{
  check_command = "dummy"
  vars.wsuswatch = true
  vars.wsuswatch_binary = "{EXE}"
  vars.wsuswatch_config = "{mon.config}"
}}
object Host "web1" {{ check_command = "dummy" }}
object CheckerComponent "checker" {{ }}
object ExternalCommandListener "command" {{ command_path = "{CMD_PIPE}" }}
object FileLogger "notice" {{ path = "{NOTICE_LOG}"; severity = "notice" }}
""")
    return path


def icinga(*args, timeout=60):
    return subprocess.run([ICINGA] + list(args) + DEFINES, capture_output=True,
                          text=True, timeout=timeout)


def netstrings(path):
    """The JSON documents of an Icinga 2 objects or state file
    (netstrings: LENGTH:JSON,)."""
    data, i, out = open(path, encoding="utf-8").read(), 0, []
    while i < len(data):
        j = data.index(":", i)
        n = int(data[i:j])
        out.append(json.loads(data[j + 1:j + 1 + n]))
        i = j + 1 + n + 1
    return out


# --- 1: validation --------------------------------------------------------------------------
MAIN = tree("icinga2.conf", CONF)
r = icinga("daemon", "-C", "-c", MAIN)
check(r.returncode == 0, "icinga2 daemon -C accepts wsuswatch.conf", r.stdout[-2000:])
broken = os.path.join(WORK, "broken.conf")
with open(broken, "w") as f:
    f.write(open(CONF).read().replace("timeout = 1m", "timeout = 1m +"))
r = icinga("daemon", "-C", "-c", tree("broken-icinga2.conf", broken))
check(r.returncode != 0, "icinga2 daemon -C refuses a copy with a syntax error")

# --- 2: what the apply rule made -----------------------------------------------------------
r = icinga("daemon", "-C", "-c", MAIN)  # the objects file of the good tree
objs = netstrings(os.path.join(DIRS["CacheDir"], "icinga2.debug"))
services = [o for o in objs if o["type"] == "Service"]
commands = {o["name"]: o["properties"] for o in objs if o["type"] == "CheckCommand"}
names = [f'{s["properties"]["host_name"]}!{s["name"]}' for s in services]
check(names == ["wsus1!wsus-sync"],
      "the apply rule makes one service, wsus-sync on the host with vars.wsuswatch", names)
svc = services[0]["properties"] if services else {}
check(svc.get("check_command") == "wsuswatch" and svc.get("check_interval") == 300
      and svc.get("max_check_attempts") == 3,
      "wsus-sync runs CheckCommand wsuswatch every 5 minutes, 3 attempts",
      {k: svc.get(k) for k in ("check_command", "check_interval", "max_check_attempts")})
check("wsuswatch" in commands
      and commands["wsuswatch"]["vars"]["wsuswatch_binary"]
      == "C:\\Program Files\\wsuswatch\\wsuswatch.exe",
      "CheckCommand wsuswatch defaults to the MSI's wsuswatch.exe")

# --- 3: the daemon runs the check ------------------------------------------------------------
daemon = subprocess.Popen([ICINGA, "daemon", "-c", MAIN] + DEFINES,
                          stdout=open(os.path.join(WORK, "daemon.log"), "w"),
                          stderr=subprocess.STDOUT, start_new_session=True)
require(wait_for(lambda: os.path.exists(CMD_PIPE), 30, 0.2),
        "the daemon starts and opens its command pipe")
now = int(time.time())
with open(CMD_PIPE, "w") as f:
    f.write(f"[{now}] SCHEDULE_FORCED_SVC_CHECK;wsus1;wsus-sync;{now}\n")
# Icinga logs the end of the process at notice level; the result is
# processed right after it, and the shutdown writes the state file.
ended = wait_for(lambda: os.path.exists(NOTICE_LOG) and
                 "'check') terminated with exit code" in open(NOTICE_LOG).read(), 30, 0.2)
check(ended, "Icinga ran the check within 30 s of the forced check command")
time.sleep(1)
wwtest.stop(daemon, 30)
state_file = os.path.join(DIRS["DataDir"], "icinga2.state")
require(os.path.exists(state_file), "the daemon wrote its state file on shutdown")
state = {o["name"]: o["update"] for o in netstrings(state_file)}
result = (state.get("wsus1!wsus-sync") or {}).get("last_check_result") or {}
direct = mon.ww("check")
first, _, rest = direct.stdout.partition("\n")
head = first.partition(" | ")[0]
print("icinga2 check result:", json.dumps({k: result.get(k) for k in (
    "command", "exit_status", "state", "output", "performance_data")}))
check(result.get("command") == [EXE, "--config", mon.config, "check"],
      "Icinga ran wsuswatch --config FILE check", result.get("command"))
check(result.get("exit_status") == direct.returncode == result.get("state"),
      "its state is wsuswatch's exit code",
      f"{result.get('exit_status')}/{result.get('state')} vs {direct.returncode}")
out_first, _, out_rest = (result.get("output") or "").partition("\n")
check(out_first.rstrip() == head and out_rest.strip() == rest.strip(),
      "its output is `wsuswatch check`'s, perfdata split off",
      f"{result.get('output')!r} vs {direct.stdout!r}")
perf = result.get("performance_data") or []
check([p.split("=")[0] for p in perf] == ["sync_age", "sync_failures", "probes_failed"],
      "its performance data are sync_age, sync_failures, probes_failed", perf)

check(wwtest.names_cause(out_first.rstrip(), status),
      "the output names the cause status --json gives",
      f"{out_first!r} / {status.get('cause')}")

sys.exit(wwtest.verdict())
