"""VMAC (use_vmac): the macvlan 2.2.7 creates, its MAC on the wire, its
sysctls, and what is left after stop.

Observed on Debian's 2.2.7 (and asserted here for ours): an IPv4 instance
with use_vmac creates "vrrp.VRID" (or the given name, or PREFIX.VRID with
vmac_prefix), a macvlan in private mode with MAC 00:00:5e:00:01:VRID
(IPv6: 00:00:5e:00:02:VRID) and addrgenmode none; the VIPs go on it; the
adverts and gratuitous ARPs carry the virtual MAC (the parent's with
vmac_xmit_base); the VMAC gets arp_ignore=1, accept_local=1,
promote_secondaries=1, the parent arp_ignore=1 and arp_filter=1; an IPv6
VMAC gets the parent's EUI-64 link-local address (nodad, deprecated).
At stop the VMAC is deleted; we also restore the parent's sysctls (2.2.7
leaves them changed).
"""

import importlib.util
import json
import signal
import sys
import time

import pytest

from conftest import needs_root, wait_for
from test_vrrp_basic import has_vip, lab, start  # noqa: F401  (fixture)
from vrrp_lab import VIP4, Capture, addrs, conf_instance

pytestmark = needs_root

VMAC4 = "00:00:5e:00:01:33"     # VRID 51
VMAC6 = "00:00:5e:00:02:34"     # VRID 52
VIP6 = "fd00:200::100"


def link(lab, name, dev):
    """`ip -d -j link show dev` in router name, or None."""
    r = lab.netns.exec(lab.ns[name], "ip", "-d", "-j", "link", "show", "dev", dev, check=False)
    if r.returncode != 0 or not r.stdout.strip():
        return None
    return json.loads(r.stdout)[0]


def sysctl(lab, name, path):
    r = lab.netns.exec(lab.ns[name], "cat", f"/proc/sys/net/{path}")
    return int(r.stdout)


def set_sysctl(lab, name, path, value):
    lab.netns.exec(lab.ns[name], "sh", "-c", f"echo {value} > /proc/sys/net/{path}")


def assert_vmac(lab, name, dev, mac, parent="eth0"):
    ln = link(lab, name, dev)
    assert ln, f"no {dev} in {name}"
    info = ln["linkinfo"]
    assert info["info_kind"] == "macvlan" and info["info_data"]["mode"] == "private"
    assert ln["address"] == mac
    assert ln["link"] == parent
    assert ln.get("inet6_addr_gen_mode", "none") == "none"
    assert "UP" in ln["flags"]


def arp_reply_mac(lab, ns, ip):
    """The hardware address in the ARP reply to a who-has for ip sent from
    ns (scapy).  Not the neighbour table: the owner's own ARP requests and
    replies to the observer leave from the parent with the parent's MAC
    (2.2.7 alike), and Linux learns from those too."""
    code = ("from scapy.all import ARP, Ether, conf, srp1\n"
            "conf.verb = 0\n"
            f"r = srp1(Ether(dst='ff:ff:ff:ff:ff:ff') / ARP(pdst='{ip}'), iface='eth0',"
            " timeout=2)\n"
            "print(r[ARP].hwsrc if r is not None else '')\n")
    if importlib.util.find_spec("scapy") is None:
        pytest.skip("needs scapy (apt-get install python3-scapy)")
    r = lab.netns.exec(ns, sys.executable, "-c", code, check=False)
    return r.stdout.strip() or None


def test_vmac_v4_mac_on_the_wire_sysctls_and_cleanup(lab, keepalived_bin):
    cap = Capture(lab.netns, lab.procs, lab.ns["obs"])
    set_sysctl(lab, "r2", "ipv4/conf/all/rp_filter", 2)
    set_sysctl(lab, "r2", "ipv4/conf/eth0/rp_filter", 1)
    r1 = start(lab, keepalived_bin, "r1", conf_instance(100, extra="  use_vmac"))
    r2 = start(lab, keepalived_bin, "r2", conf_instance(200, extra="  use_vmac"))
    wait_for(lambda: VIP4 in addrs(lab.netns, lab.ns["r2"], "vrrp.51"), 10, what="VIP on vrrp.51")
    wait_for(lambda: "(VI_1) Entering BACKUP STATE" in r1.log_text(), 5, what="r1 BACKUP")
    assert "(VI_1): Success creating VMAC interface vrrp.51" in r2.log_text()
    for r in ("r1", "r2"):
        assert_vmac(lab, r, "vrrp.51", VMAC4)
    assert VIP4 not in addrs(lab.netns, lab.ns["r2"], "eth0")
    # The VMAC's and the parent's sysctls, as 2.2.7 sets them.
    for key, want in (("arp_ignore", 1), ("accept_local", 1), ("promote_secondaries", 1),
                      ("rp_filter", 0)):
        assert sysctl(lab, "r2", f"ipv4/conf/vrrp.51/{key}") == want, key
    assert sysctl(lab, "r2", "ipv6/conf/vrrp.51/disable_ipv6") == 1
    assert sysctl(lab, "r2", "ipv4/conf/eth0/arp_ignore") == 1
    assert sysctl(lab, "r2", "ipv4/conf/eth0/arp_filter") == 1
    # all.rp_filter=2: the parent and default get max(own, all), all gets 0.
    assert sysctl(lab, "r2", "ipv4/conf/all/rp_filter") == 0
    assert sysctl(lab, "r2", "ipv4/conf/eth0/rp_filter") == 2
    assert sysctl(lab, "r2", "ipv4/conf/default/rp_filter") == 2
    # Adverts and gratuitous ARPs carry the virtual MAC; ARP answers too.
    t0 = time.time()
    wait_for(lambda: len(cap.select(t0, kind="vrrp", vrid=51)) >= 2, 5, what="adverts")
    adv = cap.select(t0, kind="vrrp", vrid=51)
    assert {(a["src"], a["mac"]) for a in adv} == {("192.168.200.11", VMAC4)}
    garps = cap.select(kind="arp", ip=VIP4)
    assert garps and all(g["mac"] == VMAC4 for g in garps)
    assert arp_reply_mac(lab, lab.ns["obs"], VIP4) == VMAC4
    # Stop: the VMAC goes, the sysctls come back; r1 takes over on its VMAC.
    r2.signal(signal.SIGTERM)
    r2.wait_exit()
    assert link(lab, "r2", "vrrp.51") is None
    assert "(VI_1) Success removing VMAC interface vrrp.51" in r2.log_text()
    assert sysctl(lab, "r2", "ipv4/conf/eth0/arp_ignore") == 0
    assert sysctl(lab, "r2", "ipv4/conf/eth0/arp_filter") == 0
    assert sysctl(lab, "r2", "ipv4/conf/all/rp_filter") == 2
    assert sysctl(lab, "r2", "ipv4/conf/eth0/rp_filter") == 1
    assert sysctl(lab, "r2", "ipv4/conf/default/rp_filter") == 0
    wait_for(lambda: VIP4 in addrs(lab.netns, lab.ns["r1"], "vrrp.51"), 5, what="r1 takes over")
    t1 = time.time()
    wait_for(lambda: cap.select(t1, kind="vrrp", src="192.168.200.10"), 3, what="r1 adverts")
    assert all(a["mac"] == VMAC4 for a in cap.select(t1, kind="vrrp", src="192.168.200.10"))


def test_vmac_v6_link_local_and_mac(lab, keepalived_bin):
    cap = Capture(lab.netns, lab.procs, lab.ns["obs"])
    conf = conf_instance(200, 3, vips=(f"{VIP6}/64",), vrid=52, extra="  use_vmac")
    r2 = start(lab, keepalived_bin, "r2", conf)
    wait_for(lambda: VIP6 in addrs(lab.netns, lab.ns["r2"], "vrrp.52"), 10, what="VIP6 on VMAC")
    assert_vmac(lab, "r2", "vrrp.52", VMAC6)
    # The parent's link-local address, nodad and deprecated, is on the VMAC.
    parent_ll = [a for a in addrs(lab.netns, lab.ns["r2"], "eth0") if a.startswith("fe80")]
    r = lab.netns.exec(lab.ns["r2"], "ip", "-j", "-6", "addr", "show", "dev", "vrrp.52")
    ll = [a for a in json.loads(r.stdout)[0]["addr_info"] if a["local"].startswith("fe80")]
    assert [a["local"] for a in ll] == parent_ll
    assert ll[0]["preferred_life_time"] == 0 and ll[0].get("nodad")
    t0 = time.time()
    wait_for(lambda: len(cap.select(t0, kind="vrrp", vrid=52)) >= 2, 5, what="v6 adverts")
    adv = cap.select(t0, kind="vrrp", vrid=52)
    assert {(a["src"], a["mac"]) for a in adv} == {(parent_ll[0], VMAC6)}
    nas = cap.select(kind="na", ip=VIP6)
    assert nas and all(n["mac"] == VMAC6 for n in nas)
    r2.signal(signal.SIGTERM)
    r2.wait_exit()
    assert link(lab, "r2", "vrrp.52") is None


def test_vmac_names_and_xmit_base(lab, keepalived_bin):
    cap = Capture(lab.netns, lab.procs, lab.ns["obs"])
    r1 = start(lab, keepalived_bin, "r1",
               conf_instance(200, extra="  use_vmac\n  vmac_xmit_base",
                             globals_="  vmac_prefix vx"))
    r2 = start(lab, keepalived_bin, "r2",
               conf_instance(100, extra="  use_vmac myvmac 02:aa:bb:cc:dd"))
    wait_for(lambda: VIP4 in addrs(lab.netns, lab.ns["r1"], "vx.51"), 10, what="VIP on vx.51")
    assert_vmac(lab, "r1", "vx.51", VMAC4)
    # A 5-octet MAC gets the VRID as its last octet.
    assert_vmac(lab, "r2", "myvmac", "02:aa:bb:cc:dd:33")
    wait_for(lambda: "Entering BACKUP STATE" in r2.log_text(), 5, what="r2 BACKUP")
    # vmac_xmit_base: adverts leave from the parent, with its MAC.
    parent_mac = link(lab, "r1", "eth0")["address"]
    t0 = time.time()
    wait_for(lambda: len(cap.select(t0, kind="vrrp", vrid=51)) >= 2, 5, what="adverts")
    assert {a["mac"] for a in cap.select(t0, kind="vrrp", vrid=51)} == {parent_mac}
    # ... while ARP for the VIP is still answered with the virtual MAC.
    assert arp_reply_mac(lab, lab.ns["obs"], VIP4) == VMAC4
    r1.signal(signal.SIGTERM)
    r1.wait_exit()
    assert link(lab, "r1", "vx.51") is None
    wait_for(lambda: VIP4 in addrs(lab.netns, lab.ns["r2"], "myvmac"), 5, what="r2 takes over")


def test_vmac_interop_with_reference(lab, keepalived_bin, reference_bin):
    """2.2.7 and ours as VMAC peers: the same VMAC, failover both ways."""
    cap = Capture(lab.netns, lab.procs, lab.ns["obs"])
    ours = start(lab, keepalived_bin, "r1", conf_instance(100, extra="  use_vmac"))
    ref = start(lab, reference_bin, "r2", conf_instance(200, extra="  use_vmac"))
    wait_for(lambda: VIP4 in addrs(lab.netns, lab.ns["r2"], "vrrp.51"), 12, what="ref MASTER")
    wait_for(lambda: "Entering BACKUP STATE" in ours.log_text(), 5, what="ours BACKUP")
    assert_vmac(lab, "r2", "vrrp.51", VMAC4)
    assert_vmac(lab, "r1", "vrrp.51", VMAC4)
    ref.signal(signal.SIGTERM)
    ref.wait_exit()
    wait_for(lambda: VIP4 in addrs(lab.netns, lab.ns["r1"], "vrrp.51"), 5, what="ours MASTER")
    t0 = time.time()
    wait_for(lambda: cap.select(t0, kind="vrrp", src="192.168.200.10"), 3, what="our adverts")
    assert arp_reply_mac(lab, lab.ns["obs"], VIP4) == VMAC4
    ref2 = start(lab, reference_bin, "r2", conf_instance(200, extra="  use_vmac"))
    wait_for(lambda: VIP4 in addrs(lab.netns, lab.ns["r2"], "vrrp.51"), 12, what="ref preempts")
    wait_for(lambda: VIP4 not in addrs(lab.netns, lab.ns["r1"], "vrrp.51"), 5,
             what="VIP gone from ours")
    assert "dropped advert" not in ours.log_text()
    assert "(VI_1) Entering MASTER STATE" in ref2.log_text()


def test_vmac_kept_with_dont_release_then_adopted(lab, keepalived_bin):
    """-V leaves the VMAC and its VIP (2.2.7 alike); the next run adopts
    the matching VMAC ("Found matching interface") and deletes it at stop."""
    conf = conf_instance(200, extra="  use_vmac")
    r1 = start(lab, keepalived_bin, "r1", conf, extra=["-V"])
    wait_for(lambda: VIP4 in addrs(lab.netns, lab.ns["r1"], "vrrp.51"), 10, what="VIP on VMAC")
    r1.signal(signal.SIGTERM)
    r1.wait_exit()
    assert_vmac(lab, "r1", "vrrp.51", VMAC4)
    assert VIP4 in addrs(lab.netns, lab.ns["r1"], "vrrp.51")
    r1b = start(lab, keepalived_bin, "r1", conf)     # same log file, appended
    wait_for(lambda: r1b.count("(VI_1) Entering MASTER STATE") == 2, 10, what="MASTER again")
    assert "(VI_1) Found matching interface vrrp.51" in r1b.log_text()
    r1b.signal(signal.SIGTERM)
    r1b.wait_exit()
    assert link(lab, "r1", "vrrp.51") is None
