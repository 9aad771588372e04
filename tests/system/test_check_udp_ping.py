"""UDP_CHECK and PING_CHECK against real peers in network namespaces.

Two namespaces joined by a veth pair: "lb" runs our keepalived
(10.77.0.1, 2001:db8:77::1), "srv" runs a UDP server (python, started and
stopped by the test) on 10.77.0.2 and answers pings.  10.77.0.99 is on
the link but nobody has it: pings and datagrams to it go unanswered.  The
host has no IPVS: the checker logs that once and goes on; the oracle is
its log, with 2.2.7's wording (observed on the reference in the QEMU VM:
"UDP connection to RS success.", "UDP_CHECK on service RS failed after 1
retries.", "UDP check to RS reply data mismatch.", "ICMP connection to RS
success.", "ICMP CHECK on service RS of VS failed after 1 retries.",
"ICMP connection to address RS timeout.") and the USR1 data dump.  Each
wait polls with a deadline sized from delay_loop and connect_timeout.
"""

import sys

import pytest

from checker_watch import CheckerWatch
from procutil import wait_for

RS = "[10.9.0.{}]:tcp:80"
VS = "[10.0.0.1]:tcp:80"

# A UDP server whose answer is read from a file for every datagram:
# "echo", "hex:HEX" (that reply), "none" (no reply), "big" (60000 bytes).
# It appends what it received (hex) to LOG.
SERVER = r"""
import socket, sys
addr, port, mode_file, log = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((addr, port))
print("ready", flush=True)
while True:
    data, peer = s.recvfrom(65536)
    with open(log, "a") as f:
        f.write(data.hex() + "\n")
    mode = open(mode_file).read().strip()
    if mode == "echo":
        s.sendto(data, peer)
    elif mode.startswith("hex:"):
        s.sendto(bytes.fromhex(mode[4:]), peer)
    elif mode == "big":
        s.sendto(b"A" * 60000, peer)
"""

CONF = """
virtual_server 10.0.0.1 80 {
    delay_loop 1
    lb_algo rr
    protocol TCP
    real_server 10.9.0.14 80 {
        UDP_CHECK {
            connect_ip 10.77.0.2
            connect_port 7007
            connect_timeout 1
        }
    }
    real_server 10.9.0.16 80 {
        UDP_CHECK {
            connect_ip 10.77.0.2
            connect_port 7008
            connect_timeout 1
            retry 0
            log_all_failures
            payload 01 02
            require_reply 41 4x 43
            min_reply_length 3
            max_reply_length 4
        }
    }
    real_server 10.9.0.17 80 {
        UDP_CHECK {
            connect_ip 10.77.0.99
            connect_port 7
            connect_timeout 1
            require_reply
        }
    }
    real_server 10.9.0.18 80 {
        UDP_CHECK {
            connect_ip 10.77.0.99
            connect_port 7
            connect_timeout 1
        }
    }
    real_server 10.9.0.19 80 {
        PING_CHECK {
            connect_ip 10.77.0.2
            connect_timeout 1
        }
    }
    real_server 10.9.0.20 80 {
        PING_CHECK {
            connect_ip 10.77.0.99
            connect_timeout 1
            log_all_failures
        }
    }
}
virtual_server 2001:db8::1 80 {
    delay_loop 1
    lb_algo rr
    protocol TCP
    real_server 2001:db8:77::2 80 {
        PING_CHECK {
            connect_timeout 1
        }
    }
}
"""


class Net(CheckerWatch):
    def __init__(self, netns, tmp_path, procs):
        self.lab = netns
        self.tmp = tmp_path
        self.procs = procs
        self.lb = netns.ns("lb")
        self.srv = netns.ns("srv")
        netns.veth(self.lb, "eth0", self.srv, "eth0")
        for ns, n in ((self.lb, 1), (self.srv, 2)):
            netns.addr(ns, "eth0", f"10.77.0.{n}/24")
            netns.exec(ns, "ip", "addr", "add", f"2001:db8:77::{n}/64", "dev", "eth0", "nodad")
        (tmp_path / "server.py").write_text(SERVER)
        self.servers = {}
        self.pos = 0

    def mode(self, port, mode):
        p = self.tmp / f"mode{port}"
        p.with_suffix(".tmp").write_text(mode)
        p.with_suffix(".tmp").replace(p)

    def received(self, port):
        p = self.tmp / f"rx{port}"
        return p.read_text().split() if p.exists() else []

    def start_server(self, port, mode="echo"):
        self.mode(port, mode)
        p = self.procs.start(["ip", "netns", "exec", self.srv, sys.executable,
                              self.tmp / "server.py", "10.77.0.2", port, self.tmp / f"mode{port}",
                              self.tmp / f"rx{port}"], stdout=-1, text=True)
        assert p.stdout.readline().strip() == "ready"
        self.servers[port] = p

    def stop_server(self, port):
        p = self.servers.pop(port)
        p.terminate()
        p.wait(5)

    def start_keepalived(self):
        return CheckerWatch.start_keepalived(self, self.tmp / "ka", CONF, self.lb)


@pytest.fixture
def net(netns, tmp_path, procs):
    n = Net(netns, tmp_path, procs)
    yield n
    if getattr(n, "d", None):
        n.d.stop()
        n.d.cleanup()


def alive_in(dump, rs):
    line = next(ln for ln in dump.splitlines() if f"RS = {rs}," in ln)
    return "alive = yes" in line


def test_udp_and_ping(net):
    net.start_server(7007, "echo")
    net.start_server(7008, "hex:414243")
    d = net.start_keepalived()
    checker = wait_for(d.check_pid, 5, what="checker pid")
    log = d.log

    # start: every checker's first verdict within delay_loop + timeout
    for text in (f"UDP connection to {RS.format(14)} success.",
                 f"UDP connection to {RS.format(16)} success.",
                 f"UDP_CHECK on service {RS.format(17)} failed.",
                 f"UDP connection to {RS.format(18)} success.",
                 f"ICMP connection to {RS.format(19)} success.",
                 f"ICMP connection to address {RS.format(20)} timeout.",
                 f"ICMP CHECK on service {RS.format(20)} failed.",
                 "ICMP connection to [2001:db8:77::2]:tcp:80 success."):
        wait_for(lambda: text in log(), 6, what=repr(text))
    assert "0102" in net.received(7008)           # the configured payload
    assert all(len(x) == 16 for x in net.received(7007))   # 8 random bytes
    # the ping socket was allowed by widening ping_group_range in lb
    rng = net.lab.exec(net.lb, "cat", "/proc/sys/net/ipv4/ping_group_range").stdout.split()
    assert int(rng[0]) <= 0 <= int(rng[1])
    dump = net.dump()
    assert alive_in(dump, RS.format(14)) and not alive_in(dump, RS.format(17))
    assert "require reply = yes, min reply length = 3, max reply length = 4" in dump

    # the echo server goes away: ICMP port unreachable, retry 1, then down
    net.pos = len(log())
    net.stop_server(7007)
    took = net.expect(f"UDP_CHECK on service {RS.format(14)} failed after 1 retries.", 6)
    assert took < 4.5                       # delay_loop 1 + delay_before_retry 1
    net.expect(f"Removing service {RS.format(14)} from VS {VS}", 1)
    assert not alive_in(net.dump(), RS.format(14))
    net.start_server(7007, "echo")
    net.expect(f"UDP connection to {RS.format(14)} success.", 4)
    net.expect(f"Adding service {RS.format(14)} to VS {VS}", 1)

    # require_reply 41 4x 43, length 3..4: wrong replies fail at once
    # (retry 0), a right one brings it back
    for bad in ("hex:4142434445", "hex:415843", "hex:41", "big", "none"):
        net.mode(7008, bad)
        if bad != "none":
            net.expect(f"UDP check to {RS.format(16)} reply data mismatch.", 4)
        else:
            net.expect(f"UDP connection to {RS.format(16)} failed.", 4)
        net.expect(f"UDP_CHECK on service {RS.format(16)} failed.", 4)
        net.expect(f"Removing service {RS.format(16)} from VS {VS}", 1)
        net.mode(7008, "hex:414f4344")          # "AOCD": 4x matches 4f
        net.expect(f"UDP connection to {RS.format(16)} success.", 4)
        net.expect(f"Adding service {RS.format(16)} to VS {VS}", 1)

    # the pinged address goes away and comes back
    net.pos = len(log())
    net.lab.exec(net.srv, "ip", "addr", "del", "10.77.0.2/24", "dev", "eth0")
    took = net.expect(f"ICMP CHECK on service {RS.format(19)} of {VS} failed after 1 retries.", 8)
    assert took < 6.5                       # delay_loop 1 + 2 x timeout 1 + retry delay 1
    net.expect(f"Removing service {RS.format(19)} from VS {VS}", 1)
    net.lab.exec(net.srv, "ip", "addr", "add", "10.77.0.2/24", "dev", "eth0")
    net.expect(f"ICMP connection to {RS.format(19)} success.", 5)
    net.expect(f"Adding service {RS.format(19)} to VS {VS}", 1)

    # IPv6: the peer's address goes away and comes back
    net.pos = len(log())
    net.lab.exec(net.srv, "ip", "addr", "del", "2001:db8:77::2/64", "dev", "eth0")
    net.expect("ICMP CHECK on service [2001:db8:77::2]:tcp:80 of [2001:db8::1]:tcp:80 "
               "failed after 1 retries.", 8)
    net.expect("Removing service [2001:db8:77::2]:tcp:80 from VS [2001:db8::1]:tcp:80", 1)
    net.lab.exec(net.srv, "ip", "addr", "add", "2001:db8:77::2/64", "dev", "eth0", "nodad")
    net.expect("ICMP connection to [2001:db8:77::2]:tcp:80 success.", 8)
    net.expect("Adding service [2001:db8:77::2]:tcp:80 to VS [2001:db8::1]:tcp:80", 1)
    # the dead address was reported once, while its checker was up
    assert log().count(f"ICMP connection to address {RS.format(20)} timeout.") == 1

    # nothing crashed or hung along the way
    assert d.check_pid() == checker
    dump = net.dump()
    assert alive_in(dump, RS.format(16)) and alive_in(dump, RS.format(19))
