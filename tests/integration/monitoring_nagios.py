#!/usr/bin/env python3
"""contrib/nagios run by a real Nagios 4 (Debian's nagios4) on the Linux build.

The server: `wsuswatch run --once`, twice, on a WSUS server whose last
successful sync is 29 h old and whose upstream refuses connections.

1. `nagios4 -v` accepts contrib/nagios/wsuswatch.cfg with a host in the
   hostgroup wsus-servers (the NRPE service expands on it).
2. A Nagios 4 of its own (nagios.cfg, status file, check results in a
   scratch directory, running as the current user) loads wsuswatch.cfg
   unchanged and checks a service built from the shipped template
   wsuswatch-service and command check_wsuswatch ($USER1$ points at the
   build).  From status.dat, while Nagios runs: the state is the exit code
   of `wsuswatch check` on the same store, plugin_output its first line
   before " | ", performance_data its perfdata (same labels, thresholds,
   values within a few seconds of age), long_plugin_output its further
   lines; the first line names the cause status --json gives.
3. nsclient.ini's check_wsuswatch is the command check_nrpe asks for, and
   its command line, run with the build in place of wsuswatch.exe, prints
   the same plugin line.

usage: monitoring_nagios.py WSUSWATCH SOURCE_DIR WORKDIR
Exit 0 pass, 1 fail, 77 skipped (nagios4 missing).
"""
import configparser
import json
import os
import re
import shlex
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wwtest  # noqa: E402
from wwtest import check, require, wait_for  # noqa: E402

EXE, SRC, WORK = (os.path.abspath(a) for a in sys.argv[1:4])
CFG = os.path.join(SRC, "contrib", "nagios", "wsuswatch.cfg")
NSC = os.path.join(SRC, "contrib", "nagios", "nsclient.ini")
NAGIOS = shutil.which("nagios4") or shutil.which("nagios")
if not NAGIOS:
    wwtest.skip("nagios4 not found (apt-get install nagios4-core)")
wwtest.fresh_dir(WORK)

# --- the WSUS server ------------------------------------------------------------------
mon, status = wwtest.stale_monitor(EXE, SRC, WORK)

# --- Nagios's own tree ------------------------------------------------------------------
plugins = os.path.join(WORK, "plugins")
os.makedirs(plugins)
os.symlink(EXE, os.path.join(plugins, "wsuswatch"))
os.makedirs(os.path.join(WORK, "checkresults"))


def obj(kind, **attrs):
    body = "".join(f"\t{k}\t{v}\n" for k, v in attrs.items())
    return f"define {kind} {{\n{body}}}\n"


def write(name, text):
    path = os.path.join(WORK, name)
    with open(path, "w") as f:
        f.write(text)
    return path


days = {d: "00:00-24:00" for d in ("sunday", "monday", "tuesday", "wednesday",
                                   "thursday", "friday", "saturday")}
# What an administrator's configuration already has: a time period, a
# contact, generic-service (as in Nagios's sample configuration), a host.
SITE = (obj("timeperiod", timeperiod_name="24x7", alias="always", **days)
        + obj("command", command_name="notify-none", command_line="/bin/true")
        + obj("contact", contact_name="nobody", host_notifications_enabled=0,
              service_notifications_enabled=0, host_notification_period="24x7",
              service_notification_period="24x7", host_notification_options="n",
              service_notification_options="n",
              host_notification_commands="notify-none",
              service_notification_commands="notify-none")
        + obj("service", name="generic-service", register=0, check_period="24x7",
              contacts="nobody", notification_interval=0,
              notification_period="24x7", max_check_attempts=3,
              check_interval=5, retry_interval=1)
        + obj("host", host_name="wsus-local", alias="wsuswatch on this host",
              address="127.0.0.1", max_check_attempts=1, check_period="24x7",
              contacts="nobody", notification_interval=0,
              notification_period="24x7"))
LOCAL = obj("service", use="wsuswatch-service", host_name="wsus-local",
            service_description="WSUS synchronization",
            check_command="check_wsuswatch!" + mon.config)
REMOTE = obj("host", host_name="wsus1", alias="a WSUS server", address="192.0.2.10",
             hostgroups="wsus-servers", max_check_attempts=1, check_period="24x7",
             contacts="nobody", notification_interval=0, notification_period="24x7")


def nagios_cfg(name, objects, extra=""):
    files = "".join(f"cfg_file={p}\n" for p in [CFG] + objects)
    resource = write("resource.cfg", "$USER1$=" + plugins + "\n")
    return write(name, f"""{files}resource_file={resource}
log_file={WORK}/nagios.log
object_cache_file={WORK}/objects.cache
precached_object_file={WORK}/objects.precache
status_file={WORK}/status.dat
status_update_interval=1
check_result_path={WORK}/checkresults
check_result_reaper_frequency=1
nagios_user={os.getuid()}
nagios_group={os.getgid()}
lock_file={WORK}/nagios.pid
temp_file={WORK}/nagios.tmp
temp_path={WORK}
check_external_commands=0
command_file={WORK}/nagios.cmd
use_syslog=0
retain_state_information=0
state_retention_file={WORK}/retention.dat
enable_notifications=0
event_broker_options=0
service_inter_check_delay_method=n
max_service_check_spread=1
{extra}""")


# 1: the shipped NRPE service expands on a host of wsus-servers.
r = subprocess.run([NAGIOS, "-v", nagios_cfg("verify.cfg", [write("site.cfg", SITE),
                                                          write("remote.cfg", REMOTE)])],
                   capture_output=True, text=True, timeout=60)
check(r.returncode == 0 and "Checked 1 services." in r.stdout,
      "nagios4 -v: wsuswatch.cfg is valid and its service applies to wsus-servers",
      r.stdout[-1500:])

# 2: Nagios runs the local check.  The shipped hostgroup stays empty here.
cfg = nagios_cfg("nagios.cfg", [os.path.join(WORK, "site.cfg"), write("local.cfg", LOCAL)],
                 "allow_empty_hostgroup_assignment=1\n")
r = subprocess.run([NAGIOS, "-v", cfg], capture_output=True, text=True, timeout=60)
require(r.returncode == 0, "nagios4 -v accepts the test's configuration")
nagios = subprocess.Popen([NAGIOS, cfg], stdout=open(os.path.join(WORK, "nagios.out"), "w"),
                          stderr=subprocess.STDOUT, start_new_session=True)


def service_status():
    """The servicestatus block of status.dat once the service was checked
    (status.dat exists only while Nagios runs)."""
    try:
        text = open(os.path.join(WORK, "status.dat"), encoding="utf-8").read()
    except OSError:
        return None
    for block in re.findall(r"^servicestatus \{\n(.*?)^\t\}", text, re.M | re.S):
        fields = dict(l.strip().split("=", 1) for l in block.splitlines() if "=" in l)
        if fields.get("has_been_checked") == "1":
            return fields
    return None


svc = wait_for(service_status, 30, 0.2)
wwtest.stop(nagios, 20)
require(svc, "Nagios checked the service within 30 s (status.dat)")
direct = mon.ww("check")
first, _, rest = direct.stdout.partition("\n")
head, _, perf = first.partition(" | ")
print("nagios status.dat:", json.dumps({k: svc.get(k) for k in (
    "current_state", "plugin_output", "long_plugin_output", "performance_data")}))
check(svc.get("host_name") == "wsus-local"
      and svc.get("service_description") == "WSUS synchronization",
      "the service is the one built from wsuswatch-service")
check(svc.get("check_command") == "check_wsuswatch!" + mon.config,
      "it ran the shipped check_wsuswatch command", svc.get("check_command"))
check(svc.get("current_state") == str(direct.returncode)
      and direct.returncode == {"ok": 0, "warning": 1, "critical": 2,
                                "unknown": 3}[status["health"]],
      "Nagios's state is wsuswatch's exit code and health",
      f"{svc.get('current_state')} vs exit {direct.returncode}, {status['health']}")
# Nagios 4 turns every ';' of plugin output into ':' (';' separates the
# fields of its log and command file): what the administrator sees.
check(svc.get("plugin_output") == head.replace(";", ":"),
      "plugin_output is the first line of `wsuswatch check` (';' shown as ':')",
      f"{svc.get('plugin_output')!r} vs {head!r}")
check(re.match(r"^WSUSWATCH (OK|WARNING|CRITICAL|UNKNOWN) - \S", head or ""),
      "plugin_output starts WSUSWATCH <STATE> - ", head)
check(svc.get("long_plugin_output", "").replace("\\n", "\n").strip()
      == rest.replace(";", ":").strip(),
      "long_plugin_output is the rest of the output",
      f"{svc.get('long_plugin_output')!r} vs {rest!r}")


def perfdata(text):
    """label -> (value, unit, the rest: warn;crit;min;max)."""
    out = {}
    for item in (text or "").split():
        label, _, v = item.partition("=")
        m = re.match(r"^(-?[\d.]+)([a-zA-Z%]*)(;.*)?$", v)
        out[label] = (float(m.group(1)), m.group(2), m.group(3)) if m else None
    return out


pn, pd = perfdata(svc.get("performance_data")), perfdata(perf)
check(set(pn) == set(pd) == {"sync_age", "sync_failures", "probes_failed"}
      and all(pn[k] and pd[k] and pn[k][1:] == pd[k][1:] for k in pn)
      and abs(pn["sync_age"][0] - pd["sync_age"][0]) < 30
      and pn["sync_failures"][0] == pd["sync_failures"][0]
      and pn["probes_failed"][0] == pd["probes_failed"][0] == 2,
      "performance_data: sync_age, sync_failures, probes_failed as wsuswatch prints them",
      f"{pn} vs {pd}")
check(29 * 3600 <= pn.get("sync_age", (0,))[0] < 30 * 3600 and pn["sync_age"][1] == "s",
      "sync_age is the age of the last success in seconds", pn.get("sync_age"))

check(wwtest.names_cause(head, status),
      "the first line names the cause status --json gives",
      f"{head!r} / {status.get('cause')}")

# 3: the NSClient++ side names the same command and runs `wsuswatch check`.
ini = configparser.ConfigParser(interpolation=None, delimiters=("=",))
ini.optionxform = str
ini.read(NSC)
nrpe = re.search(r"-c (\S+)", open(CFG).read())
line = ini.get("/settings/external scripts/scripts", nrpe.group(1) if nrpe else "", fallback="")
check(line, "nsclient.ini defines the command check_wsuswatch_nrpe asks for",
      nrpe and nrpe.group(1))
argv = shlex.split(line.replace("\\", "/"))
check(argv[:1] == ["C:/Program Files/wsuswatch/wsuswatch.exe"] and argv[1:] == ["check"],
      "its command line is the MSI's wsuswatch.exe with the argument check", argv)
r = wwtest.ww(EXE, *argv[1:], config=mon.config)
check(r.stdout.partition(" | ")[0] == head,
      "that command line prints the plugin line Nagios showed", r.stdout)

sys.exit(wwtest.verdict())
