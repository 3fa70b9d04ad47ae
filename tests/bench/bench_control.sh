#!/bin/sh
# Benchmark of the control socket under load: requests/s and p50/p99
# latency of {"cmd":"status"} with 1, 16 and 200 concurrent clients against
# a running `wsuswatch run --foreground`, beside a trivial python echo
# server on a Unix socket with the same client in the same run; then the
# monitor's RSS before and after 100 000 requests (a leak check that fails
# the script).  Not a ctest.  Usage:
#   tests/bench/bench_control.sh [BUILD_DIR] [WORK_DIR]
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build/bench}
work=${2:-/tmp/wwbench}
mkdir -p "$work"
. "$src/tests/bench/lib.sh"
need python3
build_targets wsuswatch
python3 "$src/tests/bench/bench_control.py" "$build/wsuswatch" \
	"$src/tests/fixtures" "$work/control" || die "control socket benchmark"
