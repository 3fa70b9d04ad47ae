#!/bin/sh
# Benchmark of the store ingest (the price of exactly-once persistence):
# a generated SoftwareDistribution.log of 200 000 records read by the real
# tailer into a fresh store (ww_bench_ingest, tests/bench/ingest.c), one
# transaction per BATCH records, versus `wsuswatch analyze --log` of the
# same file (same parser and classifier, no store).  Not a ctest.  Usage:
#   tests/bench/bench_ingest.sh [BUILD_DIR] [WORK_DIR]
# Needs bc and /usr/bin/time (package time).
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build/bench}
work=${2:-/tmp/wwbench}
mkdir -p "$work"
. "$src/tests/bench/lib.sh"
need bc python3
[ -x /usr/bin/time ] || die "/usr/bin/time is not installed (package time)"
build_targets wsuswatch ww_bench_gen ww_bench_ingest
ww=$build/wsuswatch
log=$work/sd-200k.log
db=$work/ingest.db
[ -f "$log" ] || "$build/ww_bench_gen" --records "$log" 200000 || die "generate $log"
cat "$log" >/dev/null

recs=$("$ww" analyze --log "$log" --json | python3 -c \
	'import json,sys; print(json.load(sys.stdin)["records"])')
[ "$recs" -ge 200000 ] || die "analyze saw $recs records"
# Best of 5 for the runs of a tenth of a second, 3 for the slow ones.
ta=$(BENCH_REPEAT=5 secs "$ww" analyze --log "$log" --json)
rssa=$(peak_kb "$ww" analyze --log "$log" --json)
echo "$(calc "$(stat -c %s "$log") / 1048576" 1) MB, $recs records"
printf '%-38s %-10s %-12s %-10s %-14s %-10s %s\n' "" "records/s" "transactions" \
	"findings" "vs analyze" "peak RSS" "db size per 100k records"
printf '%-38s %-10s %-12s %-10s %-14s %-10s %s\n' "analyze --log (no store)" \
	"$(calc "$recs / $ta" 0)" "-" "-" "1.00" "$(calc "$rssa / 1024" 1) MB" "-"
for b in 1 10 100 1000 10000; do
	r=5
	[ "$b" -ge 100 ] || r=3
	ti=$(BENCH_REPEAT=$r secs "$build/ww_bench_ingest" "$db" "$log" "$b")
	line=$(cat "$work/out")
	rssi=$(peak_kb "$build/ww_bench_ingest" "$db" "$log" "$b")
	# records= batches= findings= run_updates= ms= db_bytes=
	eval "$(echo "$line" | tr ' ' '\n' | sed -n 's/^\([a-z_]*\)=\([0-9]*\)$/i_\1=\2/p')"
	[ "${i_records:-0}" = "$recs" ] ||
		die "batch $b: the tailer committed ${i_records:-no} records, analyze saw $recs"
	[ "${i_batches:-0}" -gt 0 ] && [ "${i_db_bytes:-0}" -gt 0 ] ||
		die "batch $b: no transactions or no database: $line"
	label="tailer -> store, batch $b"
	[ "$b" = 1000 ] && label="$label (default)"
	printf '%-38s %-10s %-12s %-10s %-14s %-10s %s\n' "$label" \
		"$(calc "$recs / $ti" 0)" "$i_batches" "$i_findings" \
		"$(calc "$ti / $ta")x time" "$(calc "$rssi / 1024" 1) MB" \
		"$(calc "$i_db_bytes / 1048576 * 100000 / $recs" 2) MB"
done
