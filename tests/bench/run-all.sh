#!/bin/sh
# Run every benchmark of tests/bench/ in turn (minutes; not part of CI).
# Each builds what it needs in BUILD_DIR (a Release build without
# sanitizers), generates its input in WORK_DIR and prints a table of ratios
# measured in the same run; each fails loudly when a number cannot be
# measured, and this script stops at the first failure.  Usage:
#   tests/bench/run-all.sh [BUILD_DIR] [WORK_DIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$(cd "$here/../.." && pwd)/build/bench}
work=${2:-/tmp/wwbench}
echo "# $(uname -srm), $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
for b in synclog events ingest control probe summary; do
	echo
	echo "## bench_$b.sh"
	"$here/bench_$b.sh" "$build" "$work"
done
