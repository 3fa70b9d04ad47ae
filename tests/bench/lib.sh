# Shared by the benchmark scripts (sourced, POSIX sh).  Every helper fails
# loudly: a benchmark that cannot measure a number must not print a table.
#
# Expects: $src (source tree), $build (Release build dir), $work (scratch).

die() {
	echo "BENCH FAILED: $*" >&2
	exit 1
}

need() { # tool... : each must be on PATH
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || die "'$t' is not installed"
	done
}

# Configure a Release build without sanitizers and build the targets.
build_targets() {
	cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release \
		-DWW_SANITIZE=OFF >"$work/cmake.log" 2>&1 ||
		{ cat "$work/cmake.log" >&2; die "cmake configure"; }
	cmake --build "$build" -j2 --target "$@" >"$work/cmake.log" 2>&1 ||
		{ cat "$work/cmake.log" >&2; die "cmake --build $*"; }
}

# secs CMD... -> wall seconds of the best of $BENCH_REPEAT (3) runs, stdout
# to $work/out (not /dev/null: GNU grep stops at the first match when it
# sees its output discarded).  A failing command fails the benchmark.
secs() {
	best=
	i=0
	while [ $i -lt "${BENCH_REPEAT:-3}" ]; do
		i=$((i + 1))
		t0=$(date +%s.%N)
		"$@" >"$work/out" || die "exit $?: $*"
		t1=$(date +%s.%N)
		t=$(echo "$t1 - $t0" | bc -l)
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then
			best=$t
		fi
	done
	[ "$(echo "$best > 0" | bc -l)" = 1 ] || die "no time measured: $*"
	echo "$best"
}

# peak_kb CMD... -> peak RSS in KB (/usr/bin/time -v), stdout discarded.
peak_kb() {
	/usr/bin/time -v "$@" >"$work/out" 2>"$work/time.txt" ||
		{ cat "$work/time.txt" >&2; die "exit: $*"; }
	kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
	[ -n "$kb" ] && [ "$kb" -gt 0 ] || die "no peak RSS for: $*"
	echo "$kb"
}

# calc EXPR [SCALE] -> the value of EXPR with SCALE decimals (default 2)
calc() {
	printf "%.${2:-2}f" "$(echo "$1" | bc -l)"
}
