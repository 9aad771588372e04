"""Helpers for the VRRP system tests (tests/system/test_vrrp_*.py).

A VRRP lab is one L2 segment (conftest's Lab.lan: a flooding bridge in a
hub namespace) with routers r1, r2 and an observer namespace "obs".
Routers run either our keepalived or Debian's 2.2.7 (the reference), each
with its own config, pid files, log and TMPDIR (dump files), in its own
session so that a test can SIGKILL a whole daemon's process group.

The observer captures VRRP, ARP and ICMPv6 NA frames with an AF_PACKET
socket: this module run as a script (`python3 vrrp_lab.py capture`) inside
the observer namespace prints one JSON line per frame; Capture reads them.

Tests poll with deadlines (conftest.wait_for), never fixed sleeps.
"""

import json
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

SUBNET = "192.168.200"
VIP4 = f"{SUBNET}.100"
V6NET = "fd00:200"


def conf_instance(prio, version=2, vips=(f"{VIP4}/24",), state="BACKUP", extra="",
                  advert="1", name="VI_1", vrid=51, globals_=""):
    """A one-instance keepalived.conf."""
    vip_lines = "\n".join(f"    {v}" for v in vips)
    return f"""global_defs {{
  vrrp_version {version}
{globals_}
}}
vrrp_instance {name} {{
  state {state}
  interface eth0
  virtual_router_id {vrid}
  priority {prio}
  advert_int {advert}
{extra}
  virtual_ipaddress {{
{vip_lines}
  }}
}}
"""


class Router:
    """One keepalived (ours or the reference) in namespace ns."""

    def __init__(self, procs, binary, directory, name, conf_text, ns, extra=()):
        self.name = name
        self.ns = ns
        self.dir = Path(directory) / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.tmp = self.dir / "tmp"
        self.tmp.mkdir(exist_ok=True)
        self.conf = self.dir / "keepalived.conf"
        self.conf.write_text(conf_text)
        self.pid = self.dir / "keepalived.pid"
        self.vrrp_pid = self.dir / "vrrp.pid"
        self.check_pid = self.dir / "checkers.pid"
        self.log = self.dir / "log"
        for f in (self.pid, self.vrrp_pid, self.check_pid):
            try:
                f.unlink()
            except FileNotFoundError:
                pass
            procs.track_pidfile(f)
        env = dict(os.environ, TMPDIR=str(self.tmp))
        argv = ["ip", "netns", "exec", ns, str(binary), "-n", "-l", "-D", "-f", str(self.conf),
                "-p", str(self.pid), "-r", str(self.vrrp_pid), "-c", str(self.check_pid),
                *map(str, extra)]
        self.logf = open(self.log, "a")
        self.proc = procs.start(argv, stdout=self.logf, stderr=subprocess.STDOUT,
                                cwd=self.dir, env=env, start_new_session=True)

    def read_pid(self, path):
        try:
            return int(Path(path).read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def main_pid(self):
        return self.read_pid(self.pid)

    def log_text(self):
        self.logf.flush()
        return self.log.read_text(errors="replace")

    def count(self, text):
        return self.log_text().count(text)

    def kill_group(self, sig=signal.SIGKILL):
        """Signal the daemon's whole process group (its own session)."""
        os.killpg(self.proc.pid, sig)

    def signal(self, sig):
        os.kill(self.main_pid(), sig)

    def wait_exit(self, timeout=10):
        self.proc.wait(timeout=timeout)

    def close(self):
        self.logf.close()


class Segment:
    """Router namespaces on one L2 segment (conftest's netns.lan) and the
    routers started there; close() stops them all.  Tests use it as their
    `lab` fixture: lab.ns[name], lab.netns, lab.procs, lab.workdir."""

    def __init__(self, netns, procs, workdir, names):
        self.netns, self.procs, self.workdir = netns, procs, workdir
        self.ns = netns.lan(names)
        self.routers = []

    def start(self, binary, name, conf_text, extra=()):
        r = Router(self.procs, binary, self.workdir, name, conf_text, self.ns[name], extra)
        self.routers.append(r)
        return r

    def close(self):
        self.procs.stop_all()
        for r in self.routers:
            r.close()


def addrs(lab, ns, dev="eth0"):
    """Addresses (without prefix) configured on dev in ns."""
    r = lab.exec(ns, "ip", "-j", "addr", "show", "dev", dev, check=False)
    if r.returncode != 0 or not r.stdout.strip():
        return set()
    out = set()
    for link in json.loads(r.stdout):
        for a in link.get("addr_info", []):
            out.add(a["local"])
    return out


# ---- capture ------------------------------------------------------------------

ETH_P_ALL = 3


def _parse_frame(frame):
    """One captured Ethernet frame -> dict, or None if not interesting."""
    if len(frame) < 14:
        return None
    src_mac = frame[6:12].hex(":")
    etype = struct.unpack("!H", frame[12:14])[0]
    p = frame[14:]
    t = time.time()
    if etype == 0x0806 and len(p) >= 28:
        return {"t": t, "kind": "arp", "mac": src_mac, "ip": socket.inet_ntoa(p[14:18])}
    if etype == 0x0800 and len(p) >= 20:
        ihl = (p[0] & 15) * 4
        proto = p[9]
        src = socket.inet_ntoa(p[12:16])
        dst = socket.inet_ntoa(p[16:20])
        ttl = p[8]
        v = p[ihl:]
        if proto == 51 and len(v) >= 24:
            v = v[24:]
            ah = True
        elif proto == 112:
            ah = False
        else:
            return None
        if len(v) < 8:
            return None
        return {"t": t, "kind": "vrrp", "af": 4, "src": src, "dst": dst, "ttl": ttl,
                "ah": ah, "version": v[0] >> 4, "vrid": v[1], "prio": v[2],
                "naddr": v[3], "auth": v[4] if v[0] >> 4 == 2 else 0, "mac": src_mac}
    if etype == 0x86DD and len(p) >= 40:
        nh = p[6]
        src = socket.inet_ntop(socket.AF_INET6, p[8:24])
        dst = socket.inet_ntop(socket.AF_INET6, p[24:40])
        v = p[40:]
        if nh == 112 and len(v) >= 8:
            return {"t": t, "kind": "vrrp", "af": 6, "src": src, "dst": dst, "ttl": p[7],
                    "ah": False, "version": v[0] >> 4, "vrid": v[1], "prio": v[2],
                    "naddr": v[3], "auth": 0, "mac": src_mac}
        if nh == 58 and len(v) >= 24 and v[0] == 136:
            return {"t": t, "kind": "na", "mac": src_mac,
                    "ip": socket.inet_ntop(socket.AF_INET6, v[8:24])}
    return None


def capture_main(ifname="eth0"):
    """Print one JSON line per interesting frame seen on ifname (forever)."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((ifname, 0))
    print(json.dumps({"kind": "ready"}), flush=True)
    while True:
        frame = s.recv(65535)
        d = _parse_frame(frame)
        if d:
            print(json.dumps(d), flush=True)


class Capture:
    """Frames seen by the observer namespace, collected in a thread."""

    def __init__(self, lab, procs, ns):
        self.frames = []
        self.lock = threading.Lock()
        self.proc = procs.start(["ip", "netns", "exec", ns, sys.executable, __file__, "capture"],
                                stdout=subprocess.PIPE, text=True)
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._reader, daemon=True)
        self.thread.start()
        if not self.ready.wait(10):
            raise RuntimeError("capture did not start")

    def _reader(self):
        for line in self.proc.stdout:
            try:
                d = json.loads(line)
            except ValueError:
                continue
            if d.get("kind") == "ready":
                self.ready.set()
                continue
            with self.lock:
                self.frames.append(d)

    def select(self, since=0.0, **match):
        with self.lock:
            return [f for f in self.frames if f.get("t", 0) >= since and
                    all(f.get(k) == v for k, v in match.items())]


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "capture":
        try:
            capture_main(*sys.argv[2:3])
        except (KeyboardInterrupt, BrokenPipeError):
            pass
