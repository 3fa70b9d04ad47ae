#!/bin/sh
# Benchmark of the sync-run summary (ww_runs_summarise() over the store's
# rows, docs/health.md "Time"): `wsuswatch check` on a store holding RUNS
# sync runs of two sources versus the same check on a store holding one, so
# the ratio is the price of the summary as the store grows (a Nagios check
# every minute, a health run after each log change).  RUNS: 6 000 (a
# month of a busy server, more than retention keeps) and 60 000 (a store
# fed a hostile log; the loader stops at 65 536).  The stores are made by
# `wsuswatch run --once` (schema) plus rows inserted with Python's sqlite3.
# Not a ctest.  Usage:
#   tests/bench/bench_summary.sh [BUILD_DIR] [WORK_DIR]
# Needs bc, python3 and /usr/bin/time (package time).
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build/bench}
work=${2:-/tmp/wwbench}
mkdir -p "$work"
. "$src/tests/bench/lib.sh"
need bc python3
[ -x /usr/bin/time ] || die "/usr/bin/time is not installed (package time)"
build_targets wsuswatch
ww=$build/wsuswatch

# A store of n runs: config, schema by one monitor run, then the rows.
make_store() { # n
	d=$work/summary-$1
	rm -rf "$d"
	mkdir -p "$d"
	cat >"$d/wsuswatch.yaml" <<EOF
database: '$d/store.db'
wsus: {log: '$d/none.log', discover: false}
probes: {microsoft_update: "off", upstream: "off"}
alerts: {syslog: false}
EOF
	"$ww" --config "$d/wsuswatch.yaml" run --once >"$d/run.out" 2>&1 ||
		[ $? -le 3 ] || die "run --once for the schema ($d/run.out)"
	python3 - "$d/store.db" "$1" <<'EOF' || die "insert $1 runs"
import sqlite3, sys, time
db, n = sqlite3.connect(sys.argv[1]), int(sys.argv[2])
now = int(time.time())
rows = []
for i in range(n):
    src = "log" if i % 2 else "eventlog"
    t = now - (n - i) * 300
    rows.append((src, f"k{i}", "scheduled", t, t + 60,
                 "succeeded" if i % 3 == 0 else "failed"))
db.executemany("INSERT INTO sync_run (source, source_key, kind, started_at,"
               " finished_at, result) VALUES (?, ?, ?, ?, ?, ?)", rows)
db.commit()
EOF
	echo "$d/wsuswatch.yaml"
}

# check exits with its verdict (0-3): any of those is a measured run.
check() { # config
	"$ww" --config "$1" check >"$work/check.out" 2>&1 || [ $? -le 3 ] ||
		die "check failed: $(cat "$work/check.out")"
}

one=$(make_store 1)
[ -n "$one" ] || die "no store of 1 run"
base=$(BENCH_REPEAT=5 secs check "$one")
rss1=$(peak_kb sh -c "'$ww' --config '$one' check; exit 0")
echo "| runs in the store | check (best of 5) | ratio to 1 run | peak RSS |"
echo "|---|---|---|---|"
echo "| 1 | $(calc "$base * 1000" 1) ms | 1.00 | $rss1 KB |"
for n in 6000 60000; do
	cfg=$(make_store "$n")
	[ -n "$cfg" ] || die "no store of $n runs"
	t=$(BENCH_REPEAT=5 secs check "$cfg")
	rss=$(peak_kb sh -c "'$ww' --config '$cfg' check; exit 0")
	echo "| $n | $(calc "$t * 1000" 1) ms | $(calc "$t / $base") | $rss KB |"
done
