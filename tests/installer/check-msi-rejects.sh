#!/usr/bin/env bash
# The MSI rules (msi_rules.py) reject the package this issue started from:
# fixtures/ded00f1.wxs is installer/wsuswatch.wxs of commit ded00f1, built
# here with wixl as ded00f1's installer/CMakeLists.txt built it (a stand-in
# exe: the tables do not depend on its bytes).  Three builds, because wixl
# placed its UnregisterService at 2601 or 1 from one build to the next.
#
# usage: check-msi-rejects.sh WORKDIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$1
mkdir -p "$work"
cd "$work"
printf 'MZ' >wsuswatch.exe
printf '# example\n' >wsuswatch.example.yaml
fail() { echo "check-msi-rejects: FAIL $*" >&2; exit 1; }
for i in 1 2 3; do
	wixl -a x64 -D Version=0.1.0 -D ExePath=wsuswatch.exe \
		-D ExampleConfig=wsuswatch.example.yaml -o old.msi "$here/fixtures/ded00f1.wxs"
	if out=$(python3 "$here/msi_rules.py" old.msi); then
		fail "ded00f1's MSI passes the rules"
	fi
	for want in 'RemoveExistingProducts at [0-9]+ \(after [A-Za-z]+\) is where Windows does not allow it' \
		'UnregisterService .*NOT UPGRADINGPRODUCTCODE' \
		"no row for wsuswatch does 'stop on install/repair'"; do
		grep -qE "$want" <<<"$out" || fail "build $i: no '$want' in: $out"
	done
	echo "build $i: $(grep -c FAIL <<<"$out") rules broken; $(grep -oE 'UnregisterService at [0-9]+' <<<"$out" | head -1)"
done
echo "check-msi-rejects: ded00f1's MSI is rejected"
