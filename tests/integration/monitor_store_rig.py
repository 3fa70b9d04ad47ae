"""A running monitor following a growing SoftwareDistribution.log into its
database, for the tests of a database that takes no writes
(monitor_dblock.py: locked by another process; monitor_diskfull.py: its
filesystem is full).

Every log line is a timeout finding carrying its sequence number, so the
store can be checked for "every record exactly once".
"""
import os
import sqlite3
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wwtest import Monitor, check, cpu_seconds, find, quiet_sources, verdict, wait_for  # noqa: E402


class Rig(Monitor):
    def __init__(self, exe, work, db):
        self.log = f"{work}/SoftwareDistribution.log"
        super().__init__(exe, work, quiet_sources(self.log), db=db)

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
        except sqlite3.OperationalError as e:
            # The file exists a moment before the monitor creates its schema.
            if "no such table" not in str(e):
                raise
            rows = []
        finally:
            db.close()
        return sorted(int(m[4:10]) for (m,) in rows if m.startswith("seq="))

    def db_error(self):
        """sources.database.error, sources:database critical, health critical."""
        s = self.status()
        c = find((s or {}).get("checks"), "name", "sources:database")
        return (s is not None and s["sources"].get("database", {}).get("error") and
                c is not None and c.get("state") == "critical" and
                s.get("health") == "critical")

    def db_healthy(self):
        s = self.status()
        c = find((s or {}).get("checks"), "name", "sources:database")
        return (s is not None and s["sources"].get("database", {}).get("error", 1) is None
                and (c is None or c.get("state") == "ok")
                and s["sources"]["log"].get("error") is None)

    def cpu_seconds(self):
        """User + system CPU time of the monitor so far."""
        return cpu_seconds(self.proc.pid)

    def finish(self):
        """Stop the monitor (exit 0 expected) and exit with the verdict."""
        if self.proc.poll() is None:
            self.proc.terminate()
        check(self.proc.wait(timeout=20) == 0, "the monitor stops with 0")
        sys.exit(verdict(self.log_text()))
