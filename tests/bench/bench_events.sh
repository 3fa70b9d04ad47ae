#!/bin/sh
# Benchmark of the event XML import (`wsuswatch analyze --events FILE
# --json`, probes/events/evimport.c, expat streaming) beside `xmllint --stream
# --noout` and `grep -c '<Event '` over the same bytes, on generated
# wevtutil exports of 10k, 100k and 300k events; plus peak RSS.
# Not a ctest: timings depend on the machine.  Usage:
#   tests/bench/bench_events.sh [BUILD_DIR] [WORK_DIR]
# Needs xmllint (libxml2-utils), bc, /usr/bin/time (time), python3.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build/bench}
work=${2:-/tmp/wwbench}
mkdir -p "$work"
. "$src/tests/bench/lib.sh"
need xmllint bc python3 grep
[ -x /usr/bin/time ] || die "/usr/bin/time is not installed (package time)"
build_targets wsuswatch
ww=$build/wsuswatch

echo "events  size     analyze MB/s  ev/s      xmllint MB/s  grep MB/s  analyze/xmllint  analyze/grep  RSS analyze  RSS xmllint"
for n in 10000 100000 300000; do
	f=$work/events-$n.xml
	[ -f "$f" ] || python3 "$src/tests/bench/gen_events.py" "$f" "$n" ||
		die "generate $f"
	# wevtutil output has no root element; xmllint gets the same bytes
	# inside one (the importer adds the same synthetic root itself).
	w=$work/events-$n.rooted.xml
	[ -f "$w" ] || { printf '<r>\n'; cat "$f"; printf '</r>\n'; } >"$w"
	size=$(stat -c %s "$f")
	cat "$f" "$w" >/dev/null # warm the page cache for every contender

	got=$("$ww" analyze --events "$f" --json | python3 -c \
		'import json,sys; e=json.load(sys.stdin)["events_input"]; print(e["events"] if not e["malformed"] and not e["truncated"] else -1)')
	[ "$got" = "$n" ] || die "analyze saw $got events in $f, not $n"
	[ "$(grep -c '<Event ' "$f")" = "$n" ] || die "grep count of $f"

	ta=$(secs "$ww" analyze --events "$f" --json)
	tx=$(secs xmllint --stream --noout "$w")
	tg=$(secs grep -c '<Event ' "$f")
	ra=$(peak_kb "$ww" analyze --events "$f" --json)
	rx=$(peak_kb xmllint --stream --noout "$w")
	mb=$(calc "$size / 1048576" 1)
	printf '%-7s %-8s %-13s %-9s %-13s %-10s %-16s %-13s %-12s %s\n' \
		"$n" "$mb MB" "$(calc "$size / 1048576 / $ta" 1)" \
		"$(calc "$n / $ta" 0)" "$(calc "$size / 1048576 / $tx" 1)" \
		"$(calc "$size / 1048576 / $tg" 1)" "$(calc "$tx / $ta")" \
		"$(calc "$tg / $ta")" "$(calc "$ra / 1024" 1) MB" \
		"$(calc "$rx / 1024" 1) MB"
done
