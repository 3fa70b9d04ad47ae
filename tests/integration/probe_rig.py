"""What the endpoint probe's integration tests share: free ports, servers
started in their own session and stopped on exit, a CA with leaf
certificates for upstream.test, nginx as a WSUS upstream (the asmx over
HTTPS, SelfUpdate over plain HTTP on the port below), `wsuswatch probe
--json` with expectations on its results, one monitor run through a proxy,
and the search for the proxy password in everything the binary wrote.

Used by test_probe.py (nginx, openssl s_server, tinyproxy with basic auth)
and test_probe_ntlm.py (squid with NTLM).  Failures are collected in
`failures`; every stdout/stderr text of the binary in `outputs`.
"""
import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import wwtest
from wwtest import failures, free_port, openssl  # noqa: F401 (re-exported)

HOST = "upstream.test"
ASMX = "/ServerSyncWebService/ServerSyncWebService.asmx"

# What runs the binary: nothing for a native one, ["wine"] for a Windows
# build (test_probe_ntlm.py).
emulator = []
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


def start(args, port, stop_signal=signal.SIGTERM, **kw):
    """A server in its own process group, once it listens on `port`;
    stop_all() sends `stop_signal` to the group."""
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                         stderr=kw.pop("stderr", subprocess.DEVNULL),
                         start_new_session=True, **kw)
    p.stop_signal = stop_signal
    procs.append(p)
    wait_port(port, p)
    return p


def stop_all():
    for p in procs:
        if p.poll() is None:
            try:
                os.killpg(p.pid, getattr(p, "stop_signal", signal.SIGTERM))
            except ProcessLookupError:
                pass
    for p in procs:
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)


LEAF_DATES = {"good": ("20200101000000Z", "20991231000000Z"),
              "expired": ("20200101000000Z", "20210101000000Z"),
              "notyet": ("20980101000000Z", "20991231000000Z")}


# Wine 8's crypt32 cannot verify an ECDSA certificate signature whose r or s
# is shorter than the curve's size (for P-256, a value below 2**248, so 31
# bytes or fewer): CNG_PrepareSignatureECC (dlls/crypt32/cert.c) joins r and
# s as decoded, without padding them to the key size, and
# BCryptVerifySignature then refuses the 63-byte r|s (c000a000,
# STATUS_INVALID_SIGNATURE).  Schannel reports CERT_TRUST_IS_NOT_SIGNATURE_VALID
# (error mask 0x00000008, tls_untrusted) for a chain OpenSSL verifies: the
# intermittent failure of wine_probe_ntlm, whose certificates are P-256.  Each
# signature is short with a chance of about 2/256, a CA and leaf set about 1
# in 64.  Measured: 700 fresh P-256 sets probed under Wine, 17 failed, every
# one with a short r or s, every short set failed, and again on each rerun;
# 0 of 200 RSA sets (docs/probes.md).  Newer Wine pads to the longer half;
# Windows verifies them.  The rig signs again until no half is short.
ECDSA_SIG_OID = bytes.fromhex("2a8648ce3d04")  # 1.2.840.10045.4: ecdsa-with-*
SIGN_TRIES = 20


def _der_items(buf, start=0, end=None):
    """The DER elements in buf[start:end]: (tag, content start, content end)."""
    end = len(buf) if end is None else end
    items = []
    while start < end:
        tag, n, i = buf[start], buf[start + 1], start + 2
        if n & 0x80:
            n, i = int.from_bytes(buf[i:i + (n & 0x7f)], "big"), i + (n & 0x7f)
        items.append((tag, i, i + n))
        start = i + n
    return items


def _cert_der(pem):
    with open(pem) as f:
        body = f.read().split("-----BEGIN CERTIFICATE-----")[1]
    return base64.b64decode(body.split("-----END CERTIFICATE-----")[0])


def ecdsa_short_half(pem, issuer_pem):
    """True when `pem` carries an ECDSA signature whose r or s is shorter than
    the key size of `issuer_pem`'s EC key (what Wine 8 cannot verify)."""
    der = _cert_der(pem)
    _, alg, sig = _der_items(der, *_der_items(der)[0][1:])
    oid = _der_items(der, alg[1], alg[2])[0]
    if not der[oid[1]:oid[2]].startswith(ECDSA_SIG_OID):
        return False
    bits = der[sig[1] + 1:sig[2]]  # after the BIT STRING's unused-bits byte
    halves = [int.from_bytes(bits[a:b], "big")
              for _, a, b in _der_items(bits, *_der_items(bits)[0][1:])]
    issuer = _cert_der(issuer_pem)
    fields = _der_items(issuer, *_der_items(issuer, *_der_items(issuer)[0][1:])[0][1:])
    spki = fields[6 if fields[0][0] == 0xa0 else 5]  # after [0] version, if any
    point = _der_items(issuer, spki[1], spki[2])[1]  # BIT STRING: 00 04 X Y
    size = (point[2] - point[1] - 2) // 2
    return any(v < 256 ** (size - 1) for v in halves)


def signed_for_wine(make, tmp, pem, issuer):
    """make() writes tmp/pem signed by tmp/issuer; made again, with a new
    signature, while Wine could not verify it (ecdsa_short_half)."""
    for _ in range(SIGN_TRIES):
        make()
        if not ecdsa_short_half(os.path.join(tmp, pem), os.path.join(tmp, issuer)):
            return
    raise RuntimeError(f"{pem}: {SIGN_TRIES} ECDSA signatures, each with a short r or s")


def make_certs(tmp, leaves=tuple(LEAF_DATES), self_signed=True,
               newkey=("rsa:2048",), names=()):
    """A CA (ca.pem), the LEAF_DATES certificates it signs that `leaves`
    names (NAME.pem, NAME.key) and a self-signed one (self.pem), all for
    upstream.test and 127.0.0.1, with keys made by `openssl req -newkey
    NEWKEY...` (RSA by default: the NULL-SHA256 server needs one).  The
    leaves also carry the DNS `names` (the lab's sws.update.microsoft.com)."""
    san = ",".join(f"DNS:{n}" for n in (HOST, "localhost", *names)) + ",IP:127.0.0.1"
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
subjectAltName = {san}
""")
    open(os.path.join(tmp, "index.txt"), "w").close()
    with open(os.path.join(tmp, "serial"), "w") as f:
        f.write("1000\n")
    signed_for_wine(lambda: openssl(
        ["openssl", "req", "-x509", "-newkey", *newkey, "-nodes",
         "-keyout", "ca.key", "-out", "ca.pem", "-days", "3",
         "-subj", "/CN=wsuswatch test CA"], tmp), tmp, "ca.pem", "ca.pem")
    for name in leaves:
        start_d, end_d = LEAF_DATES[name]
        openssl(["openssl", "req", "-new", "-newkey", *newkey, "-nodes",
             "-keyout", f"{name}.key", "-out", f"{name}.csr",
             "-subj", f"/CN={HOST}", "-config", "ca.cnf",
             "-addext", f"subjectAltName={san}"], tmp)
        signed_for_wine(ca_signer(tmp, name, start_d, end_d), tmp, f"{name}.pem", "ca.pem")
    if not self_signed:
        return
    signed_for_wine(lambda: openssl(
        ["openssl", "req", "-x509", "-newkey", *newkey, "-nodes",
         "-keyout", "self.key", "-out", "self.pem", "-days", "30",
         "-subj", f"/CN={HOST}",
         "-addext", f"subjectAltName=DNS:{HOST},DNS:localhost,IP:127.0.0.1"], tmp),
        tmp, "self.pem", "self.pem")


def ca_signer(tmp, name, start_d, end_d):
    """`openssl ca` signing NAME.csr into NAME.pem; each call signs anew under
    the same serial (the CA's database and serial file as they were)."""
    saved = {}
    for f in ("index.txt", "serial"):
        with open(os.path.join(tmp, f)) as text:
            saved[f] = text.read()

    def sign():
        for f, text in saved.items():
            with open(os.path.join(tmp, f), "w") as out:
                out.write(text)
        openssl(["openssl", "ca", "-batch", "-config", "ca.cnf", "-cert", "ca.pem",
                 "-keyfile", "ca.key", "-in", f"{name}.csr", "-out", f"{name}.pem",
                 "-startdate", start_d, "-enddate", end_d, "-notext"], tmp)
    return sign


NGINX_TLS_SERVER = """
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {tmp}/{cert}.pem;
        ssl_certificate_key {tmp}/{cert}.key;
        ssl_protocols TLSv1.2;
        location = {asmx} {{
            default_type text/html; return 200 "<html>ServerSyncWebService</html>";
        }}
        location = /e503 {{ return 503; }}
        location = /e401 {{ return 401; }}
        location = /e500 {{ return 500; }}
    }}
"""


def write_nginx_conf(tmp, servers):
    """tmp/nginx.conf: one foreground nginx process, everything it writes
    in tmp, the given server blocks."""
    with open(os.path.join(tmp, "nginx.conf"), "w") as f:
        f.write(f"""
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
}}
""")


def start_nginx(tmp, ports):
    """One TLS server for each certificate that `ports` names a port for
    (good, expired, notyet, self) and the plain-HTTP one on ports['http']."""
    certs = [c for c in ("good", "expired", "notyet", "self", "crl") if c in ports]
    servers = "".join(NGINX_TLS_SERVER.format(port=ports[c], tmp=tmp, cert=c,
                                              asmx=ASMX) for c in certs)
    os.makedirs(os.path.join(tmp, "www/selfupdate"))
    with open(os.path.join(tmp, "www/selfupdate/iuident.cab"), "wb") as f:
        f.write(b"MSCF" + b"\0" * 4092)
    write_nginx_conf(tmp, servers + f"""
    server {{
        listen 127.0.0.1:{ports['http']};
        root {tmp}/www;
        location = {ASMX} {{ return 403; }}
    }}""")
    p = subprocess.Popen(["nginx", "-p", tmp, "-c", f"{tmp}/nginx.conf"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    procs.append(p)
    for key in (*certs, "http"):
        wait_port(ports[key], p)


def run_binary(binary, args, env, timeout=120):
    """The binary (under `emulator`) with its output in files, not pipes: a
    wineserver started by the first Wine call keeps inherited pipes open.
    Returns (exit code, stdout, stderr) and keeps both texts in `outputs`."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        rc = subprocess.run([*emulator, binary, *args], stdin=subprocess.DEVNULL,
                            stdout=out, stderr=err, env=env,
                            timeout=timeout).returncode
        out.seek(0)
        err.seek(0)
        texts = out.read(), err.read()
    outputs.append(texts[0] + texts[1])
    return rc, texts[0], texts[1]


def probe(binary, args, env_password=None):
    env = dict(os.environ)
    env.pop("WSUSWATCH_PROXY_PASSWORD", None)
    for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY",
              "ALL_PROXY", "all_proxy"):
        env.pop(k, None)
    if env_password is not None:
        env["WSUSWATCH_PROXY_PASSWORD"] = env_password
    t0 = time.monotonic()
    rc, out, err = run_binary(binary, ["probe", "--json", *args], env, 60)
    elapsed = time.monotonic() - t0
    try:
        doc = json.loads(out)
    except json.JSONDecodeError:
        raise AssertionError(f"probe {args}: not JSON (rc {rc}): {out!r} {err!r}")
    return rc, doc["results"], elapsed


def check(name, cond, msg):
    """wwtest.check with the name first, as these tests were written."""
    return wwtest.check(cond, name, msg)


def expect(binary, name, args, result, stage, wu_code, **kw):
    rc, results, elapsed = probe(binary, args, kw.pop("password", None))
    r = results[0]
    got = (r["result"], r["stage"], r["wu_code"])
    want = (result, stage, wu_code)
    check(name, got == want and rc == (0 if result == "ok" else 2)
          and r["ok"] == (result == "ok"),
          f"got {got} rc {rc}, want {want}; detail {r.get('detail')}")
    for key, value in kw.items():
        check(f"{name}: {key}", r.get(key) == value,
              f"{key} = {r.get(key)!r}, want {value!r}")
    return r, elapsed


def probe_config(cfg, binary, *args, env=None):
    """`wsuswatch --config CFG ARGS...`: (exit code, the parsed JSON document
    or None, stdout + stderr)."""
    rc, out, err = run_binary(binary, ["--config", cfg, *args],
                              env or dict(os.environ))
    try:
        doc = json.loads(out)
    except json.JSONDecodeError:
        doc = None
    return rc, doc, out + err


def proxied_config(tmp, ports, proxy_port, user, monitor=None,
                   host="127.0.0.1", cacert=None,
                   secret="password_env: WW_TEST_PROXY_PW",
                   native=str, control=None):
    """A configuration whose upstream (`host`: the proxy resolves names
    itself, so by default the address) is reached through the proxy as
    `user` (None: no proxy.user), the password in $WW_TEST_PROXY_PW (or
    where `secret`, a proxy key, says), the CA in `cacert` (TMP/ca.pem).
    With `monitor` (a directory) it is MONITOR/wsuswatch.yaml and keeps the
    monitor's files there, named as the binary names them (`native`: under
    Wine, Z:\\...), and `control` as its control mapping (by default a
    socket in MONITOR); otherwise it is TMP/wsuswatch.yaml.  Returns its
    path."""
    cfg = os.path.join(monitor or tmp, "wsuswatch.yaml")
    user_key = f"user: '{user}', " if user is not None else ""
    text = f"""wsus:
  upstream: {{host: {host}, port: {ports['good']}, ssl: true, http_port: {ports['http']}}}
probes: {{microsoft_update: "off", timeout: 10s}}
tls: {{cacert: '{cacert or tmp + "/ca.pem"}'}}
proxy: {{url: "http://127.0.0.1:{proxy_port}", {user_key}
         {secret}}}
"""
    if monitor:
        def path(name):
            return native(os.path.join(monitor, name))
        control = control or f"socket: '{path('ctl/wsuswatch.sock')}'"
        text = text.replace("wsus:\n", f"wsus:\n  log: '{path('SoftwareDistribution.log')}'\n")
        text += f"""database: '{path('wsuswatch.db')}'
alerts: {{syslog: false}}
metrics: {{textfile: '{path('wsuswatch.prom')}'}}
control: {{{control}}}
"""
    with open(cfg, "w") as f:
        f.write(text)
    return cfg


def probe_configured(binary, cfg, password):
    """`probe --json` of the configured upstream with `password` in
    $WW_TEST_PROXY_PW: the list of results and, for a message, the text."""
    env = dict(os.environ, WW_TEST_PROXY_PW=password)
    rc, doc, text = probe_config(cfg, binary, "probe", "--json", env=env)
    return [r["result"] for r in (doc or {}).get("results", [])], f"rc {rc}: {text}"


def monitor_once(binary, tmp, ports, proxy_port, user, env,
                 what="the configured password", **config):
    """The whole monitor once (`run --once`) through the authenticating proxy,
    in environment `env`, with proxied_config(..., **config): probe results
    go into the store, the metrics textfile and the status JSON.
    grep_secrets() then searches all of them for the password."""
    mon = os.path.join(tmp, "monitor")
    os.makedirs(mon, mode=0o700)
    cfg = proxied_config(tmp, ports, proxy_port, user, monitor=mon, **config)
    rc, doc, text = probe_config(cfg, binary, "run", "--once", env=env)
    probes = (doc or {}).get("probes") or []
    check(f"monitor --once: probes through the proxy with {what}",
          sorted(r["result"] for r in probes) == ["ok", "ok"],
          f"rc {rc}: {text[:800]}")
    check("monitor --once: the store and the textfile were written",
          os.path.exists(f"{mon}/wsuswatch.db") and os.path.exists(f"{mon}/wsuswatch.prom"),
          os.listdir(mon))


def grep_secrets(tmp, user, password):
    """The password, its Basic encoding and its UTF-16LE form (what NTLM
    hashes) in no output of the binary and no log, database, metrics or
    configuration file below tmp (the servers' logs included)."""
    needles = [password, base64.b64encode(f"{user}:{password}".encode()).decode(),
               password.encode("utf-16-le").decode("latin-1")]
    texts = list(outputs)
    for root, _, files in os.walk(tmp):
        for name in files:
            if name.endswith((".log", ".db", ".db-wal", ".prom", ".yaml")):
                with open(os.path.join(root, name), "rb") as f:
                    texts.append(f.read().decode("latin-1"))
    leaked = [n for n in needles for t in texts if n in t]
    check("no proxy password in any output, log or database", not leaked, leaked)




def run_in_tmp(prefix, tools, body):
    """The test's frame: 77 when a server program is missing (`tools` maps
    each name to its path or None); otherwise body(tmp) in a new temporary
    directory that others may read (servers that drop to nobody), then every
    server stopped and the directory removed (kept after a failure with
    WW_KEEP_TMP=1).  Returns the exit code."""
    for tool, path in tools.items():
        if not path:
            print(f"skip: {tool} is not installed")
            return 77
    tmp = tempfile.mkdtemp(prefix=prefix)
    os.chmod(tmp, 0o755)
    try:
        body(tmp)
    except Exception as e:  # a broken set-up is a failure, not a skip
        print(f"FAIL set-up or scenario: {e!r}")
        failures.append("exception")
    finally:
        stop_all()
        if failures and os.environ.get("WW_KEEP_TMP"):
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0
