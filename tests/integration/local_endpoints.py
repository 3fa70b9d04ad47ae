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

usage: local_endpoints.py WSUSWATCH
"""
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import probe_rig  # noqa: E402
from wwtest import check, require, verdict, skip, ww, find, openssl, sync_lines  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")

HOST = "wsus01.lab.test"
exe = os.path.abspath(sys.argv[1])
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


def config(name, http, ssl=True, port=None, age=1):
    """A configuration for this server on port http, with a log whose
    last successful sync is age hours old."""
    d = os.path.join(tmp, name)
    os.makedirs(os.path.join(d, "data"), mode=0o700)
    os.makedirs(os.path.join(d, "run"), mode=0o700)
    with open(os.path.join(d, "SoftwareDistribution.log"), "w", newline="") as f:
        f.write(sync_lines(FIXTURES, int(time.time()) - age * 3600 - 71)[0])
    cfg = os.path.join(d, "wsuswatch.yaml")
    with open(cfg, "w") as f:
        f.write(f"database: {d}/data/wsuswatch.db\ncontrol: {{socket: {d}/run/ww.sock}}\n"
                f"wsus: {{discover: false, log: {d}/SoftwareDistribution.log,\n"
                f"  server: {{host: {HOST}, port: {http if port is None else port}, "
                f"ssl: {'true' if ssl else 'false'}}}}}\n"
                "probes: {microsoft_update: \"off\", upstream: \"off\", domains: \"off\", "
                "timeout: 10s}\n"
                f"tls: {{cacert: {tmp}/ca.pem}}\n"
                f"resolve: ['{HOST}:{http}:127.0.0.1', '{HOST}:{http + 1}:127.0.0.1']\n"
                "alerts: {syslog: false}\n")
    return cfg


def items(cfg):
    r = ww(exe, "diagnose", "--json", config=cfg, timeout=120)
    diag = json.loads(r.stdout)
    return ([it for g in diag["groups"] for it in g["items"]],
            [p.get("target") for p in diag.get("probes", [])])


def item(its, name):
    return find(its, "name", name) or {}


def monitor(cfg):
    r = ww(exe, "run", "--once", config=cfg, timeout=120)
    require(r.returncode == 0, f"run --once: {r.stderr}")
    st = json.loads(r.stdout)
    return [c for c in st.get("checks", []) if c.get("check") == "local_endpoint"]


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
    r = ww(exe, "check", config=cfg)
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
    r = ww(exe, "check", config=cfg)
    check(r.returncode == 1 and "Require SSL is set on SelfUpdate" in r.stdout,
          "misset: check WARNING names Require SSL", r.stdout)
    # The same server, its sync stale: what clients meet here is never
    # the cause of this server's own stale sync.
    cfg = config("misset-stale", ports["misset"][0], age=60)
    r = ww(exe, "run", "--once", config=cfg, timeout=120)
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
finally:
    probe_rig.stop_all()
    shutil.rmtree(tmp, ignore_errors=True)
sys.exit(verdict())
