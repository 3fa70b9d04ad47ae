#!/usr/bin/env python3
"""The Microsoft domains probe set through the WSUS proxy (issue 14, item 8).

tinyproxy on 127.0.0.1 denies every domain (FilterDefaultDeny): each of the
guide's eight URLs is asked of the proxy, never of the network, and fails
there (403 for http, a refused CONNECT for https).  `diagnose --json` and
the monitor (`run --once`) must show ONE check, `domains`, naming the URLs
that fail, and no endpoint row per domain.

usage: domains_proxy.py WSUSWATCH
"""
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import probe_rig  # noqa: E402
from wwtest import check, require, verdict, skip, ww, free_port, find  # noqa: E402

URLS = ["http://windowsupdate.microsoft.com", "http://download.windowsupdate.com",
        "https://download.microsoft.com", "http://wustat.windows.com",
        "http://ntservicepack.microsoft.com", "http://go.microsoft.com",
        "http://dl.delivery.mp.microsoft.com", "https://dl.delivery.mp.microsoft.com"]

exe = os.path.abspath(sys.argv[1])
if not shutil.which("tinyproxy"):
    skip("tinyproxy is not installed (.ci/setup installs it)")
tmp = tempfile.mkdtemp(prefix="wsuswatch-domains.")
os.chmod(tmp, 0o755)  # tinyproxy drops to nobody
port = free_port()
with open(os.path.join(tmp, "filter"), "w") as f:
    f.write("^allowed\\.invalid$\n")
with open(os.path.join(tmp, "tinyproxy.conf"), "w") as f:
    f.write(f"User nobody\nGroup nogroup\nPort {port}\nListen 127.0.0.1\nTimeout 10\n"
            f"MaxClients 20\nAllow 127.0.0.1\nFilter \"{tmp}/filter\"\n"
            "FilterExtended On\nFilterDefaultDeny Yes\nConnectPort 443\n")
cfg = os.path.join(tmp, "wsuswatch.yaml")
with open(cfg, "w") as f:
    f.write(f"database: {tmp}/data/wsuswatch.db\ncontrol: {{socket: {tmp}/run/ww.sock}}\n"
            f"wsus: {{discover: false, log: {tmp}/SoftwareDistribution.log}}\n"
            "probes: {microsoft_update: \"off\", upstream: \"off\", domains: \"on\", "
            "timeout: 10s}\n"
            f"proxy: {{url: \"http://127.0.0.1:{port}\"}}\nalerts: {{syslog: false}}\n")
os.makedirs(os.path.join(tmp, "data"), mode=0o700)
os.makedirs(os.path.join(tmp, "run"), mode=0o700)
try:
    probe_rig.start(["tinyproxy", "-d", "-c", os.path.join(tmp, "tinyproxy.conf")], port)

    r = ww(exe, "diagnose", "--json", config=cfg, timeout=180)
    diag = json.loads(r.stdout)
    items = [it for g in diag["groups"] for it in g["items"]]
    d = find(items, "name", "domains") or {}
    check(d.get("state") == "warning", "diagnose: one check, domains, warns", d)
    names = [u[7:] if u.startswith("http://") else u for u in URLS]
    check(all(n in d.get("summary", "") for n in names),
          "it names every URL the proxy refused", d.get("summary"))
    check("8 of 8 Microsoft URLs fail" in d.get("summary", ""), "8 of 8", d)
    check("http://go.microsoft.com (http_error, HTTP 403)" in (d.get("evidence") or ""),
          "an http URL: the proxy's 403", d.get("evidence"))
    check("https://download.microsoft.com (connect_refused)" in (d.get("evidence") or ""),
          "an https URL: the proxy refused the CONNECT", d.get("evidence"))
    check("IP-based rules" in (d.get("hint") or ""), "its fix", d)
    check(not [it for it in items if "domain:" in it.get("name", "")],
          "no item per domain", [it.get("name") for it in items])
    probed = [p.get("target") for p in diag.get("probes", [])]
    check(sorted(probed) == sorted("domain:" + u for u in URLS),
          "the probe set is the guide's list, HTTP and HTTPS as listed", probed)

    r = ww(exe, "run", "--once", config=cfg, timeout=180)
    require(r.returncode == 0, "run --once")
    st = json.loads(r.stdout)
    c = find(st.get("checks"), "name", "domains") or {}
    check(c.get("state") == "warning" and "8 of 8" in c.get("summary", ""),
          "the monitor: the same one check", c)
finally:
    probe_rig.stop_all()
    shutil.rmtree(tmp, ignore_errors=True)
sys.exit(verdict())
