#!/usr/bin/env python3
"""Integration test of NTLM proxy authentication: `wsuswatch probe --json`
(and, natively, one monitor run) through Debian's squid on 127.0.0.1 that
requires NTLM and offers nothing else, in front of nginx (the asmx over TLS
as upstream.test, which squid resolves from its own hosts file; iuident.cab
over HTTP).  Squid asks ntlm_verify_helper.py, which checks the client's
NTLMv2 response against one account, WSUSLAB\\probeuser, knowing only its
NT hash: a wrong password or another account is refused.

With EMULATOR (wine) the binary is the Windows build, whose libcurl does
NTLM through SSPI; Wine's NTLM provider runs Samba's ntlm_auth (package
winbind), so the test is skipped without it.  There the password also
comes from a Credential Manager generic credential (proxy.password_credential)
that CREDWRITE (tests/wine/credwrite_win32.c) stores, from its environment,
and deletes; with it the credential may carry the user name as well, for
`probe` and for one monitor run (`run --once`) without proxy.user.

Squid runs in the foreground (-N) with its own configuration, logs and pid
file in a temporary directory, without root: as the current user, or as
nobody when the test runs as root.  Every server is stopped on exit, also
on failure.

usage: test_probe_ntlm.py WSUSWATCH_BINARY [EMULATOR [CREDWRITE]]
Exit 0 pass, 1 fail, 77 skipped (squid, nginx or openssl is not installed;
under an emulator, ntlm_auth).
"""
import atexit
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys

import probe_rig
from probe_rig import (ASMX, HOST, adjacent_ports, check, expect, free_port,
                       grep_secrets, make_certs, monitor_once, probe_config,
                       probe_configured, proxied_config, run_binary, run_in_tmp,
                       start, start_nginx)
from ntlm_verify_helper import nt_hash

DOMAIN = "WSUSLAB"
USER = "probeuser"
ACCOUNT = f"{DOMAIN}\\{USER}"
PASSWORD = "Ntlm-S3cr3t-4410"
HERE = os.path.dirname(os.path.abspath(__file__))

SQUID_CONF = """http_port 127.0.0.1:{port}
visible_hostname wsuswatch-test
pid_filename {d}/squid.pid
cache_log {d}/cache.log
logformat ww %>Hs %rm %ru %un
access_log stdio:{d}/access.log ww
cache_store_log none
coredump_dir {d}
cache deny all
cache_mem 8 MB
shutdown_lifetime 0 seconds
pinger_enable off
netdb_filename none
# upstream.test comes from this hosts file; any other name goes to a
# resolver on loopback, never out.
hosts_file {d}/hosts
dns_nameservers 127.0.0.1
auth_param ntlm program {python} {d}/ntlm_verify_helper.py {domain} {user} {hash} {d}/helper.log
auth_param ntlm children 2 startup=1 idle=1
acl ntlm_users proxy_auth REQUIRED
http_access allow ntlm_users
http_access deny all
"""


def squid_binary():
    return shutil.which("squid") or shutil.which("squid", path="/usr/sbin")


def run_as():
    """Popen arguments that keep squid and its helper off root."""
    if os.geteuid() != 0:
        return {}
    nobody = pwd.getpwnam("nobody")
    return {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}


def helper_python(who):
    """A python3 that `who` may run: under root, this one may sit in /root."""
    for cand in (sys.executable, shutil.which("python3"), "/usr/bin/python3"):
        try:
            if cand and subprocess.run([cand, "-c", "import hmac"], cwd="/",
                                       capture_output=True, **who).returncode == 0:
                return cand
        except OSError:  # not even executable for `who`
            continue
    raise RuntimeError("no python3 the proxy's user can run")


def uid_of(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Uid:"):
                return [int(x) for x in line.split()[1:3]]  # real, effective
    return None


def remove_shm(service):
    for name in glob.glob(f"/dev/shm/{service}-*"):
        os.unlink(name)


def start_squid(tmp, port):
    d = os.path.join(tmp, "squid")
    os.makedirs(d)
    shutil.copy(os.path.join(HERE, "ntlm_verify_helper.py"), d)
    with open(os.path.join(d, "hosts"), "w") as f:
        f.write(f"127.0.0.1 {HOST}\n")
    who = run_as()
    with open(os.path.join(d, "squid.conf"), "w") as f:
        f.write(SQUID_CONF.format(port=port, d=d, python=helper_python(who),
                                  domain=DOMAIN, user=USER,
                                  hash=nt_hash(PASSWORD).hex()))
    if who:
        for name in ["", *os.listdir(d)]:
            os.chown(os.path.join(d, name), who["user"], who["group"])
    # Squid names its shared memory (/dev/shm/NAME-cf__*.shm) after its
    # service name: one per instance, so parallel runs and a system squid
    # keep apart, removed when the test ends.  SIGKILL: squid takes about
    # 2 s to stop on SIGTERM, even with shutdown_lifetime 0.
    service = f"wwntlm{port}"
    atexit.register(remove_shm, service)
    p = start([squid_binary(), "-N", "-n", service, "-f", f"{d}/squid.conf"],
              port, stop_signal=signal.SIGKILL, cwd=d, **who)
    want = who.get("user", os.getuid())
    check("squid runs without root, as the expected user",
          uid_of(p.pid) == [want, want], f"uid {uid_of(p.pid)}, want {want}")
    return d


def offered_schemes(port, target):
    """The Proxy-Authenticate schemes squid answers a bare CONNECT with."""
    with socket.create_connection(("127.0.0.1", port), 5) as s:
        s.sendall(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = s.recv(4096)
            if not chunk:
                break
            head += chunk
    lines = head.decode("latin-1").split("\r\n")
    return lines[0], sorted(ln.split(":", 1)[1].split()[0] for ln in lines
                            if ln.lower().startswith("proxy-authenticate:"))


def log_lines(d, name):
    """Lines of a squid or helper log; squid writes '\\' in a user name as
    '\\\\'."""
    with open(os.path.join(d, name)) as f:
        return [ln.strip().replace("\\\\", "\\") for ln in f]


def native_path(path):
    """`path` as the binary names it: under Wine, Z: is /."""
    return "Z:" + path.replace("/", "\\") if probe_rig.emulator else path


def scenarios(binary, tmp, ports, proxy_port, sq):
    ca = ["--cacert", native_path(f"{tmp}/ca.pem")]
    proxy = ["--proxy", f"http://127.0.0.1:{proxy_port}"]
    # By name: Schannel (libcurl 7.88) ignores IP addresses in the SAN.
    tls_authority = f"{HOST}:{ports['good']}"
    target = f"https://{tls_authority}{ASMX}"
    cab = f"http://127.0.0.1:{ports['http']}/selfupdate/iuident.cab"

    status, schemes = offered_schemes(proxy_port, tls_authority)
    check("squid offers NTLM and nothing else",
          " 407 " in status and schemes == ["NTLM"], f"{status} {schemes}")

    expect(binary, "ntlm: no credentials", [target, *proxy, *ca],
           "proxy_auth_required", "proxy", "0x8024401B")
    expect(binary, "ntlm: DOMAIN\\user, right password",
           [target, *proxy, "--proxy-user", ACCOUNT, *ca],
           "ok", None, None, password=PASSWORD, http_status=200)
    check("ntlm: squid logged the CONNECT as the domain user",
          f"200 CONNECT {tls_authority} {ACCOUNT}" in log_lines(sq, "access.log"),
          log_lines(sq, "access.log"))
    check("ntlm: the helper verified the NTLMv2 response",
          f"AF {DOMAIN} {USER} ntlmv2 verified" in log_lines(sq, "helper.log"),
          log_lines(sq, "helper.log"))
    expect(binary, "ntlm: wrong password",
           [target, *proxy, "--proxy-user", ACCOUNT, *ca],
           "proxy_auth_required", "proxy", "0x8024401B", password="wrong-password")
    expect(binary, "ntlm: unknown user",
           [target, *proxy, "--proxy-user", f"{DOMAIN}\\someone-else", *ca],
           "proxy_auth_required", "proxy", "0x8024401B", password=PASSWORD)
    helper = log_lines(sq, "helper.log")
    check("ntlm: the helper refused both",
          f"NA {DOMAIN} {USER} ntlmv2 wrong password, user or domain" in helper
          and f"NA {DOMAIN} someone-else ntlmv2 unknown account" in helper, helper)

    # Plain HTTP (SelfUpdate) is sent to the proxy, not tunnelled.
    expect(binary, "ntlm: plain HTTP without credentials", [cab, *proxy],
           "proxy_auth_required", "proxy", "0x8024401B")
    expect(binary, "ntlm: plain HTTP with the wrong password",
           [cab, *proxy, "--proxy-user", ACCOUNT],
           "proxy_auth_required", "proxy", "0x8024401B", password="nope")
    expect(binary, "ntlm: plain HTTP with credentials",
           [cab, *proxy, "--proxy-user", ACCOUNT], "ok", None, None,
           password=PASSWORD, http_status=200)
    check("ntlm: squid logged the GET as the domain user",
          f"200 GET {cab} {ACCOUNT}" in log_lines(sq, "access.log"),
          log_lines(sq, "access.log"))


def config_mode(binary, tmp, ports, proxy_port, sq):
    """proxy.user: 'DOMAIN\\user' from the configuration (what discovery
    makes of ProxyUserName and ProxyUserDomain) reaches squid as both."""
    cfg = proxied_config(tmp, ports, proxy_port, ACCOUNT, host=HOST,
                         cacert=native_path(f"{tmp}/ca.pem"))
    for name, pw, want in (("right", PASSWORD, ["ok", "ok"]),
                           ("wrong", "nope", ["proxy_auth_required"] * 2)):
        got, text = probe_configured(binary, cfg, pw)
        check(f"config: NTLM with the {name} password", got == want, text)
    verified = [ln for ln in log_lines(sq, "helper.log")
                if ln == f"AF {DOMAIN} {USER} ntlmv2 verified"]
    check("config: both targets authenticated as the domain user", len(verified) >= 4,
          log_lines(sq, "helper.log"))


def credwrite(tool, *args, user=None, password=None):
    """credwrite_win32 ARGS under the emulator, user and password in its
    environment (never its command line)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WW_CRED_")}
    env.update({"WW_CRED_USER": user} if user else {})
    env.update({"WW_CRED_PASSWORD": password} if password else {})
    rc, out, err = run_binary(tool, list(args), env)
    check(f"credwrite {' '.join(args)}", rc == 0, f"rc {rc}: {out}{err}")


def env_without_password():
    return {k: v for k, v in os.environ.items()
            if k not in ("WW_TEST_PROXY_PW", "WSUSWATCH_PROXY_PASSWORD")}


def probe_without_env_password(binary, cfg):
    """`probe --json` of the configured targets with no password in any
    environment variable: (results, text)."""
    rc, doc, text = probe_config(cfg, binary, "probe", "--json",
                                 env=env_without_password())
    return rc, [r["result"] for r in (doc or {}).get("results", [])], f"rc {rc}: {text}"


def verified_since(sq, before):
    """The helper's verifications of the domain user after line `before`."""
    return [ln for ln in log_lines(sq, "helper.log")[before:]
            if ln == f"AF {DOMAIN} {USER} ntlmv2 verified"]


def monitor_with_credential(binary, tmp, ports, proxy_port, sq, secret):
    """The monitor's probe task (service/monitor/task_probes.c) takes the password
    and, without proxy.user, the user from the credential as `probe` does:
    one `run --once`, no password in its environment, its own control pipe
    (a run --once opens none, but a shared name would collide)."""
    before = len(log_lines(sq, "helper.log"))
    monitor_once(binary, tmp, ports, proxy_port, None, env_without_password(),
                 what="the credential's user and password", host=HOST,
                 cacert=native_path(f"{tmp}/ca.pem"), secret=secret,
                 native=native_path, control=f"pipe: wsuswatch-test-{os.getpid()}")
    check("monitor --once: the helper verified the credential's domain user",
          len(verified_since(sq, before)) >= 2,
          log_lines(sq, "helper.log")[before:])


def credential_mode(binary, tool, tmp, ports, proxy_port, sq):
    """proxy.password_credential: the password (and, without proxy.user,
    the DOMAIN\\user) from a generic credential, read with CredReadW."""
    target = f"wsuswatch-test/ntlm-{os.getpid()}"
    secret = f"password_credential: '{target}'"

    def config(user):
        return proxied_config(tmp, ports, proxy_port, user, host=HOST,
                              cacert=native_path(f"{tmp}/ca.pem"), secret=secret)

    before = len(log_lines(sq, "helper.log"))
    credwrite(tool, "write", target, user=ACCOUNT, password=PASSWORD)
    try:
        rc, got, text = probe_without_env_password(binary, config(ACCOUNT))
        check("credential: NTLM with proxy.user and the credential's password",
              got == ["ok", "ok"], text)
        rc, got, text = probe_without_env_password(binary, config(None))
        check("credential: without proxy.user, as the credential's user",
              got == ["ok", "ok"], text)
        monitor_with_credential(binary, tmp, ports, proxy_port, sq, secret)
        credwrite(tool, "write", target, user=ACCOUNT, password="nope")
        rc, got, text = probe_without_env_password(binary, config(None))
        check("credential: its wrong password is refused",
              got == ["proxy_auth_required"] * 2, text)
    finally:
        credwrite(tool, "delete", target)
    check("credential: the targets authenticated as the domain user",
          len(verified_since(sq, before)) >= 4, log_lines(sq, "helper.log")[before:])
    rc, got, text = probe_without_env_password(binary, config(None))
    check("credential: once deleted, a configuration error naming it",
          rc == 78 and not got and target in text, text)


def main():
    if len(sys.argv) not in (2, 3, 4):
        print(__doc__)
        return 64
    binary = os.path.abspath(sys.argv[1])
    tools = {"squid": squid_binary(), "nginx": shutil.which("nginx"),
             "openssl": shutil.which("openssl")}
    tool = os.path.abspath(sys.argv[3]) if len(sys.argv) == 4 else None
    if len(sys.argv) >= 3:
        probe_rig.emulator.append(sys.argv[2])
        tools["ntlm_auth (winbind), which Wine's NTLM runs"] = shutil.which("ntlm_auth")

    def body(tmp):
        make_certs(tmp, leaves=("good",), self_signed=False,
                   newkey=("ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"))
        ports = {}
        ports["http"], ports["good"] = adjacent_ports()
        start_nginx(tmp, ports)
        proxy_port = free_port()
        sq = start_squid(tmp, proxy_port)
        scenarios(binary, tmp, ports, proxy_port, sq)
        config_mode(binary, tmp, ports, proxy_port, sq)
        if tool:
            credential_mode(binary, tool, tmp, ports, proxy_port, sq)
        # The monitor's Windows side (service, pipe, ACLs) has its own
        # Wine tests; under Wine it runs once in credential_mode().
        if not probe_rig.emulator:
            monitor_once(binary, tmp, ports, proxy_port, ACCOUNT,
                         dict(os.environ, WW_TEST_PROXY_PW=PASSWORD))
        grep_secrets(tmp, ACCOUNT, PASSWORD)

    return run_in_tmp("wwntlm-", tools, body)


if __name__ == "__main__":
    sys.exit(main())
