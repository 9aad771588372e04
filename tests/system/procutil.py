"""Small helpers for the process-model system tests (test_cli.py,
test_process.py), independent of conftest.py's fixtures.

A Daemon runs our keepalived in the foreground (-n) by default with its
own pid files, TMPDIR (for the dump files) and log file (-g, with -G so
nothing goes to syslog), all inside one temporary directory, and kills
every process it started (the parent and anything still in its pid
files) at cleanup.  Tests poll with wait_for(); no fixed sleeps.
"""

import atexit
import ctypes
import os
import signal
import subprocess
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOP_SRCDIR = HERE.parent.parent
PR_SET_CHILD_SUBREAPER = 36


def become_subreaper():
    """Orphaned grandchildren (scripts, daemonized parents) come to us."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except OSError:
        pass


def _proc_states():
    """(pid, state, ppid) of every process, from /proc/PID/stat."""
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may contain spaces and parens
        rest = stat[stat.rfind(")") + 2:].split()
        if len(rest) >= 2:
            yield int(d), rest[0], int(rest[1])


def _zombie_children():
    """PIDs of our children that are zombies."""
    me = os.getpid()
    return [pid for pid, state, ppid in _proc_states() if state == "Z" and ppid == me]


def reap_zombies():
    """Collect exited children we did not start through subprocess, by
    PID only, never waitpid(-1): that would steal the exit status of a
    subprocess.Popen we still hold."""
    for pid in _zombie_children():
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass


become_subreaper()


def keepalived_bin():
    return os.environ.get("KEEPALIVED_BIN") or str(TOP_SRCDIR / "keepalived")


def helper_bin(name):
    """A test program built next to the binary (tests/unit/NAME)."""
    return str(Path(keepalived_bin()).resolve().parent / "tests" / "unit" / name)


def wait_for(pred, timeout=10.0, interval=0.05, what="condition"):
    """Poll pred() until it returns something true; fail after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = pred()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        reap_zombies()
        time.sleep(interval)


def stop_popen(proc, timeout=10):
    """TERM a server started with Popen (if still running), KILL it after timeout."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def alive(pid):
    """True if pid exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2:].split()[0] != "Z"


def children_of(pid):
    """Live processes whose parent is pid, sorted."""
    return sorted(p for p, state, ppid in _proc_states() if state != "Z" and ppid == pid)


def run(*args, timeout=30, **kw):
    """Run keepalived with args to completion."""
    return subprocess.run([keepalived_bin(), *args], capture_output=True, text=True,
                          timeout=timeout, **kw)


def pick_interface():
    """A network interface for VRRP configs: a veth made for the tests if we
    can (root), else any non-loopback interface, else lo."""
    name = "kacore0"
    if os.path.exists(f"/sys/class/net/{name}"):
        return name
    r = subprocess.run(["ip", "link", "add", name, "type", "veth", "peer", "name", "kacore1"],
                       capture_output=True)
    if r.returncode == 0:
        atexit.register(subprocess.run, ["ip", "link", "del", name], capture_output=True)
        subprocess.run(["ip", "link", "set", name, "up"], capture_output=True)
        subprocess.run(["ip", "link", "set", "kacore1", "up"], capture_output=True)
        return name
    for n in sorted(os.listdir("/sys/class/net")):
        if n != "lo":
            return n
    return "lo"


def vrrp_block(iface, name="VI_1", vrid=51):
    return f"""vrrp_instance {name} {{
    state BACKUP
    interface {iface}
    virtual_router_id {vrid}
    priority 100
    advert_int 1
    virtual_ipaddress {{
        192.0.2.{vrid}/32
    }}
}}
"""


LVS_BLOCK = """virtual_server 192.0.2.200 80 {
    delay_loop 6
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 192.0.2.201 80 {
        weight 1
        TCP_CHECK {
            connect_timeout 3
        }
    }
}
"""


class Daemon:
    """One keepalived instance in its own directory."""

    def __init__(self, workdir, conf, args=(), foreground=True):
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.tmpdir = self.dir / "tmp"
        self.tmpdir.mkdir(exist_ok=True)
        self.conf = self.dir / "keepalived.conf"
        self.conf.write_text(conf)
        self.pidfile = self.dir / "keepalived.pid"
        self.vrrp_pidfile = self.dir / "vrrp.pid"
        self.check_pidfile = self.dir / "checkers.pid"
        self.logfile = self.dir / "ka.log"
        self.args = list(args)
        self.foreground = foreground
        self.proc = None
        self.seen = set()
        self.env = {}
        self.use_pidfile_options = True
        self.syslog = False      # True: log to syslog too (no -G)
        self.prefix = []         # command words before the binary (unshare ...)

    def argv(self):
        a = [keepalived_bin(), "-f", str(self.conf)]
        if self.use_pidfile_options:
            a += ["-p", str(self.pidfile), "-r", str(self.vrrp_pidfile),
                  "-c", str(self.check_pidfile)]
        a += ["-g", str(self.logfile), "-D"]
        if not self.syslog:
            a.append("-G")
        if self.foreground:
            a.append("-n")
        return a + self.args

    def start(self, wait=True):
        env = dict(os.environ, TMPDIR=str(self.tmpdir), **self.env)
        self.proc = subprocess.Popen(self.prefix + self.argv(), env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if wait:
            wait_for(lambda: self.parent_pid(), what="parent pid file")
        return self

    @staticmethod
    def _read_pid(path):
        try:
            pid = int(Path(path).read_text().strip())
        except (OSError, ValueError):
            return None
        return pid

    def parent_pid(self):
        pid = self._read_pid(self.pidfile)
        if pid:
            self.seen.add(pid)
        return pid if pid and alive(pid) else None

    def vrrp_pid(self):
        pid = self._read_pid(self.vrrp_pidfile)
        if pid:
            self.seen.add(pid)
        return pid if pid and alive(pid) else None

    def check_pid(self):
        pid = self._read_pid(self.check_pidfile)
        if pid:
            self.seen.add(pid)
        return pid if pid and alive(pid) else None

    def children(self):
        pid = self.parent_pid()
        return children_of(pid) if pid else []

    def log(self):
        """The parent's log plus the children's (-g FILE -> ka_vrrp.log ...)."""
        text = ""
        for name in ("ka.log", "ka_vrrp.log", "ka_healthcheckers.log"):
            p = self.dir / name
            if p.exists():
                text += p.read_text(errors="replace")
        return text

    def signal(self, sig):
        os.kill(self.parent_pid(), sig)

    def dump(self, name):
        p = self.tmpdir / name
        return p.read_text() if p.exists() else None

    def wait_exit(self, timeout=10):
        """Wait for the parent to exit; returns its exit status if ours."""
        if self.proc is not None and self.foreground:
            return self.proc.wait(timeout=timeout)
        pid = self._read_pid(self.pidfile)
        wait_for(lambda: not pid or not alive(pid), timeout, what="parent exit")
        return None

    def stop(self, timeout=10):
        pid = self.parent_pid()
        if pid:
            os.kill(pid, signal.SIGTERM)
        return self.wait_exit(timeout)

    def cleanup(self):
        for pid in list(self.seen) + [self._read_pid(p) for p in
                                       (self.pidfile, self.vrrp_pidfile, self.check_pidfile)]:
            if pid and alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait(timeout=10)
            if self.proc.stderr:
                self.proc.stderr.close()
        reap_zombies()
