#!/usr/bin/env python3
"""contrib/scom/Wsuswatch.Monitoring.xml against the message table and the
rules of the management pack format.

No Operations Manager runs here and Microsoft's management pack schema
(ManagementPackSchema.xsd, shipped with the authoring tools) is not public,
so the pack is checked structurally, and its monitors are run on paper:

1. Well-formed XML with the root ManagementPack, a Manifest, the standard
   libraries (Microsoft.Windows.Library, System.Library,
   System.Health.Library, Microsoft.SystemCenter.Library) under the
   aliases it uses, and only their public elements that the pack needs.
2. Every ID is unique; every reference (Target, Base, TypeID, ParentFolder,
   AlertMessage, $MPElement[Name=...]$, DisplayString ElementID,
   FolderItem) names an element of the pack or of a referenced library;
   every element has a display string; operational states name states of
   their monitor type.
3. Discovery: registry key SYSTEM\\CurrentControlSet\\Services\\<service
   name of service/app/svc.h>; the event monitors and rules match the event
   source of the Windows sink.
4. Coverage: every alert event ID of installer/wsuswatch.mc (2000-5999)
   drives a monitor.  Each event a rule can raise (docs/health.md: rule,
   scope, base; instances: the probe targets of endpoint_targets.c, the
   sources of the table) is fed to the pack's expressions: exactly one
   monitor matches it, and the state it sets is B+2 -> Error, B+1 and B+4
   -> Warning, B+3 -> Success.  Event 1002 raises an alert by a rule.
5. Alerts of the event monitors show parameters 7 (cause) and 9 (fix), and
   the reason (3), in their description.  A rule (disabled by default)
   alerts once per check and cause on raise events naming a cause
   (string 6), not on clears.
6. These checks can fail: copies of the pack without event 3004, without
   the cause parameter, or with a dangling reference are rejected.

usage: monitoring_scom.py WSUSWATCH SOURCE_DIR WORKDIR  (WSUSWATCH unused)
Exit 0 pass, 1 fail.
"""
import os
import re
import sys
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wwtest  # noqa: E402
from wwtest import check  # noqa: E402

SRC = os.path.abspath(sys.argv[2])
MP = os.path.join(SRC, "contrib", "scom", "Wsuswatch.Monitoring.xml")


def read(*path):
    return open(os.path.join(SRC, *path), encoding="utf-8").read()


# --- facts from the code and the contracts ----------------------------------------------------
MC_IDS = sorted(int(i) for i in re.findall(r"^MessageId=(\d+)", read("installer", "wsuswatch.mc"), re.M))
ALERT_IDS = [i for i in MC_IDS if 2000 <= i <= 5999]
SERVICE = re.search(r'#define WW_SERVICE_NAME "([^"]+)"', read("service", "app", "svc.h")).group(1)
SOURCE = re.search(r'#define WW_EVENT_SOURCE L"([^"]+)"',
                   read("service", "output", "sink_eventlog_win32.c")).group(1)
TARGETS = re.findall(r'ww_endpoint_targets_add\(t, "(\w+)"',
                     read("probes", "endpoint", "endpoint_targets.c"))


def rules_table(md):
    """(rule, [instances], event base) of each alerted rule in the table of
    docs/health.md whose header has the columns "per" and "event base"."""
    out, cols = [], None
    for line in md.splitlines():
        if not line.startswith("|"):
            cols = None
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if cols is None:
            cols = cells if "per" in cells and "event base" in cells else None
            continue
        row = dict(zip(cols, cells))
        name = re.match(r"`(\w+)`", row.get(cols[0], ""))
        if not name or not re.fullmatch(r"\d{4}", row.get("event base", "")):
            continue
        per = row["per"]
        inst = ([""] if per in ("—", "-", "") else TARGETS if per == "probe target"
                else [p.strip() for p in per.split(",")])
        out.append((name.group(1), inst, int(row["event base"])))
    return out


RULES = rules_table(read("docs", "health.md"))
check(len(ALERT_IDS) >= 32 and 1002 in MC_IDS and SERVICE and SOURCE
      and len(TARGETS) >= 3 and len(RULES) >= 8,
      "facts read: the message table's IDs, service and event source names, probe targets, rules",
      (ALERT_IDS, SERVICE, SOURCE, TARGETS, RULES))
print("rules:", RULES)

# --- what the pack may use of the standard libraries -------------------------------------------
LIBRARIES = {  # library ID -> public elements the pack may refer to
    "Microsoft.Windows.Library": {
        "Microsoft.Windows.Computer", "Microsoft.Windows.LocalApplication",
        "Microsoft.Windows.FilteredRegistryDiscoveryProvider",
        "Microsoft.Windows.EventProvider",
        "Microsoft.Windows.3SingleEventLog3StateUnitMonitorType",
        "Microsoft.Windows.CheckNTServiceStateMonitorType"},
    "System.Library": {"System.Entity"},
    "System.Health.Library": {"System.Health.GenerateAlert", "System.Health.AvailabilityState",
                              "System.Health.ConfigurationState"},
    "Microsoft.SystemCenter.Library": {
        "Microsoft.SystemCenter.CollectEvent", "Microsoft.SystemCenter.StateViewType",
        "Microsoft.SystemCenter.AlertViewType", "Microsoft.SystemCenter.EventViewType",
        "Microsoft.SystemCenter.Monitoring.ViewFolder.Root"},
}
MONITOR_TYPE_STATES = {
    "Microsoft.Windows.3SingleEventLog3StateUnitMonitorType":
        {"FirstEventRaised", "SecondEventRaised", "ThirdEventRaised"},
    "Microsoft.Windows.CheckNTServiceStateMonitorType": {"Running", "NotRunning"},
}
HEALTH = {"Error", "Warning", "Success"}


# --- the checks, as functions of the pack's text (the mutants reuse them) -------------------------
def structure(root):
    """Problems of sections 1-3."""
    bad = []
    if root.tag != "ManagementPack" or root.find("Manifest/Identity/ID") is None:
        return ["not a management pack"]
    aliases = {}
    for ref in root.iterfind("Manifest/References/Reference"):
        lib = ref.findtext("ID")
        aliases[ref.get("Alias")] = lib
        if lib not in LIBRARIES or ref.findtext("PublicKeyToken") != "31bf3856ad364e35":
            bad.append(f"reference {lib}: not a standard library")
    ids = [e.get("ID") for e in root.iter() if e.get("ID") and e.tag not in (
        "DataSource", "WriteAction", "OperationalState", "Property", "Reference",
        "LanguagePack", "ConditionDetection")]
    dup = {i for i in ids if ids.count(i) > 1}
    bad += [f"duplicate ID {i}" for i in sorted(dup)]
    local = set(ids) | {root.findtext("Manifest/Identity/ID")}  # the pack's own display string

    def resolve(ref, where):
        if "!" in ref:
            alias, name = ref.split("!", 1)
            if alias not in aliases:
                bad.append(f"{where}: alias {alias} not declared")
            elif name not in LIBRARIES.get(aliases[alias], ()):
                bad.append(f"{where}: {name} is not an element of {aliases[alias]} the pack may use")
        elif ref not in local:
            bad.append(f"{where}: {ref} is not defined")

    for e in root.iter():
        for attr in ("Target", "Base", "TypeID", "ParentMonitorID", "ParentFolder",
                     "AlertMessage", "Folder", "ElementID"):
            if e.get(attr) and not (e.tag == "Property" and attr == "TypeID"):
                resolve(e.get(attr), f"{e.tag} {e.get('ID') or ''} {attr}")
    text = ET.tostring(root, encoding="unicode")
    for ref in re.findall(r'\$MPElement\[Name="([^"]+)"\]', text):
        resolve(ref, "$MPElement")
    for ref in re.findall(r'Type="(\w+![\w.]+)"', text):
        resolve(ref, "$Target Property Type")
    shown = {(d.get("ElementID"), d.get("SubElementID"))
             for d in root.iterfind("LanguagePacks/LanguagePack/DisplayStrings/DisplayString")}
    for e in root.iter():
        if e.tag in ("ClassType", "Discovery", "Rule", "UnitMonitor", "View", "Folder",
                     "StringResource") and (e.get("ID"), None) not in shown:
            bad.append(f"{e.tag} {e.get('ID')} has no display string")
    for m in root.iter("UnitMonitor"):
        states = MONITOR_TYPE_STATES.get(m.get("TypeID").split("!")[-1], set())
        for s in m.iterfind("OperationalStates/OperationalState"):
            if s.get("MonitorTypeStateID") not in states or s.get("HealthState") not in HEALTH:
                bad.append(f"{m.get('ID')}: state {s.get('ID')} is not one of its type")
            if (m.get("ID"), s.get("ID")) not in shown:
                bad.append(f"{m.get('ID')}: state {s.get('ID')} has no display string")
    # Discovery of the service, event source, service monitor.
    paths = [p.text for p in root.iter("Path")]
    if f"SYSTEM\\CurrentControlSet\\Services\\{SERVICE}" not in paths:
        bad.append(f"no registry discovery of the service {SERVICE}: {paths}")
    publishers = set(re.findall(r'<XPathQuery Type="String">PublisherName</XPathQuery></ValueExpression>'
                                r'<Operator>Equal</Operator><ValueExpression><Value Type="String">([^<]*)<',
                                re.sub(r">\s+<", "><", text)))
    if publishers != {SOURCE}:
        bad.append(f"event source matched: {publishers}, the sink writes {SOURCE}")
    if SERVICE not in [s.text for s in root.iter("ServiceName")]:
        bad.append(f"no monitor of the service {SERVICE}")
    return bad


def predicate(expr):
    """An SCOM expression (And, Or, SimpleExpression Equal) as a function
    of an event {EventDisplayNumber, PublisherName, Params/Param[N]}."""
    kids = list(expr)
    if expr.tag == "Expression":
        return predicate(kids[0])
    if expr.tag in ("And", "Or"):
        subs = [predicate(k) for k in kids]
        return (lambda ev: all(s(ev) for s in subs)) if expr.tag == "And" else \
            (lambda ev: any(s(ev) for s in subs))
    if expr.tag == "SimpleExpression":
        xpath = expr.findtext("ValueExpression/XPathQuery")
        value = [v.text for v in expr.iter("Value")][0]
        op = expr.findtext("Operator")
        if op != "Equal":
            raise ValueError("operator outside the tested subset: " + op)
        return lambda ev: str(ev.get(xpath)) == value
    if expr.tag == "RegExExpression":
        xpath = expr.findtext("ValueExpression/XPathQuery")
        pattern = re.compile(expr.findtext("Pattern"))
        if expr.findtext("Operator") != "MatchesRegularExpression":
            raise ValueError("operator outside the tested subset: " + expr.findtext("Operator"))
        return lambda ev: bool(pattern.search(str(ev.get(xpath, ""))))
    raise ValueError("expression outside the tested subset: " + expr.tag)


def event_monitors(root):
    """(monitor ID, [(predicate, health state)]) of the event monitors."""
    out = []
    for m in root.iter("UnitMonitor"):
        if not m.get("TypeID").endswith("3SingleEventLog3StateUnitMonitorType"):
            continue
        health = {s.get("MonitorTypeStateID"): s.get("HealthState")
                  for s in m.iterfind("OperationalStates/OperationalState")}
        cfg = m.find("Configuration")
        arms = []
        for n in ("First", "Second", "Third"):
            if cfg.findtext(n + "LogName") != "Application":
                raise ValueError(f"{m.get('ID')}: {n}LogName is not Application")
            arms.append((predicate(cfg.find(n + "Expression")[0]), health.get(n + "EventRaised")))
        out.append((m.get("ID"), arms))
    return out


def coverage(root):
    """Problems of section 4."""
    bad, monitors = [], event_monitors(root)
    want = {1: "Warning", 2: "Error", 3: "Success", 4: "Warning"}
    covered = set()
    for rule, instances, base in RULES:
        for inst in instances:
            key = rule + (":" + inst if inst else "")
            for off, state in want.items():
                ev = {"EventDisplayNumber": base + off, "PublisherName": SOURCE,
                      "Params/Param[1]": key}
                hits = [(mid, h) for mid, arms in monitors for p, h in arms if p(ev)]
                if len(hits) != 1 or hits[0][1] != state:
                    bad.append(f"event {base + off} {key}: {hits}, want one monitor -> {state}")
                else:
                    covered.add(base + off)
    bad += [f"alert event {i} of wsuswatch.mc drives no monitor" for i in ALERT_IDS
            if i not in covered]
    ev = {"EventDisplayNumber": 1002, "PublisherName": SOURCE, "Params/Param[1]": "x"}
    alerting = [r.get("ID") for r in root.iter("Rule") if r.get("Enabled") == "true"
                and any(w.get("TypeID") == "Health!System.Health.GenerateAlert"
                       for w in r.iter("WriteAction"))
                and any(predicate(d.find("Expression")[0])(ev) for d in r.iter("DataSource"))]
    if not alerting:
        bad.append("no rule raises an alert on event 1002")
    return bad


def alert_rules(root, ev):
    """The rules that raise an alert on event ev: [(rule, its write action)]."""
    return [(r, w) for r in root.iter("Rule") for w in r.iter("WriteAction")
            if w.get("TypeID") == "Health!System.Health.GenerateAlert"
            and any(predicate(d.find("Expression")[0])(ev) for d in r.iter("DataSource"))]


def cause_rule(root):
    """Problems of the rule for a new cause while an alert stays raised:
    it matches a raise naming a cause, not a clear (string 6 empty), shows
    the cause and the fix, and suppresses per check and cause."""
    raise_ev = {"EventDisplayNumber": 2001, "PublisherName": SOURCE,
                "Params/Param[1]": "sync_staleness", "Params/Param[6]": "endpoint:upstream_sync"}
    clear_ev = dict(raise_ev, EventDisplayNumber=2003, **{"Params/Param[6]": ""})
    hits = alert_rules(root, raise_ev)
    if len(hits) != 1 or alert_rules(root, clear_ev):
        return [f"rules alerting on a raise with a cause: {len(hits)}; on a clear: "
                f"{len(alert_rules(root, clear_ev))}; want 1 and 0"]
    _, wa = hits[0]
    shown = [p.text for p in wa.iterfind("AlertParameters/*")]
    keys = [v.text for v in wa.iterfind("Suppression/SuppressionValue")]
    bad = [f"the cause rule does not show parameter {n}" for n in (7, 9)
           if f"$Data/Params/Param[{n}]$" not in shown]
    if sorted(keys) != ["$Data/Params/Param[1]$", "$Data/Params/Param[6]$"]:
        bad.append(f"the cause rule suppresses on {keys}, want parameters 1 and 6")
    return bad


def alerts(root):
    """Problems of section 5."""
    bad = []
    desc = {d.get("ElementID"): d.findtext("Description") or ""
            for d in root.iterfind("LanguagePacks/LanguagePack/DisplayStrings/DisplayString")
            if d.get("SubElementID") is None}
    for m in root.iter("UnitMonitor"):
        if not m.get("TypeID").endswith("3SingleEventLog3StateUnitMonitorType"):
            continue
        params = {p.text: int(p.tag[len("AlertParameter"):]) - 1
                  for p in m.iterfind("AlertSettings/AlertParameters/*")}
        text = desc.get(m.find("AlertSettings").get("AlertMessage"), "")
        for n, what in ((3, "reason"), (7, "cause"), (9, "fix")):
            slot = params.get(f"$Data/Context/Params/Param[{n}]$")
            if slot is None or "{%d}" % slot not in text:
                bad.append(f"{m.get('ID')}: the alert does not show parameter {n} ({what})")
    return bad


def problems(text):
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        return [f"not well-formed: {e}"]
    try:
        return structure(root) + coverage(root) + alerts(root) + cause_rule(root)
    except ValueError as e:
        return [str(e)]


TEXT = open(MP, encoding="utf-8").read()
for name, bad in (("structure (references, IDs, display strings, discovery)",
                   lambda r: structure(r)),
                  ("coverage of the message table's alert events", coverage),
                  ("alert descriptions show reason, cause and fix", alerts),
                  ("a rule can alert on each new cause of a raised alert", cause_rule)):
    got = bad(ET.fromstring(TEXT))
    check(not got, "Wsuswatch.Monitoring.xml: " + name, "\n  ".join(got))

# --- 6: the checks catch a broken pack --------------------------------------------------------------
MUTANTS = {
    "event 3004 dropped": ('<Value Type="UnsignedInteger">3004</Value>',
                           '<Value Type="UnsignedInteger">3005</Value>', "3004"),
    "cause parameter dropped": ("$Data/Context/Params/Param[7]$",
                                "$Data/Context/Params/Param[6]$", "parameter 7"),
    "dangling monitor type": ("Windows!Microsoft.Windows.CheckNTServiceStateMonitorType",
                              "Windows!Microsoft.Windows.CheckNTServiceMonitorType", "not an element"),
    "not well-formed": ("</Monitors>", "</Monitor>", "well-formed"),
    "cause rule without its suppression": ("<SuppressionValue>$Data/Params/Param[6]$</SuppressionValue>",
                                           "", "suppresses on"),
}
for name, (old, new, says) in MUTANTS.items():
    got = problems(TEXT.replace(old, new, 1)) if old in TEXT else ["mutation not applicable"]
    check(any(says in p for p in got) and old in TEXT,
          f"mutant '{name}' is rejected", got[:3])

sys.exit(wwtest.verdict())
