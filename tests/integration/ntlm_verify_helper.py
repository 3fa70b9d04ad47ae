#!/usr/bin/env python3
"""A squid NTLM authenticator that really checks the password.

Squid's own ntlm_fake_auth accepts every user and every password (its only
options are -d, -S, -t and -v), so it cannot show that a wrong password is
refused.  This helper speaks squid's NTLM helper protocol on stdin/stdout
("YR <type1>" -> "TT <type2>", "KK <type3>" -> "AF DOMAIN\\user" or
"NA reason") and verifies the client's NTLMv2 response against one
account, the way a domain controller does: it knows only the account's NT
hash (MD4 of the UTF-16LE password), never the password itself.

usage: ntlm_verify_helper.py DOMAIN USER NT_HASH_HEX LOGFILE
Every verdict is appended to LOGFILE as "AF|NA DOMAIN USER ntlmv2 REASON",
so a test can tell that NTLM, and not some other scheme, authenticated.
The NT hash comes from nt_hash() below, which the test imports.
"""
import base64
import hmac
import os
import struct
import sys

SIGNATURE = b"NTLMSSP\0"
NEGOTIATE_UNICODE = 0x00000001
REQUEST_TARGET = 0x00000004
NEGOTIATE_NTLM = 0x00000200
NEGOTIATE_ALWAYS_SIGN = 0x00008000
TARGET_TYPE_DOMAIN = 0x00010000
EXTENDED_SESSION_SECURITY = 0x00080000
NEGOTIATE_TARGET_INFO = 0x00800000


def _md4(data):
    """RFC 1320; hashlib has no MD4 where OpenSSL 3 leaves out the legacy
    provider (Debian 12)."""
    def rol(x, n):
        x &= 0xFFFFFFFF
        return ((x << n) | (x >> (32 - n))) & 0xFFFFFFFF

    msg = data + b"\x80" + b"\0" * ((55 - len(data)) % 64) + \
        struct.pack("<Q", len(data) * 8)
    h = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476]
    rounds = (
        (lambda x, y, z: (x & y) | (~x & z), 0,
         range(16), (3, 7, 11, 19)),
        (lambda x, y, z: (x & y) | (x & z) | (y & z), 0x5A827999,
         (0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15), (3, 5, 9, 13)),
        (lambda x, y, z: x ^ y ^ z, 0x6ED9EBA1,
         (0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15), (3, 9, 11, 15)),
    )
    for off in range(0, len(msg), 64):
        x = struct.unpack("<16I", msg[off:off + 64])
        a, b, c, d = h
        for f, k, order, shifts in rounds:
            for i, j in enumerate(order):
                a = rol(a + f(b, c, d) + x[j] + k, shifts[i % 4])
                a, b, c, d = d, a, b, c
        h = [(v + w) & 0xFFFFFFFF for v, w in zip(h, (a, b, c, d))]
    return struct.pack("<4I", *h)


def nt_hash(password):
    return _md4(password.encode("utf-16-le"))


def _secbuf(msg, off):
    length, _, start = struct.unpack_from("<HHI", msg, off)
    if start + length > len(msg):
        raise ValueError("field outside the message")
    return msg[start:start + length]


def challenge_message(server_challenge, domain):
    """Type 2 as a Windows server sends it, with a target info block and
    extended session security, which makes libcurl answer with NTLMv2
    (without it libcurl falls back to NTLMv1, which this helper refuses)."""
    name = domain.encode("utf-16-le")
    info = struct.pack("<HH", 2, len(name)) + name + struct.pack("<HH", 0, 0)
    flags = (NEGOTIATE_UNICODE | REQUEST_TARGET | NEGOTIATE_NTLM |
             NEGOTIATE_ALWAYS_SIGN | TARGET_TYPE_DOMAIN |
             EXTENDED_SESSION_SECURITY | NEGOTIATE_TARGET_INFO)
    head = 48
    return (SIGNATURE + struct.pack("<I", 2) +
            struct.pack("<HHI", len(name), len(name), head) +
            struct.pack("<I", flags) + server_challenge + b"\0" * 8 +
            struct.pack("<HHI", len(info), len(info), head + len(name)) +
            name + info)


def verify(msg, server_challenge, account):
    """Returns (ok, domain, user, reason) for an authenticate message."""
    if msg[:8] != SIGNATURE or struct.unpack_from("<I", msg, 8)[0] != 3:
        return False, "", "", "not an NTLM type 3 message"
    flags = struct.unpack_from("<I", msg, 60)[0]
    enc = "utf-16-le" if flags & NEGOTIATE_UNICODE else "latin-1"
    nt_resp = _secbuf(msg, 20)
    domain = _secbuf(msg, 28).decode(enc)
    user = _secbuf(msg, 36).decode(enc)
    want_domain, want_user, want_hash = account
    if len(nt_resp) <= 24:
        return False, domain, user, "not an NTLMv2 response"
    key = hmac.new(want_hash, (user.upper() + domain).encode("utf-16-le"),
                   "md5").digest()
    proof = hmac.new(key, server_challenge + nt_resp[16:], "md5").digest()
    if not hmac.compare_digest(proof, nt_resp[:16]):
        return False, domain, user, "wrong password, user or domain"
    if (domain.upper(), user.upper()) != (want_domain.upper(), want_user.upper()):
        return False, domain, user, "unknown account"
    return True, domain, user, "verified"


def main():
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 64
    account = (sys.argv[1], sys.argv[2], bytes.fromhex(sys.argv[3]))
    log = open(sys.argv[4], "a", buffering=1)
    server_challenge = None
    for line in sys.stdin:
        word, _, blob = line.strip().partition(" ")
        try:
            msg = base64.b64decode(blob, validate=True)
        except ValueError:
            msg = b""
        if word == "YR":
            server_challenge = os.urandom(8)
            reply = "TT " + base64.b64encode(
                challenge_message(server_challenge, account[0])).decode()
        elif word == "KK" and server_challenge is not None:
            try:
                ok, domain, user, why = verify(msg, server_challenge, account)
            except (ValueError, struct.error, UnicodeDecodeError) as e:
                ok, domain, user, why = False, "", "", f"malformed: {e}"
            who = f"{domain}\\{user}" if domain else user
            log.write(f"{'AF' if ok else 'NA'} {domain or '-'} {user or '-'} "
                      f"ntlmv2 {why}\n")
            reply = f"AF {who}" if ok else f"NA {why}"
            server_challenge = None
        else:
            reply = "BH unexpected request"
        sys.stdout.write(reply + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
