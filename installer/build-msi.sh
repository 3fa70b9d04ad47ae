#!/usr/bin/env bash
# Build the wsuswatch MSI from a directory holding wsuswatch.exe and
# wsuswatch.example.yaml (wixl resolves File/@Source only relative to its
# working directory).  Used by installer/CMakeLists.txt and by the Wine test
# that builds a second, newer MSI for the upgrade.
#
# usage: build-msi.sh WXS STAGE_DIR VERSION OUT.msi
set -euo pipefail
wxs=$(realpath "$1")
stage=$2
version=$3
out=$(realpath -m "$4")
cd "$stage"
wixl -a x64 -D Version="$version" -D ExePath=wsuswatch.exe \
	-D ExampleConfig=wsuswatch.example.yaml -o "$out" "$wxs"
# wixl 0.101 ignores CustomAction/@Execute="rollback" (it sets only the
# in-script bit for "deferred"): add msidbCustomActionTypeRollback (0x100)
# here.  tests/installer/check-msi.sh asserts the resulting types.
msibuild "$out" -q "UPDATE \`CustomAction\` SET \`Type\` = 3410 WHERE \`Action\` = 'RegisterServiceRollback' OR \`Action\` = 'UnregisterServiceRollback'"
