#!/usr/bin/env bash
# Another process serves \\.\pipe\wsuswatch (tests/wine/pipe_squatter_win32.c)
# while the service is not running:
#  1. `status` exits non-zero and names that process's PID: it never shows
#     the squatter's answer ("health ok" of its own making);
#  2. a monitor that cannot create the pipe says which PID holds the name
#     (what the service writes to the Event Log), where Wine refuses the
#     first instance as Windows does; skipped (exit 77) where it does not.
#
# usage: pipe_squatter.sh WSUSWATCH.EXE SQUATTER.EXE status|monitor
# (two ctests, so that the skipped part does not hide the other; WINEPREFIX set)
set -euo pipefail
exe=$(readlink -f "$1")
squatter=$(readlink -f "$2")
part=$3
: "${WINEPREFIX:?set WINEPREFIX}"
export WINEDEBUG=${WINEDEBUG:--all}
fail() { echo "FAIL $*" >&2; exit 1; }
ok() { echo "ok   $*"; }

work=$(mktemp -d)
spid=""
cleanup() {
	[ -n "$spid" ] && kill "$spid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
wine sc query wsuswatch >/dev/null 2>&1 && fail "precondition: the wsuswatch service is registered"

wine "$squatter" wsuswatch "Z:${work//\//\\}\\pid" </dev/null >/dev/null 2>&1 &
spid=$!
for _ in $(seq 1 100); do [ -s "$work/pid" ] && break; sleep 0.1; done
[ -s "$work/pid" ] || fail "the squatter did not start"
winpid=$(tr -d '\r\n' <"$work/pid")

if [ "$part" = status ]; then
rc=0
wine "$exe" status >"$work/out" 2>&1 </dev/null || rc=$?
msg=$(tr -d '\r' <"$work/out")
echo "$msg"
[ "$rc" -ne 0 ] || fail "status exited 0 with a squatter on the pipe"
grep -q "process $winpid" <<<"$msg" || fail "the message does not name PID $winpid"
grep -qi "health" <<<"$msg" && fail "status printed the squatter's answer"
ok "status refused the squatter (exit $rc) and named its PID $winpid"
echo "all checks passed"
exit 0
fi

# The monitor itself (console: its log goes to stderr, as a service to the
# Event Log): a configuration with everything else off.
cat >"$work/cfg.yaml" <<YAML
database: 'Z:${work//\//\\}\\ww.db'
probes: {microsoft_update: "off", upstream: "off"}
wsus: {log: 'Z:${work//\//\\}\\none.log', discover: false}
alerts: {eventlog: false}
YAML
rc=0
timeout 60 wine "$exe" --config "Z:${work//\//\\}\\cfg.yaml" run --foreground \
	>"$work/run" 2>&1 </dev/null &
mpid=$!
for _ in $(seq 1 100); do
	kill -0 "$mpid" 2>/dev/null || break
	grep -q "monitor running" "$work/run" 2>/dev/null && break
	sleep 0.2
done
if kill -0 "$mpid" 2>/dev/null; then
	kill "$mpid" 2>/dev/null || true
	wait "$mpid" 2>/dev/null || true
	tr -d '\r' <"$work/run"
	echo "skip: Wine let a second process create the first pipe instance (Windows refuses it)"
	exit 77
fi
wait "$mpid" || rc=$?
run=$(tr -d '\r' <"$work/run")
echo "$run"
[ "$rc" -eq 69 ] || fail "the monitor exited $rc, want 69 (the pipe is taken)"
grep -q "PID $winpid" <<<"$run" || fail "the monitor's error does not name PID $winpid"
ok "the monitor refused to start and named the holder's PID $winpid"
echo "all checks passed"
