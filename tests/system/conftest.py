"""Fixtures shared by the system tests (pytest).

The system tests drive the built binary from the outside, the way an
operator or an init system would: `keepalived -t` to check a configuration,
`-d` to print it, and whole daemons in network namespaces.  Everything they
need from the host is a fixture here, so that each test states what it
requires and is skipped with a reason when the host cannot provide it:

  keepalived_bin   our binary ($KEEPALIVED_BIN, default ../../keepalived)
  reference_bin    Debian's keepalived 2.2.7 ($KEEPALIVED_REF or
                   /usr/sbin/keepalived); tests comparing with it skip
                   when it is absent
  workdir          a fresh directory per test (pytest's tmp_path)
  ka / ref         Runner objects: .test(conf, *args) runs `-t` and
                   returns a Result(status, stdout, stderr)
  netns            a Lab: network namespaces, veth pairs, bridges;
                   always deleted at teardown (root only)
  procs            a process tracker: everything started through it is
                   stopped at teardown
  daemon           factory for whole daemons (-n -l -D, own pid files)
  host_env, eth_ns namespaces with known interfaces for `-t` parity
                   (eth0..eth3, or lo only); None without root

The pytest process makes itself a child subreaper (PR_SET_CHILD_SUBREAPER)
at import time: PID 1 on our test machines does not reap orphans, so the
grandchildren of a daemon killed by a test would otherwise stay zombies.
After every test we reap the zombies that are not ours to wait for.

Polling helper: wait_for(pred, timeout) -- tests poll with a deadline and
never sleep a fixed time.
"""

import itertools
import os
import re
import shutil
import signal
import subprocess
import time
from collections import namedtuple
from pathlib import Path

import pytest

# /proc helpers shared with the process-model tests; importing procutil
# also makes this process a child subreaper.
from procutil import alive as pid_alive, reap_zombies, wait_for  # noqa: F401 (re-exported)

HERE = Path(__file__).resolve().parent
TOP_SRCDIR = HERE.parent.parent
REFERENCE_DEFAULT = "/usr/sbin/keepalived"
TIMEOUT = 60  # seconds for any single run of -t


# ---- running on two workers (pytest-xdist) --------------------------------

VM_TEST_FILES = ("test_vm_",)


@pytest.hookimpl(tryfirst=True)     # before xdist reads the marks
def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (`-n 2 --dist loadgroup`, what run-system-tests
    uses when the plug-in is there): every test file is one unit of work,
    so module fixtures are built once, and all QEMU tests form one unit,
    run first: a VM keeps one core busy for minutes while the namespace
    tests, which mostly wait on timers, run on the other worker; and
    never more than one VM runs at a time."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    def is_vm(item):
        return item.path.name.startswith(VM_TEST_FILES)
    for item in items:
        group = "vm" if is_vm(item) else item.path.name
        item.add_marker(pytest.mark.xdist_group(name=group))
    items.sort(key=lambda item: not is_vm(item))  # stable: file order kept


# ---- process hygiene ----------------------------------------------------

@pytest.fixture(autouse=True)
def _reap_after_test():
    yield
    reap_zombies()


def read_pidfile(path):
    try:
        return int(Path(path).read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def is_root():
    return os.geteuid() == 0


needs_root = pytest.mark.skipif(not is_root(), reason="needs root (network namespaces)")


# ---- binaries -----------------------------------------------------------

Result = namedtuple("Result", "status stdout stderr")


class Runner:
    """Runs one keepalived binary in configuration-test mode."""

    def __init__(self, path, name, netns=None):
        self.path = str(path)
        self.name = name
        self.netns = netns

    def within(self, netns):
        """The same binary, run inside network namespace `netns`."""
        return Runner(self.path, self.name, netns)

    def run(self, *args, cwd=None, env=None, timeout=TIMEOUT):
        prefix = ["ip", "netns", "exec", self.netns] if self.netns else []
        p = subprocess.run([*prefix, self.path, *map(str, args)], cwd=cwd, env=env,
                           stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, errors="replace", timeout=timeout)
        return Result(p.returncode, p.stdout, p.stderr)

    def test(self, conf, *args, cwd=None):
        """`keepalived -t -f CONF ARGS...`; -l is not needed for -t (both
        binaries write -t diagnostics to stderr)."""
        return self.run("-t", "-f", conf, *args, cwd=cwd)

    def dump(self, conf, *args, cwd=None):
        """`keepalived -t -d -f CONF`: ours prints the canonical config."""
        return self.run("-t", "-d", "-f", conf, *args, cwd=cwd)


def _our_binary():
    p = os.environ.get("KEEPALIVED_BIN")
    return Path(p) if p else TOP_SRCDIR / "keepalived"


def _reference_binary():
    return Path(os.environ.get("KEEPALIVED_REF", REFERENCE_DEFAULT))


@pytest.fixture(scope="session")
def keepalived_bin():
    p = _our_binary()
    if not (p.is_file() and os.access(p, os.X_OK)):
        pytest.skip(f"our keepalived binary not found at {p} (set KEEPALIVED_BIN)")
    return p


@pytest.fixture(scope="session")
def reference_bin():
    p = _reference_binary()
    if not (p.is_file() and os.access(p, os.X_OK)):
        pytest.skip(f"reference keepalived 2.2.7 not found at {p} "
                    "(apt-get install keepalived, or set KEEPALIVED_REF)")
    return p


@pytest.fixture(scope="session")
def ka(keepalived_bin):
    return Runner(keepalived_bin, "ours")


@pytest.fixture(scope="session")
def ref(reference_bin):
    return Runner(reference_bin, "reference")


@pytest.fixture
def workdir(tmp_path):
    """A fresh directory per test; the path is shown in failures."""
    return tmp_path


def write(path, text):
    """Write text to path (creating directories); returns the Path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


LOC_RE = re.compile(r"^(?P<file>[^:\s]+):(?P<line>\d+): (?P<msg>.*)$")


def diagnostics(stderr):
    """Our diagnostics as (file basename, line, message) triples."""
    out = []
    for ln in stderr.splitlines():
        m = LOC_RE.match(ln.strip())
        if m:
            out.append((os.path.basename(m["file"]), int(m["line"]), m["msg"]))
    return out


# ---- processes ------------------------------------------------------------

class Procs:
    """Starts processes and guarantees they are gone at teardown."""

    def __init__(self):
        self.popens = []
        self.pidfiles = []

    def start(self, argv, **kw):
        kw.setdefault("stdin", subprocess.DEVNULL)
        p = subprocess.Popen([str(a) for a in argv], **kw)
        self.popens.append(p)
        return p

    def track_pidfile(self, path):
        """Also kill whatever PID this file names at teardown."""
        self.pidfiles.append(Path(path))

    def stop_all(self):
        pids = [p.pid for p in self.popens if p.poll() is None]
        pids += [pid for pid in map(read_pidfile, self.pidfiles) if pid]
        for pid in pids:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(pid_alive(p) for p in pids):
            reap_zombies()
            for p in self.popens:
                p.poll()
            time.sleep(0.05)
        for pid in pids:
            if pid_alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        for p in self.popens:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        reap_zombies()


@pytest.fixture
def procs():
    t = Procs()
    yield t
    t.stop_all()


# ---- network namespaces ------------------------------------------------------

_lab_ids = itertools.count()


def ip(*args, check=True):
    return subprocess.run(["ip", *map(str, args)], check=check,
                          capture_output=True, text=True)


class Lab:
    """Network namespaces for one test; names are unique per process so
    that parallel runs on one host do not collide."""

    def __init__(self):
        self.prefix = f"ka{os.getpid() % 100000}x{next(_lab_ids)}"
        self.namespaces = []

    def ns(self, name):
        """Create namespace PREFIX-name with lo up; returns its full name."""
        full = f"{self.prefix}-{name}"
        ip("netns", "add", full)
        self.namespaces.append(full)
        self.exec(full, "ip", "link", "set", "lo", "up")
        return full

    def exec(self, ns, *argv, check=True, **kw):
        kw.setdefault("capture_output", True)
        kw.setdefault("text", True)
        return subprocess.run(["ip", "netns", "exec", ns, *map(str, argv)],
                              check=check, **kw)

    def bridge(self, ns, name="br0"):
        """A bridge in ns that floods every frame (ageing_time 0)."""
        self.exec(ns, "ip", "link", "add", name, "type", "bridge", "ageing_time", "0")
        self.exec(ns, "ip", "link", "set", name, "up")
        return name

    def veth(self, ns_a, if_a, ns_b, if_b, master_b=None):
        """A veth pair ns_a:if_a <-> ns_b:if_b, both up; the b end may be
        enslaved to a bridge in ns_b."""
        tmp_a, tmp_b = f"{self.prefix}a", f"{self.prefix}b"
        ip("link", "add", tmp_a, "type", "veth", "peer", "name", tmp_b)
        ip("link", "set", tmp_a, "netns", ns_a, "name", if_a)
        ip("link", "set", tmp_b, "netns", ns_b, "name", if_b)
        if master_b:
            self.exec(ns_b, "ip", "link", "set", if_b, "master", master_b)
        self.exec(ns_a, "ip", "link", "set", if_a, "up")
        self.exec(ns_b, "ip", "link", "set", if_b, "up")

    def dummy(self, ns, name):
        """An interface with nothing behind it: a dummy, or one end of a
        veth pair (peer NAME-p... truncated) where the kernel lacks dummy."""
        r = self.exec(ns, "ip", "link", "add", name, "type", "dummy", check=False)
        if r.returncode != 0:
            self.exec(ns, "ip", "link", "add", name, "type", "veth",
                      "peer", "name", (name + "p")[-15:])
        self.exec(ns, "ip", "link", "set", name, "up")

    def addr(self, ns, ifname, cidr):
        self.exec(ns, "ip", "addr", "add", cidr, "dev", ifname)

    def lan(self, names, subnet="192.168.200"):
        """One L2 segment: a hub namespace with a flooding bridge and one
        namespace per name with eth0 = SUBNET.(10+i)/24.  Returns
        {name: full namespace name}."""
        hub = self.ns("hub")
        self.bridge(hub)
        out = {}
        for i, name in enumerate(names):
            full = self.ns(name)
            self.veth(full, "eth0", hub, f"p{i}", master_b="br0")
            self.addr(full, "eth0", f"{subnet}.{10 + i}/24")
            out[name] = full
        return out

    def cleanup(self):
        for ns in reversed(self.namespaces):
            # Kill anything left in the namespace before deleting it.
            r = ip("netns", "pids", ns, check=False)
            for pid in r.stdout.split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            ip("netns", "del", ns, check=False)
        self.namespaces.clear()
        reap_zombies()


@pytest.fixture
def netns():
    if not is_root():
        pytest.skip("needs root: network namespaces")
    if shutil.which("ip") is None:
        pytest.skip("needs iproute2 (ip)")
    lab = Lab()
    try:
        yield lab
    finally:
        lab.cleanup()


# ---- daemons --------------------------------------------------------------

class Daemon:
    """One keepalived daemon with its own config, pid files and log, run
    in the foreground (-n) under `procs`, optionally in a namespace."""

    def __init__(self, procs, binary, directory, name, conf_text, ns=None, extra=()):
        self.dir = Path(directory) / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.conf = write(self.dir / "keepalived.conf", conf_text)
        self.pid = self.dir / "keepalived.pid"
        self.vrrp_pid = self.dir / "vrrp.pid"
        self.check_pid = self.dir / "checkers.pid"
        self.log = self.dir / "log"
        argv = [binary, "-n", "-l", "-D", "-f", self.conf, "-p", self.pid,
                "-r", self.vrrp_pid, "-c", self.check_pid, *extra]
        if ns:
            argv = ["ip", "netns", "exec", ns, *argv]
        self.logf = open(self.log, "w")
        for f in (self.pid, self.vrrp_pid, self.check_pid):
            procs.track_pidfile(f)
        self.proc = procs.start(argv, stdout=self.logf, stderr=subprocess.STDOUT,
                                cwd=self.dir)

    def main_pid(self, timeout=10):
        return wait_for(lambda: read_pidfile(self.pid), timeout, what=f"{self.pid}")

    def signal(self, sig):
        os.kill(self.main_pid(), sig)

    def log_text(self):
        self.logf.flush()
        return self.log.read_text(errors="replace")


@pytest.fixture
def daemon(procs, keepalived_bin, workdir):
    """Factory: daemon(name, conf_text, ns=None, extra=()) -> Daemon."""
    made = []

    def make(name, conf_text, ns=None, extra=()):
        d = Daemon(procs, keepalived_bin, workdir, name, conf_text, ns, extra)
        made.append(d)
        return d

    yield make
    procs.stop_all()
    for d in made:
        d.logf.close()


# ---- controlled hosts for -t parity -----------------------------------------

def _host_env(kind):
    """A namespace for comparing `-t` of two binaries on equal terms:
    "eth0-3": eth0..eth3 exist (veth ends, up; eth0 has 192.168.200.10/24),
    the interface names the Debian samples and our cases use;
    "lo-only": nothing but lo.  Returns (Lab, namespace name)."""
    lab = Lab()
    ns = lab.ns(kind)
    if kind == "eth0-3":
        for i in range(4):
            lab.exec(ns, "ip", "link", "add", f"eth{i}", "type", "veth",
                     "peer", "name", f"peer{i}")
            lab.exec(ns, "ip", "link", "set", f"eth{i}", "up")
            lab.exec(ns, "ip", "link", "set", f"peer{i}", "up")
        lab.addr(ns, "eth0", "192.168.200.10/24")
    return lab, ns


HOST_ENVS = ["eth0-3", "lo-only"] if is_root() else ["host"]


@pytest.fixture(scope="session", params=HOST_ENVS)
def host_env(request):
    """Network namespace to run `-t` in, one per HOST_ENVS entry; None
    (the host's own namespace, whatever interfaces it has) without root.
    2.2.7's -t fails on a vrrp_instance whose interface does not exist,
    so parity tests must not depend on the host's interfaces."""
    if request.param == "host":
        yield None
        return
    lab, ns = _host_env(request.param)
    try:
        yield ns
    finally:
        lab.cleanup()


@pytest.fixture(scope="session")
def eth_ns():
    """The "eth0-3" namespace alone (None without root)."""
    if not is_root():
        yield None
        return
    lab, ns = _host_env("eth0-3")
    try:
        yield ns
    finally:
        lab.cleanup()
