"""smtp_alert: mails about VRRP and checker state changes, received by a
real SMTP server (Debian's python3-aiosmtpd, started and stopped here).

Each test runs in its own network namespace with aiosmtpd on
127.0.0.1:2525 recording every mail (HELO name, envelope, text) as JSON.
The oracle is the text 2.2.7 sends, observed on the reference: its VRRP
side runs on this host, so test_vrrp_alerts_match_reference runs both
binaries on the same configuration and compares subjects and bodies;
checker alerts were observed in the QEMU VM (its checker needs IPVS):

  Subject: [<router_id>] VRRP Instance VI_1 - Entering MASTER state
  => VRRP Instance is now owning VRRP VIPs <=
  Subject: [<router_id>] VRRP Group G1 - Entering FAULT state
  => All VRRP group instances are now in FAULT state <=
  Subject: [<router_id>] Realserver [10.9.0.7]:tcp:80 of virtual server
           [10.0.0.1]:tcp:25 - DOWN
  => TCP CHECK failed on service <=
  => CHECK failed on service : Bad HELO response from server [10.9.0.4]:25 <=
  => DNS_CHECK: failed on service <=
  Subject: [<router_id>] Virtualserver [10.0.0.1]:tcp:25 - DOWN
  => Lost quorum 2+0=2 <= 1 <=        (sic: 2.2.7's text)

with headers Date, From, Subject, X-Mailer: Keepalived, To.  An SMTP
server that refuses connections or accepts and never answers costs a log
line ("smtp fd N returned write error", "Timeout reading data to remote
SMTP server [127.0.0.1]:2526."), never a stuck or crashed child.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from procutil import Daemon, wait_for

SINK = r"""
import json, sys, time
from aiosmtpd.controller import Controller
out = sys.argv[2]
class Handler:
    async def handle_HELO(self, server, session, envelope, hostname):
        session.host_name = hostname
        return "250 %s" % server.hostname
    async def handle_DATA(self, server, session, envelope):
        with open(out, "a") as f:
            f.write(json.dumps({"helo": session.host_name, "from": envelope.mail_from,
                                "to": envelope.rcpt_tos,
                                "data": envelope.original_content.decode("latin-1")}) + "\n")
        return "250 OK"
c = Controller(Handler(), hostname="127.0.0.1", port=int(sys.argv[1]))
c.start()
print("ready", flush=True)
while True:
    time.sleep(3600)
"""

# Accepts connections and never answers (an SMTP server that hangs).
SILENT = r"""
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
print("ready", flush=True)
held = []
while True:
    held.append(s.accept()[0])
"""

GLOBALS = """
global_defs {
    router_id alerttest
    notification_email {
        admin@example.com
        ops@example.com
    }
    notification_email_from ka@example.com
    smtp_server 127.0.0.1 %(port)d
    smtp_helo_name helo.example
    smtp_connect_timeout %(timeout)d
}
"""

VRRP = GLOBALS + """
vrrp_sync_group G1 {
    group {
        VI_1
    }
    smtp_alert
}
vrrp_instance VI_1 {
    state MASTER
    interface d0
    virtual_router_id 51
    priority 150
    advert_int 1
    smtp_alert
    virtual_ipaddress {
        10.77.0.100/24
    }
}
vrrp_instance VI_2 {
    state BACKUP
    interface d0
    virtual_router_id 52
    priority 100
    advert_int 1
    virtual_ipaddress {
        10.77.0.101/24
    }
}
"""

CHECKER = GLOBALS + """
virtual_server 10.0.0.1 80 {
    delay_loop 1
    lb_algo rr
    protocol TCP
    quorum 2
    smtp_alert
    real_server 127.0.0.1 8081 {
        TCP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
    real_server 127.0.0.1 8082 {
        smtp_alert off
        TCP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
    real_server 127.0.0.1 2599 {
        SMTP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
}
virtual_server 10.0.0.2 53 {
    delay_loop 1
    lb_algo rr
    protocol UDP
    real_server 127.0.0.1 5399 {
        DNS_CHECK {
            connect_timeout 1
            retry 0
        }
    }
}
"""


class Lab:
    def __init__(self, netns, tmp_path, procs):
        self.lab = netns
        self.tmp = tmp_path
        self.procs = procs
        self.ns = netns.ns("a")
        netns.exec(self.ns, "ip", "link", "add", "d0", "type", "veth", "peer", "name", "d1")
        for dev in ("d0", "d1"):
            netns.exec(self.ns, "ip", "link", "set", dev, "up")
        netns.addr(self.ns, "d0", "10.77.0.1/24")
        (tmp_path / "sink.py").write_text(SINK)
        (tmp_path / "silent.py").write_text(SILENT)
        self.daemons = []

    def start_py(self, script, *args):
        p = self.procs.start(["ip", "netns", "exec", self.ns, sys.executable,
                              self.tmp / script, *map(str, args)], stdout=-1, text=True)
        assert p.stdout.readline().strip() == "ready"
        return p

    def sink(self, port=2525, name="mails.json"):
        """aiosmtpd on port; the mails of port 2525 are the alerts."""
        if port == 2525:
            self.mailfile = self.tmp / name
        return self.start_py("sink.py", port, self.tmp / name)

    def mails(self):
        if not self.mailfile.exists():
            return []
        return [json.loads(ln) for ln in self.mailfile.read_text().splitlines() if ln]

    def subjects(self):
        out = []
        for m in self.mails():
            for ln in m["data"].split("\r\n"):
                if ln.startswith("Subject: "):
                    out.append(ln[len("Subject: "):])
        return out

    def daemon(self, name, conf, binary=None):
        d = Daemon(self.tmp / name, conf)
        d.prefix = ["ip", "netns", "exec", self.ns]
        if binary:                               # Debian's 2.2.7 has no -g
            d.argv = (lambda orig: lambda: [binary] + drop_log_file(orig()[1:]))(d.argv)
        d.start()
        self.daemons.append(d)
        return d

    def stop_all(self):
        for d in self.daemons:
            d.stop()
            d.cleanup()
        self.daemons = []


def drop_log_file(argv):
    i = argv.index("-g")
    return argv[:i] + argv[i + 2:]


@pytest.fixture
def lab(netns, tmp_path, procs):
    r = subprocess.run([sys.executable, "-c", "import aiosmtpd"])
    if r.returncode != 0:
        pytest.skip("needs aiosmtpd (apt-get install python3-aiosmtpd)")
    lab = Lab(netns, tmp_path, procs)
    yield lab
    lab.stop_all()


def body(mail):
    """The text after the headers, without the final empty line."""
    return mail["data"].split("\r\n\r\n", 1)[1]


def by_subject(lab, subject):
    return next(m for m in lab.mails() if f"Subject: {subject}\r\n" in m["data"])


def vrrp_run(lab, binary=None, sink=True):
    """Start (and the sink), let VI_1 become MASTER, take the link down
    (FAULT), stop; returns the daemon."""
    if sink:
        lab.sink()
    d = lab.daemon("ka" if not binary else "ref", VRRP % {"port": 2525, "timeout": 5}, binary)
    want = "[alerttest] VRRP Instance VI_1 - Entering MASTER state"
    wait_for(lambda: want in lab.subjects(), 12, what="MASTER alert")
    lab.lab.exec(lab.ns, "ip", "link", "set", "d0", "down")
    want = ["[alerttest] VRRP Instance VI_1 - Entering FAULT state",
            "[alerttest] VRRP Group G1 - Entering FAULT state"]
    wait_for(lambda: all(w in lab.subjects() for w in want), 8, what="FAULT alerts")
    d.stop()
    return d


def test_vrrp_alerts(lab):
    d = vrrp_run(lab)
    subjects = lab.subjects()
    # instance and group mails of one change may arrive in either order
    assert sorted(subjects) == sorted(
        [f"[alerttest] VRRP {what} - Entering {state} state"
         for state in ("BACKUP", "MASTER", "FAULT") for what in ("Instance VI_1", "Group G1")])
    assert [s for s in subjects if "Instance" in s] == [
        "[alerttest] VRRP Instance VI_1 - Entering BACKUP state",
        "[alerttest] VRRP Instance VI_1 - Entering MASTER state",
        "[alerttest] VRRP Instance VI_1 - Entering FAULT state"]
    master = by_subject(lab, "[alerttest] VRRP Instance VI_1 - Entering MASTER state")
    assert master["helo"] == "helo.example"
    assert master["from"] == "ka@example.com"
    assert master["to"] == ["admin@example.com", "ops@example.com"]
    lines = master["data"].split("\r\n")
    assert lines[0].startswith("Date: ")
    assert lines[1:5] == ["From: ka@example.com",
                          "Subject: [alerttest] VRRP Instance VI_1 - Entering MASTER state",
                          "X-Mailer: Keepalived",
                          "To: admin@example.com, ops@example.com"]
    assert body(master) == "=> VRRP Instance is now owning VRRP VIPs <=\r\n\r\n"
    for s in ("BACKUP", "FAULT"):
        m = by_subject(lab, f"[alerttest] VRRP Instance VI_1 - Entering {s} state")
        assert body(m) == "=> VRRP Instance is no longer owning VRRP VIPs <=\r\n\r\n"
    for s in ("BACKUP", "MASTER", "FAULT"):
        m = by_subject(lab, f"[alerttest] VRRP Group G1 - Entering {s} state")
        assert body(m) == f"=> All VRRP group instances are now in {s} state <=\r\n\r\n"
    log = d.log()
    assert log.count("Remote SMTP server [127.0.0.1]:2525 connected.") == 6
    assert log.count("SMTP alert successfully sent.") == 6


def test_vrrp_alerts_match_reference(lab, tmp_path):
    ref = os.environ.get("KEEPALIVED_REF", "/usr/sbin/keepalived")
    if not Path(ref).exists():
        pytest.skip("reference keepalived 2.2.7 not installed")
    vrrp_run(lab, ref)
    theirs = sorted((m["helo"], m["from"], tuple(m["to"]),
                     [ln for ln in m["data"].split("\r\n") if not ln.startswith("Date: ")].__repr__())
                    for m in lab.mails())
    lab.stop_all()
    lab.lab.exec(lab.ns, "ip", "link", "set", "d0", "up")
    lab.mailfile.unlink()
    vrrp_run(lab, sink=False)
    ours = sorted((m["helo"], m["from"], tuple(m["to"]),
                   [ln for ln in m["data"].split("\r\n") if not ln.startswith("Date: ")].__repr__())
                  for m in lab.mails())
    assert len(theirs) == 6
    assert ours == theirs


def test_checker_alerts(lab):
    lab.sink()
    # TCP listeners for 8081 and 8082 in the namespace (held by a helper)
    tcp = lab.procs.start(["ip", "netns", "exec", lab.ns, sys.executable, "-c",
                           "import socket,time\nss=[]\nfor p in (8081,8082):\n"
                           " s=socket.socket()\n"
                           " s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
                           " s.bind(('127.0.0.1',p));s.listen(64);ss.append(s)\n"
                           "print('ready',flush=True)\ntime.sleep(3600)"], stdout=-1, text=True)
    assert tcp.stdout.readline().strip() == "ready"
    d = lab.daemon("ka", CHECKER % {"port": 2525, "timeout": 5})
    rs = "Realserver [127.0.0.1]:tcp:%d of virtual server [10.0.0.1]:tcp:80 - %s"
    smtp_down = "[alerttest] " + rs % (2599, "DOWN")
    dns_down = ("[alerttest] Realserver [127.0.0.1]:udp:5399 of virtual server "
                "[10.0.0.2]:udp:53 - DOWN")
    wait_for(lambda: smtp_down in lab.subjects() and dns_down in lab.subjects(), 8,
             what="SMTP_CHECK and DNS_CHECK down alerts")
    # quorum (the virtual server's smtp_alert): gained at start with 3 alive
    quorum_up = "[alerttest] Virtualserver [10.0.0.1]:tcp:80 - UP"
    assert body(by_subject(lab, quorum_up)) == \
        "=> Starting with quorum up 2+0=2 <= 3 <=\r\n\r\n"
    # the UDP virtual server has no smtp_alert: no quorum mail for it
    assert not [s for s in lab.subjects() if "Virtualserver [10.0.0.2]" in s]
    assert body(by_subject(lab, smtp_down)) == \
        "=> CHECK failed on service : Could not connect to server [127.0.0.1]:2599 <=\r\n\r\n"
    assert body(by_subject(lab, dns_down)) == "=> DNS_CHECK: failed on service <=\r\n\r\n"
    # an SMTP server appears on 2599: UP, with the generic success text
    lab.sink(2599, "mails2599.json")
    smtp_up = "[alerttest] " + rs % (2599, "UP")
    wait_for(lambda: smtp_up in lab.subjects(), 6, what="SMTP_CHECK up alert")
    assert body(by_subject(lab, smtp_up)) == "=> CHECK succeed on service <=\r\n\r\n"
    # nothing changed for the TCP checks: no mail about them yet
    assert not [s for s in lab.subjects() if ":808" in s]
    # kill the TCP listeners: 8081 mails DOWN, 8082 (smtp_alert off) does not
    tcp.terminate()
    tcp.wait(5)
    down = "[alerttest] " + rs % (8081, "DOWN")
    wait_for(lambda: down in lab.subjects(), 6, what="TCP down alert")
    assert body(by_subject(lab, down)) == "=> TCP CHECK failed on service <=\r\n\r\n"
    quorum_down = "[alerttest] Virtualserver [10.0.0.1]:tcp:80 - DOWN"
    wait_for(lambda: quorum_down in lab.subjects(), 6, what="quorum lost alert")
    assert body(by_subject(lab, quorum_down)) == "=> Lost quorum 2+0=2 <= 1 <=\r\n\r\n"
    wait_for(lambda: "Removing service [127.0.0.1]:tcp:8082" in d.log(), 4, what="8082 down")
    # the alert for 8082 would have been queued with its log line
    wait_for(lambda: lab.mails() and d.log().count("SMTP alert successfully sent.") ==
             len(lab.mails()), 6, what="every queued alert delivered")
    assert not [s for s in lab.subjects() if ":8082" in s]


def test_no_email_faults(lab):
    """global_defs no_email_faults: FAULT is not mailed, the rest is."""
    lab.sink()
    conf = (VRRP % {"port": 2525, "timeout": 5}).replace(
        "    smtp_connect_timeout 5\n", "    smtp_connect_timeout 5\n    no_email_faults\n")
    d = lab.daemon("ka", conf)
    want = "[alerttest] VRRP Instance VI_1 - Entering MASTER state"
    wait_for(lambda: want in lab.subjects(), 12, what="MASTER alert")
    lab.lab.exec(lab.ns, "ip", "link", "set", "d0", "down")
    wait_for(lambda: "(VI_1) Entering FAULT STATE" in d.log(), 8, what="FAULT")
    d.stop()
    assert not [s for s in lab.subjects() if "FAULT" in s]
    assert len(lab.subjects()) == 4          # BACKUP and MASTER, instance and group


def test_alert_server_failures(lab):
    """Refused and silent SMTP servers: a log line each, nothing stuck."""
    conf = VRRP % {"port": 2526, "timeout": 1}
    d = lab.daemon("ka", conf)                      # nothing on 2526: refused
    wait_for(lambda: "smtp fd" in d.log() and "returned write error" in d.log(), 8,
             what="refused alert logged")
    d.stop()
    d.cleanup()
    lab.daemons.clear()
    lab.start_py("silent.py", 2526)
    t0 = time.monotonic()
    d = lab.daemon("ka2", conf)
    wait_for(lambda: "Timeout reading data to remote SMTP server [127.0.0.1]:2526." in d.log(),
             8, what="alert timeout logged")
    assert time.monotonic() - t0 < 6
    # the VRRP child kept running its instances meanwhile
    wait_for(lambda: "(VI_1) Entering MASTER STATE" in d.log(), 8, what="MASTER")
    assert d.vrrp_pid()


def test_checker_alerts_after_reload(lab):
    """A reload (HUP) re-reads which servers want alerts."""
    lab.sink()
    conf = CHECKER % {"port": 2525, "timeout": 5}
    d = lab.daemon("ka", conf)
    dns_down = ("[alerttest] Realserver [127.0.0.1]:udp:5399 of virtual server "
                "[10.0.0.2]:udp:53 - DOWN")
    wait_for(lambda: dns_down in lab.subjects(), 8, what="DNS_CHECK down alert")
    # A mail the sink has but whose reply the checker has not read yet is
    # dropped, unlogged, by the HUP (as 2.2.7 drops alerts in flight): let
    # the alerts of the start finish first.
    wait_for(lambda: d.log().count("SMTP alert successfully sent.") == len(lab.mails()), 6,
             what="the start's alerts delivered")
    extra = """
    real_server 127.0.0.1 8083 {
        smtp_alert off
        TCP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
    real_server 127.0.0.1 8084 {
        TCP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
"""
    d.conf.write_text(conf.replace("    quorum 2\n", "    quorum 2\n" + extra, 1))
    d.signal(__import__("signal").SIGHUP)
    wait_for(lambda: "Reinitializing ipvs" in d.log(), 8, what="checker reload")
    rs = "[alerttest] Realserver [127.0.0.1]:tcp:%d of virtual server [10.0.0.1]:tcp:80 - DOWN"
    wait_for(lambda: rs % 8084 in lab.subjects(), 8, what="alert for the new server")
    wait_for(lambda: "Removing service [127.0.0.1]:tcp:8083" in d.log(), 4, what="8083 down")
    wait_for(lambda: d.log().count("SMTP alert successfully sent.") == len(lab.mails()), 6,
             what="every queued alert delivered")
    assert rs % 8083 not in lab.subjects()


@pytest.mark.parametrize("which", ["ours", "ref"])
def test_vrrp_alert_settings_follow_reload(lab, which):
    """A HUP that changes smtp_server and the recipients: the VRRP child's
    next alerts go to the new server and people (2.2.7 re-reads them)."""
    ref = os.environ.get("KEEPALIVED_REF", "/usr/sbin/keepalived")
    if which == "ref" and not Path(ref).exists():
        pytest.skip("reference keepalived 2.2.7 not installed")
    lab.sink()
    lab.sink(2526, "second.json")
    d = lab.daemon(which, VRRP % {"port": 2525, "timeout": 5}, ref if which == "ref" else None)
    wait_for(lambda: "[alerttest] VRRP Instance VI_1 - Entering MASTER state" in lab.subjects(),
             12, what="MASTER alert")
    d.conf.write_text((VRRP % {"port": 2526, "timeout": 5})
                      .replace("ops@example.com", "new@example.com"))
    d.signal(signal.SIGHUP)

    def reloaded():
        """The VRRP child's data dump shows the new server's port."""
        d.signal(signal.SIGUSR1)
        time.sleep(0.1)
        return "2526" in (d.dump("keepalived.data") or "")
    wait_for(reloaded, 10, what="the new globals in the VRRP data dump")
    lab.lab.exec(lab.ns, "ip", "link", "set", "d0", "down")
    second = lab.tmp / "second.json"

    def faults():
        if not second.exists():
            return []
        return [json.loads(ln) for ln in second.read_text().splitlines() if ln]
    wait_for(lambda: len(faults()) >= 2, 8, what="FAULT alerts at the new server")
    for m in faults():
        assert m["to"] == ["admin@example.com", "new@example.com"]
        assert "Entering FAULT state" in m["data"]
    assert not any("FAULT" in s for s in lab.subjects())
