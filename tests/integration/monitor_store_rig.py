"""A running monitor following a growing SoftwareDistribution.log into its
database, for the tests of a database that takes no writes
(monitor_dblock.py: locked by another process; monitor_diskfull.py: its
filesystem is full).

Every log line is a timeout finding carrying its sequence number, so the
store can be checked for "every record exactly once".
"""
import atexit
import json
import os
import sqlite3
import subprocess
import sys
import time

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def wait_for(pred, secs):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.1)
    return pred()


def check_of(st, name):
    for c in (st or {}).get("checks", []):
        if c.get("name") == name:
            return c
    return None


class Rig:
    def __init__(self, exe, work, db):
        self.exe, self.db = exe, db
        self.config = f"{work}/wsuswatch.yaml"
        self.log = f"{work}/SoftwareDistribution.log"
        self.mlog = open(f"{work}/monitor.log", "w+")
        self.mon = None
        with open(self.config, "w") as f:
            f.write(f"database: {db}\ncontrol: {{socket: {work}/run/ww.sock}}\n"
                    f"wsus: {{log: {self.log}, discover: false}}\n"
                    f"probes: {{microsoft_update: \"off\", upstream: \"off\"}}\n")

    def start(self):
        self.mon = subprocess.Popen(
            [self.exe, "--config", self.config, "run", "--foreground"],
            stdout=self.mlog, stderr=self.mlog)
        atexit.register(self.kill)

    def start_healthy(self, n):
        """Log n records, start the monitor, check they are stored and the
        database has no error."""
        self.append(0, n)
        self.start()
        check(wait_for(lambda: os.path.exists(self.db) and
                       len(self.stored_seqs()) == n, 30),
              f"the first {n} records are stored")
        st = self.status()
        check(st is not None and st["sources"].get("database", {}).get("error", 1) is None,
              f"sources.database is there, without an error ({(st or {}).get('sources')})")

    def kill(self):
        if self.mon and self.mon.poll() is None:
            self.mon.kill()
            self.mon.wait()

    def status(self):
        r = subprocess.run([self.exe, "--config", self.config, "status", "--json"],
                           capture_output=True, text=True, timeout=30)
        try:
            return json.loads(r.stdout) if r.returncode == 0 else None
        except ValueError:
            return None

    def append(self, first, last):
        """Lines seq first..last-1, each a timeout finding with its number."""
        day = time.strftime("%Y-%m-%d", time.gmtime())  # within the retention
        with open(self.log, "a") as f:
            for i in range(first, last):
                f.write(f"{day} 00:{i // 60 % 60:02d}:{i % 60:02d}.000 UTC\tError\t"
                        f"WsusService.9\tWebServiceCommunicationHelper.ProcessWebService"
                        f"ProxyException\tseq={i:06d} System.Net.WebException: The "
                        f"operation has timed out\n")

    def stored_seqs(self):
        db = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=10)
        try:
            rows = db.execute("SELECT message FROM log_finding").fetchall()
        finally:
            db.close()
        return sorted(int(m[4:10]) for (m,) in rows if m.startswith("seq="))

    def db_error(self):
        """sources.database.error, sources:database critical, health critical."""
        s = self.status()
        c = check_of(s, "sources:database")
        return (s is not None and s["sources"].get("database", {}).get("error") and
                c is not None and c.get("state") == "critical" and
                s.get("health") == "critical")

    def db_healthy(self):
        s = self.status()
        c = check_of(s, "sources:database")
        return (s is not None and s["sources"].get("database", {}).get("error", 1) is None
                and (c is None or c.get("state") == "ok")
                and s["sources"]["log"].get("error") is None)

    def cpu_seconds(self):
        """User + system CPU time of the monitor so far."""
        with open(f"/proc/{self.mon.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def monitor_log(self):
        self.mlog.seek(0)
        return self.mlog.read()

    def finish(self):
        """Stop the monitor (exit 0 expected) and exit with the verdict."""
        if self.mon.poll() is None:
            self.mon.terminate()
        check(self.mon.wait(timeout=20) == 0, "the monitor stops with 0")
        if failures:
            print("--- monitor log ---\n" + self.monitor_log())
            print(f"{len(failures)} check(s) failed")
            sys.exit(1)
        print("all checks passed")
