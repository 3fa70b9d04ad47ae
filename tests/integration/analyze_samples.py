#!/usr/bin/env python3
"""`wsuswatch analyze` on the real SoftwareDistribution.log sample lines.

Usage: analyze_samples.py WSUSWATCH FIXTURES_DIR SCRATCH_DIR
Runs the real binary and checks its JSON against what the samples say.
"""
import json
import os
import subprocess
import sys

exe, fixtures, scratch = sys.argv[1:4]
os.makedirs(scratch, exist_ok=True)


def run(*args):
    p = subprocess.run([exe, "analyze", *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def check(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)


real = os.path.join(fixtures, "real-samples.log")
rc, out, err = run("--log", real, "--json")
check(rc == 0, f"exit 0, got {rc}: {err}")
doc = json.loads(out)
check(doc["files"] == [real], "files")
check(doc["records"] == 18 and doc["malformed"] == 0, f"counts {doc}")
check(doc["lines"] == 27, "lines")
runs = doc["sync_runs"]
check(runs == [{"kind": "manual", "started_at": "2014-01-16T18:53:54Z",
                "finished_at": "2014-01-16T18:55:05Z", "result": "succeeded",
                "error": None}], f"sync_runs {runs}")
check(doc["last_sync_attempt"] == "2014-01-16T18:53:54Z", "last attempt")
check(doc["last_successful_sync"] == "2014-01-16T18:55:05Z", "last success")
cats = {f["category"]: f for f in doc["findings"]}
check(set(cats) == {"tls_no_common_algorithm", "tls12_fix_missing",
                    "retry_limit_exceeded", "health_check_failed"},
      f"categories {sorted(cats)}")
check(cats["tls12_fix_missing"]["count"] == 2, "tls12 count")
check(cats["tls12_fix_missing"]["first_seen"] == "2023-08-04T09:00:00Z", "first")
check(cats["tls12_fix_missing"]["last_seen"] == "2023-12-05T10:00:00Z", "last")
check("common algorithm" in cats["tls_no_common_algorithm"]["example"], "example")
check("SchUseStrongCrypto" in cats["tls12_fix_missing"]["hint"], "hint")
check("wsus_events" not in doc, "no wsus_events without --events")

# .old then current: one run spanning the rotation.
lines = open(os.path.join(fixtures, "track-sync.log"), newline="").readlines()
old = os.path.join(scratch, "SoftwareDistribution.log.old")
cur = os.path.join(scratch, "SoftwareDistribution.log")
open(old, "w", newline="").write("".join(lines[:2]))
open(cur, "w", newline="").write("".join(lines[2:]))
rc, out, err = run("--log", old, "--log", cur, "--json")
check(rc == 0, "two files")
doc = json.loads(out)
check(len(doc["sync_runs"]) == 1 and doc["sync_runs"][0]["result"] == "succeeded",
      f"rotation run {doc['sync_runs']}")
check(doc["files"] == [old, cur], "file order")

# Human summary.
rc, out, err = run("--log", real)
check(rc == 0 and "Last successful sync: 2014-01-16T18:55:05Z" in out, out)

# Exit codes of the contract.
rc, out, err = run("--log", os.path.join(scratch, "missing.log"))
check(rc == 66 and "missing.log" in err, f"66 for a missing file, got {rc}")
rc, out, err = run("--log", os.path.join(fixtures, "glued-kb4505440.txt"))
check(rc == 65 and "glued-kb4505440.txt" in err, f"65 for no records, got {rc}")
rc, out, err = run()
check(rc == 64, f"64 without input, got {rc}")
rc, out, err = run("--log", real, "--bogus")
check(rc == 64, f"64 for an unknown option, got {rc}")
print("ok")
