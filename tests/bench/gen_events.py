#!/usr/bin/env python3
"""An Application-log export in the exact `wevtutil qe Application /f:xml`
shape (tests/fixtures/events/wevtutil-plain.xml): one <Event> per line, no
root element, UTF-8.  For the benchmark (bench_events.sh).

The mix imitates an export of a WSUS server's Application log made without
the provider filter: about 70 % events of the WSUS provider (the health
monitor's 10020/10021/10022 and 12xxx component checks, content download
failures 364, a sync every six simulated hours: 381 then 384, one in four
386 with its reason), the rest other providers (Winlogon, Software
Protection, the Windows Internal Database, ASP.NET).  Deterministic.

usage: gen_events.py OUT EVENTS
"""
import random
import sys
import time

NS = "http://schemas.microsoft.com/win/2004/08/events/event"
WSUS = "Windows Server Update Services"

OTHERS = [
    ("Microsoft-Windows-Winlogon", "{DBE9B383-7CF3-4331-91CC-A3CB16A3B538}",
     6000, 4, None),
    ("Microsoft-Windows-Security-SPP", "{E23B33B0-C8C9-472C-A5F9-F2BDFEA0F156}",
     16384, 4, ["2124-01-01T00:00:00Z", "RulesEngine"]),
    ("MSSQL$MICROSOFT##WID", None, 17137, 4,
     ["SUSDB"]),
    ("ASP.NET 4.0.30319.0", None, 1309, 3,
     ["3005", "An unhandled exception has occurred.", "/ApiRemoting30",
      "System.Web.HttpException: Request timed out."]),
]

HEALTH = [(10020, 4, []), (10021, 3, []), (10022, 2, ["sws.update.microsoft.com"]),
          (12022, 4, []), (12032, 4, []), (12042, 4, []), (12052, 4, []),
          (12072, 4, []), (13042, 2, ["Self-update is not working."])]

REASONS = [
    "The underlying connection was closed: An unexpected error occurred on a send.",
    "The remote name could not be resolved: 'sws.update.microsoft.com'",
    "The operation has timed out",
]


def stamp(t, frac):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{frac:07d}Z"


def event(out, provider, guid, eid, qual, level, t, frac, rec, data):
    prov = f"<Provider Name='{provider}'" + (f" Guid='{guid}'/>" if guid else "/>")
    q = f" Qualifiers='{qual}'" if qual is not None else ""
    if data is None:
        ed = ""
    elif data:
        ed = "<EventData>" + "".join(f"<Data>{d}</Data>" for d in data) + "</EventData>"
    else:
        ed = "<EventData></EventData>"
    out.write(f"<Event xmlns='{NS}'><System>{prov}<EventID{q}>{eid}</EventID>"
              f"<Version>0</Version><Level>{level}</Level><Task>0</Task>"
              f"<Opcode>0</Opcode><Keywords>0x80000000000000</Keywords>"
              f"<TimeCreated SystemTime='{stamp(t, frac)}'/>"
              f"<EventRecordID>{rec}</EventRecordID><Correlation/>"
              f"<Execution ProcessID='0' ThreadID='0'/><Channel>Application</Channel>"
              f"<Computer>wsus01.corp.example</Computer><Security/></System>"
              f"{ed}</Event>\n")


def main():
    if len(sys.argv) != 3 or not sys.argv[2].isdigit() or int(sys.argv[2]) <= 0:
        sys.exit("usage: gen_events.py OUT EVENTS")
    n = int(sys.argv[2])
    rng = random.Random(20240101)
    t = 1704067200
    next_sync = t + 3600
    rec = 1000
    with open(sys.argv[1], "w", encoding="utf-8", newline="\n") as out:
        i = 0
        while i < n:
            t += rng.randint(1, 240)
            frac = rng.randint(0, 9999999)
            rec += 1
            if t >= next_sync and i + 2 <= n:
                fail = rng.random() < 0.25
                event(out, WSUS, None, 381, 0, 4, t, frac, rec, [])
                rec += 1
                if fail:
                    event(out, WSUS, None, 386, 0, 2, t + 900, frac, rec,
                          [rng.choice(REASONS)])
                else:
                    event(out, WSUS, None, 384, 0, 4, t + 900, frac, rec, [])
                next_sync += 6 * 3600
                i += 2
                continue
            r = rng.random()
            if r < 0.62:
                eid, level, data = rng.choice(HEALTH)
                event(out, WSUS, None, eid, 0, level, t, frac, rec, data)
            elif r < 0.70:
                event(out, WSUS, None, 364, 16384, 2, t, frac, rec,
                      ["Content file download failed.",
                       f"Reason: HTTP status 404: The requested URL does not "
                       f"exist on the server. Source File: /msdownload/update/"
                       f"software/secu/2024/01/kb{5000000 + rec % 99999}.cab"])
            else:
                p, g, eid, level, data = rng.choice(OTHERS)
                event(out, p, g, eid, 0 if eid == 16384 else None, level, t,
                      frac, rec, data)
            i += 1


main()
