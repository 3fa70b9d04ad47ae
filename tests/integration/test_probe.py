#!/usr/bin/env python3
"""Integration test of `wsuswatch probe --json` against real servers on
127.0.0.1: nginx (TLS 1.2, HTTP), openssl s_server (TLS 1.0 only, a cipher
the client refuses), tinyproxy (basic auth), a listener that never answers,
a closed port and an unresolvable name.  Certificates are made here with
openssl.  Every server is stopped on exit, also on failure.

usage: test_probe.py WSUSWATCH_BINARY [TEST_ENDPOINT_BINARY]
The second binary (the Check unit test) is run against the never-answering
listener to show that a probe aborts promptly when the stop event is set.
Exit 0 pass, 1 fail, 77 skipped (a server program is missing).
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wwtest  # noqa: E402
from wwtest import check, failures, free_port  # noqa: E402

PASSWORD = "S3cr3t-Pw-7731"
USER = "probeuser"
HOST = "upstream.test"

procs = []
outputs = []  # every stdout/stderr text the binary produced


def adjacent_ports():
    for _ in range(50):
        p = free_port()
        try:
            s = socket.socket()
            s.bind(("127.0.0.1", p + 1))
            s.close()
            return p, p + 1
        except OSError:
            continue
    raise RuntimeError("no two adjacent free ports")


def wait_port(port, proc, timeout=10.0):
    end = time.time() + timeout
    while time.time() < end:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server on port {port} exited early: {proc.args}")
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


def start(args, port, **kw):
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                         stderr=kw.pop("stderr", subprocess.DEVNULL),
                         start_new_session=True, **kw)
    procs.append(p)
    wait_port(port, p)
    return p


def stop_all():
    for p in procs:
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    for p in procs:
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)


def make_certs(tmp):
    """A CA, leaf certificates it signs (good, expired, not yet valid) and
    a self-signed one, all for upstream.test and 127.0.0.1."""
    with open(os.path.join(tmp, "ca.cnf"), "w") as f:
        f.write(f"""[ca]
default_ca = testca
[testca]
dir = {tmp}
database = {tmp}/index.txt
new_certs_dir = {tmp}
serial = {tmp}/serial
default_md = sha256
policy = anything
copy_extensions = copy
unique_subject = no
[anything]
commonName = supplied
[req]
distinguished_name = dn
[dn]
[leaf]
subjectAltName = DNS:{HOST},IP:127.0.0.1
""")
    open(os.path.join(tmp, "index.txt"), "w").close()
    with open(os.path.join(tmp, "serial"), "w") as f:
        f.write("1000\n")
    wwtest.self_signed(tmp, "ca", "/CN=wsuswatch test CA", 3)
    dates = {"good": ("20200101000000Z", "20991231000000Z"),
             "expired": ("20200101000000Z", "20210101000000Z"),
             "notyet": ("20980101000000Z", "20991231000000Z")}
    for name, (start_d, end_d) in dates.items():
        wwtest.openssl(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes",
                        "-keyout", f"{name}.key", "-out", f"{name}.csr",
                        "-subj", f"/CN={HOST}", "-config", "ca.cnf",
                        "-addext", f"subjectAltName=DNS:{HOST},IP:127.0.0.1"], tmp)
        wwtest.openssl(["openssl", "ca", "-batch", "-config", "ca.cnf", "-cert", "ca.pem",
                        "-keyfile", "ca.key", "-in", f"{name}.csr", "-out", f"{name}.pem",
                        "-startdate", start_d, "-enddate", end_d, "-notext"], tmp)
    wwtest.self_signed(tmp, "self", f"/CN={HOST}", 30, san=f"DNS:{HOST},IP:127.0.0.1")


NGINX_TLS_SERVER = """
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {tmp}/{cert}.pem;
        ssl_certificate_key {tmp}/{cert}.key;
        ssl_protocols TLSv1.2;
        location = /ServerSyncWebService/ServerSyncWebService.asmx {{
            default_type text/html; return 200 "<html>ServerSyncWebService</html>";
        }}
        location = /e503 {{ return 503; }}
        location = /e401 {{ return 401; }}
        location = /e500 {{ return 500; }}
    }}
"""


def start_nginx(tmp, ports):
    servers = "".join(NGINX_TLS_SERVER.format(port=ports[c], tmp=tmp, cert=c)
                      for c in ("good", "expired", "notyet", "self"))
    os.makedirs(os.path.join(tmp, "www/selfupdate"))
    with open(os.path.join(tmp, "www/selfupdate/iuident.cab"), "wb") as f:
        f.write(b"MSCF" + b"\0" * 4092)
    conf = f"""
daemon off;
master_process off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 64; }}
http {{
    access_log {tmp}/nginx-access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    {servers}
    server {{
        listen 127.0.0.1:{ports['http']};
        root {tmp}/www;
        location = /ServerSyncWebService/ServerSyncWebService.asmx {{ return 403; }}
    }}
}}
"""
    with open(os.path.join(tmp, "nginx.conf"), "w") as f:
        f.write(conf)
    p = subprocess.Popen(["nginx", "-p", tmp, "-c", f"{tmp}/nginx.conf"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    procs.append(p)
    for key in ("good", "expired", "notyet", "self", "http"):
        wait_port(ports[key], p)


def start_tinyproxy(tmp, port):
    conf = os.path.join(tmp, "tinyproxy.conf")
    with open(conf, "w") as f:
        f.write(f"""User nobody
Group nogroup
Port {port}
Listen 127.0.0.1
Timeout 30
LogLevel Info
MaxClients 10
Allow 127.0.0.1
BasicAuth {USER} {PASSWORD}
""")
    log = open(os.path.join(tmp, "tinyproxy.log"), "w")
    start(["tinyproxy", "-d", "-c", conf], port, stderr=log)


def probe(binary, args, env_password=None):
    env = dict(os.environ)
    env.pop("WSUSWATCH_PROXY_PASSWORD", None)
    for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY",
              "ALL_PROXY", "all_proxy"):
        env.pop(k, None)
    if env_password is not None:
        env["WSUSWATCH_PROXY_PASSWORD"] = env_password
    t0 = time.monotonic()
    p = wwtest.ww(binary, "probe", "--json", *args, env=env)
    elapsed = time.monotonic() - t0
    outputs.append(p.stdout + p.stderr)
    try:
        doc = json.loads(p.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"probe {args}: not JSON (rc {p.returncode}): "
                             f"{p.stdout!r} {p.stderr!r}")
    return p.returncode, doc["results"], elapsed


def run_ww(binary, *args, key="results", config=None, env=None, timeout=60):
    """wsuswatch ARGS, its output kept for grep_secrets(); (the process,
    doc[key] of its JSON or [] when there is none)."""
    p = wwtest.ww(binary, *args, config=config, env=env, timeout=timeout)
    outputs.append(p.stdout + p.stderr)
    try:
        return p, json.loads(p.stdout)[key]
    except (json.JSONDecodeError, KeyError, TypeError):
        return p, []


def expect(binary, name, args, result, stage, wu_code, **kw):
    rc, results, elapsed = probe(binary, args, kw.pop("password", None))
    r = results[0]
    got = (r["result"], r["stage"], r["wu_code"])
    want = (result, stage, wu_code)
    check(got == want and rc == (0 if result == "ok" else 2)
          and r["ok"] == (result == "ok"),
          name, f"got {got} rc {rc}, want {want}; detail {r.get('detail')}")
    for key, value in kw.items():
        check(r.get(key) == value, f"{name}: {key}",
              f"{key} = {r.get(key)!r}, want {value!r}")
    return r, elapsed


def scenarios(binary, tmp, ports, hung_port, proxy_port):
    ca = ["--cacert", f"{tmp}/ca.pem"]
    asmx = "/ServerSyncWebService/ServerSyncWebService.asmx"

    def url(key, path=asmx, host=HOST):
        return f"https://{host}:{ports[key]}{path}"

    def pin(key):
        return ["--resolve", f"{HOST}:{ports[key]}:127.0.0.1"]

    r, _ = expect(binary, "healthy TLS 1.2", [url("good"), *pin("good"), *ca],
                  "ok", None, None, http_status=200, tls_version="TLSv1.2")
    check(bool(r["tls_cipher"]), "healthy: cipher", r["tls_cipher"])
    check(isinstance(r["cert_days_left"], int) and r["cert_days_left"] > 20000,
          "healthy: cert days", r["cert_days_left"])
    check(r["cert_not_after"] == "2099-12-31T00:00:00Z", "healthy: cert_not_after",
          r["cert_not_after"])
    check(r["clock_skew_seconds"] is not None and abs(r["clock_skew_seconds"]) <= 2,
          "healthy: clock skew", r["clock_skew_seconds"])
    check(r["hint"] is None, "healthy: hint null", r["hint"])

    expect(binary, "TLS 1.0 only", [f"https://127.0.0.1:{ports['tls10']}/", *ca],
           "tls_handshake_failed", "tls", "0x80072EFE")
    expect(binary, "refused cipher", [f"https://127.0.0.1:{ports['nullcipher']}/", *ca],
           "tls_handshake_failed", "tls", "0x80072EFE")
    expect(binary, "untrusted self-signed", [url("self"), *pin("self"), *ca],
           "tls_untrusted", "tls", "0x800B0109")
    r, _ = expect(binary, "expired", [url("expired"), *pin("expired"), *ca],
                  "tls_expired", "tls", "0x80072F8F",
                  cert_not_after="2021-01-01T00:00:00Z")
    check((r["cert_days_left"] or 0) < 0, "expired: days left negative",
          r["cert_days_left"])
    expect(binary, "not yet valid", [url("notyet"), *pin("notyet"), *ca],
           "tls_not_yet_valid", "tls", "0x80072F8F")
    expect(binary, "wrong host name",
           [url("good", host="wrong.test"), "--resolve",
            f"wrong.test:{ports['good']}:127.0.0.1", *ca],
           "tls_name_mismatch", "tls", "0x80072F8F")
    expect(binary, "connection refused",
           [f"https://127.0.0.1:{ports['closed']}/"],
           "connect_refused", "connect", "0x80072EFD")
    r, elapsed = expect(binary, "hung listener (TLS)",
                        ["--timeout", "2", f"https://127.0.0.1:{hung_port}/"],
                        "timeout", "tls", "0x80072EE2")
    check(elapsed < 4.0, "hung listener ends within its timeout",
          f"{elapsed:.1f}s")
    r, elapsed = expect(binary, "hung listener (HTTP)",
                        ["--timeout", "2", f"http://127.0.0.1:{hung_port}/"],
                        "timeout", "http", "0x80072EE2")
    check(elapsed < 4.0, "hung HTTP listener ends within its timeout",
          f"{elapsed:.1f}s")
    expect(binary, "HTTP 503", [url("good", "/e503"), *pin("good"), *ca],
           "http_unavailable", "http", "0x80244022", http_status=503)
    expect(binary, "HTTP 404", [url("good", "/nothing-here"), *pin("good"), *ca],
           "http_not_found", "http", "0x80244019", http_status=404)
    expect(binary, "HTTP 401", [url("good", "/e401"), *pin("good"), *ca],
           "http_unauthorized", "http", "0x80244017", http_status=401)
    expect(binary, "HTTP 500 on a plain path", [url("good", "/e500"), *pin("good"), *ca],
           "http_error", "http", "0x8024401F", http_status=500)
    expect(binary, "asmx over HTTP where SSL is required (403)",
           [f"http://{HOST}:{ports['http']}{asmx}", "--resolve",
            f"{HOST}:{ports['http']}:127.0.0.1"],
           "http_error", "http", "0x80244018", http_status=403)
    expect(binary, "unresolvable name", ["https://wsuswatch-probe.invalid/"],
           "dns_failure", "dns", "0x8024402C")

    # An upstream-like server: asmx over HTTPS, SelfUpdate over plain HTTP.
    rc, results, _ = probe(binary, [url("good"), *pin("good"), *ca,
                                    f"http://{HOST}:{ports['http']}/selfupdate/iuident.cab",
                                    "--resolve", f"{HOST}:{ports['http']}:127.0.0.1"])
    check(rc == 0 and [r["result"] for r in results] == ["ok", "ok"],
          "upstream-like: both ok",
          f"rc {rc}: {[(r['result'], r['detail']) for r in results]}")
    check(results[1]["tls_version"] is None and results[1]["http_status"] == 200,
          "upstream-like: selfupdate over HTTP has no TLS", results[1])

    # A forward proxy requiring basic auth.
    proxy = ["--proxy", f"http://127.0.0.1:{proxy_port}"]
    target = f"https://127.0.0.1:{ports['good']}{asmx}"
    expect(binary, "proxy: no credentials", [target, *proxy, *ca],
           "proxy_auth_required", "proxy", "0x8024401B")
    expect(binary, "proxy: wrong password", [target, *proxy, "--proxy-user", USER, *ca],
           "proxy_auth_required", "proxy", "0x8024401B", password="wrong-password")
    expect(binary, "proxy: right credentials", [target, *proxy, "--proxy-user", USER, *ca],
           "ok", None, None, password=PASSWORD, http_status=200)
    expect(binary, "proxy: plain HTTP without credentials",
           [f"http://127.0.0.1:{ports['http']}/selfupdate/iuident.cab", *proxy],
           "proxy_auth_required", "proxy", "0x8024401B")
    expect(binary, "proxy: plain HTTP with credentials",
           [f"http://127.0.0.1:{ports['http']}/selfupdate/iuident.cab", *proxy,
            "--proxy-user", USER], "ok", None, None, password=PASSWORD)
    expect(binary, "proxy: unreachable proxy",
           [target, "--proxy", f"http://127.0.0.1:{ports['closed']}", *ca],
           "proxy_connect_failure", "proxy", "0x80072EFD")
    expect(binary, "proxy: unresolvable proxy",
           [target, "--proxy", "http://proxy.wsuswatch.invalid:3128", *ca],
           "proxy_dns_failure", "proxy", "0x8024402C")

    # Credentials in a proxy URL are refused without being echoed.
    p, _ = run_ww(binary, "probe", target, "--proxy",
                  f"http://{USER}:{PASSWORD}@127.0.0.1:{proxy_port}")
    check(p.returncode == 64, "proxy URL with userinfo refused", p.returncode)


def abort_on_stop(unit, hung_port):
    env = dict(os.environ, CK_FORK="no", CK_RUN_CASE="endpoint",
               WW_TEST_HUNG_URL=f"https://127.0.0.1:{hung_port}/")
    p = subprocess.run([unit], capture_output=True, text=True, env=env,
                       timeout=60)
    check(p.returncode == 0, "probe aborts within ~300 ms of the stop event",
          p.stdout + p.stderr)


def config_mode(binary, tmp, ports, proxy_port):
    """`probe` without a URL probes the configured upstream: the asmx over
    HTTPS on the SSL port and iuident.cab over HTTP on the port below."""
    cfg = os.path.join(tmp, "wsuswatch.yaml")
    with open(cfg, "w") as f:
        f.write(f"""wsus:
  upstream: {{host: {HOST}, port: {ports['good']}, ssl: true}}
probes: {{microsoft_update: "off", timeout: 10s}}
tls: {{cacert: {tmp}/ca.pem}}
resolve: ["{HOST}:{ports['good']}:127.0.0.1", "{HOST}:{ports['http']}:127.0.0.1"]
""")
    env = dict(os.environ)
    p, res = run_ww(binary, "probe", "--json", config=cfg, env=env)
    got = [(r["target"], r["result"], r["url"]) for r in res]
    want = [("upstream_sync", "ok", f"https://{HOST}:{ports['good']}"
             "/ServerSyncWebService/ServerSyncWebService.asmx"),
            ("upstream_selfupdate", "ok",
             f"http://{HOST}:{ports['http']}/selfupdate/iuident.cab")]
    check(p.returncode == 0 and got == want, "config: upstream targets",
          f"rc {p.returncode}: {got} {p.stderr}")
    # The proxy password from the variable the configuration names.  The
    # proxy resolves names itself, so the upstream is named by address.
    with open(cfg, "w") as f:
        f.write(f"""wsus:
  upstream: {{host: 127.0.0.1, port: {ports['good']}, ssl: true}}
probes: {{microsoft_update: "off", timeout: 10s}}
tls: {{cacert: {tmp}/ca.pem}}
proxy: {{url: "http://127.0.0.1:{proxy_port}", user: {USER},
         password_env: WW_TEST_PROXY_PW}}
""")
    # (tinyproxy answers a plain-HTTP request with wrong credentials with
    # 401, not 407: only the CONNECT is checked for the wrong password.)
    for name, pw, want in (("right", PASSWORD, ["ok", "ok"]),
                           ("wrong", "nope", ["proxy_auth_required",
                                              "http_unauthorized"])):
        env["WW_TEST_PROXY_PW"] = pw
        p, res = run_ww(binary, "probe", "--json", config=cfg, env=env)
        check([r["result"] for r in res] == want,
              f"config: proxy with the {name} password",
              f"rc {p.returncode}: {p.stdout} {p.stderr}")


def monitor_once(binary, tmp, ports, proxy_port):
    """The whole monitor once (`run --once`) through the authenticating proxy:
    probe results go into the store, the metrics textfile and the status
    JSON.  grep_secrets() then searches all of them for the password."""
    mon = os.path.join(tmp, "monitor")
    os.makedirs(mon, mode=0o700)
    cfg = os.path.join(mon, "wsuswatch.yaml")
    with open(cfg, "w") as f:
        f.write(f"""database: {mon}/wsuswatch.db
wsus:
  log: {mon}/SoftwareDistribution.log
  upstream: {{host: 127.0.0.1, port: {ports['good']}, ssl: true}}
probes: {{microsoft_update: "off", timeout: 10s}}
tls: {{cacert: {tmp}/ca.pem}}
proxy: {{url: "http://127.0.0.1:{proxy_port}", user: {USER},
         password_env: WW_TEST_PROXY_PW}}
alerts: {{syslog: false}}
metrics: {{textfile: {mon}/wsuswatch.prom}}
control: {{socket: {mon}/ctl/wsuswatch.sock}}
""")
    env = dict(os.environ)
    env["WW_TEST_PROXY_PW"] = PASSWORD
    p, probes = run_ww(binary, "run", "--once", key="probes", config=cfg,
                       env=env, timeout=120)
    check(sorted(r["result"] for r in probes) == ["ok", "ok"],
          "monitor --once: probes through the proxy with the configured password",
          f"rc {p.returncode}: {p.stdout[:400]} {p.stderr[:400]}")
    check(os.path.exists(f"{mon}/wsuswatch.db") and os.path.exists(f"{mon}/wsuswatch.prom"),
          "monitor --once: the store and the textfile were written",
          os.listdir(mon))


def grep_secrets(tmp):
    import base64
    needles = [PASSWORD, base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()]
    texts = list(outputs)
    for root, _, files in os.walk(tmp):
        for name in files:
            if name.endswith((".log", ".db", ".db-wal", ".prom", ".yaml")):
                with open(os.path.join(root, name), "rb") as f:
                    texts.append(f.read().decode("latin-1"))
    leaked = [n for n in needles for t in texts if n in t]
    check(not leaked, "no proxy password in any output, log or database", leaked)


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__)
        return 64
    binary = os.path.abspath(sys.argv[1])
    unit = os.path.abspath(sys.argv[2]) if len(sys.argv) == 3 else None
    for tool in ("nginx", "tinyproxy", "openssl"):
        if not shutil.which(tool):
            print(f"skip: {tool} is not installed")
            return 77
    tmp = tempfile.mkdtemp(prefix="wwprobe-")
    os.chmod(tmp, 0o755)  # tinyproxy drops to nobody
    hung = None
    try:
        make_certs(tmp)
        ports = {k: free_port() for k in ("expired", "notyet", "self",
                                         "tls10", "nullcipher", "closed")}
        # The upstream's HTTP port is its SSL port minus one.
        ports["http"], ports["good"] = adjacent_ports()
        start_nginx(tmp, ports)
        start(["openssl", "s_server", "-accept", f"127.0.0.1:{ports['tls10']}",
               "-cert", f"{tmp}/good.pem", "-key", f"{tmp}/good.key", "-tls1",
               "-cipher", "ALL:@SECLEVEL=0", "-www", "-quiet"], ports["tls10"],
              stdin=subprocess.DEVNULL)
        start(["openssl", "s_server", "-accept", f"127.0.0.1:{ports['nullcipher']}",
               "-cert", f"{tmp}/good.pem", "-key", f"{tmp}/good.key", "-tls1_2",
               "-cipher", "NULL-SHA256:@SECLEVEL=0", "-www", "-quiet"],
              ports["nullcipher"], stdin=subprocess.DEVNULL)
        proxy_port = free_port()
        start_tinyproxy(tmp, proxy_port)
        hung, hung_port, _ = wwtest.hung_listener()
        scenarios(binary, tmp, ports, hung_port, proxy_port)
        config_mode(binary, tmp, ports, proxy_port)
        monitor_once(binary, tmp, ports, proxy_port)
        if unit:
            abort_on_stop(unit, hung_port)
        grep_secrets(tmp)
    except Exception as e:  # a broken set-up is a failure, not a skip
        print(f"FAIL set-up or scenario: {e!r}")
        failures.append("exception")
    finally:
        stop_all()
        if hung:
            hung.close()
        if failures and os.environ.get("WW_KEEP_TMP"):
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return wwtest.verdict()


if __name__ == "__main__":
    sys.exit(main())
