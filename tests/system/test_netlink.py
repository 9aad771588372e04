"""Namespace tests of the netlink layer (src/sys) through tests/sys/nl_driver.

Each test builds a fresh pair of network namespaces joined by a veth
("r" holds eth0, the interface under test; "peer" holds eth0 too, where
frames are captured), runs one nl_driver verb in "r", and checks the result
in the kernel's own words: `ip -j addr/route/rule/link`.  Error cases check
that the failure carries the kernel's extended-ack text.  Gratuitous ARP
and neighbour advertisements are captured on the peer with a small
AF_PACKET listener (a python child in the peer namespace) and compared field
by field, and with the frames Debian's keepalived 2.2.7 sends for the same
address when it becomes MASTER.

The driver is $NL_DRIVER, else tests/sys/nl_driver beside $KEEPALIVED_BIN
(the build directory, under make check), else /work/build-netlink/nl_driver.  Needs
root; the namespaces are deleted at teardown by the netns fixture.
"""

import json
import os
import queue
import signal
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import needs_root, wait_for



def _driver_path():
    """$NL_DRIVER; else tests/sys/nl_driver next to $KEEPALIVED_BIN (the
    build directory under make check); else the helper's build directory."""
    if os.environ.get("NL_DRIVER"):
        return Path(os.environ["NL_DRIVER"])
    kb = os.environ.get("KEEPALIVED_BIN")
    if kb:
        p = Path(kb).resolve().parent / "tests" / "sys" / "nl_driver"
        if p.is_file():
            return p
    return Path("/work/build-netlink/nl_driver")


NL_DRIVER = _driver_path()
MAC_R = "02:00:00:00:00:0a"
MAC_PEER = "02:00:00:00:00:0b"

pytestmark = needs_root


@pytest.fixture(scope="module")
def driver():
    if not (NL_DRIVER.is_file() and os.access(NL_DRIVER, os.X_OK)):
        pytest.skip(f"nl_driver not found at {NL_DRIVER} (set NL_DRIVER)")
    return NL_DRIVER


class Net:
    """Namespaces r and peer, eth0 <-> eth0, with fixed MACs."""

    def __init__(self, lab, drv):
        self.lab, self.drv = lab, drv
        self.r = lab.ns("r")
        self.peer = lab.ns("peer")
        lab.veth(self.r, "eth0", self.peer, "eth0")
        lab.exec(self.r, "ip", "link", "set", "eth0", "address", MAC_R)
        lab.exec(self.peer, "ip", "link", "set", "eth0", "address", MAC_PEER)

    def run(self, *args, ns=None):
        """Run nl_driver ARGS in namespace r; returns CompletedProcess."""
        return self.lab.exec(ns or self.r, str(self.drv), *map(str, args),
                             check=False, timeout=30)

    def ok(self, *args):
        p = self.run(*args)
        assert p.returncode == 0, f"nl_driver {' '.join(map(str, args))}: {p.stderr}"
        return p.stdout

    def fails(self, *args, errno=None):
        p = self.run(*args)
        assert p.returncode == 2, f"expected failure, got {p.returncode}: {p.stdout}{p.stderr}"
        if errno is not None:
            assert f"(errno {errno}" in p.stderr, p.stderr
        return p.stderr

    def ipj(self, *args, ns=None):
        p = self.lab.exec(ns or self.r, "ip", "-j", *args)
        return json.loads(p.stdout or "[]")

    def addrs(self, ifname="eth0"):
        out = self.ipj("addr", "show", "dev", ifname)
        return out[0]["addr_info"] if out else []

    def addr(self, local, ifname="eth0"):
        for a in self.addrs(ifname):
            if a["local"] == local:
                return a
        return None


@pytest.fixture
def net(netns, driver):
    return Net(netns, driver)


# ---- addresses -------------------------------------------------------------

def test_addr_v4_with_options(net):
    net.ok("addr-add", "eth0", "10.0.0.1/24", "brd", "10.0.0.255", "label", "eth0:vip")
    a = net.addr("10.0.0.1")
    assert a["prefixlen"] == 24
    assert a["broadcast"] == "10.0.0.255"
    assert a["label"] == "eth0:vip"
    assert a["scope"] == "global"
    assert net.ok("addr-present", "eth0", "10.0.0.1").strip() == "present"
    assert net.ok("addr-present", "eth0", "10.0.0.2").strip() == "absent"

    net.ok("addr-add", "eth0", "10.0.0.9/32", "scope", "host", "preferred_lft", "0")
    a = net.addr("10.0.0.9")
    # IPv4 with an infinite valid_lft: the kernel reports the address as
    # deprecated (and both lifetimes as forever), as for `ip addr add`.
    assert a["scope"] == "host" and a.get("deprecated") is True

    net.ok("addr-del", "eth0", "10.0.0.1/24")
    assert net.addr("10.0.0.1") is None
    assert net.ok("addr-present", "eth0", "10.0.0.1").strip() == "absent"


def test_addr_v6_nodad(net):
    net.ok("addr-add", "eth0", "fd00:1::1/64", "nodad")
    a = net.addr("fd00:1::1")
    assert a["prefixlen"] == 64
    assert a.get("nodad") is True
    assert not a.get("tentative")
    net.ok("addr-add", "eth0", "fd00:1::2/64")
    # Without nodad the address goes through DAD (tentative at first);
    # the kernel must at least not mark it nodad.
    assert not net.addr("fd00:1::2").get("nodad")
    net.ok("addr-del", "eth0", "fd00:1::1/64")
    assert net.addr("fd00:1::1") is None


def test_addr_flags_and_peer(net):
    net.ok("addr-add", "eth0", "10.0.0.1/24", "noprefixroute")
    assert net.addr("10.0.0.1").get("noprefixroute") is True
    assert routes(net, "10.0.0.0/24") == []                 # no kernel prefix route
    net.ok("addr-add", "eth0", "10.5.0.1/32", "peer", "10.5.0.2")
    a = net.addr("10.5.0.1")
    assert a.get("address") == "10.5.0.2" and a["prefixlen"] == 32
    net.ok("addr-add", "eth0", "fd00:3::1/64", "-nodad", "home", "mngtmpaddr",
           "preferred_lft", "forever", "valid_lft", "forever")
    a = net.addr("fd00:3::1")
    assert a.get("nodad") and a.get("home") and a.get("mngtmpaddr")
    net.ok("addr-del", "eth0", "10.5.0.1/32", "peer", "10.5.0.2")
    assert net.addr("10.5.0.1") is None


def test_addr_errors(net):
    net.ok("addr-add", "eth0", "10.0.0.1/24")
    err = net.fails("addr-add", "eth0", "10.0.0.1/24", errno=17)      # EEXIST
    assert "addr-add:" in err
    err = net.fails("addr-del", "eth0", "10.0.0.77/24", errno=99)     # EADDRNOTAVAIL
    assert err.split("addr-del: ", 1)[1].strip()
    net.fails("addr-add", "nosuch0", "10.0.0.1/24", errno=19)         # ENODEV


# ---- routes ----------------------------------------------------------------

def routes(net, *sel):
    return net.ipj("route", "show", *sel)


def test_route_gateway_table_metric_src(net):
    net.ok("addr-add", "eth0", "10.0.0.1/24")
    net.ok("route-add", "10.1.0.0/16", "via", "10.0.0.254", "table", "100", "metric", "50")
    (r,) = routes(net, "table", "100")
    assert r["dst"] == "10.1.0.0/16" and r["gateway"] == "10.0.0.254"
    assert r["dev"] == "eth0" and r["metric"] == 50
    assert r["protocol"] == "keepalived"

    net.ok("route-add", "10.3.0.0/16", "dev", "eth0", "src", "10.0.0.1")
    (r,) = routes(net, "10.3.0.0/16")
    assert r["scope"] == "link" and r["prefsrc"] == "10.0.0.1"

    net.ok("route-add", "default", "via", "10.0.0.254", "proto", "4")
    (r,) = routes(net, "default")
    assert r["gateway"] == "10.0.0.254" and r["protocol"] == "static"

    net.ok("route-del", "10.1.0.0/16", "table", "100")
    assert routes(net, "table", "100") == []
    net.ok("route-del", "10.3.0.0/16")
    assert routes(net, "10.3.0.0/16") == []


@pytest.mark.parametrize("rtype", ["blackhole", "unreachable", "prohibit"])
def test_route_types(net, rtype):
    net.ok("route-add", "10.4.0.0/16", "type", rtype, "table", "7")
    (r,) = routes(net, "table", "7")
    assert r["type"] == rtype and r["dst"] == "10.4.0.0/16"
    net.ok("route-del", "10.4.0.0/16", "type", rtype, "table", "7")
    assert routes(net, "table", "7") == []


def test_route_multipath(net):
    net.ok("addr-add", "eth0", "10.0.0.1/24")
    net.ok("route-add", "10.7.0.0/16",
           "nexthop", "via", "10.0.0.2", "weight", "2",
           "nexthop", "via", "10.0.0.3", "dev", "eth0", "weight", "1")
    (r,) = routes(net, "10.7.0.0/16")
    hops = sorted((h["gateway"], h["weight"]) for h in r["nexthops"])
    assert hops == [("10.0.0.2", 2), ("10.0.0.3", 1)]


def test_route_v6(net):
    net.ok("addr-add", "eth0", "fd00:1::1/64", "nodad")
    net.ok("route-add", "fd01::/64", "via", "fd00:1::2", "metric", "10")
    (r,) = net.ipj("-6", "route", "show", "fd01::/64")
    assert r["gateway"] == "fd00:1::2" and r["metric"] == 10
    assert r["protocol"] == "keepalived"
    net.ok("route-del", "fd01::/64")
    assert net.ipj("-6", "route", "show", "fd01::/64") == []
    net.ok("route-add", "fd02::/64", "nexthop", "via", "fd00:1::2", "dev", "eth0",
           "nexthop", "via", "fd00:1::3", "dev", "eth0")
    (r,) = net.ipj("-6", "route", "show", "fd02::/64")
    assert sorted(h["gateway"] for h in r["nexthops"]) == ["fd00:1::2", "fd00:1::3"]


def test_route_onlink(net):
    """A gateway outside every connected prefix is accepted with onlink."""
    net.ok("route-add", "10.8.0.0/16", "via", "192.0.2.1", "dev", "eth0", "onlink")
    (r,) = routes(net, "10.8.0.0/16")
    assert r["gateway"] == "192.0.2.1" and "onlink" in r["flags"]


def test_route_errors_carry_extack(net):
    net.ok("addr-add", "eth0", "10.0.0.1/24")
    err = net.fails("route-add", "10.2.0.0/16", "via", "10.9.9.9")
    # The kernel explains in its extended ack; we must pass that on.
    assert "Nexthop has invalid gateway" in err and "kernel extack" in err
    net.ok("route-add", "10.2.0.0/16", "via", "10.0.0.9")
    net.fails("route-add", "10.2.0.0/16", "via", "10.0.0.9", errno=17)
    net.ok("route-add", "10.2.0.0/16", "via", "10.0.0.8", "replace")
    (r,) = routes(net, "10.2.0.0/16")
    assert r["gateway"] == "10.0.0.8"
    net.fails("route-del", "10.99.0.0/16", errno=3)                   # ESRCH


# ---- rules -----------------------------------------------------------------

def rules(net, six=False):
    out = net.ipj(*(["-6"] if six else []), "rule", "show")
    return [r for r in out if r["priority"] not in (0, 32766, 32767)]


def test_rules_v4_v6(net):
    net.ok("rule-add", "from", "10.0.0.0/24", "to", "10.8.0.0/16", "iif", "eth0",
           "fwmark", "5/0xff", "table", "100", "priority", "1000")
    (r,) = rules(net)
    assert r["priority"] == 1000 and r["src"] == "10.0.0.0" and r["srclen"] == 24
    assert r["dst"] == "10.8.0.0" and r["dstlen"] == 16
    assert r["iif"] == "eth0" and r["fwmark"] == "0x5" and r["fwmask"] == "0xff"
    assert r["table"] == "100" and r["protocol"] == "keepalived"

    net.ok("rule-add", "-6", "to", "fd00::/64", "oif", "eth0", "table", "200",
           "priority", "1001")
    (r,) = rules(net, six=True)
    assert r["dst"] == "fd00::" and r["oif"] == "eth0" and r["table"] == "200"

    net.fails("rule-add", "from", "10.0.0.0/24", "to", "10.8.0.0/16", "iif", "eth0",
              "fwmark", "5/0xff", "table", "100", "priority", "1000", errno=17)
    net.ok("rule-del", "from", "10.0.0.0/24", "to", "10.8.0.0/16", "iif", "eth0",
           "fwmark", "5/0xff", "table", "100", "priority", "1000")
    assert rules(net) == []
    net.fails("rule-del", "from", "10.0.0.0/24", "table", "100", "priority", "1000",
              errno=2)
    net.ok("rule-del", "-6", "priority", "1001", "table", "200")
    assert rules(net, six=True) == []


# ---- links and VMACs -------------------------------------------------------

def kv(line):
    return dict(f.split("=", 1) for f in line.split())


def test_link_info_and_state(net):
    (l,) = net.ipj("link", "show", "eth0")
    info = kv(net.ok("link", "eth0"))
    assert int(info["ifindex"]) == l["ifindex"]
    assert info["mac"] == MAC_R and int(info["mtu"]) == l["mtu"]
    assert info["kind"] == "veth" and info["admin_up"] == "1"

    net.ok("link-set", "eth0", "down")
    (l,) = net.ipj("link", "show", "eth0")
    assert "UP" not in l["flags"]
    assert kv(net.ok("link", "eth0"))["oper_up"] == "0"
    net.ok("link-set", "eth0", "up")
    wait_for(lambda: kv(net.ok("link", "eth0"))["oper_up"] == "1", 10,
             what="eth0 carrier back")
    net.fails("link", "nosuch0", errno=19)


@pytest.mark.parametrize("six", [False, True])
def test_vmac(net, six):
    args = ["vmac-add", "eth0", "vrrp.51", "51"] + (["-6"] if six else [])
    ifindex = int(net.ok(*args).strip())
    (l,) = net.ipj("-d", "link", "show", "vrrp.51")
    assert l["ifindex"] == ifindex
    assert l["address"] == ("00:00:5e:00:02:33" if six else "00:00:5e:00:01:33")
    assert l["linkinfo"]["info_kind"] == "macvlan"
    assert l["linkinfo"]["info_data"]["mode"] == "private"
    assert l.get("link") == "eth0"
    assert l.get("inet6_addr_gen_mode") == "none"          # as 2.2.7's VMACs
    net.fails(*args, errno=17)
    net.ok("link-set", "vrrp.51", "up")
    assert "UP" in net.ipj("link", "show", "vrrp.51")[0]["flags"]
    net.ok("link-del", "vrrp.51")
    assert net.lab.exec(net.r, "ip", "link", "show", "vrrp.51", check=False).returncode != 0


def test_if_sysctl(net):
    assert net.ok("if-sysctl", "4", "eth0", "arp_ignore").strip() == "0"
    net.ok("if-sysctl", "4", "eth0", "arp_ignore", "1")
    v = net.lab.exec(net.r, "sysctl", "-n", "net.ipv4.conf.eth0.arp_ignore").stdout
    assert v.strip() == "1"
    net.ok("if-sysctl", "6", "eth0", "forwarding", "1")
    assert net.ok("if-sysctl", "6", "eth0", "forwarding").strip() == "1"
    net.fails("if-sysctl", "4", "nosuch0", "arp_ignore", errno=2)
    net.fails("if-sysctl", "4", "..", "arp_ignore", errno=22)


# ---- monitor ---------------------------------------------------------------

class LineReader:
    """Collects a child's stdout lines in a thread; expect() polls them."""

    def __init__(self, proc):
        self.q = queue.Queue()
        self.lines = []
        threading.Thread(target=self._pump, args=(proc.stdout,), daemon=True).start()

    def _pump(self, f):
        for line in f:
            self.q.put(line.rstrip("\n"))

    def poll(self):
        """Every line received so far (without waiting)."""
        while True:
            try:
                self.lines.append(self.q.get_nowait())
            except queue.Empty:
                return self.lines

    def expect(self, pred, timeout=10, what="line"):
        deadline = time.monotonic() + timeout
        for line in self.lines:
            if pred(line):
                return line
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                tail = self.lines[-10:]
                pytest.fail(f"timed out waiting for {what}; "
                            f"{len(self.lines)} lines, the last: {tail}")
            try:
                line = self.q.get(timeout=left)
            except queue.Empty:
                continue
            self.lines.append(line)
            if pred(line):
                return line


def test_monitor_events(net, procs):
    p = procs.start(["ip", "netns", "exec", net.r, str(net.drv), "monitor", "timeout", "60"],
                    stdout=subprocess.PIPE, text=True)
    out = LineReader(p)
    out.expect(lambda l: l == "ready", what="monitor ready")
    idx = net.ipj("link", "show", "eth0")[0]["ifindex"]

    def event(kind, **fields):
        def pred(line):
            f = line.split()
            if not f or f[0] != kind:
                return False
            d = kv(" ".join(f[1:]))
            return all(d.get(k) == str(v) for k, v in fields.items())
        return pred

    net.lab.exec(net.r, "ip", "addr", "add", "10.0.0.5/24", "dev", "eth0", "label", "eth0:m")
    out.expect(event("addr-add", ifindex=idx, addr="10.0.0.5/24", label="eth0:m"),
               what="addr-add event")
    net.lab.exec(net.r, "ip", "addr", "add", "fd00:2::5/64", "dev", "eth0", "nodad")
    out.expect(event("addr-add", ifindex=idx, addr="fd00:2::5/64"), what="v6 addr-add event")

    # Carrier loss: the peer end goes down, eth0 stays admin up.
    net.lab.exec(net.peer, "ip", "link", "set", "eth0", "down")
    out.expect(event("link", ifindex=idx, admin_up=1, oper_up=0), what="carrier down")
    net.lab.exec(net.peer, "ip", "link", "set", "eth0", "up")
    out.expect(event("link", ifindex=idx, admin_up=1, oper_up=1), what="carrier up")
    net.lab.exec(net.r, "ip", "link", "set", "eth0", "down")
    out.expect(event("link", ifindex=idx, admin_up=0), what="admin down")

    net.lab.exec(net.r, "ip", "addr", "del", "10.0.0.5/24", "dev", "eth0")
    out.expect(event("addr-del", ifindex=idx, addr="10.0.0.5/24"), what="addr-del event")
    net.lab.exec(net.r, "ip", "link", "add", "mv0", "link", "eth0", "type", "macvlan")
    line = out.expect(event("link", name="mv0"), what="new link event")
    net.lab.exec(net.r, "ip", "link", "del", "mv0")
    out.expect(event("link-del", ifindex=kv(" ".join(line.split()[1:]))["ifindex"]),
               what="link-del event")
    assert p.poll() is None


def test_monitor_overflow_asks_for_resync(net, procs, tmp_path):
    """When the kernel drops events (the monitor did not read for a while),
    dispatch reports it once through the resync callback and carries on."""
    p = procs.start(["ip", "netns", "exec", net.r, str(net.drv), "monitor", "timeout", "60"],
                    stdout=subprocess.PIPE, text=True)
    out = LineReader(p)
    out.expect(lambda l: l == "ready", what="monitor ready")
    # `ip netns exec` execs the command: p.pid is the driver itself.
    assert Path(f"/proc/{p.pid}/comm").read_text().strip() == net.drv.name[:15]
    batch = tmp_path / "addrs.batch"
    batch.write_text("".join(f"addr add 10.{i // 250}.{i % 250}.1/32 dev eth0\n"
                             for i in range(3000)))
    os.kill(p.pid, signal.SIGSTOP)
    try:
        net.lab.exec(net.r, "ip", "-batch", batch)
    finally:
        os.kill(p.pid, signal.SIGCONT)
    out.expect(lambda l: l == "resync", what="resync after overflow")
    net.lab.exec(net.r, "ip", "addr", "add", "192.0.2.1/32", "dev", "eth0")
    out.expect(lambda l: l.startswith("addr-add") and "addr=192.0.2.1/32" in l,
               what="events flowing again after the overflow")


# ---- gratuitous ARP / NA ---------------------------------------------------

CAPTURE = r"""
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind((sys.argv[1], 0))
print("ready", flush=True)
while True:
    f, addr = s.recvfrom(2048)
    if addr[2] == socket.PACKET_OUTGOING:
        continue
    arp = f[12:14] == b"\x08\x06"
    na = f[12:14] == b"\x86\xdd" and len(f) > 54 and f[20] == 58 and f[54] == 136
    if arp or na:
        print(f.hex(), flush=True)
"""


def capture(net, procs):
    p = procs.start(["ip", "netns", "exec", net.peer, sys.executable, "-c", CAPTURE, "eth0"],
                    stdout=subprocess.PIPE, text=True)
    out = LineReader(p)
    out.expect(lambda l: l == "ready", what="capture ready")
    return out


def frames(out, n, timeout=15):
    got = []
    out.expect(lambda l: l != "ready" and (got.append(bytes.fromhex(l)) or len(got) >= n),
               timeout=timeout, what=f"{n} frames")
    return got


def mac(s):
    return bytes.fromhex(s.replace(":", ""))


def icmp6_checksum_ok(f):
    ip6 = f[14:54]
    body = f[54:]
    pseudo = ip6[8:40] + struct.pack("!IxxxB", len(body), 58)
    data = pseudo + body
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s == 0xffff


def test_garp_ipv4(net, procs):
    out = capture(net, procs)
    net.ok("garp", "eth0", "10.0.0.100", "count", "2")
    for f in frames(out, 2):
        assert len(f) == 42
        assert f[0:6] == b"\xff" * 6 and f[6:12] == mac(MAC_R)
        htype, ptype, hlen, plen, op = struct.unpack("!HHBBH", f[14:22])
        assert (htype, ptype, hlen, plen, op) == (1, 0x0800, 6, 4, 1)
        assert f[22:28] == mac(MAC_R)                     # sender MAC
        assert f[28:32] == bytes([10, 0, 0, 100])         # sender IP
        assert f[32:38] == b"\xff" * 6                    # target MAC
        assert f[38:42] == bytes([10, 0, 0, 100])         # target IP


def forwarding(net, on):
    net.lab.exec(net.r, "sysctl", "-qw", f"net.ipv6.conf.eth0.forwarding={int(on)}")


# (forwarding on eth0, driver option, router flag expected): by default the
# flag follows the interface's forwarding setting, as 2.2.7 does.
@pytest.mark.parametrize("fwd,opt,router", [
    (False, None, False), (True, None, True), (False, "router", True),
    (True, "norouter", False)])
def test_na_ipv6(net, procs, fwd, opt, router):
    forwarding(net, fwd)
    out = capture(net, procs)
    net.ok("garp", "eth0", "fd00:9::100", *([opt] if opt else []))
    (f,) = frames(out, 1)
    vip = bytes.fromhex("fd000009000000000000000000000100")
    assert len(f) == 86
    assert f[0:6] == mac("33:33:00:00:00:01") and f[6:12] == mac(MAC_R)
    assert f[14] >> 4 == 6 and f[20] == 58 and f[21] == 255    # ICMPv6, hop limit
    assert f[22:38] == vip                                      # source = VIP
    assert f[38:54] == bytes.fromhex("ff020000000000000000000000000001")
    assert f[54] == 136 and f[55] == 0                          # NA, code 0
    flags = f[58]
    assert flags & 0x20                                         # override
    assert not flags & 0x40                                     # not solicited
    assert bool(flags & 0x80) == router
    assert f[62:78] == vip                                      # target
    assert f[78:80] == b"\x02\x01" and f[80:86] == mac(MAC_R)   # TLLA option
    assert icmp6_checksum_ok(f)


def test_garp_from_vmac(net, procs):
    """On a VMAC the frames carry the virtual router MAC (as 2.2.7's do)."""
    net.ok("vmac-add", "eth0", "vrrp.51", "51")
    net.ok("link-set", "vrrp.51", "up")
    out = capture(net, procs)
    net.ok("garp", "vrrp.51", "10.0.0.100")
    (f,) = frames(out, 1)
    vmac = mac("00:00:5e:00:01:33")
    assert f[6:12] == vmac and f[22:28] == vmac


REF_CONF = """
global_defs {
  router_id nltest
}
vrrp_instance V4 {
  state MASTER
  interface eth0
  virtual_router_id 51
  priority 255
  advert_int 1
  virtual_ipaddress {
    10.9.0.100/24
  }
}
vrrp_instance V6 {
  state MASTER
  interface eth0
  virtual_router_id 52
  priority 255
  advert_int 1
  virtual_ipaddress {
    fd00:9::100/64
  }
}
"""


@pytest.mark.parametrize("fwd", [False, True])
def test_frames_match_reference(net, procs, reference_bin, tmp_path, fwd):
    """Debian's keepalived 2.2.7, MASTER for the same addresses on the same
    interface, sends frames byte-identical to ours (with IPv6 forwarding
    off and on: the NA router flag)."""
    forwarding(net, fwd)
    net.lab.exec(net.r, "ip", "addr", "add", "10.9.0.1/24", "dev", "eth0")
    net.lab.exec(net.r, "ip", "addr", "add", "fd00:9::1/64", "dev", "eth0", "nodad")
    conf = tmp_path / "ka.conf"
    conf.write_text(REF_CONF)
    out = capture(net, procs)
    procs.start(["ip", "netns", "exec", net.r, str(reference_bin), "-n", "-l", "-D",
                 "-f", conf, "-p", tmp_path / "k.pid", "-r", tmp_path / "v.pid",
                 "-c", tmp_path / "c.pid"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ref = {}

    def both():
        for l in out.poll():
            f = bytes.fromhex(l) if l != "ready" else b""
            if f[12:14] == b"\x08\x06":
                ref.setdefault("arp", f)
            elif f[12:14] == b"\x86\xdd":
                ref.setdefault("na", f)
        return len(ref) == 2
    wait_for(both, 30, what="the reference's gratuitous ARP and NA")
    procs.stop_all()

    out2 = capture(net, procs)
    net.ok("garp", "eth0", "10.9.0.100")
    net.ok("garp", "eth0", "fd00:9::100")
    ours = frames(out2, 2)
    assert ours[0] == ref["arp"], f"ours {ours[0].hex()} ref {ref['arp'].hex()}"
    assert ours[1] == ref["na"], f"ours {ours[1].hex()} ref {ref['na'].hex()}"

