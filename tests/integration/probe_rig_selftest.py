#!/usr/bin/env python3
"""probe_rig.make_certs under Wine's rule for ECDSA signatures.

Wine 8's crypt32 cannot verify a certificate whose ECDSA r or s is shorter
than the key (see probe_rig.py, above ecdsa_short_half): wine_probe_ntlm,
whose certificates are P-256, failed about once in 64 runs with
tls_untrusted.  Here, without Wine:

- ecdsa_short_half() finds the short half in recorded certificates
  (tests/fixtures/ecdsa: a leaf whose r is INTEGER 00 8a 7d..., a CA whose r
  is a 31-byte INTEGER) and not in a full-length or an RSA signature;
- signed_for_wine() signs again after a short signature, and gives up with
  an error (never a short certificate) when every signature is short;
- make_certs() with P-256 keys: every signature full length, the leaf still
  serial 0x1000 and verified by its CA; a leaf signed again keeps its
  serial.

usage: probe_rig_selftest.py
Exit 0 pass, 1 fail, 77 skipped (no openssl).
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import probe_rig  # noqa: E402
from wwtest import check, failures  # noqa: E402

FIX = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "ecdsa")
P256 = ("ec", "-pkeyopt", "ec_paramgen_curve:prime256v1")


def fixture(name):
    return os.path.join(FIX, name)


def recorded():
    check(probe_rig.ecdsa_short_half(fixture("leaf-short-r.pem"), fixture("ca.pem")),
          "a leaf whose r is 00 8a 7d... is short")
    check(probe_rig.ecdsa_short_half(fixture("ca-short-r.pem"), fixture("ca-short-r.pem")),
          "a self-signed CA whose r has 31 bytes is short")
    check(not probe_rig.ecdsa_short_half(fixture("ca.pem"), fixture("ca.pem")),
          "a full-length signature is not short")


def retries(tmp):
    calls = []

    def make(order):
        def write():
            calls.append(1)
            shutil.copy(fixture(order[min(len(calls), len(order)) - 1]),
                        os.path.join(tmp, "leaf.pem"))
        return write

    shutil.copy(fixture("ca.pem"), os.path.join(tmp, "ca.pem"))
    probe_rig.signed_for_wine(make(["leaf-short-r.pem", "ca.pem"]), tmp, "leaf.pem", "ca.pem")
    check(len(calls) == 2, "a short signature is made again", f"{len(calls)} calls")
    with open(os.path.join(tmp, "leaf.pem")) as a, open(fixture("ca.pem")) as b:
        check(a.read() == b.read(), "the second, full-length signature is kept")
    calls.clear()
    try:
        probe_rig.signed_for_wine(make(["leaf-short-r.pem"]), tmp, "leaf.pem", "ca.pem")
        gave_up = False
    except RuntimeError:
        gave_up = True
    check(gave_up and len(calls) == probe_rig.SIGN_TRIES,
          "only short signatures: an error after SIGN_TRIES", f"{len(calls)} calls")


def serial_of(tmp, pem):
    return subprocess.run(["openssl", "x509", "-in", pem, "-noout", "-serial"],
                          cwd=tmp, capture_output=True, text=True).stdout.strip()


def made(tmp):
    probe_rig.make_certs(tmp, leaves=("good",), self_signed=True, newkey=P256)
    signed = (("ca.pem", "ca.pem"), ("good.pem", "ca.pem"), ("self.pem", "self.pem"))
    for pem, issuer in signed:
        short = probe_rig.ecdsa_short_half(os.path.join(tmp, pem), os.path.join(tmp, issuer))
        check(not short, f"make_certs P-256: {pem} full length")
    serial = serial_of(tmp, "good.pem")
    check(serial == "serial=1000", "the leaf keeps serial 0x1000", serial)
    v = subprocess.run(["openssl", "verify", "-CAfile", "ca.pem", "good.pem"],
                       cwd=tmp, capture_output=True, text=True)
    check(v.returncode == 0, "the leaf verifies against the CA", v.stdout + v.stderr)
    sign = probe_rig.ca_signer(tmp, "good", *probe_rig.LEAF_DATES["good"])
    serials = []
    for _ in range(2):
        sign()
        serials.append(serial_of(tmp, "good.pem"))
    check(serials == ["serial=1001"] * 2, "signing again reuses the serial", serials)


def main():
    if not shutil.which("openssl"):
        print("skip: openssl is not installed")
        return 77
    recorded()
    for step in (retries, made):
        with tempfile.TemporaryDirectory(prefix="wwrig-") as tmp:
            step(tmp)
    made_rsa = tempfile.mkdtemp(prefix="wwrig-")
    try:
        probe_rig.make_certs(made_rsa, leaves=("good",), self_signed=False)
        check(not probe_rig.ecdsa_short_half(os.path.join(made_rsa, "good.pem"),
                                             os.path.join(made_rsa, "ca.pem")),
              "an RSA signature is never short")
    finally:
        shutil.rmtree(made_rsa)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
