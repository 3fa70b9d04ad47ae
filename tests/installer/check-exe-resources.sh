#!/usr/bin/env bash
# wsuswatch.exe carries a VERSIONINFO with the project's version and an
# application manifest (asInvoker, supportedOS, UTF-8 active code page)
# beside its Event Log message table: read back with windres.
#
# usage: check-exe-resources.sh WSUSWATCH.EXE VERSION [WINDRES]
set -euo pipefail
exe=$1
version=$2
windres=${3:-x86_64-w64-mingw32-windres}
fail() { echo "check-exe-resources: FAIL $*" >&2; exit 1; }
rc=$("$windres" -i "$exe" -O rc 2>/dev/null) || fail "windres cannot read $exe"
grep -qE '^1 11 ' <<<"$rc" || fail "no message table (RT_MESSAGETABLE 1)"
grep -qE '^1 VERSIONINFO' <<<"$rc" || fail "no VERSIONINFO"
IFS=. read -r maj min pat <<<"$version"
grep -qE "^ *FILEVERSION $maj, *$min, *$pat, *0" <<<"$rc" || fail "FILEVERSION is not $version.0"
grep -qE "VALUE \"ProductVersion\", \"$version\"" <<<"$rc" || fail "ProductVersion is not $version"
grep -qE "VALUE \"OriginalFilename\", \"wsuswatch.exe\"" <<<"$rc" || fail "OriginalFilename"
grep -qE '^1 24 ' <<<"$rc" || fail "no manifest (RT_MANIFEST 1)"
grep -q 'requestedExecutionLevel level=""asInvoker""' <<<"$rc" || fail "manifest: not asInvoker"
grep -q '8e0f7a12-bfb3-4fe8-b9a5-48fd50a15a9a' <<<"$rc" || fail "manifest: Windows 10/Server 2016+ not in supportedOS"
grep -q '>UTF-8</activeCodePage>' <<<"$rc" || fail "manifest: no UTF-8 activeCodePage"
echo "check-exe-resources: $exe ok"
