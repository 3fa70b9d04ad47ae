#!/usr/bin/env python3
"""`wsuswatch analyze` on the real SoftwareDistribution.log sample lines.

Usage: analyze_samples.py WSUSWATCH FIXTURES_DIR SCRATCH_DIR
Runs the real binary and checks its JSON against what the samples say.
"""
import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wwtest  # noqa: E402
from wwtest import require  # noqa: E402  (stops at the first failure)

exe, fixtures, scratch = sys.argv[1:4]
os.makedirs(scratch, exist_ok=True)


def run(*args):
    p = wwtest.ww(exe, "analyze", *args)
    return p.returncode, p.stdout, p.stderr


real = os.path.join(fixtures, "real-samples.log")
rc, out, err = run("--log", real, "--json")
require(rc == 0, f"exit 0, got {rc}: {err}")
doc = json.loads(out)
require(doc["files"] == [real], "files")
require(doc["records"] == 18 and doc["malformed"] == 0, f"counts {doc}")
require(doc["lines"] == 27, "lines")
runs = doc["sync_runs"]
require(runs == [{"kind": "manual", "started_at": "2014-01-16T18:53:54Z",
                "finished_at": "2014-01-16T18:55:05Z", "result": "succeeded",
                "error": None}], f"sync_runs {runs}")
require(doc["last_sync_attempt"] == "2014-01-16T18:53:54Z", "last attempt")
require(doc["last_successful_sync"] == "2014-01-16T18:55:05Z", "last success")
cats = {f["category"]: f for f in doc["findings"]}
require(set(cats) == {"tls_no_common_algorithm", "tls12_fix_missing",
                    "retry_limit_exceeded", "health_check_failed"},
      f"categories {sorted(cats)}")
require(cats["tls12_fix_missing"]["count"] == 2, "tls12 count")
require(cats["tls12_fix_missing"]["first_seen"] == "2023-08-04T09:00:00Z", "first")
require(cats["tls12_fix_missing"]["last_seen"] == "2023-12-05T10:00:00Z", "last")
require("common algorithm" in cats["tls_no_common_algorithm"]["example"], "example")
require("SchUseStrongCrypto" in cats["tls12_fix_missing"]["hint"], "hint")
require("wsus_events" not in doc, "no wsus_events without --events")

# .old then current: one run spanning the rotation.
lines = open(os.path.join(fixtures, "track-sync.log"), newline="").readlines()
old = os.path.join(scratch, "SoftwareDistribution.log.old")
cur = os.path.join(scratch, "SoftwareDistribution.log")
open(old, "w", newline="").write("".join(lines[:2]))
open(cur, "w", newline="").write("".join(lines[2:]))
rc, out, err = run("--log", old, "--log", cur, "--json")
require(rc == 0, "two files")
doc = json.loads(out)
require(len(doc["sync_runs"]) == 1 and doc["sync_runs"][0]["result"] == "succeeded",
      f"rotation run {doc['sync_runs']}")
require(doc["files"] == [old, cur], "file order")

# Human summary.
rc, out, err = run("--log", real)
require(rc == 0 and "Last successful sync: 2014-01-16T18:55:05Z" in out, out)

# Exit codes of the contract.
rc, out, err = run("--log", os.path.join(scratch, "missing.log"))
require(rc == 66 and "missing.log" in err, f"66 for a missing file, got {rc}")
rc, out, err = run("--log", os.path.join(fixtures, "glued-kb4505440.txt"))
require(rc == 65 and "glued-kb4505440.txt" in err, f"65 for no records, got {rc}")
rc, out, err = run()
require(rc == 64, f"64 without input, got {rc}")
rc, out, err = run("--log", real, "--bogus")
require(rc == 64, f"64 for an unknown option, got {rc}")
print("ok")
