#!/usr/bin/env bash
# The two TLS paths of the guides under Wine (issue 14, item 2), with the
# real wsuswatch.exe: host states set with `wine reg add` (after
# host_baseline.reg), w3wp.exe.config
# placed in the prefix's system32\inetsrv, a SoftwareDistribution.log in
# the real format (TAB columns, CRLF, a stack line), and for each state
# both faces: `diagnose --json` (its cause: check, summary, evidence, fix)
# and the monitor (`run --once`, then `check`, which reads the store; and
# `run --foreground` with `status --json` over the control pipe).
#
#   A  a cipher suite order (Group Policy, REG_MULTI_SZ) without a suite
#      the endpoint accepts on 2012 R2, while the log shows resets
#   B  resets with no SCHANNEL startup lines since WSUS started
#   C  w3wp.exe.config keeps manual import off the system's TLS defaults
#      (send errors while sync succeeds)
#
# usage: tls_paths.sh WSUSWATCH.EXE   (WINEPREFIX set by the caller)
set -euo pipefail
exe=$1
fail() { echo "FAIL $*" >&2; exit 1; }
ok() { echo "ok   $*"; }
: "${WINEPREFIX:?set WINEPREFIX}"
export WINEDEBUG=${WINEDEBUG:--all}
[ -f "$WINEPREFIX/system.reg" ] || wineboot -i >/dev/null 2>&1

TLS='HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Client'
NET64='HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319'
NET32='HKLM\SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319'
SETUP='HKLM\SOFTWARE\Microsoft\Update Services\Server\Setup'
POLICY='HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002'
OS='HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion'
dir="$WINEPREFIX/drive_c/tlspaths"
sys32=$(winepath -u 'C:\windows\system32' 2>/dev/null | tr -d '\r')
w3wp="$sys32/inetsrv/w3wp.exe.config"

reg() { wine reg "$@" >/dev/null 2>&1 || true; }
# `wine reg ARGS`, retried once (said so) if it fails, fatal the second time.
must() {
	local out
	out=$(wine reg "$@" 2>&1) && return 0
	sleep 1
	wine reg "$@" >/dev/null 2>&1 || fail "reg $*: $out"
	echo "WARNING: reg $* succeeded only on attempt 2 (first: $out)"
}
baseline=$(winepath -w "$(realpath "$(dirname "$0")")/host_baseline.reg" 2>/dev/null | tr -d '\r')
# The prefix's own OS values, put back at the end.
old_build=$(wine reg query "$OS" /v CurrentBuild 2>/dev/null | tr -d '\r' | awk '/CurrentBuild/ {print $3}')
old_product=$(wine reg query "$OS" /v ProductName 2>/dev/null | tr -d '\r' | sed -n 's/.*REG_SZ *//p')
cleanup() {
	reg import "$baseline"
	if [ -n "$old_build" ]; then reg add "$OS" /v CurrentBuild /t REG_SZ /d "$old_build" /f; fi
	if [ -n "$old_product" ]; then reg add "$OS" /v ProductName /t REG_SZ /d "$old_product" /f; fi
	rm -f "$w3wp"
	[ -n "${TLS_PATHS_KEEP:-}" ] || rm -rf "$dir"
}
trap cleanup EXIT
cleanup
# Whatever an earlier test left behind (host_baseline.reg), for sure.
must import "$baseline"

# A 2012 R2 WSUS server set up the way the guides say.
must add "$TLS" /v Enabled /t REG_DWORD /d 1 /f
must add "$TLS" /v DisabledByDefault /t REG_DWORD /d 0 /f
must add "$NET64" /v SchUseStrongCrypto /t REG_DWORD /d 1 /f
must add "$NET32" /v SchUseStrongCrypto /t REG_DWORD /d 1 /f
must add "$SETUP" /v PortNumber /t REG_DWORD /d 8530 /f
must add "$OS" /v CurrentBuild /t REG_SZ /d 9600 /f
must add "$OS" /v ProductName /t REG_SZ /d "Windows Server 2012 R2 Standard" /f
mkdir -p "$dir" "$(dirname "$w3wp")"
cat >"$dir/wsuswatch.yaml" <<'EOF'
database: 'C:\tlspaths\ww.db'
wsus:
  discover: false
  log: 'C:\tlspaths\SoftwareDistribution.log'
  muurl: https://sws.update.microsoft.com
probes:
  microsoft_update: off
  upstream: off
  local: off
alerts:
  eventlog: false
control:
  pipe: wwtlspaths
EOF
cfg='C:\tlspaths\wsuswatch.yaml'

# write_log SCHANNEL(yes|no) SUCCESS_HOURS_AGO: the log, times relative to
# now.  WSUS (its web service) started 3 h ago; a sync at 2 h ago failed
# with the send error (WsusService); with SUCCESS 1 the failure came from
# w3wp (manual import) and sync succeeded an hour ago.
write_log() {
	python3 - "$dir/SoftwareDistribution.log" "$1" "$2" <<'EOF'
import datetime as dt, sys
path, schannel, success = sys.argv[1], sys.argv[2] == "yes", float(sys.argv[3])
now = dt.datetime.now(dt.timezone.utc)
def t(h): return (now - dt.timedelta(hours=h)).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + " UTC"
send = ("ProcessWebServiceProxyException found Exception was WebException. Action: Retry. "
        "Exception Details: System.Net.WebException: The underlying connection was closed: "
        "An unexpected error occurred on a send. ---> System.IO.IOException: Unable to read "
        "data from the transport connection: An existing connection was forcibly closed by the "
        "remote host. ---> System.Net.Sockets.SocketException: An existing connection was "
        "forcibly closed by the remote host")
ev = "EventLogEventReporter.ReportEvent"
L = [f"{t(60)}\tInfo\tWsusService.15\t{ev}\tEventId=384,Type=Information,Category=Synchronization,Message=Synchronization completed successfully.",
     f"{t(3)}\tInfo\tw3wp.13\tClientImplementation..ctor\tInitializing ClientWebService ProcessID = 380, Process Start Time = 12/3/2026 8:00:00 AM, Product Version = 6.3.9600.18324"]
if schannel:
    for m in ("SCHANNEL Protocol 'TLS 1.0' disabled", "SCHANNEL Protocol 'TLS 1.1' disabled",
              "SCHANNEL Protocols subkey for 'TLS 1.2' not found. Protocol is enabled"):
        L.append(f"{t(3)}\tInfo\tWsusService.9\tSusService.Startup\t{m}")
if success < 2:
    L += [f"{t(2)}\tError\tw3wp.42\tWebServiceCommunicationHelper.ProcessWebServiceProxyException\t{send}",
          "   at System.Net.Sockets.NetworkStream.Read(Byte[] buffer, Int32 offset, Int32 size)",
          f"{t(success + 0.2)}\tInfo\tWsusService.15\t{ev}\tEventId=381,Type=Information,Category=Synchronization,Message=A scheduled synchronization was started.",
          f"{t(success)}\tInfo\tWsusService.15\t{ev}\tEventId=384,Type=Information,Category=Synchronization,Message=Synchronization completed successfully."]
else:
    L += [f"{t(2.2)}\tInfo\tWsusService.15\t{ev}\tEventId=381,Type=Information,Category=Synchronization,Message=A scheduled synchronization was started.",
          f"{t(2)}\tError\tWsusService.20\tWebServiceCommunicationHelper.ProcessWebServiceProxyException\t{send}",
          "   at System.Net.Sockets.NetworkStream.Read(Byte[] buffer, Int32 offset, Int32 size)",
          f"{t(1.9)}\tError\tWsusService.15\t{ev}\tEventId=386,Type=Error,Category=Synchronization,Message=Synchronization failed. Reason: The underlying connection was closed: An unexpected error occurred on a send."]
# A later record, so the tailer knows the one before it is complete (it
# holds the last record of a file until the next header or quiet time).
L.append(f"{t(0.5)}\tInfo\tWsusService.9\tSusService.ValidateServerCertificate\tCheckValidationResult Succeeds: CertOK")
open(path, "w", newline="").write("\r\n".join(L) + "\r\n")
EOF
}

# expect_diagnose LABEL PYTHON-CONDITIONS...: the JSON's cause (c) and its
# checks (k: name -> check) must meet every condition.
expect_diagnose() {
	local label=$1; shift
	wine "$exe" --config "$cfg" diagnose --json --no-probes >"$dir/d.json" 2>"$dir/d.err" || true
	tr -d '\r' <"$dir/d.json" >"$dir/d.clean.json"
	python3 - "$dir/d.clean.json" "$label" "$@" <<'EOF' || { cat "$dir/d.err"; fail "$label: diagnose"; }
import json, sys
d = json.load(open(sys.argv[1])); label = sys.argv[2]
c = d["cause"] or {}
k = {x["name"]: x for x in d["checks"]}
for cond in sys.argv[3:]:
    if not eval(cond):
        print(f"{label}: diagnose fails {cond}\ncause: {json.dumps(c, indent=1)}", file=sys.stderr)
        sys.exit(1)
print(f"ok   {label}: diagnose cause {c.get('check')}: {c.get('summary')}\n     evidence: {c.get('evidence')}\n     fix: {c.get('fix')}")
EOF
}

# expect_monitor LABEL TEXT...: `run --once` stores what the monitor sees,
# `check` (the monitor's verdict from the store) must show every TEXT.
expect_monitor() {
	local label=$1; shift
	rm -f "$dir"/ww.db*
	wine "$exe" --config "$cfg" run --once >"$dir/run.out" 2>&1 || { cat "$dir/run.out"; fail "$label: run --once"; }
	wine "$exe" --config "$cfg" check >"$dir/check.out" 2>&1 || true
	tr -d '\r' <"$dir/check.out" >"$dir/check.txt"
	for text in "$@"; do
		grep -qF -- "$text" "$dir/check.txt" || { cat "$dir/check.txt"; fail "$label: check lacks '$text'"; }
	done
	echo "ok   $label: check: $(head -n1 "$dir/check.txt" | cut -d'|' -f1)"
}

# expect_status LABEL PYTHON-CONDITIONS...: the monitor running
# (`run --foreground`), its `status --json` over the control pipe: the
# top-level cause (c) with evidence and fix.
expect_status() {
	local label=$1 pid end; shift
	rm -f "$dir"/ww.db*
	wine "$exe" --config "$cfg" run --foreground >"$dir/fg.out" 2>&1 &
	pid=$!
	end=$((SECONDS + 90))
	while [ "$SECONDS" -lt "$end" ]; do
		if wine "$exe" --config "$cfg" status --json 2>/dev/null | tr -d '\r' >"$dir/s.json" &&
		   python3 - "$dir/s.json" "$@" <<'EOF' 2>/dev/null
import json, sys
d = json.load(open(sys.argv[1])); c = d.get("cause") or {}
sys.exit(0 if c and all(eval(x) for x in sys.argv[2:]) else 1)
EOF
		then
			kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
			python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["cause"]; print("ok   %s: status cause %s: %s\n     evidence: %s\n     fix: %s" % (sys.argv[2], c["check"], c["summary"], c["evidence"], c["fix"]))' "$dir/s.json" "$label"
			return 0
		fi
		sleep 1
	done
	kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
	cat "$dir/fg.out" "$dir/s.json" 2>/dev/null | tail -40
	fail "$label: status --json never named the cause"
}

# --- A: cipher policy without a usable suite --------------------------------
write_log yes 60
must add "$POLICY" /v Functions /t REG_MULTI_SZ /d 'TLS_RSA_WITH_AES_256_CBC_SHA256\0TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384' /f
expect_diagnose "A cipher policy" \
	'c["check"] == "tls_failure_cause"' \
	'"cipher suite order has no suite" in c["summary"]' \
	'"TLS_RSA_WITH_AES_256_CBC_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" in k["host_tls:cipher_suite_order"]["evidence"]' \
	'"An unexpected error occurred on a send" in c["evidence"]' \
	'"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256" in c["fix"]' \
	'k["host_tls:cipher_suite_order"]["state"] == "critical"' \
	'k["sync_tls_fix"]["state"] == "ok"'
expect_monitor "A cipher policy" "WSUSWATCH CRITICAL" \
	"tls12_fix_missing: the cipher suite order has no suite Microsoft Update accepts" \
	"host_tls:cipher_suite_order critical: cipher_policy: the cipher suite order (Group Policy)" \
	"sws.update.microsoft.com accepts on Windows Server 2012 and 2012 R2"
expect_status "A cipher policy" \
	'"cipher suite order has no suite" in c["summary"]' \
	'"TLS_RSA_WITH_AES_256_CBC_SHA256" in c["evidence"]' \
	'"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P384" in c["fix"]'
reg delete "$POLICY" /f

# --- B: resets, no SCHANNEL lines since WSUS started ------------------------
write_log no 60
expect_diagnose "B no SCHANNEL lines" \
	'c["check"] in ("tls_failure_cause", "sync_tls_fix")' \
	'"TLS 1.2 fix for sync is missing" in c["summary"]' \
	'"SCHANNEL Protocol" in c["evidence"] and "since WSUS started" in c["evidence"]' \
	'"KB4022720" in c["fix"] and "Windows Server 2012 R2 Standard" in c["fix"]' \
	'k["sync_tls_fix"]["state"] == "critical"' \
	'"KB4022721" not in c["fix"]'
expect_monitor "B no SCHANNEL lines" "WSUSWATCH CRITICAL" \
	"WSUS's TLS 1.2 fix for sync is missing" \
	"sync_tls_fix critical: no SCHANNEL startup lines since WSUS started"
expect_status "B no SCHANNEL lines" \
	'"TLS 1.2 fix for sync is missing" in c["summary"]' \
	'"since WSUS started" in c["evidence"]' \
	'"KB4022720" in c["fix"]'

# --- C: w3wp.exe.config keeps manual import off the TLS defaults ------------
write_log yes 1
cat >"$w3wp" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<configuration>
   <runtime>
      <AppContextSwitchOverrides value="Switch.System.Net.DontEnableSystemDefaultTlsVersions=true"/>
   </runtime>
</configuration>
EOF
expect_diagnose "C w3wp.exe.config" \
	'c["check"] in ("tls_failure_cause", "host_tls")' \
	'"import path" in c["summary"] or "w3wp.exe.config" in c["summary"]' \
	'"DontEnableSystemDefaultTlsVersions=true" in c["evidence"]' \
	'"DontEnableSystemDefaultTlsVersions=false" in c["fix"]' \
	'"SchUseStrongCrypto" not in c["fix"]' \
	'k["host_tls:w3wp_exe_config"]["state"] == "warning"' \
	'k["host_tls:dotnet_strong_crypto"]["state"] == "ok"'
expect_monitor "C w3wp.exe.config" "WSUSWATCH WARNING" \
	"manual import path" \
	"host_tls:w3wp_exe_config warning: import_tls_path: w3wp.exe.config sets"
expect_status "C w3wp.exe.config" \
	'"import path" in c["summary"]' \
	'"DontEnableSystemDefaultTlsVersions=true" in c["evidence"]' \
	'"DontEnableSystemDefaultTlsVersions=false" in c["fix"]'

# Healthy: the switch set to false; nothing about TLS is wrong any more.
sed -i 's/=true/=false/' "$w3wp"
expect_diagnose "C healthy" \
	'k["host_tls:w3wp_exe_config"]["state"] == "ok"' \
	'k["tls_failure_cause"]["state"] == "ok"'

# Malformed XML: named with file and line, judged unknown, never ok.
printf '<configuration>\n<runtime>\n<AppContextSwitchOverrides value="x">\n</configuration>\n' >"$w3wp"
expect_diagnose "C malformed" \
	'k["host_tls:w3wp_exe_config"]["state"] == "unknown"' \
	'"w3wp.exe.config:4:" in k["host_tls:w3wp_exe_config"]["summary"]'
ok "tls paths"
