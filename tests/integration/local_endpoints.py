#!/usr/bin/env python3
"""This WSUS server's own endpoints (issue 14, item 1), against nginx on
127.0.0.1 standing in for IIS's WSUS Administration site.

Three servers, each an HTTP port and the SSL port next to it (8530/8531's
rule: port + 1), reached by the name clients use (wsus01.lab.test, pinned
to 127.0.0.1) with the lab CA as trust:
  healthy    SelfUpdate serves iuident.cab, the Content root answers 403
             (directory listing off, as on IIS), the HTTPS binding's
             certificate names the host and is valid for a year
  misset     SelfUpdate answers 403 (Require SSL), no Content root (404),
             the certificate names another host
  expiring   the certificate expires in 10 days
and two configurations that must probe less: SSL off (no HTTPS probe),
and no port known (probes.local auto: nothing).  `diagnose --json`, the
monitor (`run --once`) and `check` must say the same.

With an emulator (wine, the Windows build) the same scenes run through
Schannel, and one more: no wsus.server.host, so the name is the computer's
FQDN from GetComputerNameExW (only its use is checked, no connection).

usage: local_endpoints.py WSUSWATCH [EMULATOR]
"""
import json
import os
import socket
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import probe_rig  # noqa: E402
from wwtest import check, require, verdict, skip, find, openssl, sync_lines  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")

HOST = "wsus01.lab.test"
exe = os.path.abspath(sys.argv[1])
emulator = sys.argv[2:3]  # [] native, ["wine"] for the Windows build
if not shutil.which("nginx"):
    skip("nginx is not installed (.ci/setup installs it)")
tmp = tempfile.mkdtemp(prefix="wsuswatch-local.")
os.chmod(tmp, 0o755)


def certs():
    openssl(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
             "ca.key", "-out", "ca.pem", "-days", "3", "-subj", "/CN=wsuswatch lab CA"], tmp)
    for name, cn, days in (("good", HOST, 365), ("other", "other.lab.test", 365),
                           ("soon", HOST, 10)):
        openssl(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout",
                 f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={cn}",
                 "-addext", f"subjectAltName=DNS:{cn}"], tmp)
        openssl(["openssl", "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem",
                 "-CAkey", "ca.key", "-CAcreateserial", "-out", f"{name}.pem",
                 "-days", str(days), "-copy_extensions", "copy"], tmp)


def server(http, https, cert, selfupdate="", content=""):
    return f"""
    server {{
        listen 127.0.0.1:{http};
        root {tmp}/www;
        {selfupdate}
        {content}
    }}
    server {{
        listen 127.0.0.1:{https} ssl;
        ssl_certificate {tmp}/{cert}.pem;
        ssl_certificate_key {tmp}/{cert}.key;
        ssl_protocols TLSv1.2;
        location = /ClientWebService/client.asmx {{
            default_type text/html; return 200 "<html>ClientWebService</html>";
        }}
    }}
"""


def nginx(ports):
    os.makedirs(os.path.join(tmp, "www/selfupdate"))
    os.makedirs(os.path.join(tmp, "www/Content/00"))
    with open(os.path.join(tmp, "www/selfupdate/iuident.cab"), "wb") as f:
        f.write(b"MSCF" + b"\0" * 4092)
    servers = (server(*ports["healthy"], "good") +
               server(*ports["misset"], "other",
                      "location /selfupdate/ { return 403; }",
                      "location /Content/ { return 404; }") +
               server(*ports["expiring"], "soon"))
    probe_rig.write_nginx_conf(tmp, servers)
    p = probe_rig.start(["nginx", "-p", tmp, "-c", f"{tmp}/nginx.conf"],
                        ports["healthy"][0])
    for http, https in ports.values():
        probe_rig.wait_port(http, p)
        probe_rig.wait_port(https, p)


def native(path):
    """A path as the binary sees it (Wine's Z: drive for the Windows build)."""
    return "Z:" + path.replace("/", "\\") if emulator else path


def config(name, http, ssl=True, port=None, age=1, host=HOST):
    """A configuration for this server on port http, with a log whose
    last successful sync is age hours old."""
    d = os.path.join(tmp, name)
    os.makedirs(os.path.join(d, "data"), mode=0o700)
    os.makedirs(os.path.join(d, "run"), mode=0o700)
    with open(os.path.join(d, "SoftwareDistribution.log"), "w", newline="") as f:
        f.write(sync_lines(FIXTURES, int(time.time()) - age * 3600 - 71)[0])
    cfg = os.path.join(d, "wsuswatch.yaml")
    with open(cfg, "w") as f:
        control = (f"control: {{pipe: wsuswatch-local-{name}}}\n" if emulator else
                   f"control: {{socket: {d}/run/ww.sock}}\n")
        f.write(f"database: '{native(d + '/data/wsuswatch.db')}'\n{control}"
                f"wsus: {{discover: false, log: '{native(d + '/SoftwareDistribution.log')}',\n"
                f"  server: {{host: {host}, port: {http if port is None else port}, "
                f"ssl: {'true' if ssl else 'false'}}}}}\n"
                "probes: {microsoft_update: \"off\", upstream: \"off\", domains: \"off\", "
                "timeout: 10s}\n"
                f"tls: {{cacert: '{native(tmp + '/ca.pem')}'}}\n"
                f"resolve: ['{HOST}:{http}:127.0.0.1', '{HOST}:{http + 1}:127.0.0.1']\n"
                "alerts: {syslog: false, eventlog: false}\n")
    return cfg


def ww(*args, config=None, timeout=60):
    """wsuswatch [--config config] args, under the emulator if any."""
    cmd = emulator + [exe] + (["--config", native(config)] if config else []) + list(args)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def items(cfg):
    r = ww("diagnose", "--json", config=cfg, timeout=120)
    diag = json.loads(r.stdout)
    return ([it for g in diag["groups"] for it in g["items"]],
            [p.get("target") for p in diag.get("probes", [])])


def item(its, name):
    return find(its, "name", name) or {}


def monitor(cfg):
    r = ww("run", "--once", config=cfg, timeout=120)
    require(r.returncode == 0, f"run --once: {r.stderr}")
    st = json.loads(r.stdout)
    return [c for c in st.get("checks", []) if c.get("check") == "local_endpoint"]


def raised_local(cfg):
    r = ww("history", "--json", "--limit", "50", config=cfg)
    return sorted(t.get("name") for t in json.loads(r.stdout).get("alert_transitions", [])
                  if t.get("transition") == "raise" and t.get("state") == "warning"
                  and t.get("name", "").startswith("local_endpoint"))


try:
    certs()
    ports = {k: probe_rig.adjacent_ports() for k in ("healthy", "misset", "expiring")}
    nginx(ports)

    # healthy: three probes, all ok, over TLS for the binding.
    cfg = config("healthy", ports["healthy"][0])
    its, probed = items(cfg)
    check(sorted(probed) == ["local:content", "local:https", "local:selfupdate"],
          "healthy: the three local targets are probed", probed)
    for n in ("local:selfupdate", "local:content", "local:https"):
        check(item(its, n).get("state") == "ok", f"healthy: {n} ok", item(its, n))
    check("directory listing off" in item(its, "local:content").get("summary", ""),
          "healthy: the Content root's 403 is its normal answer",
          item(its, "local:content"))
    check("certificate valid until" in (item(its, "local:https").get("evidence") or ""),
          "healthy: the binding's certificate date is evidence", item(its, "local:https"))
    rows = monitor(cfg)
    check(len(rows) == 3 and all(c.get("state") == "ok" for c in rows),
          "healthy: the monitor's three local_endpoint rows are ok", rows)
    r = ww("check", config=cfg)
    check(r.returncode == 0, "healthy: check OK", r.stdout)

    # misset: Require SSL on SelfUpdate, no Content root, another name.
    cfg = config("misset", ports["misset"][0])
    its, _ = items(cfg)
    su, ct, tls = (item(its, n) for n in ("local:selfupdate", "local:content", "local:https"))
    check(su.get("state") == "warning" and
          su.get("summary", "").startswith("Require SSL is set on SelfUpdate"),
          "misset: a 403 on SelfUpdate is named Require SSL", su)
    check("clear 'Require SSL'" in (su.get("hint") or ""), "misset: its fix", su)
    check(ct.get("state") == "warning" and "no Content virtual root" in ct.get("summary", ""),
          "misset: the Content root's 404", ct)
    check(tls.get("state") == "warning" and "does not name" in tls.get("summary", ""),
          "misset: the certificate names another host", tls)
    check("wsus.server.host" in (tls.get("hint") or ""), "misset: the name fix", tls)
    rows = monitor(cfg)
    check(sorted(c.get("state") for c in rows) == ["warning"] * 3,
          "misset: the monitor warns three times", rows)
    r = ww("check", config=cfg)
    check(r.returncode == 1 and "Require SSL is set on SelfUpdate" in r.stdout,
          "misset: check WARNING names Require SSL", r.stdout)
    # One failed probe each is shown, not alerted (an iisreset is no
    # alert); the second raises 3301 (SCOM's LocalEndpoint monitors).
    check(raised_local(cfg) == [], "misset: one failed probe raises no alert",
          raised_local(cfg))
    monitor(cfg)
    check(raised_local(cfg) == ["local_endpoint:local:content",
                                "local_endpoint:local:https",
                                "local_endpoint:local:selfupdate"],
          "misset: repeated, each local endpoint raised its warning alert",
          raised_local(cfg))
    # The same server, its sync stale: what clients meet here is never
    # the cause of this server's own stale sync.
    cfg = config("misset-stale", ports["misset"][0], age=60)
    r = ww("run", "--once", config=cfg, timeout=120)
    st = json.loads(r.stdout)
    cause = (st.get("cause") or {}).get("check") or ""
    check(st.get("health") == "critical" and not cause.startswith("local_endpoint"),
          "misset, stale: the stale sync is not blamed on the local endpoints",
          (st.get("health"), st.get("cause")))

    # expiring: 10 days left, below the 30-day warning.
    cfg = config("expiring", ports["expiring"][0])
    its, _ = items(cfg)
    tls = item(its, "local:https")
    check(tls.get("state") == "warning" and "expires in" in tls.get("summary", ""),
          "expiring: the binding's certificate expires soon", tls)
    check("Renew the certificate" in (tls.get("hint") or ""), "expiring: its fix", tls)

    # SSL off: no HTTPS probe; no port: nothing local at all.
    _, probed = items(config("nossl", ports["healthy"][0], ssl=False))
    check(sorted(probed) == ["local:content", "local:selfupdate"],
          "SSL off: SelfUpdate and Content only", probed)
    _, probed = items(config("noport", ports["healthy"][0], port=0))
    check(not [p for p in probed if p.startswith("local:")],
          "no port known: probes.local auto probes nothing", probed)

    if emulator:
        # No host configured: the computer's name (GetComputerNameExW),
        # the same one `hostname` gives Wine, whatever it resolves to.
        its, _ = items(config("fqdn", ports["healthy"][0], host="null"))
        ev = item(its, "local:selfupdate").get("evidence") or ""
        name = socket.gethostname().split(".")[0].lower()
        check(ev.lower().startswith(f"http://{name}"),
              "no host: the computer's name is used", ev)

        # IIS's configuration says the Content root requires SSL: its
        # 403 is no longer the listing turned off (hostsvc reads the file).
        apphost = os.path.join(os.environ.get("WINEPREFIX", os.path.expanduser("~/.wine")),
                               "drive_c", "windows", "system32", "inetsrv", "config",
                               "applicationHost.config")
        require(not os.path.exists(apphost), "no applicationHost.config left by another test")
        os.makedirs(os.path.dirname(apphost), exist_ok=True)
        try:
            with open(apphost, "w", encoding="utf-8") as f:
                f.write('<?xml version="1.0" encoding="UTF-8"?>\n<configuration>\n'
                        ' <location path="WSUS Administration/Content">\n'
                        '  <system.webServer><security><access sslFlags="Ssl" />'
                        '</security></system.webServer>\n </location>\n</configuration>\n')
            its, _ = items(config("contentssl", ports["healthy"][0]))
            ct = item(its, "local:content")
            check(ct.get("state") == "warning" and "Require SSL is set on the Content "
                  "virtual root" in ct.get("summary", ""),
                  "Content: Require SSL read from applicationHost.config", ct)
            check("applicationHost.config" in (ct.get("evidence") or ""),
                  "Content: the file is the evidence", ct.get("evidence"))
        finally:
            os.remove(apphost)
finally:
    probe_rig.stop_all()
    shutil.rmtree(tmp, ignore_errors=True)
sys.exit(verdict())
