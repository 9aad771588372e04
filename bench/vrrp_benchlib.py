"""Shared pieces of the VRRP benchmarks (bench/vrrp_failover.py,
bench/vrrp_scale.py): two router namespaces joined by veth pairs, daemons
started in their own session (so that a crash is simulated by SIGKILLing
the whole process group), per-process CPU time and RSS from /proc.

Runs as root.  Nothing here is specific to our binary: the reference
(Debian's keepalived 2.2.7) is driven the same way, with the same command
line (-n -l -f CONF -p/-r/-c PIDFILES), in the same namespaces.
"""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

REFERENCE = "/usr/sbin/keepalived"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def sh(*argv, check=True):
    return subprocess.run(argv, check=check, capture_output=True, text=True)


class Pair:
    """Namespaces r1 and r2 joined by veth pairs IF0.., addresses
    NET.k.1/24 (r1) and NET.k.2/24 (r2) on link k."""

    def __init__(self, links=("eth0",), net="10.0"):
        tag = f"kavb{os.getpid()}"
        self.ns = {"r1": f"{tag}-r1", "r2": f"{tag}-r2"}
        self.links = list(links)
        self.dir = Path(tempfile.mkdtemp(prefix="ka-vbench-"))
        for ns in self.ns.values():
            sh("ip", "netns", "add", ns)
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        for k, ifname in enumerate(self.links):
            sh("ip", "link", "add", f"{tag}a", "type", "veth", "peer", "name", f"{tag}b")
            for end, (name, ns) in zip("ab", self.ns.items()):
                sh("ip", "link", "set", f"{tag}{end}", "netns", ns, "name", ifname)
                sh("ip", "-n", ns, "addr", "add", f"{net}.{k}.{1 if name == 'r1' else 2}/24",
                   "dev", ifname)
                sh("ip", "-n", ns, "link", "set", ifname, "up")

    def close(self):
        for ns in self.ns.values():
            sh("ip", "netns", "del", ns, check=False)
        shutil.rmtree(self.dir, ignore_errors=True)

    def addrs(self, name):
        """Number of IPv4 addresses in namespace `name`."""
        out = sh("ip", "-n", self.ns[name], "-4", "-o", "addr", "show").stdout
        return sum(1 for line in out.splitlines() if " inet " in line)

    def link_counter(self, name, counter):
        """Sum of a packet counter ("tx_packets", "rx_packets") over the
        links, read in one call (adverts of synchronised instances come in
        bursts: reading link by link could straddle one)."""
        links = json.loads(sh("ip", "-n", self.ns[name], "-s", "-j", "link", "show").stdout)
        direction, field = counter.split("_")
        return sum(link["stats64"][direction][field] for link in links
                   if link["ifname"] in self.links)


class Daemon:
    """One keepalived (either binary) in a namespace."""

    def __init__(self, pair, name, binary, conf_text, tag):
        self.dir = pair.dir / f"{tag}-{name}"
        self.dir.mkdir(parents=True, exist_ok=True)
        conf = self.dir / "keepalived.conf"
        conf.write_text(conf_text)
        self.pidfiles = [self.dir / f for f in ("main.pid", "vrrp.pid", "check.pid")]
        for f in self.pidfiles:
            if f.exists():
                f.unlink()
        self.log = open(self.dir / "log", "w")
        env = dict(os.environ, TMPDIR=str(self.dir))
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", pair.ns[name], binary, "-n", "-l", "-f", str(conf),
             "-p", str(self.pidfiles[0]), "-r", str(self.pidfiles[1]),
             "-c", str(self.pidfiles[2])],
            stdout=self.log, stderr=subprocess.STDOUT, env=env, start_new_session=True)

    def pid(self, which=0):
        try:
            return int(self.pidfiles[which].read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def pids(self):
        """Every process of the daemon (its session)."""
        out = []
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    if os.getsid(int(d)) == self.proc.pid:
                        out.append(int(d))
                except OSError:
                    pass
        return out

    def kill(self, sig=signal.SIGKILL):
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass

    def stop(self, timeout=15):
        """TERM, wait; KILL what is left; returns seconds until exit."""
        t0 = time.monotonic()
        self.kill(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
        took = time.monotonic() - t0
        self.kill(signal.SIGKILL)
        self.proc.wait()
        self.log.close()
        return took


def cpu_seconds(pid):
    """utime + stime of a process (seconds), None if gone."""
    try:
        f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(f[11]) + int(f[12])) / CLK_TCK


def rss_kib(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def wait_until(pred, timeout, what):
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


def host_line():
    u = os.uname()
    load = open("/proc/loadavg").read().split()[:3]
    return (f"host: {u.sysname} {u.release} {u.machine}, {os.cpu_count()} cpus, "
            f"load {' '.join(load)}, {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())}")
