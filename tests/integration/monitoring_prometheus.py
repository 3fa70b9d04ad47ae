#!/usr/bin/env python3
"""contrib/prometheus checked by promtool, and on a real textfile.

1. `promtool check rules` accepts wsuswatch.rules.yml.
2. `promtool test rules wsuswatch.rules.test.yml` passes (the unit tests:
   each alert with and without a cause, thresholds, the scrape's labels).
3. Those unit tests can fail: mutated copies of the rules (the staleness
   threshold moved, the cause join pointed elsewhere, the endpoint alert
   without its two-failure guard) make `promtool test rules` fail.
4. A real textfile: `wsuswatch run --once`, twice, on a server whose last
   successful sync is 29 h old and whose upstream refuses connections.
   Every metric family the rules read is in that file.  Its samples,
   labelled as a scrape of windows_exporter labels them (instance and job
   added, the textfile's own "instance" label renamed exported_instance),
   are the input of a generated promtool test of the rules (annotations
   left out: the unit tests check those) that expects exactly the alerts
   the run's own status --json implies: WsusSyncStale with the cause the
   JSON names for sync_staleness, WsusEndpointFailing for each failing
   upstream target at its stage, nothing else; each wsuswatch_cause_info
   series is the cause status --json names for its symptom.

usage: monitoring_prometheus.py WSUSWATCH SOURCE_DIR WORKDIR
Exit 0 pass, 1 fail, 77 skipped (promtool missing).
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
from wwtest import check, find  # noqa: E402

EXE, SRC, WORK = (os.path.abspath(a) for a in sys.argv[1:4])
RULES_DIR = os.path.join(SRC, "contrib", "prometheus")
RULES = os.path.join(RULES_DIR, "wsuswatch.rules.yml")
TESTS = os.path.join(RULES_DIR, "wsuswatch.rules.test.yml")
SCRAPE = {"instance": "wsus1:9182", "job": "windows"}

if not shutil.which("promtool"):
    wwtest.skip("promtool not found (apt-get install prometheus)")
wwtest.fresh_dir(WORK)


def promtool(*args):
    return subprocess.run(["promtool"] + list(args), capture_output=True,
                          text=True, timeout=60)


# --- 1, 2: the shipped files ---------------------------------------------------------
r = promtool("check", "rules", RULES)
check(r.returncode == 0 and "SUCCESS" in r.stdout,
      "promtool check rules accepts wsuswatch.rules.yml", r.stdout + r.stderr)
r = promtool("test", "rules", TESTS)
check(r.returncode == 0, "promtool test rules: the unit tests pass",
      r.stdout + r.stderr)

# --- 3: the unit tests catch broken rules ----------------------------------------------
RULES_TEXT = open(RULES, encoding="utf-8").read()
MUTANTS = {
    "staleness threshold 27h": ("26 * 3600", "27 * 3600"),
    "cause join on another check": ('wsuswatch_cause_info{check="sync_staleness"}',
                                    'wsuswatch_cause_info{check="sync_failures"}'),
    "endpoint alert on one failure": ("wsuswatch_probe_consecutive_failures >= 2",
                                      "wsuswatch_probe_consecutive_failures >= 1"),
}
for name, (old, new) in MUTANTS.items():
    d = os.path.join(WORK, "mutant-" + name.replace(" ", "-"))
    os.makedirs(d)
    check(old in RULES_TEXT, f"mutant '{name}': the rules contain {old!r}")
    with open(os.path.join(d, "wsuswatch.rules.yml"), "w", encoding="utf-8") as f:
        f.write(RULES_TEXT.replace(old, new))
    shutil.copy(TESTS, d)
    r = promtool("test", "rules", os.path.join(d, "wsuswatch.rules.test.yml"))
    check(r.returncode != 0, f"mutant '{name}': promtool test rules fails",
          r.stdout[-400:])

# --- 4: a real textfile ---------------------------------------------------------------
mon, status = wwtest.stale_monitor(EXE, SRC, WORK)
prom_path = os.path.join(mon.dir, "wsuswatch.prom")
prom = open(prom_path, encoding="utf-8").read()
r = subprocess.run(["promtool", "check", "metrics"], input=prom,
                   capture_output=True, text=True)
check(r.returncode == 0 and not r.stdout.strip() and not r.stderr.strip(),
      "promtool check metrics accepts the textfile", r.stdout + r.stderr)

families = set(re.findall(r"^# TYPE (\w+) ", prom, re.M))
used = set(re.findall(r"\b(wsuswatch_\w+)", RULES_TEXT))
missing = sorted(used - families)
check(not missing and "wsuswatch_cause_info" in used,
      "every metric the rules read, wsuswatch_cause_info included, is in wsuswatch's textfile",
      missing)

LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def samples(text):
    """(name, labels, value) of each sample line."""
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r"^(\w+)(?:\{(.*)\})? (\S+)$", line)
        yield m.group(1), dict(LABEL.findall(m.group(2) or "")), float(m.group(3))


SAMPLES = list(samples(prom))
t0 = next(v for n, _, v in SAMPLES if n == "wsuswatch_last_evaluation_timestamp_seconds")


def scraped(name, labels, value):
    """The series as Prometheus stores it after scraping windows_exporter;
    timestamps shifted so that time() = 0 is wsuswatch's evaluation."""
    labels = dict(labels)
    own = labels.pop("instance", "")
    if own:  # an empty label is no label
        labels["exported_instance"] = own
    labels.update(SCRAPE)
    if name.endswith("_timestamp_seconds"):
        value -= t0
    body = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()) if v != "")
    return {"series": f"{name}{{{body}}}", "values": f"{value:g}x5"}


def cause_labels(check_key, keep):
    """The cause labels the rules copy from wsuswatch_cause_info for the
    symptom check_key (empty values are no labels)."""
    for n, lab, _ in SAMPLES:
        if n == "wsuswatch_cause_info" and lab.get("check") == check_key:
            return {k: lab[k] for k in keep if lab.get(k)}
    return {}


def json_cause(check_key):
    c = find(status.get("checks"), "name", check_key) or {}
    return (c.get("cause") or {}).get("check")


# The alerts status --json implies (thresholds: the rules' = the defaults).
expected = {}
if status["sync_age_seconds"] > 26 * 3600:
    lab = dict(SCRAPE, severity="warning",
               **cause_labels("sync_staleness", ("cause", "stage", "code")))
    expected.setdefault("WsusSyncStale", []).append(lab)
for p in status["probes"]:
    c = find(status["checks"], "name", "endpoint:" + p["target"]) or {}
    if not p["ok"] and int(c.get("value") or 0) >= 2:
        lab = dict(SCRAPE, severity="critical", target=p["target"], stage=p["stage"])
        expected.setdefault("WsusEndpointFailing", []).append(lab)
check(len(expected.get("WsusSyncStale", [])) == 1
      and len(expected.get("WsusEndpointFailing", [])) == 2,
      "the scenario is a stale sync and two failing upstream targets",
      json.dumps(expected))
infos = [(lab, v) for n, lab, v in SAMPLES if n == "wsuswatch_cause_info"]
check(infos and all(set(lab) == {"check", "cause", "stage", "code"} and v == 1
                    for lab, v in infos),
      "wsuswatch_cause_info: labels check, cause, stage, code; value 1", infos)
check(all(json_cause(lab["check"]) == lab["cause"] for lab, _ in infos),
      "each cause_info series is the cause status --json gives its check", infos)
stale_cause = json_cause("sync_staleness")
check(stale_cause and expected["WsusSyncStale"][0].get("cause") == stale_cause,
      "the textfile's cause of sync_staleness is the one status --json names",
      f"{expected['WsusSyncStale'][0]} vs {stale_cause}")

# The rules without annotations: their texts are the unit tests' business.
doc = yaml.safe_load(RULES_TEXT)
names = []
for g in doc["groups"]:
    for rule in g["rules"]:
        rule.pop("annotations", None)
        names.append(rule["alert"])
real = os.path.join(WORK, "real")
os.makedirs(real)
with open(os.path.join(real, "rules.yml"), "w") as f:
    yaml.safe_dump(doc, f)
test = {"rule_files": ["rules.yml"], "evaluation_interval": "1m",
        "tests": [{"interval": "1m",
                   "input_series": [scraped(*s) for s in SAMPLES],
                   "alert_rule_test": [
                       {"eval_time": "0m", "alertname": n,
                        "exp_alerts": [{"exp_labels": lab}
                                       for lab in expected.get(n, [])]}
                       for n in names]}]}
with open(os.path.join(real, "test.yml"), "w") as f:
    yaml.safe_dump(test, f)
r = promtool("test", "rules", os.path.join(real, "test.yml"))
check(r.returncode == 0,
      "the rules fire exactly the expected alerts on wsuswatch's real textfile",
      r.stdout + r.stderr)

sys.exit(wwtest.verdict())
