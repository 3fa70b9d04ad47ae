#!/usr/bin/env bash
# `install` under Wine where it must refuse, leaving everything as it was:
#  1. C:\ProgramData\wsuswatch is a symbolic link to another directory (as
#     a user could plant one before the MSI runs install as SYSTEM): exit
#     non-zero, no service registered, and the target's permissions (Unix
#     mode, owner and the security descriptor Wine keeps in the
#     user.wine.sd extended attribute) unchanged.
#  2. The binary sits in a world-writable folder: exit 74 naming who can
#     change it, nothing registered.
# The data directory of the prefix is moved aside and restored.
#
# usage: install_hardening.sh WSUSWATCH.EXE   (WINEPREFIX set by the caller)
set -euo pipefail
exe=$(readlink -f "$1")
: "${WINEPREFIX:?set WINEPREFIX}"
export WINEDEBUG=${WINEDEBUG:--all}
fail() { echo "FAIL $*" >&2; exit 1; }
ok() { echo "ok   $*"; }

pd="$WINEPREFIX/drive_c/ProgramData/wsuswatch"
work=$(mktemp -d)
kept=""
cleanup() {
	rm -f "$pd" 2>/dev/null || true
	[ -n "$kept" ] && mv "$kept" "$pd"
	rm -rf "$work"
}
trap cleanup EXIT
if [ -e "$pd" ] || [ -L "$pd" ]; then
	kept="$work/kept-data-dir"
	mv "$pd" "$kept"
fi
registered() { wine sc query wsuswatch >/dev/null 2>&1; }
registered && fail "precondition: the wsuswatch service is already registered"

# Mode, owner and every extended attribute (Wine's security descriptor).
perms() {
	python3 - "$1" <<'PY'
import os, sys
p = sys.argv[1]
st = os.stat(p)
print(oct(st.st_mode), st.st_uid, st.st_gid)
for a in sorted(os.listxattr(p)):
    print(a, os.getxattr(p, a).hex())
PY
}

target="$work/elsewhere"
mkdir -m 0755 "$target"
echo secret >"$target/file"
before=$(perms "$target"; perms "$target/file")
ln -s "$target" "$pd"
rc=0
wine "$exe" install >"$work/out" 2>&1 || rc=$?
tr -d '\r' <"$work/out"
[ "$rc" -ne 0 ] || fail "install through a symlinked data directory exited 0"
grep -q "link or junction" "$work/out" || fail "the message does not name the link"
ok "install refused the symlinked data directory (exit $rc)"
after=$(perms "$target"; perms "$target/file")
[ "$before" = "$after" ] || fail "the link's target changed: before [$before] after [$after]"
ok "the link's target keeps its permissions"
registered && fail "a service was registered"
ok "no service registered"
rm -f "$pd"

shared="$work/shared"
mkdir "$shared"
chmod 0777 "$shared"
cp "$exe" "$shared/wsuswatch.exe"
rc=0
wine "$shared/wsuswatch.exe" install >"$work/out2" 2>&1 || rc=$?
tr -d '\r' <"$work/out2"
[ "$rc" -eq 74 ] || fail "install from a world-writable folder exited $rc, want 74"
grep -q "can be changed by" "$work/out2" || fail "the message does not say who can change it"
ok "install refused a binary in a world-writable folder (exit 74)"
registered && fail "a service was registered"
ok "no service registered"
echo "all checks passed"
