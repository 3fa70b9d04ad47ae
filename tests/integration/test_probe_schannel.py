#!/usr/bin/env python3
"""The Windows build's TLS facts through Schannel, under Wine.

`wine wsuswatch.exe probe https://localhost:PORT/... --json` against nginx
restricted to TLS 1.2 (real HTTP with Content-Length: an HTTP/1.0 reply
without one makes the transfer wait for its timeout) must report
tls_version TLSv1.2, a cipher and the certificate's not-after date.  Before
the fix all three were null on Windows: the TLS handle was asked for after
curl_easy_perform had returned, and Schannel's certinfo writes
"Expire Date:", which the parser did not know.

Then revocation: a leaf whose CRL distribution point nobody serves.  When
Wine's Schannel reports that revocation could not be checked, the result
must be tls_revocation_unknown (not tls_untrusted), and with
`tls: {revocation: best_effort}` the probe must pass; when Wine does not
check revocation at all, that part is skipped (exit 77 if nothing failed).

usage: test_probe_schannel.py WSUSWATCH_EXE EMULATOR facts|revocation
(two ctests, so that the skipped revocation part does not hide the facts)
Exit 0 pass, 1 fail, 77 skipped (nginx or openssl missing, or the
revocation part could not be shown under this Wine).
"""
import calendar
import os
import shutil
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import probe_rig  # noqa: E402
from probe_rig import (ASMX, adjacent_ports, check, free_port,  # noqa: E402
                       make_certs, openssl, probe, probe_config, run_in_tmp,
                       start_nginx)

skipped = []


def native(path):
    return "Z:" + path.replace("/", "\\")


def tls_facts(binary, tmp, ports):
    url = f"https://localhost:{ports['good']}{ASMX}"
    rc, results, _ = probe(binary, [url, "--cacert", native(f"{tmp}/ca.pem")])
    r = results[0]
    want_after = calendar.timegm(time.strptime("20991231000000", "%Y%m%d%H%M%S"))
    check("schannel: the probe passes", r["result"] == "ok" and rc == 0,
          f"rc {rc} {r}")
    check("schannel: tls_version TLSv1.2", r.get("tls_version") == "TLSv1.2", r)
    check("schannel: a cipher", bool(r.get("tls_cipher")), r)
    got = r.get("cert_not_after")
    check("schannel: cert_not_after is the leaf's (2099-12-31)",
          got is not None and abs(iso_seconds(got) - want_after) < 86400, r)
    check("schannel: cert_days_left is set", r.get("cert_days_left") is not None, r)


def iso_seconds(s):
    return calendar.timegm(time.strptime(s[:19], "%Y-%m-%dT%H:%M:%S"))


def make_crl_leaf(tmp, crl_port):
    """A leaf (crl.pem) whose CRL distribution point nobody serves."""
    with open(os.path.join(tmp, "crl.ext"), "w") as f:
        f.write("subjectAltName = DNS:localhost,DNS:upstream.test\n"
                f"crlDistributionPoints = URI:http://127.0.0.1:{crl_port}/ca.crl\n")
    openssl(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes",
             "-keyout", "crl.key", "-out", "crl.csr", "-subj", "/CN=localhost"], tmp)
    openssl(["openssl", "x509", "-req", "-in", "crl.csr", "-CA", "ca.pem",
             "-CAkey", "ca.key", "-CAcreateserial", "-out", "crl.pem",
             "-days", "30", "-extfile", "crl.ext"], tmp)


def revocation(binary, tmp, ports):
    url = f"https://localhost:{ports['crl']}{ASMX}"
    rc, results, _ = probe(binary, [url, "--cacert", native(f"{tmp}/ca.pem")])
    r = results[0]
    if r["result"] == "ok":
        skipped.append("this Wine does not check revocation (the probe passed)")
        print(f"skip: revocation: {skipped[-1]}")
        return
    check("revocation offline: its own result and code",
          r["result"] == "tls_revocation_unknown" and r["stage"] == "tls"
          and r["wu_code"] in ("0x80092013", "0x80092012"), r)
    check("revocation offline: the hint names the option",
          "revocation" in (r.get("hint") or "") and "best_effort" in (r.get("hint") or ""), r)
    cfg = os.path.join(tmp, "best_effort.yaml")
    with open(cfg, "w") as f:
        f.write(f"tls: {{cacert: '{native(tmp + '/ca.pem')}', revocation: best_effort}}\n"
                "probes: {microsoft_update: \"off\"}\n")
    rc, doc, text = probe_config(cfg, binary, "probe", "--json", url)
    res = [x["result"] for x in (doc or {}).get("results", [])]
    check("revocation best_effort: the probe passes", res == ["ok"] and rc == 0,
          f"rc {rc}: {text[:600]}")


def main():
    if len(sys.argv) != 4 or sys.argv[3] not in ("facts", "revocation"):
        print(__doc__)
        return 64
    part = sys.argv[3]
    binary = os.path.abspath(sys.argv[1])
    probe_rig.emulator.append(sys.argv[2])
    tools = {"nginx": shutil.which("nginx"), "openssl": shutil.which("openssl")}

    def body(tmp):
        make_certs(tmp, leaves=("good",), self_signed=False)
        ports = {}
        ports["http"], ports["good"] = adjacent_ports()
        if part == "revocation":
            make_crl_leaf(tmp, free_port())
            ports["crl"] = free_port()
        start_nginx(tmp, ports)
        if part == "facts":
            tls_facts(binary, tmp, ports)
        else:
            revocation(binary, tmp, ports)

    rc = run_in_tmp("wwschannel-", tools, body)
    if rc == 0 and skipped:
        return 77
    return rc


if __name__ == "__main__":
    sys.exit(main())
