#!/bin/sh
# Benchmark of `wsuswatch analyze` against grep and wc on the same file.
# Not a ctest: timings depend on the machine.  Usage:
#   tests/bench/bench_synclog.sh [BUILD_DIR] [WORK_DIR]
# BUILD_DIR is configured as a Release build without sanitizers (default
# build/bench); WORK_DIR holds the generated logs (default /tmp/wwbench).
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build/bench}
work=${2:-/tmp/wwbench}
mkdir -p "$work"
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DWW_SANITIZE=OFF >/dev/null
cmake --build "$build" -j2 --target wsuswatch ww_bench_gen >/dev/null
"$build/ww_bench_gen" --patterns > "$work/PATTERNS"

secs() { # command... -> wall seconds of the best of 3 runs
	best=
	for _ in 1 2 3; do
		t0=$(date +%s.%N)
		# Not /dev/null: GNU grep stops at the first match when it sees
		# that its output is discarded.
		"$@" >"$work/out"
		t1=$(date +%s.%N)
		t=$(echo "$t1 - $t0" | bc -l)
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
	done
	echo "$best"
}

for mb in 50 200; do
	log=$work/sd-$mb.log
	[ -f "$log" ] || "$build/ww_bench_gen" "$log" "$mb"
	size=$(stat -c %s "$log")
	cat "$log" > /dev/null # warm the page cache for every contender
	ta=$(secs "$build/wsuswatch" analyze --log "$log" --json)
	tg=$(secs grep -c -F -f "$work/PATTERNS" "$log")
	tw=$(secs wc -l "$log")
	rss=$(/usr/bin/time -f %M "$build/wsuswatch" analyze --log "$log" --json 2>&1 >"$work/out" | tail -1)
	rssg=$(/usr/bin/time -f %M grep -c -F -f "$work/PATTERNS" "$log" 2>&1 >"$work/out" | tail -1)
	printf '%4d MB  analyze %7.1f MB/s  grep -c -F -f %7.1f MB/s  wc -l %7.1f MB/s  analyze/grep %.2f  peak RSS analyze %d KB, grep %d KB\n' \
		"$mb" "$(echo "$size / 1048576 / $ta" | bc -l)" \
		"$(echo "$size / 1048576 / $tg" | bc -l)" \
		"$(echo "$size / 1048576 / $tw" | bc -l)" \
		"$(echo "$tg / $ta" | bc -l)" "$rss" "$rssg"
done
echo "grep matches: $(grep -c -F -f "$work/PATTERNS" "$work/sd-200.log") lines; analyze records: $("$build/wsuswatch" analyze --log "$work/sd-200.log" --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["records"], "records,", len(d["sync_runs"]), "sync runs,", sum(f["count"] for f in d["findings"]), "findings")')"
