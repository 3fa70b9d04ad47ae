#!/usr/bin/env python3
"""The rules Windows Installer enforces, checked on the built MSI's tables.

Wine's msiexec runs what Windows refuses (a deferred action outside the
script, RemoveExistingProducts inside it), so these rules are read from the
tables with `msiinfo export` instead of being left to an install.  Sources:
ICE77 (deferred actions between InstallInitialize and InstallFinalize, in
InstallExecuteSequence and AdminExecuteSequence), ICE63 and "RemoveExisting-
Products Action" (where RemoveExistingProducts may stand), the CustomAction
and ServiceControl table references for the bits.  docs/installer.md.

usage: msi_rules.py PACKAGE.msi      exit 0 when every rule holds, 1 if not
"""
import re
import subprocess
import sys

# CustomAction.Type bits
CA_EXE_FILE = 18          # base type: an exe from the File table
CA_BASE = 0x3f
CA_CONTINUE = 0x40        # Return="ignore"
CA_ROLLBACK = 0x100
CA_IN_SCRIPT = 0x400      # deferred
CA_NO_IMPERSONATE = 0x800
# ServiceControl.Event bits
SC_INSTALL_START, SC_INSTALL_STOP, SC_INSTALL_DELETE = 0x1, 0x2, 0x8
SC_UNINSTALL_START, SC_UNINSTALL_STOP, SC_UNINSTALL_DELETE = 0x10, 0x20, 0x80
# Upgrade.Attributes bits
UP_ONLY_DETECT, UP_MAX_INCLUSIVE = 0x2, 0x200

SERVICE = "wsuswatch"
EXE = "wsuswatch.exe"


def export(msi, table):
    """Rows of TABLE as dicts; [] when the table does not exist."""
    p = subprocess.run(["msiinfo", "export", msi, table], capture_output=True, text=True)
    if p.returncode != 0:
        return []
    lines = p.stdout.replace("\r", "").split("\n")
    cols = lines[0].split("\t")
    rows = []
    for line in lines[3:]:
        if line:
            rows.append(dict(zip(cols, line.split("\t"))))
    return rows


def norm(cond):
    return re.sub(r"\s+", " ", (cond or "").strip())


class Checker:
    def __init__(self, msi):
        self.msi = msi
        self.errors = []
        self.seq = {r["Action"]: r for r in export(msi, "InstallExecuteSequence")}
        self.admin = {r["Action"]: r for r in export(msi, "AdminExecuteSequence")}
        self.ca = {r["Action"]: r for r in export(msi, "CustomAction")}
        self.props = {r["Property"]: r["Value"] for r in export(msi, "Property")}

    def fail(self, msg):
        self.errors.append(msg)

    def num(self, action, table=None):
        r = (table if table is not None else self.seq).get(action)
        return int(r["Sequence"]) if r and r["Sequence"] else None

    def cond(self, action):
        return norm(self.seq[action]["Condition"]) if action in self.seq else ""

    def sequenced_cas(self):
        """(name, type, sequence) of the custom actions in the execute sequence."""
        out = []
        for name, row in self.ca.items():
            n = self.num(name)
            if n is not None:
                out.append((name, int(row["Type"]), n))
        return out

    def deferred_between_script(self):
        """ICE77: in-script actions after InstallInitialize, before InstallFinalize."""
        for label, table in (("InstallExecuteSequence", self.seq),
                             ("AdminExecuteSequence", self.admin)):
            if not table:
                continue
            ii, fin = self.num("InstallInitialize", table), self.num("InstallFinalize", table)
            if ii is None or fin is None:
                self.fail(f"{label}: InstallInitialize or InstallFinalize missing")
                continue
            for name, row in self.ca.items():
                n = self.num(name, table)
                if n is None or not int(row["Type"]) & CA_IN_SCRIPT:
                    continue
                if not ii < n < fin:
                    self.fail(f"{label}: deferred custom action {name} at {n} is not "
                              f"between InstallInitialize ({ii}) and InstallFinalize "
                              f"({fin}): Windows fails with error 2762")
                others = [a for a, r in table.items() if a != name and r["Sequence"] == str(n)]
                if others:
                    self.fail(f"{label}: {name} shares sequence {n} with {others}: "
                              f"their order is undefined")

    def rep_placement(self):
        """ICE63 / RemoveExistingProducts Action: the four places Windows allows."""
        rep = self.num("RemoveExistingProducts")
        if rep is None:
            self.fail("RemoveExistingProducts is not sequenced: a major upgrade would "
                      "leave the old product installed beside the new one")
            return
        iv, ii = self.num("InstallValidate"), self.num("InstallInitialize")
        fin = self.num("InstallFinalize")
        by_seq = sorted((int(r["Sequence"]), a) for a, r in self.seq.items() if r["Sequence"])
        before = [a for s, a in by_seq if s < rep]
        prev = before[-1] if before else None
        ok = (iv is not None and ii is not None and iv < rep < ii) \
            or (fin is not None and rep > fin) \
            or (prev in ("InstallInitialize", "InstallExecute", "InstallExecuteAgain")
                and (fin is None or rep < fin))
        if not ok:
            self.fail(f"RemoveExistingProducts at {rep} (after {prev}) is where Windows "
                      f"does not allow it: between InstallValidate ({iv}) and "
                      f"InstallInitialize ({ii}), right after InstallInitialize, right "
                      f"after InstallExecute(Again), or after InstallFinalize ({fin})")
        frp = self.num("FindRelatedProducts")
        if frp is None or frp > rep:
            self.fail(f"FindRelatedProducts ({frp}) must run before RemoveExistingProducts "
                      f"({rep})")

    def upgrade_table(self):
        code = self.props.get("UpgradeCode", "").upper()
        version = self.props.get("ProductVersion", "")
        secure = set(self.props.get("SecureCustomProperties", "").split(";"))
        rows = [r for r in export(self.msi, "Upgrade") if r["UpgradeCode"].upper() == code]
        if not code or not rows:
            self.fail(f"Upgrade table has no row for UpgradeCode {code or '(none)'}")
            return
        upg = [r for r in rows if not int(r["Attributes"]) & UP_ONLY_DETECT]
        down = [r for r in rows if int(r["Attributes"]) & UP_ONLY_DETECT]
        if not any(r["VersionMax"] == version and not r["VersionMin"]
                   and not int(r["Attributes"]) & UP_MAX_INCLUSIVE for r in upg):
            self.fail(f"Upgrade table: no row removing every version below {version} "
                      f"(VersionMax {version}, exclusive): {upg}")
        if not any(r["VersionMin"] == version for r in down):
            self.fail(f"Upgrade table: no detect-only row for versions above {version}")
        for r in rows:
            if r["ActionProperty"] not in secure:
                self.fail(f"Upgrade property {r['ActionProperty']} is not in "
                          f"SecureCustomProperties: the server side never sees it")
        conds = [norm(r["Condition"]) for r in export(self.msi, "LaunchCondition")]
        for r in down:
            if f"NOT {r['ActionProperty']}" not in conds:
                self.fail(f"no launch condition refuses a downgrade ({r['ActionProperty']})")

    def service_actions(self):
        """The install/uninstall custom actions: where they stand, their conditions."""
        stop, start = self.num("StopServices"), self.num("StartServices")
        rmf, inf = self.num("RemoveFiles"), self.num("InstallFiles")
        wrv = self.num("WriteRegistryValues")
        found = {"install": [], "uninstall": []}
        for name, t, n in self.sequenced_cas():
            row = self.ca[name]
            verb = row["Target"].split()[0] if row["Target"] else ""
            if row["Source"] != EXE or verb not in found:
                continue
            if (t & CA_BASE) != CA_EXE_FILE or not t & CA_IN_SCRIPT \
                    or not t & CA_NO_IMPERSONATE:
                self.fail(f"{name}: type {t} is not a deferred, non-impersonated exe "
                          f"(18|0x400|0x800): it would not run as SYSTEM in the script")
            c = self.cond(name)
            if t & CA_ROLLBACK:
                self.rollback_action(name, verb, c, n)
                continue
            found[verb].append(name)
            if verb == "uninstall":
                if 'REMOVE="ALL"' not in c or "NOT UPGRADINGPRODUCTCODE" not in c:
                    self.fail(f"{name} ({c!r}): must be conditioned on "
                              f"REMOVE=\"ALL\" AND NOT UPGRADINGPRODUCTCODE, or the old "
                              f"product's uninstall deletes the service during an upgrade")
                if not (stop is not None and rmf is not None and stop < n < rmf):
                    self.fail(f"{name} at {n}: must stand after StopServices ({stop}) "
                              f"and before RemoveFiles ({rmf})")
            else:
                if c != "NOT REMOVE" and 'NOT REMOVE="ALL"' not in c:
                    self.fail(f"{name} ({c!r}): must run on install, repair and upgrade "
                              f"and never on uninstall (NOT REMOVE)")
                if not (inf is not None and wrv is not None and start is not None
                        and max(inf, wrv) < n < start):
                    self.fail(f"{name} at {n}: must stand after InstallFiles ({inf}) and "
                              f"WriteRegistryValues ({wrv}), before StartServices ({start})")
                if int(self.ca[name]["Type"]) & CA_CONTINUE:
                    self.fail(f"{name}: a failed install must fail the package "
                              f"(Return=\"check\")")
        for verb, names in found.items():
            if len(names) != 1:
                self.fail(f"expected one deferred `{verb}` action, found {names}")
        self.undone = found

    def rollback_action(self, name, verb, cond, n):
        """A rollback action undoes the action sequenced right after it."""
        target = name[:-len("Rollback")] if name.endswith("Rollback") else None
        tn = self.num(target) if target else None
        if tn is None or not n < tn:
            self.fail(f"rollback action {name} at {n} must precede the action it undoes "
                      f"({target} at {tn})")
            return
        undone_verb = self.ca[target]["Target"].split()[0]
        if {verb, undone_verb} != {"install", "uninstall"}:
            self.fail(f"{name} runs `{verb}` to undo `{undone_verb}`")
        if verb == "install" and cond != self.cond(target):
            self.fail(f"{name} ({cond!r}) must have the condition of {target}")
        if verb == "uninstall" and not ("NOT Installed" in cond
                                        and "NOT WIX_UPGRADE_DETECTED" in cond):
            self.fail(f"{name} ({cond!r}) must only undo a first install (NOT Installed "
                      f"AND NOT WIX_UPGRADE_DETECTED): a failed repair or upgrade keeps "
                      f"the service")

    def service_control(self):
        comp = {r["File"]: r["Component_"] for r in export(self.msi, "File")}.get(EXE)
        rows = [r for r in export(self.msi, "ServiceControl") if r["Name"] == SERVICE]
        ev = 0
        for r in rows:
            e = int(r["Event"])
            ev |= e
            if r["Component_"] != comp:
                self.fail(f"ServiceControl {r['ServiceControl']} belongs to "
                          f"{r['Component_']}, not to {EXE}'s component {comp}")
            if e & (SC_INSTALL_STOP | SC_UNINSTALL_STOP) and r["Wait"] != "1":
                self.fail(f"ServiceControl {r['ServiceControl']} stops without waiting: "
                          f"files in use would be replaced at reboot")
        for bit, what in ((SC_INSTALL_STOP, "stop on install/repair"),
                          (SC_UNINSTALL_STOP, "stop on uninstall (and the old product's "
                                              "uninstall during an upgrade)"),
                          (SC_INSTALL_START, "start after install, repair and upgrade")):
            if not ev & bit:
                self.fail(f"ServiceControl: no row for {SERVICE} does '{what}'")
        if ev & (SC_INSTALL_DELETE | SC_UNINSTALL_DELETE):
            self.fail("ServiceControl deletes the service: the old product's uninstall "
                      "would delete it during an upgrade (uninstall's custom action does it)")
        ii, fin = self.num("InstallInitialize"), self.num("InstallFinalize")
        stop, start = self.num("StopServices"), self.num("StartServices")
        rmf, inf = self.num("RemoveFiles"), self.num("InstallFiles")
        if None in (stop, start, rmf, inf, ii, fin) or not ii < stop < min(rmf, inf) \
                or not inf < start < fin:
            self.fail(f"StopServices ({stop}) must stand before RemoveFiles ({rmf}) and "
                      f"InstallFiles ({inf}), StartServices ({start}) after InstallFiles "
                      f"and before InstallFinalize ({fin})")

    def payload(self):
        files = {r["File"] for r in export(self.msi, "File")}
        for f in (EXE, "wsuswatch.example.yaml"):
            if f not in files:
                self.fail(f"{f} not in the File table")
        keys = " ".join(r["Key"] + " " + (r["Name"] or "") for r in export(self.msi, "Registry"))
        if "EventLog\\Application\\wsuswatch" not in keys or "EventMessageFile" not in keys:
            self.fail("event source (EventMessageFile) not in the Registry table")
        p = subprocess.run(["msiinfo", "suminfo", self.msi], capture_output=True, text=True)
        if "x64" not in p.stdout:
            self.fail("not an x64 package")

    def run(self):
        if not self.seq or not self.ca:
            self.fail("no InstallExecuteSequence or CustomAction table")
            return self.errors
        self.deferred_between_script()
        self.rep_placement()
        self.upgrade_table()
        self.service_actions()
        self.service_control()
        self.payload()
        return self.errors


def main():
    errors = Checker(sys.argv[1]).run()
    for e in errors:
        print(f"check-msi: FAIL {e}")
    if errors:
        return 1
    print(f"check-msi: {sys.argv[1]}: every rule holds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
