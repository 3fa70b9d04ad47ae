#!/usr/bin/env bash
# The MSI under Wine, in a Wine prefix of its own: install, configure,
# upgrade to newer MSIs built here with higher versions, repair, uninstall.
# The configuration file and the database are kept throughout, and the
# service runs after each install, upgrade and repair (docs/installer.md).
#
# Wine's RemoveExistingProducts runs the old product's uninstall as
# `msiexec /qn /i {code} REMOVE=ALL`, without UPGRADINGPRODUCTCODE (the
# literal is in Wine 8's msi.dll; the property is nowhere in it), so under
# Wine that uninstall deletes the service.  Mode `lifecycle` therefore also
# runs an upgrade the way Windows runs it, in its two steps (the old
# product's uninstall with UPGRADINGPRODUCTCODE set, then the new install),
# and asserts there that account and arguments are kept; mode
# `keeps-service` asserts it across Wine's own upgrade and exits 77 (SKIP)
# when Wine cannot show it.
#
# usage: msi_lifecycle.sh lifecycle|keeps-service V1.MSI WXS STAGE_DIR BUILD_MSI_SH
# (run in an empty working directory: the prefix and the MSIs go there)
set -euo pipefail
mode=$1 v1=$(realpath "$2") wxs=$3 stage=$4 build=$5
fail() { echo "FAIL $*" >&2; exit 1; }
ok() { echo "ok   $*"; }

export WINEPREFIX=$PWD/prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
rm -rf "$WINEPREFIX"
wineboot -i >/dev/null 2>&1 || true
# A persistent wineserver of this prefix only (never another test's).
wineserver -k >/dev/null 2>&1 || true
wineserver -p
trap 'wineserver -k >/dev/null 2>&1 || true' EXIT
wine cmd /c exit </dev/null >/dev/null 2>&1 || true

bash "$build" "$wxs" "$stage" 0.2.0 v2.msi >/dev/null
bash "$build" "$wxs" "$stage" 0.3.0 v3.msi >/dev/null
code() { msiinfo export "$1" Property | tr -d '\r' | awk '$1 == "ProductCode" {print $2}'; }
c1=$(code "$v1") c2=$(code v2.msi) c3=$(code v3.msi)

exe='C:\Program Files\wsuswatch\wsuswatch.exe'
cfg_win='C:\ProgramData\wsuswatch\wsuswatch.yaml'
data=$WINEPREFIX/drive_c/ProgramData/wsuswatch
svc_key='HKLM\System\CurrentControlSet\Services\wsuswatch'

state() { wine sc query wsuswatch 2>/dev/null | tr -d '\r' | awk '/STATE/ {print $4}'; }
wait_state() {
	local end=$((SECONDS + ${2:-60}))
	while [ "$SECONDS" -lt "$end" ]; do
		[ "$(state)" = "$1" ] && return 0
		sleep 0.3
	done
	return 1
}
reg_value() { wine reg query "$1" /v "$2" 2>/dev/null | tr -d '\r' | sed -n "s/^ *$2 *REG_[A-Z_]* *//p"; }
installed() { wine reg query "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\$1" >/dev/null 2>&1; }
msi() {
	local log=$1
	shift
	wine msiexec "$@" /qn /l*v "$PWD/$log.log" >"$log.out" 2>&1 || {
		cat "$log.out"
		fail "msiexec $*"
	}
}
db_marker() {
	python3 - "$data/wsuswatch.db" "$@" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
if len(sys.argv) > 2:
    db.execute("CREATE TABLE msi_test_marker (v TEXT)")
    db.execute("INSERT INTO msi_test_marker VALUES (?)", (sys.argv[2],))
    db.commit()
print(db.execute("SELECT v FROM msi_test_marker").fetchone()[0])
PY
}
status_config() {
	local json
	for _ in $(seq 1 50); do
		json=$(wine "$exe" status --json 2>/dev/null | tr -d '\r') && break
		json=""
		sleep 0.3
	done
	python3 -c 'import json,sys; print(json.loads(sys.argv[1])["config"])' "$json"
}

# kept WHAT: the configuration file, the database and the service's
# account and arguments as they were set up; the service running.
kept() {
	[ "$(sha256sum <"$data/wsuswatch.yaml")" = "$cfg_sum" ] || fail "$1: configuration changed"
	[ "$(db_marker)" = "msi-test" ] || fail "$1: database lost"
	if [ "${2:-}" != "no-service-settings" ]; then
		[ "$(reg_value "$svc_key" ImagePath)" = "$image" ] ||
			fail "$1: command line '$(reg_value "$svc_key" ImagePath)', was '$image'"
		[ "$(reg_value "$svc_key" ObjectName)" = "$account" ] ||
			fail "$1: account '$(reg_value "$svc_key" ObjectName)', was '$account'"
	fi
	wait_state RUNNING 60 || fail "$1: service not running (state: $(state))"
}

# 1. A first install: the service is registered and started, the default
# configuration created from the example with every setting commented out,
# and the service reads it.
msi install1 /i "$v1"
installed "$c1" || fail "product $c1 not registered"
wait_state RUNNING 60 || fail "service not running after install (state: $(state))"
[ -f "$data/wsuswatch.yaml" ] || fail "no default configuration $cfg_win"
! grep -qvE '^[[:space:]]*(#.*)?$' "$data/wsuswatch.yaml" ||
	fail "default configuration sets keys: $(grep -vE '^[[:space:]]*(#.*)?$' "$data/wsuswatch.yaml" | head -3)"
[ "$(status_config)" = "$cfg_win" ] || fail "the service does not read $cfg_win"
ok "install: service running, reading the default configuration $cfg_win"

# 2. Configure: a setting, an account and arguments of the administrator's.
printf 'interval: 7m\n' >>"$data/wsuswatch.yaml"
wine "$exe" --config "$cfg_win" install --account 'NT SERVICE\wsuswatch' >configure.out 2>&1 ||
	{ cat configure.out; fail "install --account"; }
wine sc stop wsuswatch >/dev/null 2>&1 || true
wait_state STOPPED 60 || fail "service did not stop"
db_marker msi-test >/dev/null
wine sc start wsuswatch >/dev/null 2>&1 || true
cfg_sum=$(sha256sum <"$data/wsuswatch.yaml")
image=$(reg_value "$svc_key" ImagePath)
account=$(reg_value "$svc_key" ObjectName)
[ "$account" = 'NT SERVICE\wsuswatch' ] || fail "account not set: '$account'"
kept "configure"
ok "configured: $image as $account"

if [ "$mode" = keeps-service ]; then
	# Wine's own upgrade: RemoveExistingProducts runs the old uninstall.
	msi upgrade /i v2.msi
	installed "$c2" && ! installed "$c1" || fail "upgrade: products $c1 -> $c2"
	kept "upgrade" no-service-settings
	if [ "$(reg_value "$svc_key" ImagePath)" = "$image" ] &&
	   [ "$(reg_value "$svc_key" ObjectName)" = "$account" ]; then
		ok "upgrade keeps account and arguments"
	else
		echo "SKIP Wine's RemoveExistingProducts runs the old product's uninstall without"
		echo "     UPGRADINGPRODUCTCODE, so its UnregisterService deletes the service; the"
		echo "     lifecycle test runs the upgrade as Windows does (docs/open-items.md)"
		exit 77
	fi
	exit 0
fi

# 3. An upgrade as Windows runs it: the old product's uninstall with
# UPGRADINGPRODUCTCODE set (the service stays, stopped), then the new
# install (the service updated, its settings kept, started).
msi remove-old /x "$v1" UPGRADINGPRODUCTCODE="$c2"
! installed "$c1" || fail "old product still registered"
[ -n "$(state)" ] || fail "the old product's uninstall during an upgrade deleted the service"
msi install2 /i v2.msi
installed "$c2" || fail "product $c2 not registered"
kept "upgrade (as Windows runs it)"
ok "upgrade 0.1.0 -> 0.2.0 as Windows runs it: account, arguments, configuration, database kept; running"

# 4. Repair: every file reinstalled, install run again.  Wine 8's msiexec
# does not implement /f (a product code is a FIXME and exit 1, a package
# path is passed to MsiReinstallProductW as if it were a product code): set
# the properties `msiexec /fa` sets, plus m, u and s (machine and user
# registry, shortcuts) as a repair from Programs and Features does.
msi repair /i v2.msi REINSTALL=ALL REINSTALLMODE=amus
kept "repair"
ok "repair (REINSTALL=ALL REINSTALLMODE=amus): account, arguments, configuration, database kept; running"

# 5. Wine's own upgrade (RemoveExistingProducts after InstallValidate).
msi upgrade3 /i v3.msi
installed "$c3" && ! installed "$c2" || fail "upgrade: products $c2 -> $c3"
kept "upgrade 0.2.0 -> 0.3.0" no-service-settings
ok "upgrade 0.2.0 -> 0.3.0 (msiexec /i): configuration, database kept; running"

# 6. Uninstall: the service and the program go, the data directory stays.
msi uninstall /x v3.msi
! installed "$c3" || fail "product still registered after uninstall"
[ -z "$(state)" ] || fail "service still registered after uninstall"
[ ! -e "$WINEPREFIX/drive_c/Program Files/wsuswatch/wsuswatch.exe" ] || fail "exe left behind"
[ "$(sha256sum <"$data/wsuswatch.yaml")" = "$cfg_sum" ] || fail "uninstall: configuration changed"
[ "$(db_marker)" = "msi-test" ] || fail "uninstall: database lost"
ok "uninstall: service and program removed; configuration and database kept"
echo "all checks passed"
