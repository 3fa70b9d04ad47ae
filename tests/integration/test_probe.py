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
import os
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wwtest  # noqa: E402
from probe_rig import (ASMX, HOST, adjacent_ports, check, expect, free_port,
                       grep_secrets, make_certs, monitor_once, outputs, probe,
                       probe_config, probe_configured, proxied_config,
                       run_in_tmp, start, start_nginx)  # noqa: E402

PASSWORD = "S3cr3t-Pw-7731"
USER = "probeuser"

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


def scenarios(binary, tmp, ports, hung_port, proxy_port):
    ca = ["--cacert", f"{tmp}/ca.pem"]
    asmx = ASMX

    def url(key, path=asmx, host=HOST):
        return f"https://{host}:{ports[key]}{path}"

    def pin(key):
        return ["--resolve", f"{HOST}:{ports[key]}:127.0.0.1"]

    r, _ = expect(binary, "healthy TLS 1.2", [url("good"), *pin("good"), *ca],
                  "ok", None, None, http_status=200, tls_version="TLSv1.2")
    check("healthy: cipher", bool(r["tls_cipher"]), r["tls_cipher"])
    check("healthy: cert days", isinstance(r["cert_days_left"], int)
          and r["cert_days_left"] > 20000, r["cert_days_left"])
    check("healthy: cert_not_after", r["cert_not_after"] == "2099-12-31T00:00:00Z",
          r["cert_not_after"])
    check("healthy: clock skew", r["clock_skew_seconds"] is not None
          and abs(r["clock_skew_seconds"]) <= 2, r["clock_skew_seconds"])
    check("healthy: hint null", r["hint"] is None, r["hint"])

    expect(binary, "TLS 1.0 only", [f"https://127.0.0.1:{ports['tls10']}/", *ca],
           "tls_handshake_failed", "tls", "0x80072EFE")
    expect(binary, "refused cipher", [f"https://127.0.0.1:{ports['nullcipher']}/", *ca],
           "tls_handshake_failed", "tls", "0x80072EFE")
    # WSUS reports an untrusted chain as 0x80072F8F; the chain's own code
    # stays in the detail.
    r, _ = expect(binary, "untrusted self-signed",
                  [url("self"), *pin("self"), *ca],
                  "tls_untrusted", "tls", "0x80072F8F")
    check("untrusted: 0x800B0109 in detail",
          (r["detail"] or "").startswith("0x800B0109"), r["detail"])
    check("untrusted: the guide's steps", "Intermediate Certification"
          in (r["hint"] or "") and "time zone" in (r["hint"] or ""),
          r["hint"])
    r, _ = expect(binary, "expired", [url("expired"), *pin("expired"), *ca],
                  "tls_expired", "tls", "0x80072F8F",
                  cert_not_after="2021-01-01T00:00:00Z")
    check("expired: days left negative", (r["cert_days_left"] or 0) < 0,
          r["cert_days_left"])
    expect(binary, "not yet valid", [url("notyet"), *pin("notyet"), *ca],
           "tls_not_yet_valid", "tls", "0x80072F8F")
    expect(binary, "wrong host name",
           [url("good", host="wrong.test"), "--resolve",
            f"wrong.test:{ports['good']}:127.0.0.1", *ca],
           "tls_name_mismatch", "tls", "0x80072F8F")
    # The refused probe is the reference: what a run costs on this machine
    # now (process start under ASan, load).  A hung server must end at its
    # 2 s timeout plus that cost, not at libcurl's defaults.
    _, ref = expect(binary, "connection refused",
                    [f"https://127.0.0.1:{ports['closed']}/"],
                    "connect_refused", "connect", "0x80072EFD")
    bound = 2.0 + max(2.0, 3 * ref)
    r, elapsed = expect(binary, "hung listener (TLS)",
                        ["--timeout", "2", f"https://127.0.0.1:{hung_port}/"],
                        "timeout", "tls", "0x80072EE2")
    check("hung listener ends within its timeout", elapsed < bound,
          f"{elapsed:.1f}s, bound {bound:.1f}s (reference run {ref:.1f}s)")
    r, elapsed = expect(binary, "hung listener (HTTP)",
                        ["--timeout", "2", f"http://127.0.0.1:{hung_port}/"],
                        "timeout", "http", "0x80072EE2")
    check("hung HTTP listener ends within its timeout", elapsed < bound,
          f"{elapsed:.1f}s, bound {bound:.1f}s (reference run {ref:.1f}s)")
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
    check("upstream-like: both ok", rc == 0 and [r["result"] for r in results] == ["ok", "ok"],
          f"rc {rc}: {[(r['result'], r['detail']) for r in results]}")
    check("upstream-like: selfupdate over HTTP has no TLS",
          results[1]["tls_version"] is None and results[1]["http_status"] == 200,
          results[1])

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
    p = subprocess.run([binary, "probe", target, "--proxy",
                        f"http://{USER}:{PASSWORD}@127.0.0.1:{proxy_port}"],
                       capture_output=True, text=True)
    outputs.append(p.stdout + p.stderr)
    check("proxy URL with userinfo refused", p.returncode == 64, p.returncode)


def abort_on_stop(unit, hung_port):
    env = dict(os.environ, CK_FORK="no",
               WW_TEST_HUNG_URL=f"https://127.0.0.1:{hung_port}/")
    p = subprocess.run([unit, "hung"], capture_output=True, text=True, env=env,
                       timeout=60)
    check("probe aborts within ~300 ms of the stop event", p.returncode == 0,
          p.stdout + p.stderr)


def config_mode(binary, tmp, ports, proxy_port):
    """`probe` without a URL probes the configured upstream: the asmx over
    HTTPS on the SSL port and iuident.cab over HTTP on the port below."""
    cfg = os.path.join(tmp, "wsuswatch.yaml")
    with open(cfg, "w") as f:
        f.write(f"""wsus:
  upstream: {{host: {HOST}, port: {ports['good']}, ssl: true, http_port: {ports['http']}}}
probes: {{microsoft_update: "off", timeout: 10s}}
tls: {{cacert: {tmp}/ca.pem}}
resolve: ["{HOST}:{ports['good']}:127.0.0.1", "{HOST}:{ports['http']}:127.0.0.1"]
""")
    rc, doc, text = probe_config(cfg, binary, "probe", "--json")
    got = [(r["target"], r["result"], r["url"]) for r in (doc or {}).get("results", [])]
    want = [("upstream_sync", "ok", f"https://{HOST}:{ports['good']}{ASMX}"),
            ("upstream_selfupdate", "ok",
             f"http://{HOST}:{ports['http']}/selfupdate/iuident.cab")]
    check("config: upstream targets", rc == 0 and got == want,
          f"rc {rc}: {got} {text}")
    # (tinyproxy answers a plain-HTTP request with wrong credentials with
    # 401, not 407: only the CONNECT is checked for the wrong password.)
    cfg = proxied_config(tmp, ports, proxy_port, USER)
    for name, pw, want in (("right", PASSWORD, ["ok", "ok"]),
                           ("wrong", "nope", ["proxy_auth_required",
                                              "http_unauthorized"])):
        got, text = probe_configured(binary, cfg, pw)
        check(f"config: proxy with the {name} password", got == want, text)


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__)
        return 64
    binary = os.path.abspath(sys.argv[1])
    unit = os.path.abspath(sys.argv[2]) if len(sys.argv) == 3 else None

    def body(tmp):
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
        start_tinyproxy(tmp, proxy_port)  # drops to nobody
        hung, hung_port, _ = wwtest.hung_listener()
        try:
            scenarios(binary, tmp, ports, hung_port, proxy_port)
            config_mode(binary, tmp, ports, proxy_port)
            monitor_once(binary, tmp, ports, proxy_port, USER,
                         dict(os.environ, WW_TEST_PROXY_PW=PASSWORD))
            if unit:
                abort_on_stop(unit, hung_port)
            grep_secrets(tmp, USER, PASSWORD)
        finally:
            hung.close()

    return run_in_tmp("wwprobe-", {t: shutil.which(t) for t in
                                   ("nginx", "tinyproxy", "openssl")}, body)


if __name__ == "__main__":
    sys.exit(main())
