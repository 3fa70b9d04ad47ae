#!/bin/sh
# Validate a Prometheus textfile written by wsuswatch with promtool
# (Debian package "prometheus").  Exit 77 (ctest SKIP) only when promtool
# is not installed; any complaint from promtool (errors or lint problems)
# fails the test.
file=$1
if ! command -v promtool >/dev/null 2>&1; then
	echo "SKIP: promtool not found; install it with: apt-get install prometheus" >&2
	exit 77
fi
if [ ! -s "$file" ]; then
	echo "FAIL: $file missing or empty (the unit_health_cycle test writes it)" >&2
	exit 1
fi
cat "$file"
out=$(promtool check metrics < "$file" 2>&1)
rc=$?
echo "$out"
[ $rc -eq 0 ] && [ -z "$out" ]
