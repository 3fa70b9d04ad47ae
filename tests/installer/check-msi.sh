#!/usr/bin/env bash
# The rules Windows Installer enforces, read from the built MSI's tables with
# msiinfo (tests/installer/msi_rules.py, docs/installer.md): deferred actions
# inside the script, RemoveExistingProducts where Windows allows it, the
# install/uninstall actions' places and conditions, their rollback actions,
# the Upgrade table, the ServiceControl rows, the payload.
#
# usage: check-msi.sh PACKAGE.msi
set -euo pipefail
msi=$1
[ -s "$msi" ] || { echo "check-msi: $msi missing" >&2; exit 1; }
exec python3 "$(dirname "$0")/msi_rules.py" "$msi"
