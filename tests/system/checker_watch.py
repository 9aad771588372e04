"""What the checker system tests share: a keepalived daemon (procutil.Daemon)
whose log is read through a cursor, and its checker's USR1 data dump.

A test lab class inherits CheckerWatch and sets self.d (the daemon); each
expect() finds a log line after the previous one found, so a test states
the order in which lines must appear."""

import signal
import time

from procutil import Daemon, wait_for


class CheckerWatch:
    d = None
    pos = 0

    def start_keepalived(self, workdir, conf, netns=None):
        """Start keepalived with conf (in network namespace netns)."""
        self.d = Daemon(workdir, conf)
        if netns:
            self.d.prefix = ["ip", "netns", "exec", netns]
        self.d.start()
        self.pos = 0
        return self.d

    def expect(self, text, timeout=8.0):
        """Wait for a log line containing text after the cursor; returns
        the time it took."""
        start = time.monotonic()

        def seen():
            i = self.d.log().find(text, self.pos)
            return i if i >= 0 else None

        wait_for(lambda: seen() is not None, timeout, what=repr(text))
        self.pos = seen() + len(text)
        return time.monotonic() - start

    def dump(self):
        """The checker's data dump (SIGUSR1), once written whole."""
        p = self.d.tmpdir / "keepalived_check.data"
        if p.exists():
            p.unlink()
        # The parent passes USR1 on to the children it has: right after a
        # start (a loaded host) the checker may not be forked yet.
        wait_for(lambda: self.d.check_pid(), 10, what="the checker child")
        self.d.signal(signal.SIGUSR1)
        return wait_for(lambda: "Health checker state" in (self.d.dump("keepalived_check.data")
                                                            or "") and
                        self.d.dump("keepalived_check.data"), 5, what="USR1 data dump")
