"""A flood of malformed and foreign VRRP adverts (scapy, from the observer)
against a MASTER/BACKUP pair, VRRPv2 with PASS authentication and VRRPv3:
bad checksum, TTL 254, the other version, truncated, wrong type, wrong
address count and list, unknown VRID, and for v2 wrong password, wrong
auth type and wrong interval.  Every bad packet claims priority 254, so
any packet accepted would show as a state change.  Asserts: no state
change, both daemons alive, each drop counted under its reason in the
SIGUSR2 stats file (2.2.7's counters) and the SIGUSR1 data file (our
per-reason list: checksum, version), unknown VRIDs ignored without being
counted, drop logs rate-limited; then, as a control, the same advert well
formed does take mastership from r1."""

import re
import signal
import subprocess
import time

import pytest

from conftest import needs_root, pid_alive, wait_for
from test_vrrp_basic import has_vip, lab, start  # noqa: F401  (fixture)
from vrrp_lab import VIP4, conf_instance


def _have_scapy():
    return subprocess.run(["/usr/bin/python3", "-c", "import scapy.all"],
                          capture_output=True).returncode == 0


pytestmark = [needs_root,
              pytest.mark.skipif(not _have_scapy(),
                                 reason="needs scapy (apt-get install python3-scapy)")]

N = 100                     # packets of each kind
FOREIGN = "192.168.200.99"  # source of the flood (not a router)

AUTH = "  authentication {\n    auth_type PASS\n    auth_pass secret\n  }\n"

SENDER = r'''
import socket, struct, sys
import logging
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import Ether, IP, Raw, sendp
from scapy.utils import checksum

VIP = socket.inet_aton(sys.argv[1])
N = int(sys.argv[2])
SRC = sys.argv[3]
OURS = int(sys.argv[4])      # the routers' VRRP version
# Set explicitly: scapy leaves 00:00:00:00:00:00 in a namespace without a
# default route, and a bridge drops such frames.
MAC = open("/sys/class/net/eth0/address").read().strip()


def vrrp(version=OURS, type_=1, vrid=51, prio=254, count=1, auth=1, adv=1,
         addrs=(VIP,), pw=b"secret", csum="good", cut=None):
    body = b"".join(addrs)
    if version == 2:
        hdr = struct.pack("!BBBBBBH", (version << 4) | type_, vrid, prio, count, auth, adv, 0)
        trailer = pw.ljust(8, b"\0")
        pkt = hdr + body + trailer
    else:
        hdr = struct.pack("!BBBBHH", (version << 4) | type_, vrid, prio, count, adv * 100, 0)
        pkt = hdr + body
    # v3 over IPv4: RFC 5798 5.2.8 pseudo-header
    pseudo = (socket.inet_aton(SRC) + socket.inet_aton("224.0.0.18") +
              struct.pack("!BBH", 0, 112, len(pkt))) if version == 3 else b""
    c = checksum(pseudo + pkt)
    if csum == "bad":
        c ^= 0x5a5a
    pkt = pkt[:6] + struct.pack("!H", c) + pkt[8:]
    return pkt[:cut] if cut else pkt


kinds = {
    "checksum": dict(csum="bad"),
    "ttl": dict(),                       # sent with TTL 254 below
    "version": dict(version=5 - OURS),
    "short": dict(cut=10),
    "type": dict(type_=2),
    "addr_count": dict(count=2, addrs=(VIP, socket.inet_aton("192.168.200.201"))),
    "addr_list": dict(addrs=(socket.inet_aton("192.168.200.201"),)),
    "vrid": dict(vrid=52),
}
if sys.argv[5:] == ["valid"]:            # the control: a well-formed advert
    kinds, N = {"valid": dict()}, 1
elif OURS == 2:                          # v3 has no auth nor interval check
    kinds.update({
        "auth_pass": dict(pw=b"wrong"),
        "auth_type": dict(auth=0, pw=b""),
        "interval": dict(adv=2),
    })
pkts = []
for i in range(N):
    for name, kw in kinds.items():
        ip = IP(src=SRC, dst="224.0.0.18", ttl=254 if name == "ttl" else 255,
                proto=112, tos=0xc0)
        pkts.append(Ether(src=MAC, dst="01:00:5e:00:00:12") / ip / Raw(vrrp(**kw)))
sendp(pkts, iface="eth0", inter=0.0005, verbose=False)
print(len(pkts))
'''


def stats(router):
    """{(section, key): value} from keepalived.stats after a SIGUSR2."""
    path = router.tmp / "keepalived.stats"
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    router.signal(signal.SIGUSR2)
    wait_for(path.exists, 5, what="stats file")
    out, section = {}, ""
    for line in path.read_text().splitlines():
        m = re.match(r"( *)([A-Za-z ]+):\s*(\d+)?$", line)
        if not m:
            continue
        if len(m.group(1)) <= 2:
            section = m.group(2) if m.group(3) is None else ""
        if m.group(3) is not None:
            out[(section, m.group(2))] = int(m.group(3))
    return out


def data_drops(router):
    """Our per-reason drop counters from keepalived.data (SIGUSR1)."""
    path = router.tmp / "keepalived.data"
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    router.signal(signal.SIGUSR1)
    wait_for(path.exists, 5, what="data file")
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"^\s+(\w+) = (\d+)$", path.read_text(), re.M)}


def expected(version):
    v2 = N if version == 2 else 0
    return {
        ("Packet Errors", "Length"): N,
        ("Packet Errors", "TTL"): N,
        ("Packet Errors", "Invalid Type"): N,
        ("Packet Errors", "Advertisement Interval"): v2,
        ("Packet Errors", "Address List"): 2 * N,
        ("Authentication Errors", "Type Mismatch"): v2,
        ("Authentication Errors", "Failure"): v2,
    }


@pytest.mark.parametrize("version", [2, 3])
def test_malformed_flood_is_dropped_and_counted(lab, keepalived_bin, workdir, version):
    auth = AUTH if version == 2 else ""
    r1 = start(lab, keepalived_bin, "r1", conf_instance(200, version, extra=auth))
    wait_for(lambda: has_vip(lab, "r1"), 10, what="VIP on r1")
    r2 = start(lab, keepalived_bin, "r2", conf_instance(100, version, extra=auth))
    wait_for(lambda: "(VI_1) Entering BACKUP STATE" in r2.log_text(), 5, what="r2 BACKUP")
    wait_for(lambda: stats(r2).get(("Advertisements", "Received"), 0) >= 1, 5,
             what="r2 hears r1")
    sender = workdir / "flood.py"
    sender.write_text(SENDER)
    t0 = time.monotonic()
    res = lab.netns.exec(lab.ns["obs"], "/usr/bin/python3", str(sender), VIP4, str(N),
                         FOREIGN, str(version), check=False)
    assert res.returncode == 0, res.stderr
    assert int(res.stdout.split()[-1]) == (11 if version == 2 else 8) * N
    want = expected(version)
    flood_s = time.monotonic() - t0

    for r in (r1, r2):
        def counted(r=r):
            s = stats(r)
            return all(s.get(k, 0) >= v for k, v in want.items()) and s
        s = wait_for(counted, 10, what=f"{r.name} counts the flood")
        for k, v in want.items():
            assert s[k] == v, (r.name, k, s[k])
        d = data_drops(r)
        assert d["checksum"] == N and d["version"] == N, (r.name, d)
        assert d["too_short"] == N and d["vrid"] == 0, (r.name, d)
        assert s[("", "Became master")] == (1 if r is r1 else 0), (r.name, s)
        assert pid_alive(r.main_pid()) and pid_alive(r.read_pid(r.vrrp_pid)), r.name
        # Logged at most once per reason per second.
        logged = r.count(f"dropped advert from {FOREIGN}") + r.count("invalid passwd")
        assert logged <= 10 * (flood_s + 3), (r.name, logged)

    # No state change: r1 stayed MASTER with its VIP, r2 BACKUP.
    assert has_vip(lab, "r1") and not has_vip(lab, "r2")
    assert r1.count("(VI_1) Entering MASTER STATE") == 1
    assert "Entering BACKUP STATE" not in r1.log_text().split("Entering MASTER STATE", 1)[1]
    assert "Entering MASTER STATE" not in r2.log_text()

    # Control: the same advert well formed takes mastership from r1 (so the
    # flood above did test something).
    res = lab.netns.exec(lab.ns["obs"], "/usr/bin/python3", str(sender), VIP4, "1",
                         FOREIGN, str(version), "valid", check=False)
    assert res.returncode == 0, res.stderr
    wait_for(lambda: "higher priority 254" in r1.log_text(), 5, what="r1 sees the valid advert")
    wait_for(lambda: not has_vip(lab, "r1"), 5, what="r1 yields to the valid advert")
