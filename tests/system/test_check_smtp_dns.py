"""SMTP_CHECK and DNS_CHECK against real servers in network namespaces.

Two namespaces joined by a veth pair: "lb" runs our keepalived
(10.77.0.1), "srv" (10.77.0.2) runs the servers, started and stopped by
the test: aiosmtpd (Debian's python3-aiosmtpd) on port 2525 recording the
HELO names it is given, dnsmasq on port 53 (example.com A is a local
record; anything else is REFUSED, there is no upstream), and two scripted
servers for what a real one does not do: an SMTP server on 2601 and a
DNS server on 5301 whose behaviour is read from a file for every
connection or datagram (garbage greeting, 554 greeting, 501 to HELO, a
server that accepts and never answers; garbage datagrams, another ID,
truncated answers, REFUSED).  10.77.0.99 is on the link but nobody has it.

The host has no IPVS: the checker logs that once and goes on; the oracle
is its log, with 2.2.7's wording (observed on the reference in the QEMU
VM: "SMTP_CHECK Bad greeting banner from server [10.9.0.6]:25" (the
check's address), "Remote SMTP server [10.9.0.3]:tcp:25 succeed on
service." (the real server's),
"SMTP_CHECK Bad HELO response from server ...", "SMTP_CHECK Read timeout
from server ...", "DNS_CHECK ([10.9.0.3]:udp:53) read error occurred.
(rcode = 5)", "DNS_CHECK (...) failed to read socket; errno 111
(Connection refused) after 1 retries", "DNS_CHECK (...) read timeout from
socket"; 2.2.7 logs no DNS success line; with log_all_failures each
retried attempt logs its reason too), and the USR1 data dump.
"""

import re
import shutil
import sys
import time

import pytest

from checker_watch import CheckerWatch
from procutil import wait_for

SMTP_VS = "[10.0.0.1]:tcp:25"
DNS_VS = "[10.0.0.2]:udp:53"

# aiosmtpd: records each HELO/EHLO name in LOG, accepts every mail.
AIOSMTPD = r"""
import sys, time
from aiosmtpd.controller import Controller
log = sys.argv[3]
class Handler:
    async def handle_HELO(self, server, session, envelope, hostname):
        session.host_name = hostname
        with open(log, "a") as f:
            f.write("HELO %s\n" % hostname)
        return "250 %s" % server.hostname
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"
c = Controller(Handler(), hostname=sys.argv[1], port=int(sys.argv[2]))
c.start()
print("ready", flush=True)
while True:
    time.sleep(3600)
"""

# Scripted SMTP (TCP) and DNS (UDP) servers; the mode is read from a file.
SCRIPTED = r"""
import socket, struct, sys, threading
kind, addr, port, mode_file = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
def mode():
    return open(mode_file).read().strip()
def smtp_conn(c):
    m = mode()
    if m == "silent":
        c.recv(1000); return
    c.sendall({"garbage": b"garbage here\r\n", "greet554": b"554 go away\r\n"}.get(
        m, b"220-scripted\r\n220 ESMTP ready\r\n"))
    buf = b""
    while True:
        d = c.recv(1000)
        if not d:
            return
        buf += d
        while b"\r\n" in buf:
            line, buf = buf.split(b"\r\n", 1)
            if line.startswith(b"HELO"):
                c.sendall(b"501 no\r\n" if m == "helo501" else b"250-scripted\r\n250 HELP\r\n")
            elif line.startswith(b"QUIT"):
                c.sendall(b"221 bye\r\n"); c.close(); return
def serve_smtp():
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port)); s.listen(16)
    print("ready", flush=True)
    while True:
        c, _ = s.accept()
        threading.Thread(target=lambda: (smtp_conn(c), c.close()), daemon=True).start()
SOA = b"\xc0\x0c" + struct.pack(">HHIH", 6, 1, 60, 22) + b"\0\0" + struct.pack(">IIIII", 1, 1, 1, 1, 1)
def serve_dns():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    print("ready", flush=True)
    while True:
        q, peer = s.recvfrom(512)
        m = mode()
        r = bytearray(q); r[2] |= 0x80; r[3] = 0x80
        if m == "ok":
            r[7] = 1; r = bytes(r) + SOA
        elif m == "refused":
            r[3] = 0x85
        elif m == "garbage":
            r = b"\x01\x02\x03"
        elif m == "otherid":
            r[0] ^= 0xff; r = bytes(r) + SOA
        elif m == "truncated":
            r[7] = 1; r = bytes(r) + SOA[:7]
        s.sendto(bytes(r), peer)
serve_smtp() if kind == "smtp" else serve_dns()
"""

CONF = """
global_defs {
    router_id smtpdns
}
virtual_server 10.0.0.1 25 {
    delay_loop 1
    lb_algo rr
    protocol TCP
    real_server 10.9.0.2 25 {
        SMTP_CHECK {
            connect_ip 10.77.0.2
            connect_port 2525
            connect_timeout 1
            retry 1
            delay_before_retry 1
            log_all_failures
            helo_name checkhelo.example
        }
    }
    real_server 10.9.0.3 25 {
        SMTP_CHECK {
            connect_ip 10.77.0.2
            connect_port 2601
            connect_timeout 1
            retry 0
        }
    }
    real_server 10.9.0.4 25 {
        SMTP_CHECK {
            connect_ip 10.77.0.2
            connect_port 2602
            connect_timeout 1
        }
    }
    real_server 10.9.0.5 25 {
        SMTP_CHECK {
            connect_ip 10.77.0.2
            connect_port 2525
            connect_timeout 1
            host {
                connect_ip 10.77.0.99
                connect_port 25
            }
        }
    }
}
virtual_server 10.0.0.2 53 {
    delay_loop 1
    lb_algo rr
    protocol UDP
    real_server 10.9.1.2 53 {
        DNS_CHECK {
            connect_ip 10.77.0.2
            connect_timeout 1
            retry 1
            delay_before_retry 1
            log_all_failures
            type A
            name example.com
        }
    }
    real_server 10.9.1.3 53 {
        DNS_CHECK {
            connect_ip 10.77.0.2
            connect_port 5301
            connect_timeout 1
            retry 0
        }
    }
    real_server 10.9.1.4 53 {
        DNS_CHECK {
            connect_ip 10.77.0.2
            connect_port 5301
        }
    }
}
"""


def smtp_rs(n):
    return f"[10.9.0.{n}]:tcp:25"


def dns_rs(n):
    return f"[10.9.1.{n}]:udp:53"


class Net(CheckerWatch):
    def __init__(self, netns, tmp_path, procs):
        self.lab = netns
        self.tmp = tmp_path
        self.procs = procs
        self.lb = netns.ns("lb")
        self.srv = netns.ns("srv")
        netns.veth(self.lb, "eth0", self.srv, "eth0")
        netns.addr(self.lb, "eth0", "10.77.0.1/24")
        netns.addr(self.srv, "eth0", "10.77.0.2/24")
        (tmp_path / "aiosmtpd_srv.py").write_text(AIOSMTPD)
        (tmp_path / "scripted.py").write_text(SCRIPTED)
        self.pos = 0
        self.dnsmasq = None

    def start_ready(self, argv):
        p = self.procs.start(["ip", "netns", "exec", self.srv, *map(str, argv)],
                             stdout=-1, text=True)
        assert p.stdout.readline().strip() == "ready"
        return p

    def mode(self, kind, mode):
        p = self.tmp / f"mode_{kind}"
        p.with_suffix(".tmp").write_text(mode)
        p.with_suffix(".tmp").replace(p)

    def start_scripted(self, kind, port, mode):
        self.mode(kind, mode)
        return self.start_ready([sys.executable, self.tmp / "scripted.py", kind, "10.77.0.2",
                                 port, self.tmp / f"mode_{kind}"])

    def start_dnsmasq(self, with_record=True):
        argv = ["dnsmasq", "-k", "--no-resolv", "--no-hosts", "--listen-address=10.77.0.2",
                "--bind-interfaces", "--port=53", "--user=root", "--pid-file=",
                f"--log-facility={self.tmp / 'dnsmasq.log'}"]
        if with_record:
            argv.append("--host-record=example.com,10.0.0.5")
        self.dnsmasq = self.procs.start(["ip", "netns", "exec", self.srv, *argv])
        # ready when it answers: poll with a query through the lb namespace
        wait_for(lambda: "started" in self.read("dnsmasq.log"), 5, what="dnsmasq start")

    def stop(self, p):
        p.terminate()
        p.wait(5)

    def read(self, name):
        p = self.tmp / name
        return p.read_text() if p.exists() else ""

    def start_keepalived(self):
        return CheckerWatch.start_keepalived(self, self.tmp / "ka", CONF, self.lb)


@pytest.fixture
def net(netns, tmp_path, procs):
    if shutil.which("dnsmasq") is None:
        pytest.skip("needs dnsmasq (apt-get install dnsmasq-base)")
    r = __import__("subprocess").run([sys.executable, "-c", "import aiosmtpd"])
    if r.returncode != 0:
        pytest.skip("needs aiosmtpd (apt-get install python3-aiosmtpd)")
    n = Net(netns, tmp_path, procs)
    yield n
    if getattr(n, "d", None):
        n.d.stop()
        n.d.cleanup()


def rs_line(dump, rs):
    return next(ln for ln in dump.splitlines() if f"RS = {rs}," in ln)


def alive_in(dump, rs):
    return "alive = yes" in rs_line(dump, rs)


def test_smtp_check(net):
    aio = net.start_ready([sys.executable, net.tmp / "aiosmtpd_srv.py", "10.77.0.2", 2525,
                           net.tmp / "helo.log"])
    net.start_scripted("smtp", 2601, "ok")
    d = net.start_keepalived()
    wait_for(d.check_pid, 5, what="checker pid")

    # start: the real SMTP server and the scripted one (multi-line replies)
    # pass; nothing on 2602; the host {} block's address is absent
    net.expect(f"Remote SMTP server {smtp_rs(2)} succeed on service.", 6)
    log = d.log
    for text in (f"Remote SMTP server {smtp_rs(3)} succeed on service.",
                 "SMTP_CHECK Could not connect to server [10.77.0.2]:2602",
                 "SMTP_CHECK Connection timeout to server [10.77.0.99]:25"):
        wait_for(lambda: text in log(), 6, what=repr(text))
    assert "HELO checkhelo.example" in net.read("helo.log")
    assert "HELO smtpchecker.keepalived.org" in net.read("helo.log")     # 2.2.7's default
    dump = net.dump()
    assert alive_in(dump, smtp_rs(2)) and alive_in(dump, smtp_rs(3))
    assert not alive_in(dump, smtp_rs(4)) and not alive_in(dump, smtp_rs(5))
    assert "helo = checkhelo.example" in dump
    assert "host = [10.77.0.99]:25" in dump
    assert "Could not connect to server [10.77.0.2]:2602" in dump

    # the real server stops: retry 1, then down; it comes back
    net.pos = start = len(log())
    net.stop(aio)
    t0 = time.monotonic()
    net.expect(f"Removing service {smtp_rs(2)} from VS {SMTP_VS}", 6)
    assert time.monotonic() - t0 < 4.5      # delay_loop 1 + delay_before_retry 1
    # log_all_failures: the retried attempt, then the verdict, each logged
    # (a check caught mid-conversation by the stop may fail for another
    # reason first; the retry finds the port closed)
    fails = re.findall(r"SMTP_CHECK (.*) \[10\.77\.0\.2\]:2525\n", log()[start:net.pos])
    assert len(fails) >= 2 and fails[-1] == "Could not connect to server", fails
    assert not alive_in(net.dump(), smtp_rs(2))
    aio = net.start_ready([sys.executable, net.tmp / "aiosmtpd_srv.py", "10.77.0.2", 2525,
                           net.tmp / "helo.log"])
    net.expect(f"Remote SMTP server {smtp_rs(2)} succeed on service.", 4)
    net.expect(f"Adding service {smtp_rs(2)} to VS {SMTP_VS}", 1)

    # misbehaving servers fail at once (retry 0) with 2.2.7's reason; a
    # server that accepts and never answers fails after connect_timeout
    for bad, why in (("garbage", "Bad greeting banner from server"),
                     ("greet554", "Bad greeting banner from server"),
                     ("helo501", "Bad HELO response from server"),
                     ("silent", "Read timeout from server")):
        net.mode("smtp", bad)
        net.expect(f"SMTP_CHECK {why} [10.77.0.2]:2601", 4)
        net.expect(f"Removing service {smtp_rs(3)} from VS {SMTP_VS}", 1)
        assert why in rs_line(net.dump(), smtp_rs(3)) or why in net.dump()
        net.mode("smtp", "ok")
        net.expect(f"Remote SMTP server {smtp_rs(3)} succeed on service.", 5)
        net.expect(f"Adding service {smtp_rs(3)} to VS {SMTP_VS}", 1)
    assert d.check_pid()                    # never crashed


def test_dns_check(net):
    net.start_dnsmasq(with_record=True)
    net.start_scripted("dns", 5301, "ok")
    d = net.start_keepalived()
    wait_for(d.check_pid, 5, what="checker pid")

    def has_run_ok(rs):
        dump = net.dump()
        return alive_in(dump, rs) and "has run = yes, last = success" in dump.split(
            f"RS = {rs},", 1)[1].split("RS = ", 1)[0]
    wait_for(lambda: has_run_ok(dns_rs(2)) and has_run_ok(dns_rs(3)), 6, what="DNS checks ran")
    dump = net.dump()
    assert "type = A, name = example.com" in dump
    assert "type = SOA, name = ." in dump              # 2.2.7's defaults
    # DNS_CHECK's own defaults: retry 3, delay_before_retry = delay_loop
    check4 = dump.split(f"RS = {dns_rs(4)},", 1)[1].split("\n")[1]
    assert "retries = 3, delay loop = 1000000 us" in check4, check4
    # 2.2.7 logs nothing on a DNS success (-D adds our debug line)
    assert [ln for ln in d.log().splitlines() if "DNS_CHECK" in ln] == \
        [ln for ln in d.log().splitlines() if "DNS_CHECK" in ln and "answer with" in ln]
    assert "answer with 1 record(s) of type A" in d.log()

    # dnsmasq loses the record: REFUSED, retried once, then down
    log = d.log
    net.pos = len(log())
    net.stop(net.dnsmasq)
    net.start_dnsmasq(with_record=False)
    # log_all_failures: the retried attempt, then the verdict
    net.expect(f"DNS_CHECK ({dns_rs(2)}) read error occurred. (rcode = 5)\n", 6)
    net.expect(f"DNS_CHECK ({dns_rs(2)}) read error occurred. (rcode = 5) after 1 retries", 4)
    net.expect(f"Removing service {dns_rs(2)} from VS {DNS_VS}", 1)
    assert not alive_in(net.dump(), dns_rs(2))
    # answering again
    net.stop(net.dnsmasq)
    net.start_dnsmasq(with_record=True)
    net.expect(f"Adding service {dns_rs(2)} to VS {DNS_VS}", 4)
    # stopped: ICMP port unreachable
    net.stop(net.dnsmasq)
    net.expect(f"DNS_CHECK ({dns_rs(2)}) failed to read socket; errno 111 "
               "(Connection refused) after 1 retries", 6)
    net.expect(f"Removing service {dns_rs(2)} from VS {DNS_VS}", 1)

    # malformed replies: refused at once, truncated answers fail, stray
    # datagrams are ignored until the timeout, and the dump says why
    for bad, why, ignored in (
            ("refused", "read error occurred. (rcode = 5)", None),
            ("truncated", "malformed reply: answer record truncated", None),
            ("garbage", "read timeout from socket", "reply shorter than a DNS header"),
            ("otherid", "read timeout from socket", "reply with another ID")):
        net.mode("dns", bad)
        net.expect(f"DNS_CHECK ({dns_rs(3)}) {why}", 5)
        net.expect(f"Removing service {dns_rs(3)} from VS {DNS_VS}", 1)
        if ignored:
            assert f"last ignored datagram: {ignored}" in net.dump()
        net.mode("dns", "ok")
        net.expect(f"Adding service {dns_rs(3)} to VS {DNS_VS}", 4)
    assert d.check_pid()
