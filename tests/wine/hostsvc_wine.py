#!/usr/bin/env python3
"""Under Wine: the local services checks named as the cause of a stale sync
by `diagnose --json` and by the monitor (`run --once`, then `check`), with
their evidence and fix, for the three states of issue 14's "done when":

  1. BITS disabled (ChangeServiceConfigW, as `sc config BITS start=
     disabled`: Wine's sc.exe has no `config`);
  2. a ContentDir NETWORK SERVICE cannot read;
  3. an intermediate CA certificate in the LocalMachine Trusted Root store.

WsusService and W3SVC are dummy services (hostsvc_setup.exe run by the SCM)
started for real; the WSUS Setup key, healthy TLS registry values and an
applicationHost.config with WsusPool are put in the prefix.  Everything is
removed again at the end.

usage: hostsvc_wine.py WSUSWATCH.EXE HOSTSVC_SETUP.EXE FIXTURES
(WINEPREFIX set by the caller; a persistent wineserver, as .ci/test-all)
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "integration"))
import wwtest  # noqa: E402

EXE, SETUP, FIXTURES = sys.argv[1:4]
PREFIX = os.environ.get("WINEPREFIX")
os.environ.setdefault("WINEDEBUG", "-all")
SETUP_KEY = r"HKLM\SOFTWARE\Microsoft\Update Services\Server\Setup"
TLS = (r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"
       r"\Protocols\TLS 1.2\Client")
NET = [r"HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319",
       r"HKLM\SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319"]
# What every host test starts from (a test that stopped half-way leaves
# nothing to the next one).
BASELINE = "Z:" + os.path.join(os.path.dirname(os.path.realpath(__file__)),
                               "host_baseline.reg").replace("/", "\\")
ROOTS = r"HKEY_LOCAL_MACHINE\Software\Microsoft\SystemCertificates\Root\Certificates"
failures = []


def wine(*args, check=True, timeout=180):
    p = subprocess.run(["wine", *args], capture_output=True, text=True,
                       timeout=timeout, stdin=subprocess.DEVNULL)
    if check and p.returncode:
        raise RuntimeError(f"wine {args}: exit {p.returncode}: {p.stderr}")
    return p


def expect(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def winpath(path):
    return "Z:" + path.replace("/", "\\")


def regedit(work, text):
    """Import a .reg file in one Wine process (a `reg add` per value costs
    seconds each on a loaded machine)."""
    path = os.path.join(work, "state.reg")
    with open(path, "w", encoding="utf-8") as f:
        f.write("REGEDIT4\n\n" + text)
    wine("regedit", "/S", winpath(path))


def reg_values(present):
    """The WSUS Setup key and the TLS values the host TLS checks want, or
    their removal."""
    setup, tls = SETUP_KEY.replace("HKLM", "HKEY_LOCAL_MACHINE"), \
        TLS.replace("HKLM", "HKEY_LOCAL_MACHINE")
    nets = [k.replace("HKLM", "HKEY_LOCAL_MACHINE") for k in NET]
    if not present:
        return (f"[-{setup}]\n\n[-{tls}]\n\n" + "".join(
            f"[{k}]\n\"SchUseStrongCrypto\"=-\n\"SystemDefaultTlsVersions\"=-\n\n"
            for k in nets))
    return (f"[{setup}]\n\"ContentDir\"=\"C:\\\\wsuswatch-content\"\n"
            f"\"PortNumber\"=dword:00002142\n\"UsingSSL\"=dword:00000000\n\n"
            f"[{tls}]\n\"Enabled\"=dword:00000001\n\"DisabledByDefault\"=dword:00000000\n\n"
            + "".join(f"[{k}]\n\"SchUseStrongCrypto\"=dword:00000001\n"
                      f"\"SystemDefaultTlsVersions\"=dword:00000001\n\n" for k in nets))


def state(name):
    out = wine("sc", "query", name, check=False).stdout
    for line in out.splitlines():
        if "STATE" in line:
            return line.split()[-1]
    return ""


def start(name):
    end = time.time() + 60
    while time.time() < end:
        if state(name) == "RUNNING":
            return
        wine("sc", "start", name, check=False)
        time.sleep(1)
    raise RuntimeError(f"{name} did not reach RUNNING: {state(name)}")


def apphost_path():
    return os.path.join(PREFIX, "drive_c", "windows", "system32", "inetsrv",
                        "config", "applicationHost.config")


def set_up(work):
    """A WSUS server as far as Wine can hold one, healthy."""
    wine("reg", "import", BASELINE)
    for name in ("WsusService", "W3SVC"):
        wine(SETUP, "svc", name, "auto")
        start(name)
    wine(SETUP, "svc", "BITS", "demand")
    content = os.path.join(PREFIX, "drive_c", "wsuswatch-content")
    os.makedirs(content, exist_ok=True)
    os.chmod(content, 0o755)
    regedit(work, reg_values(True))
    os.makedirs(os.path.dirname(apphost_path()), exist_ok=True)
    with open(apphost_path(), "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<configuration>\n'
                ' <system.applicationHost>\n  <applicationPools>\n'
                '   <add name="WsusPool" autoStart="true" startMode="AlwaysRunning">\n'
                '    <recycling><periodicRestart privateMemory="1843200"/></recycling>\n'
                '   </add>\n  </applicationPools>\n </system.applicationHost>\n'
                '</configuration>\n')
    log = os.path.join(work, "SoftwareDistribution.log")
    with open(log, "w", encoding="utf-8", newline="") as f:
        f.write(wwtest.sync_lines(FIXTURES, int(time.time()) - 60 * 3600 - 71)[0])
    config = os.path.join(work, "wsuswatch.yaml")
    with open(config, "w", encoding="utf-8") as f:
        f.write(f"database: '{winpath(os.path.join(work, 'wsuswatch.db'))}'\n"
                f"wsus: {{log: '{winpath(log)}', discover: false}}\n"
                "probes: {microsoft_update: \"off\", upstream: \"off\", local: \"off\"}\n"
                "alerts: {eventlog: false}\n")
    return winpath(config), content


def tear_down(work):
    for name in ("WsusService", "W3SVC"):
        wine("sc", "stop", name, check=False)
        wine(SETUP, "svc", name, "delete", check=False)
    wine(SETUP, "svc", "BITS", "demand", check=False)
    regedit(work, reg_values(False))
    wine("reg", "import", BASELINE, check=False)
    if os.path.exists(apphost_path()):
        os.remove(apphost_path())
    shutil.rmtree(os.path.join(PREFIX, "drive_c", "wsuswatch-content"),
                  ignore_errors=True)


def faces(config, key, summary, evidence, fix):
    """diagnose --json and the monitor (run --once, check) name key."""
    d = json.loads(wine(EXE, "--config", config, "diagnose", "--json",
                        "--no-probes", check=False).stdout)
    cause = d.get("cause") or {}
    expect(cause.get("check") == key and summary in cause.get("summary", "")
           and evidence in cause.get("evidence", "")
           and fix in cause.get("fix", ""),
           f"diagnose names {key}: {json.dumps(cause)[:400]}")
    groups = {g["name"]: g for g in d["groups"]}
    items = [i["name"] for i in groups.get("Local services", {}).get("items", [])]
    expect(key in items, f"diagnose's Local services group lists {key}: {items}")
    r = wine(EXE, "--config", config, "run", "--once", check=False)
    expect(r.returncode == 0, f"run --once exit 0 ({r.returncode}): {r.stderr[-300:]}")
    out = wine(EXE, "--config", config, "check", check=False).stdout
    first = out.splitlines()[0] if out else ""
    expect(first.startswith("WSUSWATCH CRITICAL - last successful sync 60h ago")
           and summary in first, f"check names it: {first}")


def main():
    if not PREFIX:
        print("SKIP: WINEPREFIX is not set")
        return 77
    work = tempfile.mkdtemp(prefix="hostsvc_wine.", dir=os.getcwd())
    try:
        config, content = set_up(work)
        d = json.loads(wine(EXE, "--config", config, "diagnose", "--json",
                            "--no-probes", check=False).stdout)
        local = {c["name"]: c for c in d["checks"] if c["name"].startswith(
            ("service:", "wsus_pool", "content_dir_access", "trusted_root"))}
        expect(all(c["state"] == "ok" for c in local.values()) and len(local) == 6,
               "healthy: " + "; ".join(f"{k} {c['state']}: {c['summary']}"
                                       for k, c in local.items()))
        expect("1843200 KB" in local.get("wsus_pool", {}).get("summary", ""),
               "WsusPool's private memory limit read from applicationHost.config")

        wine(SETUP, "svc", "BITS", "disabled")
        faces(config, "service:BITS", "BITS is disabled: synchronization fails",
              "startup type disabled", "Set-Service BITS -StartupType Manual")
        wine(SETUP, "svc", "BITS", "demand")

        # Wine keeps no DACL of its own for a file (SetNamedSecurityInfoW
        # is not stored here): it derives one from the Unix mode, so a mode
        # without "others" is a DACL without Everyone (docs/open-items.md).
        os.chmod(content, 0o700)
        faces(config, "content_dir_access",
              "NETWORK SERVICE and Users cannot read the content directory",
              r"DACL of C:\wsuswatch-content", "/grant *S-1-5-20:(OI)(CI)RX")
        os.chmod(content, 0o755)

        ca = os.path.join(work, "ca")
        os.makedirs(ca)
        wwtest.openssl(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                        "-keyout", "root.key", "-out", "root.pem", "-days", "30",
                        "-subj", "/CN=wsuswatch Lab Root CA"], cwd=ca)
        wwtest.openssl(["openssl", "req", "-newkey", "rsa:2048", "-nodes",
                        "-keyout", "int.key", "-out", "int.csr",
                        "-subj", "/CN=wsuswatch Lab Issuing CA"], cwd=ca)
        with open(os.path.join(ca, "ext"), "w") as f:
            f.write("basicConstraints=critical,CA:TRUE\n"
                    "keyUsage=critical,keyCertSign,cRLSign\n")
        wwtest.openssl(["openssl", "x509", "-req", "-in", "int.csr", "-CA", "root.pem",
                        "-CAkey", "root.key", "-CAcreateserial", "-days", "30",
                        "-extfile", "ext", "-outform", "DER", "-out", "int.der"], cwd=ca)
        der = winpath(os.path.join(ca, "int.der"))
        wine(SETUP, "root", "add", der)
        try:
            faces(config, "trusted_root", "1 intermediate CA certificate in the "
                  "machine's Trusted Root store, e.g. CN=wsuswatch Lab Issuing CA",
                  '"CN=wsuswatch Lab Issuing CA" issued by "CN=wsuswatch Lab Root CA"',
                  "Intermediate Certification Authorities")
        finally:
            # Windows keeps it under its SHA-1 thumbprint.
            with open(os.path.join(ca, "int.der"), "rb") as f:
                thumb = hashlib.sha1(f.read()).hexdigest().upper()
            regedit(work, f"[-{ROOTS}\\{thumb}]\n\n")
    finally:
        tear_down(work)
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
