#!/usr/bin/env bash
# Inspect the built MSI with msiinfo: the executable and example config are
# in it, the event source is registered, and install/uninstall run as
# deferred, non-impersonated custom actions (so they have SYSTEM rights).
set -euo pipefail
msi=$1
fail() { echo "check-msi: $*" >&2; exit 1; }
[ -s "$msi" ] || fail "$msi missing"
files=$(msiinfo export "$msi" File)
grep -q 'wsuswatch.exe' <<<"$files" || fail "wsuswatch.exe not in File table"
grep -q 'wsuswatch.example.yaml' <<<"$files" || fail "example config not in File table"
reg=$(msiinfo export "$msi" Registry)
grep -q 'EventLog\\Application\\wsuswatch' <<<"$reg" || fail "event source key missing"
grep -q 'EventMessageFile' <<<"$reg" || fail "EventMessageFile missing"
ca=$(msiinfo export "$msi" CustomAction)
# 3090 = 18 (exe from installed file) + 1024 (deferred) + 2048 (no impersonation)
grep -qE 'RegisterService[[:space:]]+3090[[:space:]]+wsuswatch.exe[[:space:]]+install' <<<"$ca" || fail "install custom action wrong: $ca"
grep -qE 'UnregisterService[[:space:]]+3154[[:space:]]+wsuswatch.exe[[:space:]]+uninstall' <<<"$ca" || fail "uninstall custom action wrong: $ca"
seq=$(msiinfo export "$msi" InstallExecuteSequence)
grep -qE 'RegisterService[[:space:]]+NOT REMOVE' <<<"$seq" || fail "install not sequenced"
grep -qE 'UnregisterService[[:space:]]+REMOVE="ALL"' <<<"$seq" || fail "uninstall not sequenced"
summary=$(msiinfo suminfo "$msi")
grep -q 'x64' <<<"$summary" || fail "not an x64 package: $summary"
echo "check-msi: $msi ok"
