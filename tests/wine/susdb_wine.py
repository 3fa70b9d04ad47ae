#!/usr/bin/env python3
"""SUSDB made real under Wine (issue 14, items 3 and 4).

Wine's odbc32 forwards to the host's unixODBC.  This test registers, in an
odbcinst.ini of its own (ODBCSYSINI / ODBCINSTINI), a driver named
"SQL Server" (the first of ww_disc_drivers) backed by SQLite's ODBC driver,
and serves tbConfigurationA/B/C from a SQLite file called SUSDB in the
process's working directory (where the driver resolves Database=SUSDB).
The real discovery code of wsuswatch.exe reads it; then `diagnose --json`
and the monitor (`run --once`, `check`) must name the cause with its
evidence and fix:

  1. a replica server whose WSUS allows Basic proxy authentication (the
     password in cleartext) and has a proxy password wsuswatch has no copy
     of, with a separate SSL proxy;
  2. a server marked replica that syncs from Microsoft Update.

usage: susdb_wine.py WSUSWATCH.EXE WINE WORKDIR   (WINEPREFIX set by ctest)
Exit 77 when SQLite's ODBC driver or unixODBC is not installed.
"""
import json
import os
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "integration"))
from wwtest import check, require, verdict, skip, sync_lines  # noqa: E402

exe, wine, work = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
SETUP = r"HKLM\SOFTWARE\Microsoft\Update Services\Server\Setup"
DRIVERS = ["/usr/lib/x86_64-linux-gnu/odbc/libsqlite3odbc.so",
           "/usr/lib/odbc/libsqlite3odbc.so", "/usr/lib64/libsqlite3odbc.so"]

driver = next((p for p in DRIVERS if os.path.exists(p)), None)
if not driver:
    skip("SQLite's ODBC driver (libsqliteodbc) is not installed")
if not any(os.path.exists(p) for p in ("/usr/lib/x86_64-linux-gnu/libodbc.so.2",
                                       "/usr/lib/libodbc.so.2")):
    skip("unixODBC (libodbc.so.2), which Wine's odbc32 forwards to, is not installed")

os.makedirs(work, exist_ok=True)
for f in ("SUSDB", "wsuswatch.db"):
    if os.path.exists(os.path.join(work, f)):
        os.remove(os.path.join(work, f))
with open(os.path.join(work, "odbcinst.ini"), "w") as f:
    f.write(f"[SQL Server]\nDescription=SUSDB stand-in for the test\nDriver={driver}\n")
env = dict(os.environ, ODBCSYSINI=work, ODBCINSTINI="odbcinst.ini",
           WINEDEBUG=os.environ.get("WINEDEBUG", "-all"))

# A successful sync an hour ago, in the real format, where LogPath says.
logdir = os.path.join(work, "logs")
os.makedirs(logdir, exist_ok=True)
import time  # noqa: E402
with open(os.path.join(logdir, "SoftwareDistribution.log"), "w", newline="") as f:
    f.write(sync_lines(os.path.join(SRC, "tests", "fixtures"), int(time.time()) - 3600)[0])
winlog = "Z:" + logdir.replace("/", "\\")


def susdb(sync_to_mu, allow_basic):
    db = sqlite3.connect(os.path.join(work, "SUSDB"))
    db.executescript("""
      DROP TABLE IF EXISTS tbConfigurationA; DROP TABLE IF EXISTS tbConfigurationB;
      DROP TABLE IF EXISTS tbConfigurationC;
      CREATE TABLE tbConfigurationA(SyncToMU BIT, UpstreamServerName NVARCHAR,
        ServerPortNumber INT, UpstreamServerUseSSL BIT, UseProxy BIT, ProxyName NVARCHAR,
        ProxyServerPort INT, AnonymousProxyAccess BIT, ProxyUserName NVARCHAR,
        ProxyPassword BLOB, HostOnMu BIT);
      CREATE TABLE tbConfigurationB(MUUrl NVARCHAR, LogPath NVARCHAR,
        RedirectorChangeNumber INT);
      CREATE TABLE tbConfigurationC(LogRolloverFileSizeInBytes BIGINT,
        ProxyUserDomain NVARCHAR, ReplicaMode BIT, AllowProxyCredentialsOverNonSsl BIT,
        UseSeparateProxyForSsl BIT, SslProxyName NVARCHAR, SslProxyServerPort INT);
    """)
    # GetContentFromMU is left out: an optional column a server lacks.
    db.execute("INSERT INTO tbConfigurationA VALUES(?,?,?,?,?,?,?,?,?,?,?)",
               (sync_to_mu, "wsus-up.corp.example", 8531, 1, 1, "proxy.corp.example",
                3128, 0, "svc-wsus", b"\x01\x02encrypted", 0))
    db.execute("INSERT INTO tbConfigurationB VALUES(?,?,?)",
               ("https://sws.update.microsoft.com", winlog, 4002))
    db.execute("INSERT INTO tbConfigurationC VALUES(?,?,?,?,?,?,?)",
               (20971520, "CORP", 1, allow_basic, 1, "sslproxy.corp.example", 8443))
    db.commit()
    db.close()


def run(*args, timeout=120):
    return subprocess.run([wine, exe, "--config", "wsuswatch.yaml"] + list(args),
                          cwd=work, env=env, capture_output=True, text=True,
                          timeout=timeout)


def item(diag, name):
    for g in diag.get("groups", []):
        for it in g.get("items", []):
            if it.get("name") == name:
                return it
    return {}


def reg(*args):
    subprocess.run([wine, "reg"] + list(args), env=env, capture_output=True, timeout=60)


# Whatever an earlier host test left behind (host_baseline.reg).
BASELINE = "Z:" + os.path.join(os.path.dirname(os.path.realpath(__file__)),
                               "host_baseline.reg").replace("/", "\\")
r = subprocess.run([wine, "reg", "import", BASELINE], env=env, capture_output=True,
                   text=True, timeout=60)
if r.returncode:
    print(f"FAIL reg import {BASELINE}: exit {r.returncode} {r.stdout} {r.stderr}")
    sys.exit(1)

# The file sets only where wsuswatch keeps its data and that nothing is
# probed (no network here): everything else is WSUS's, discovered.
winwork = "Z:" + work.replace("/", "\\")
with open(os.path.join(work, "wsuswatch.yaml"), "w") as f:
    f.write(f"database: '{winwork}\\wsuswatch.db'\n"
            "probes: {microsoft_update: \"off\", upstream: \"off\", local: \"off\"}\n"
            "alerts: {eventlog: false}\ncontrol: {pipe: wsuswatch-susdb-test}\n")
# The import TLS path set as the guide says, so that nothing but the
# settings under test is wrong on this server.
NETFX = [r"HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319",
         r"HKLM\SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319"]
NETFX_VALUES = ("SchUseStrongCrypto", "SystemDefaultTlsVersions")
for k in NETFX:
    for v in NETFX_VALUES:
        reg("add", k, "/v", v, "/t", "REG_DWORD", "/d", "1", "/f")
# ConfigMgr's software update point: its tracing key names WsyncMgr.log,
# which holds the guide's catalog import failure.
SMS = r"HKLM\SOFTWARE\Microsoft\SMS\Tracing\SMS_WSUS_SYNC_MANAGER"
with open(os.path.join(work, "wsyncmgr.log"), "w", newline="") as f:
    f.write("Generic exception : ImportUpdateFromCatalogSite failed. Arg = "
            "001d4517-c586-4bb1-9e66-ed6ff8e8d34f. Error =The underlying connection was "
            "closed: An unexpected error occurred on a receive.  $$<SMS_WSUS_SYNC_MANAGER>"
            "<12-03-2026 10:00:01.123+000><thread=4242 (0x1092)>\r\n")
reg("add", SMS, "/v", "TraceFilename", "/t", "REG_SZ", "/d",
    winwork + "\\wsyncmgr.log", "/f")
reg("delete", SETUP, "/f")
reg("add", SETUP, "/v", "PortNumber", "/t", "REG_DWORD", "/d", "8530", "/f")
reg("add", SETUP, "/v", "VersionString", "/t", "REG_SZ", "/d", "10.0.17763.1", "/f")

try:
    # 1. A replica, Basic allowed over cleartext, WSUS's password not here.
    susdb(0, 1)
    r = run("config", "show")
    if "Can't open lib" in r.stdout + r.stderr:
        skip("Wine's odbc32 did not reach the test's driver: " + r.stderr.strip())
    if "SUSDB not readable" in r.stdout + r.stderr:
        print(r.stdout + r.stderr)
    require("SUSDB not readable" not in r.stdout + r.stderr,
            "the real discovery code reads SUSDB through Wine's ODBC")
    check("ssl_url: \"http://sslproxy.corp.example:8443\"  # discovered: SUSDB "
          "tbConfigurationC.SslProxyName" in r.stdout,
          "the separate SSL proxy becomes proxy.ssl_url (the https probes' proxy)",
          r.stdout)
    check("user: \"CORP\\\\svc-wsus\"" in r.stdout, "proxy user DOMAIN\\user", r.stdout)

    r = run("diagnose", "--json", "--no-probes")
    diag = json.loads(r.stdout)
    pb = item(diag, "proxy_basic")
    check(pb.get("state") == "warning" and "sent in cleartext" in pb.get("summary", ""),
          "diagnose: proxy_basic warns that Basic sends the password in cleartext", pb)
    check("AllowProxyCredentialsOverNonSsl = 1" in (pb.get("evidence") or ""),
          "proxy_basic's evidence names the SUSDB column", pb)
    check("Allow basic authentication" in (pb.get("hint") or ""), "proxy_basic's fix", pb)
    check(diag.get("health") == "warning" and r.returncode == 1,
          "diagnose: warning, exit 1", (diag.get("health"), r.returncode))
    first = (diag.get("fix_first") or [{}])[0]
    check(first.get("item") == "proxy_basic", "diagnose: proxy_basic is fixed first", first)
    h = item(diag, "hierarchy")
    check(h.get("state") == "ok" and "replica of wsus-up.corp.example" in h.get("summary", ""),
          "diagnose: the replica is shown", h)
    check("10.0.17763.1" in (h.get("evidence") or ""), "this server's VersionString", h)
    mu = item(diag, "muurl_policy")
    check(mu.get("state") == "skipped" and "replica" in mu.get("summary", ""),
          "diagnose: no MUUrl fix on a replica", mu)
    pc = item(diag, "proxy_credentials")
    check("credentials are not tested" in pc.get("summary", ""),
          "diagnose: WSUS's proxy password is not tested, said as information", pc)
    check(item(diag, "proxy").get("state") == "ok", "the proxy row does not warn about it",
          item(diag, "proxy"))
    check("WinHTTP default proxy (context only, not WSUS's setting): direct access"
          in (item(diag, "proxy").get("evidence") or ""),
          "the WinHTTP proxy is shown as context beside WSUS's own", item(diag, "proxy"))
    ci = item(diag, "catalog_import")
    check(ci.get("state") == "warning" and "import_tls_path" in (ci.get("hint") or "")
          and "ImportUpdateFromCatalogSite failed" in (ci.get("evidence") or ""),
          "WsyncMgr.log, found through the SMS key: the catalog import points at "
          "import_tls_path", ci)
    d = item(diag, "discovery")
    check("not read: tbConfigurationC.GetContentFromMU" in (d.get("evidence") or ""),
          "a column the server lacks is named, and loses only itself", d)

    r = run("run", "--once")
    if r.returncode:
        print(r.stderr)
    require(r.returncode == 0, "run --once")
    st = json.loads(r.stdout)
    cause = st.get("cause") or {}
    check(cause.get("check") == "proxy_basic" and "cleartext" in cause.get("summary", "")
          and cause.get("fix"), "the monitor names proxy_basic with its fix", cause)
    r = run("check")
    head = r.stdout.splitlines()[0] if r.stdout else ""
    check(r.returncode == 1 and head.startswith("WSUSWATCH WARNING - ")
          and "cleartext" in head, "check: WARNING naming Basic in cleartext", r.stdout)

    # 2. Marked replica while syncing from Microsoft Update.
    susdb(1, 0)
    r = run("diagnose", "--json", "--no-probes")
    diag = json.loads(r.stdout)
    h = item(diag, "hierarchy")
    check(h.get("state") == "warning" and "a replica syncs from its upstream only"
          in h.get("summary", ""), "diagnose: a replica syncing from MU is judged", h)
    check("IsReplicaServer: yes" in (h.get("evidence") or "") and
          "This server is a replica" in (h.get("hint") or ""), "its evidence and fix", h)
    first = (diag.get("fix_first") or [{}])[0]
    check(first.get("item") == "hierarchy", "diagnose: the hierarchy is fixed first", first)
    r = run("run", "--once")
    st = json.loads(r.stdout) if r.returncode == 0 else {}
    cause = st.get("cause") or {}
    check(cause.get("check") == "hierarchy", "the monitor names the hierarchy", cause)
    r = run("check")
    check(r.returncode == 1 and "replica" in r.stdout, "check: WARNING naming the replica",
          r.stdout)
finally:
    reg("import", BASELINE)
sys.exit(verdict())
