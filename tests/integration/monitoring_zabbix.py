#!/usr/bin/env python3
"""contrib/zabbix: the UserParameter run by a real zabbix_agentd against a
running monitor, and the template's items applied to what it returned.

1. The template (Zabbix 6.0 YAML export) holds together: version 6.0,
   unique 32-hex UUIDs and item keys, every dependent item's master item
   exists, every trigger expression and every expression macro of an
   event name refers to an item of the template (none in operational
   data, where Zabbix does not expand them), and the warning and critical
   triggers name the cause in their event name.
2. userparameter_wsuswatch.conf serves the template's master item.
3. A monitor runs (`wsuswatch run --foreground`): a WSUS server whose last
   successful sync is 29 h old and whose upstream refuses connections.
   `zabbix_agentd -t wsuswatch.status` with a scratch agent configuration
   holding the shipped UserParameter (wsuswatch.exe's path replaced by the
   build and --config) returns status --json: the same health and checks
   as `wsuswatch status --json`.
4. Each dependent item's preprocessing (JSONPath, with Zabbix's functions
   first() and length(), and the error handlers) applied to that answer
   gives the values the administrator sees: health, sync staleness state,
   age of the last success, failing probes, the checks in critical and in
   warning, and the cause
   with its fix as status --json gives them (once the verdict engine
   writes causes).
5. The agent check can fail: a UserParameter under another key makes
   `zabbix_agentd -t wsuswatch.status` answer ZBX_NOTSUPPORTED.

usage: monitoring_zabbix.py WSUSWATCH SOURCE_DIR WORKDIR
Exit 0 pass, 1 fail, 77 skipped (zabbix_agentd missing).
"""
import json
import os
import re
import shutil
import subprocess
import sys

import yaml

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wwtest  # noqa: E402
from wwtest import check, find, require, wait_for  # noqa: E402

EXE, SRC, WORK = (os.path.abspath(a) for a in sys.argv[1:4])
ZDIR = os.path.join(SRC, "contrib", "zabbix")
AGENT = shutil.which("zabbix_agentd")
if not AGENT:
    wwtest.skip("zabbix_agentd not found (apt-get install zabbix-agent)")
wwtest.fresh_dir(WORK)
WIN_EXE = '"C:\\Program Files\\wsuswatch\\wsuswatch.exe"'

# --- 1: the template ----------------------------------------------------------------------
doc = yaml.safe_load(open(os.path.join(ZDIR, "wsuswatch_template.yaml"), encoding="utf-8"))
export = doc["zabbix_export"]
check(export.get("version") == "6.0", "the template is a Zabbix 6.0 export")
tmpl = export["templates"][0]
NAME = tmpl["template"]
items = {i["key"]: i for i in tmpl["items"]}
triggers = [t for i in tmpl["items"] for t in i.get("triggers", [])] + export.get("triggers", [])
uuids = ([g["uuid"] for g in export["groups"]] + [tmpl["uuid"]]
         + [i["uuid"] for i in tmpl["items"]] + [t["uuid"] for t in triggers])
check(all(re.fullmatch(r"[0-9a-f]{32}", u) for u in uuids) and len(set(uuids)) == len(uuids),
      "every UUID is 32 hex digits and unique", uuids)
check(len(items) == len(tmpl["items"]), "item keys are unique")
MASTER = "wsuswatch.status"
dependents = [i for i in tmpl["items"] if i.get("type") == "DEPENDENT"]
check(items.get(MASTER, {}).get("value_type") == "TEXT"
      and all(i["master_item"]["key"] == MASTER for i in dependents)
      and len(dependents) == len(items) - 1,
      "every other item depends on the text item wsuswatch.status")
refs = []
for t in triggers:
    refs += re.findall(r"\(/" + re.escape(NAME) + r"/([^,)]+)", t["expression"])
    refs += re.findall(r"\{\?\w+\(//([^,)]+)", t.get("event_name", ""))
check(refs and all(r in items for r in refs),
      "triggers and their expression macros refer to items of the template",
      [r for r in refs if r not in items])
# Zabbix 6.0 expands expression macros in event names, not in operational
# data (its "macros supported by location"; ZBXNEXT-10591).
check(not any("{?" in t.get("opdata", "") for t in triggers),
      "no expression macro in operational data")
for state in ("critical", "warning"):
    t = next((t for t in triggers if f'="{state}"' in t["expression"]), {})
    check("{?last(//wsuswatch.cause.summary)}" in t.get("event_name", ""),
          f"the {state} trigger's event name carries the cause", t.get("event_name"))

# --- 2: the UserParameter ------------------------------------------------------------------
up = [l for l in open(os.path.join(ZDIR, "userparameter_wsuswatch.conf"))
      if l.startswith("UserParameter=")]
key, _, command = up[0].strip().partition("=")[2].partition(",") if up else ("", "", "")
check(len(up) == 1 and key == MASTER, "the UserParameter serves wsuswatch.status", up)
check(command == WIN_EXE + " status --json",
      "it runs the MSI's wsuswatch.exe status --json", command)

# --- 3: the agent against a running monitor ---------------------------------------------------
# Two cycles first (two failed probes in a row), as in the other tests.
mon, _ = wwtest.stale_monitor(EXE, SRC, WORK)
require(mon.start() and wait_for(lambda: os.path.exists(mon.sock), 10),
        "the monitor starts")
ready = wait_for(lambda: (lambda st: st if st and len(st.get("probes") or []) == 2
                          and st.get("last_successful_sync") else None)(mon.status()), 30, 0.2)
require(ready, "the monitor has probed and read the log")


def agent_conf(name, line):
    path = os.path.join(WORK, name)
    with open(path, "w") as f:
        f.write(f"LogType=console\nPidFile={WORK}/{name}.pid\nTimeout=30\n"
                + ("AllowRoot=1\n" if os.getuid() == 0 else "") + line + "\n")
    return path


def agent_test(conf, item=MASTER):
    """zabbix_agentd -t: (type, value) of the item's answer."""
    r = subprocess.run([AGENT, "-c", conf, "-t", item], capture_output=True,
                       text=True, timeout=60)
    m = re.match(r"^" + re.escape(item) + r"\s+\[(\w)\|(.*)\]\s*$", r.stdout, re.S)
    return (m.group(1), m.group(2)) if m else (None, r.stdout + r.stderr)


local = up[0].strip().replace(WIN_EXE, f"{EXE} --config {mon.config}") if up else ""
kind, value = agent_test(agent_conf("agentd.conf", local))
check(kind == "t", "zabbix_agentd -t wsuswatch.status returns text", value[:300])
try:
    answer = json.loads(value)
except ValueError:
    answer = {}
status = mon.status() or {}
check(answer.get("health") == status.get("health")
      and [(c["name"], c["state"]) for c in answer.get("checks", [])]
      == [(c["name"], c["state"]) for c in status.get("checks", [])],
      "the agent's answer is status --json: same health and checks",
      f"{answer.get('health')} vs {status.get('health')}")


# --- 4: the template's items on that answer -----------------------------------------------------
class JsonPathError(Exception):
    pass


def jsonpath(path, doc):
    """Zabbix JSONPath, the subset the template uses: $.a.b, [?(@.f == v
    || ...)] filters, and the functions first() and length().  No match is
    an error, as in Zabbix."""
    m = re.fullmatch(r"\$((?:\.\w+|\[\?\(.*?\)\])*?)(?:\.(first|length)\(\))?", path)
    if not m:
        raise AssertionError("JSONPath outside the tested subset: " + path)
    cur, many = doc, False
    for seg in re.findall(r"\.\w+|\[\?\(.*?\)\]", m.group(1)):
        if seg.startswith("."):
            name = seg[1:]
            if many:
                cur = [c[name] for c in cur if isinstance(c, dict) and name in c]
            elif isinstance(cur, dict) and name in cur:
                cur = cur[name]
            else:
                raise JsonPathError(path)
        else:
            alts = [re.fullmatch(r'@\.(\w+) == ("[^"]*"|true|false|-?\d+)', a.strip())
                    for a in seg[3:-2].split("||")]
            if not all(alts) or not isinstance(cur, list):
                raise AssertionError("filter outside the tested subset: " + seg)
            cur = [c for c in cur if any(c.get(a.group(1)) == json.loads(a.group(2))
                                         for a in alts)]
            many = True
    if many and not cur and m.group(2) != "length":
        raise JsonPathError(path)
    if m.group(2) == "first":
        cur = cur[0]
    elif m.group(2) == "length":
        cur = len(cur)
    return cur if isinstance(cur, str) else json.dumps(cur)


def item_value(item, text=None):
    """The item's value after preprocessing of text (the agent's answer by
    default), or None when discarded."""
    v = value if text is None else text
    for step in item.get("preprocessing", []):
        try:
            if step["type"] == "JSONPATH":
                v = jsonpath(step["parameters"][0], json.loads(v))
            elif step["type"] == "MATCHES_REGEX":
                if not re.search(step["parameters"][0], v):
                    raise JsonPathError(v)
            else:
                raise AssertionError("preprocessing outside the tested subset: "
                                     + step["type"])
        except JsonPathError:
            handler = step.get("error_handler")
            if handler == "DISCARD_VALUE":
                return None
            if handler != "CUSTOM_VALUE":
                return "NOT SUPPORTED"
            v = step.get("error_handler_params", "")
    return v


vals = {k: item_value(i) for k, i in items.items() if i is not items[MASTER]}
print("template items:", json.dumps(vals))
stale = find(answer.get("checks"), "name", "sync_staleness") or {}
check(vals.get("wsuswatch.health") == answer.get("health"), "item wsuswatch.health")
check(vals.get("wsuswatch.check.state.sync_staleness") == stale.get("state") == "warning",
      "item sync staleness state: warning (29 h)")
age = vals.get("wsuswatch.sync.age")
check(age and 29 * 3600 <= int(age) < 30 * 3600, "item last successful sync age: 29 h", age)
check(vals.get("wsuswatch.probes.failed") == str(sum(not p["ok"] for p in answer["probes"])) == "2",
      "item failing probes: 2", vals.get("wsuswatch.probes.failed"))
for state in ("critical", "warning"):
    names = [c["name"] for c in answer["checks"] if c["state"] == state]
    check(json.loads(vals.get(f"wsuswatch.checks.{state}") or "null") == names,
          f"item {state} checks: the names of the checks in {state}",
          (vals.get(f"wsuswatch.checks.{state}"), names))
check(all(v != "NOT SUPPORTED" for v in vals.values()),
      "no item becomes unsupported", [k for k, v in vals.items() if v == "NOT SUPPORTED"])
cause = answer.get("cause") or {}
check(cause.get("summary") and vals.get("wsuswatch.cause.summary") == cause["summary"]
      and vals.get("wsuswatch.cause.fix") == cause.get("fix")
      and vals.get("wsuswatch.cause.evidence") == cause.get("evidence")
      and vals.get("wsuswatch.cause.check") == cause.get("check"),
      "items cause, cause check, evidence and fix: status --json's cause", cause)
check(item_value(items["wsuswatch.cause.summary"], json.dumps(dict(answer, cause=None)))
      == "no cause identified",
      "item cause when status --json's cause is null: 'no cause identified'")

# --- 5: the check can fail ------------------------------------------------------------------------
kind, value = agent_test(agent_conf("wrong.conf", local.replace(MASTER, MASTER + "x", 1)))
check(kind == "m" and "ZBX_NOTSUPPORTED" in value,
      "a UserParameter under another key: ZBX_NOTSUPPORTED", (kind, value))

mon.kill()
sys.exit(wwtest.verdict(mon.log_text()))
