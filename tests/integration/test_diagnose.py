#!/usr/bin/env python3
"""Integration test of `wsuswatch diagnose` on the real binary.

Scenarios (each with its own configuration in a temp dir):
  stale     a SoftwareDistribution.log built from the real-format fixture
            lines, shifted so the last success is 30 h old and TLS errors
            follow it, plus a local HTTP server (http.server on 127.0.0.1)
            as the only probe target: WARNING, exit 1, the findings' hints.
  fe2       MUUrl fe2.update.microsoft.com, --no-probes: CRITICAL, exit 2.
  blind     no log and the Microsoft Update probe pointed at an
            unresolvable .invalid host: what cannot be seen is unknown,
            never ok; exit 1: one failed probe is a warning, as in the
            service (critical after thresholds.probe_failures in a row).
  unknown   no log, --no-probes: UNKNOWN, exit 3; and a proxy password
            from the environment never appears in the output.

usage: test_diagnose.py WSUSWATCH_BINARY FIXTURES_DIR SCRATCH_DIR
"""
import datetime
import json
import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wwtest  # noqa: E402
from wwtest import check  # noqa: E402

TS = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\.(\d{3}) UTC")
NOLOG = "{work}/nolog/SoftwareDistribution.log"  # a log that is not there


def shifted(path, first_at, step=None):
    """The file's lines with every timestamp moved so the first is first_at
    (and, with step, the n-th record at first_at + n * step)."""
    out, delta, n = [], None, 0
    with open(path, encoding="utf-8") as f:
        for line in f.read().splitlines():
            m = TS.match(line)
            if m:
                t = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S")
                if delta is None:
                    delta = first_at - t
                t = first_at + n * step if step else t + delta
                n += 1
                line = t.strftime("%Y-%m-%d %H:%M:%S") + "." + m.group(2) + \
                    " UTC" + line[m.end():]
            out.append(line)
    return out


def make_log(path, fixtures):
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    # The manual sync of TRACK-SYNC: 384 lands about 30h 1m before now.
    lines = shifted(os.path.join(fixtures, "track-sync.log"),
                    now - datetime.timedelta(hours=30, minutes=2))
    # Then the TLS / retry failures of windowsserverdocs#7423 and IMPORT-SYNC.
    # (the fixture spans months; its records are spaced a minute apart here)
    lines += shifted(os.path.join(fixtures, "import-sync-failures.log"),
                     now - datetime.timedelta(hours=3),
                     datetime.timedelta(minutes=1))
    with open(path, "w", encoding="utf-8", newline="\r\n") as f:
        f.write("\n".join(lines) + "\n")


def config(work, name, log, rest):
    """work/NAME.yaml: the database in work/db, the log, then rest."""
    cfg = os.path.join(work, f"{name}.yaml")
    with open(cfg, "w") as f:
        f.write(f"database: {work}/db/wsuswatch.db\nwsus:\n  log: {log}\n" + rest)
    return cfg


def run(exe, cfg, *args, env=None):
    p = wwtest.ww(exe, "diagnose", *args, config=cfg, timeout=120, env=env)
    return p.returncode, p.stdout, p.stderr


def items(doc):
    return {(g["name"], i["name"]): i for g in doc["groups"] for i in g["items"]}


def scenario_stale(exe, fixtures, work, port):
    log = os.path.join(work, "SoftwareDistribution.log")
    make_log(log, fixtures)
    cfg = config(work, "stale", log,
                 "probes:\n  microsoft_update: off\n"
                 f"  extra_urls: [\"http://127.0.0.1:{port}/\"]\n  timeout: 10s\n")
    rc, out, err = run(exe, cfg, "--json")
    check(rc == 1, f"stale: exit {rc}, want 1 (WARNING); stderr {err}")
    doc = json.loads(out)
    check(doc["health"] == "warning", f"stale: health {doc['health']}")
    check([g["name"] for g in doc["groups"]] ==
          ["Configuration", "Host TLS configuration", "Local services",
           "Network path", "WSUS log", "Event log", "Verdict"],
          "stale: group names")
    it = items(doc)
    last = it[("WSUS log", "last_successful_sync")]
    check(last["state"] == "warning" and "30h ago" in last["summary"],
          f"stale: last sync item {last}")
    tls = it.get(("WSUS log", "finding:tls_no_common_algorithm"))
    check(tls is not None and tls["state"] == "warning",
          f"stale: tls finding {tls}")
    hints = {f["category"]: f["hint"] for f in doc["findings"]}
    check("tls_no_common_algorithm" in hints and "retry_limit_exceeded" in hints,
          f"stale: findings {sorted(hints)}")
    if tls:
        check(tls["hint"] == hints["tls_no_common_algorithm"] and tls["hint"],
              "stale: the item's hint is the finding's hint")
    net = it[("Network path", "extra_1")] if ("Network path", "extra_1") in it \
        else [i for (g, _), i in it.items() if g == "Network path"][0]
    check(net["state"] == "ok", f"stale: local HTTP probe {net}")
    check(len(doc["probes"]) == 1 and doc["probes"][0]["ok"] and
          doc["probes"][0]["http_status"] == 200, f"stale: probes {doc['probes']}")
    check(any(r["result"] == "succeeded" for r in doc["sync_runs"]),
          "stale: a succeeded run")
    check(it[("Event log", "eventlog")]["state"] == "skipped", "stale: eventlog")
    check(it[("Host TLS configuration", "registry")]["state"] == "skipped",
          "stale: host TLS")
    checks = {c["name"]: c["state"] for c in doc["checks"]}
    check(checks.get("sync_staleness") == "warning", f"stale: checks {checks}")
    check(doc["fix_first"] and doc["fix_first"][0]["state"] == "warning",
          f"stale: fix_first {doc['fix_first']}")
    # The text report: headings, tags, the verdict line.
    rc2, text, _ = run(exe, cfg)
    check(rc2 == 1, f"stale text: exit {rc2}")
    for s in ("1. Configuration", "5. WSUS log", "7. Verdict: WARNING (exit 1)",
              "First to fix:"):
        check(s in text, f"stale text lacks {s!r}")
    check(re.search(r"^  \[WARNING\] +last_successful_sync +last successful "
                    r"sync 30h ago", text, re.M), "stale text: the sync line")


def scenario_fe2(exe, work):
    cfg = config(work, "fe2", NOLOG.format(work=work),
                 "  muurl: https://fe2.update.microsoft.com/v6\n")
    rc, out, err = run(exe, cfg, "--json", "--no-probes")
    check(rc == 2, f"fe2: exit {rc}, want 2; {err}")
    doc = json.loads(out)
    it = items(doc)
    mu = it[("Configuration", "muurl_policy")]
    check(mu["state"] == "critical" and "RedirectorChangeNumber 4002" in mu["hint"],
          f"fe2: muurl item {mu}")
    check(doc["health"] == "critical", "fe2: health")
    check(it[("Network path", "probes")]["state"] == "skipped", "fe2: probes skipped")
    check(doc["fix_first"][0]["item"] == "muurl_policy", "fe2: first fix")


def scenario_blind(exe, work):
    cfg = config(work, "blind", NOLOG.format(work=work),
                 "  muurl: https://sws.wsuswatch-test.invalid\n"
                 "probes:\n  microsoft_update: on\n  timeout: 10s\n")
    rc, out, err = run(exe, cfg, "--json")
    check(rc == 1, f"blind: exit {rc}, want 1; {err}")
    doc = json.loads(out)
    it = items(doc)
    for key in (("WSUS log", "log_file"), ("WSUS log", "last_successful_sync"),
                ("WSUS log", "sync_failures")):
        check(it[key]["state"] == "unknown", f"blind: {key} is {it[key]['state']}")
    check("nolog/SoftwareDistribution.log" in it[("WSUS log", "log_file")]["summary"],
          "blind: the missing log path is named")
    mu = it[("Network path", "microsoft_update")]
    check(mu["state"] == "warning" and "dns_failure" in mu["summary"] and
          "0x8024402C" in mu["summary"], f"blind: probe {mu}")
    checks = {c["name"]: c["state"] for c in doc["checks"]}
    check(checks.get("sync_staleness") == "unknown", "blind: staleness unknown")
    check(doc["last_successful_sync"] is None and doc["sync_runs"] == [],
          "blind: no sync data")
    check(not any(i["state"] == "ok" for (g, _), i in it.items()
                  if g in ("WSUS log", "Event log")),
          "blind: nothing in the log/event groups is ok")


def scenario_unknown(exe, work):
    secret = "Pr0xy-S3cret-4711"
    cfg = config(work, "unknown", NOLOG.format(work=work),
                 "proxy:\n  url: http://proxy.example:3128\n  user: svc\n"
                 "  password_env: WW_DIAG_TEST_PW\n")
    env = dict(os.environ, WW_DIAG_TEST_PW=secret)
    rc, out, err = run(exe, cfg, "--json", "--no-probes", env=env)
    check(rc == 3, f"unknown: exit {rc}, want 3; {err}")
    doc = json.loads(out)
    check(doc["health"] == "unknown", "unknown: health")
    proxy = items(doc)[("Configuration", "proxy")]
    check(proxy["state"] == "ok" and "resolved" in proxy["summary"],
          f"unknown: proxy {proxy}")
    rc, text, err2 = run(exe, cfg, "--no-probes", env=env)
    check(secret not in out + err + text + err2, "unknown: the secret leaked")
    env.pop("WW_DIAG_TEST_PW")
    rc, out, _ = run(exe, cfg, "--json", "--no-probes", env=env)
    proxy = items(json.loads(out))[("Configuration", "proxy")]
    check(rc == 2 and proxy["state"] == "critical",
          f"unknown: unresolvable password: exit {rc}, {proxy}")


def scenario_disconnected(exe, work):
    """A disconnected server (issue 11): no endpoint probes, staleness from
    the last import (the import log's modification time) with its own
    thresholds, never a sync failure."""
    imp = os.path.join(work, "wsus-import.log")
    with open(imp, "w") as f:
        f.write("import finished\n")
    old = (datetime.datetime.now() - datetime.timedelta(days=40)).timestamp()
    os.utime(imp, (old, old))
    cfg = config(work, "disconnected", NOLOG.format(work=work),
                 f"  disconnected: true\n  import_log: {imp}\n")
    rc, out, err = run(exe, cfg, "--json")
    doc = json.loads(out)
    it = items(doc)
    last = it[("WSUS log", "last_successful_sync")]
    check(rc == 1 and last["state"] == "warning" and
          last["summary"].startswith("last import 40d ago (warning > 35d)"),
          f"disconnected: last import judged, exit {rc}", last)
    check(not doc["probes"] and ("Network path", "microsoft_update") not in it,
          "disconnected: no endpoint probed", doc["probes"])
    check(("WSUS log", "sync_failures") not in it, "disconnected: no sync failures")
    os.utime(imp, None)
    rc, out, _ = run(exe, cfg, "--json")
    last = items(json.loads(out))[("WSUS log", "last_successful_sync")]
    check(last["state"] == "ok", "disconnected: a fresh import is ok", last)


def main():
    exe, fixtures, work = sys.argv[1], sys.argv[2], sys.argv[3]
    wwtest.fresh_dir(work)
    os.makedirs(os.path.join(work, "www"))
    with open(os.path.join(work, "www", "index.html"), "w") as f:
        f.write("ok\n")
    srv = wwtest.http_server(os.path.join(work, "www"))
    scenario_stale(exe, fixtures, work, srv.server_address[1])
    scenario_fe2(exe, work)
    scenario_blind(exe, work)
    scenario_unknown(exe, work)
    scenario_disconnected(exe, work)
    return wwtest.verdict()


if __name__ == "__main__":
    sys.exit(main())
