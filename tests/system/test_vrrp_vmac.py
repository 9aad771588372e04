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

use_vmac_addr (or "use_vmac" on a VIP line): each other interface holding
such VIPs gets a VMAC of the same MAC and settings named
vmac_addr_prefix.VRID, or (prefix defaulting to vmac_prefix) PREFIXn.VRID
when the name is taken ("vrrp1.51"); those VIPs go there.  A VMAC deleted
by hand while running: FAULT, VIPs released, "Interface vrrp.51 deleted",
the VMAC is made again at once, BACKUP, then MASTER with the VIPs back.
Both checked against 2.2.7 run in the same lab.
"""

import importlib.util
import json
import os
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


def arp_reply_mac(lab, ns, ip, iface="eth0"):
    """The hardware address in the ARP reply to a who-has for ip sent from
    ns (scapy).  Not the neighbour table: the owner's own ARP requests and
    replies to the observer leave from the parent with the parent's MAC
    (2.2.7 alike), and Linux learns from those too."""
    code = ("from scapy.all import ARP, Ether, conf, srp1\n"
            "conf.verb = 0\n"
            f"r = srp1(Ether(dst='ff:ff:ff:ff:ff:ff') / ARP(pdst='{ip}'), iface='{iface}',"
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


# ---- use_vmac_addr / per-VIP use_vmac ----------------------------------------

VIP_B = "10.1.1.100"            # on the second interface (eth1)
EVIP_B = "10.1.1.101"


def second_lan(lab, name):
    """eth1 in router name <-> eth1 in obs (10.1.1.11/24 and .20/24)."""
    if link(lab, name, "eth1") is None:
        lab.netns.veth(lab.ns[name], "eth1", lab.ns["obs"], "eth1")
        lab.netns.addr(lab.ns[name], "eth1", "10.1.1.11/24")
        lab.netns.addr(lab.ns["obs"], "eth1", "10.1.1.20/24")


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def binary(request, which):
    return request.getfixturevalue("keepalived_bin" if which == "ours" else "reference_bin")


def addr_vmac_conf(per_vip=False, globals_=""):
    vip_b = f"{VIP_B}/24 dev eth1" + (" use_vmac" if per_vip else "")
    extra = "  use_vmac" + ("" if per_vip else "\n  use_vmac_addr")
    extra += f"\n  virtual_ipaddress_excluded {{\n    {EVIP_B}/24 dev eth1\n  }}"
    return conf_instance(200, vips=(f"{VIP4}/24", vip_b), extra=extra, globals_=globals_)


@pytest.mark.parametrize("which", ["ours", "ref"])
def test_vmac_addr_with_prefix(lab, request, which):
    """use_vmac_addr + vmac_addr_prefix: vaddr.51 on eth1 holds the VIP and
    the eVIP of eth1, with the VMAC's MAC, mode and sysctls."""
    second_lan(lab, "r1")
    r1 = start(lab, binary(request, which), "r1",
               addr_vmac_conf(globals_="  vmac_addr_prefix vaddr"))
    wait_for(lambda: VIP_B in addrs(lab.netns, lab.ns["r1"], "vaddr.51"), 10,
             what="VIP on vaddr.51")
    assert "(VI_1): Success creating VMAC interface vaddr.51" in r1.log_text()
    assert_vmac(lab, "r1", "vrrp.51", VMAC4)
    assert_vmac(lab, "r1", "vaddr.51", VMAC4, parent="eth1")
    assert addrs(lab.netns, lab.ns["r1"], "vaddr.51") == {VIP_B, EVIP_B}
    assert VIP4 in addrs(lab.netns, lab.ns["r1"], "vrrp.51")
    assert not {VIP_B, EVIP_B} & addrs(lab.netns, lab.ns["r1"], "eth1")
    for key, want in (("arp_ignore", 1), ("accept_local", 1), ("promote_secondaries", 1),
                      ("rp_filter", 0)):
        assert sysctl(lab, "r1", f"ipv4/conf/vaddr.51/{key}") == want, key
    assert sysctl(lab, "r1", "ipv6/conf/vaddr.51/disable_ipv6") == 1
    assert sysctl(lab, "r1", "ipv4/conf/eth1/arp_ignore") == 1
    assert sysctl(lab, "r1", "ipv4/conf/eth1/arp_filter") == 1
    # On the wire: the VIP of eth1 is answered with the virtual MAC.
    assert arp_reply_mac(lab, lab.ns["obs"], VIP_B, "eth1") == VMAC4
    r1.signal(signal.SIGTERM)
    r1.wait_exit()
    assert link(lab, "r1", "vaddr.51") is None
    assert link(lab, "r1", "vrrp.51") is None
    assert "(VI_1) Success removing VMAC interface vaddr.51" in r1.log_text()


@pytest.mark.parametrize("which", ["ours", "ref"])
@pytest.mark.parametrize("per_vip", [False, True], ids=["use_vmac_addr", "vip_use_vmac"])
def test_vmac_addr_default_name(lab, request, which, per_vip):
    """Without vmac_addr_prefix the name is vmac_prefix's, "vrrp.51" is the
    instance's VMAC already, so 2.2.7 names it "vrrp1.51".  "use_vmac" on
    the VIP line moves that VIP only: the eVIP stays on eth1."""
    second_lan(lab, "r1")
    r1 = start(lab, binary(request, which), "r1", addr_vmac_conf(per_vip=per_vip))
    wait_for(lambda: VIP_B in addrs(lab.netns, lab.ns["r1"], "vrrp1.51"), 10,
             what="VIP on vrrp1.51")
    assert_vmac(lab, "r1", "vrrp1.51", VMAC4, parent="eth1")
    on_vmac = {VIP_B} if per_vip else {VIP_B, EVIP_B}
    wait_for(lambda: addrs(lab.netns, lab.ns["r1"], "vrrp1.51") == on_vmac, 3,
             what="eVIP placement")
    assert (EVIP_B in addrs(lab.netns, lab.ns["r1"], "eth1")) == per_vip
    r1.signal(signal.SIGTERM)
    r1.wait_exit()
    assert link(lab, "r1", "vrrp1.51") is None


# ---- a VMAC deleted by hand ------------------------------------------------------

@pytest.mark.parametrize("which", ["ours", "ref"])
def test_vmac_deleted_by_hand_is_recreated(lab, request, which):
    """2.2.7: FAULT (priority 0 advert tried, VIPs removed), "Interface
    vrrp.51 deleted", the VMAC made again with the same name, MAC and
    settings, BACKUP, then MASTER after the master-down timer with the VIPs
    back on it and adverts from the virtual MAC again."""
    cap = Capture(lab.netns, lab.procs, lab.ns["obs"])
    r1 = start(lab, binary(request, which), "r1", conf_instance(200, extra="  use_vmac"))
    wait_for(lambda: VIP4 in addrs(lab.netns, lab.ns["r1"], "vrrp.51"), 10, what="MASTER")
    old = link(lab, "r1", "vrrp.51")["ifindex"]
    vrrp_fds = open_fds(r1.read_pid(r1.vrrp_pid))
    lab.netns.exec(lab.ns["r1"], "ip", "link", "del", "vrrp.51")
    wait_for(lambda: r1.count("(VI_1) Entering MASTER STATE") == 2, 10, what="MASTER again")
    wait_for(lambda: VIP4 in addrs(lab.netns, lab.ns["r1"], "vrrp.51"), 3, what="VIP back")
    if which == "ours":     # the socket of the deleted VMAC is closed, not leaked
        wait_for(lambda: open_fds(r1.read_pid(r1.vrrp_pid)) == vrrp_fds, 3,
                 what=f"VRRP child back to {vrrp_fds} descriptors")
    log = r1.log_text()
    assert "Interface vrrp.51 deleted" in log
    assert log.count("(VI_1): Success creating VMAC interface vrrp.51") == 2
    assert "(VI_1) Entering FAULT STATE" in log
    tail = log[log.index("Interface vrrp.51 deleted"):]
    assert tail.index("Success creating VMAC") < tail.index("Entering BACKUP STATE") < \
        tail.index("Entering MASTER STATE")
    ln = link(lab, "r1", "vrrp.51")
    assert ln["ifindex"] != old
    assert_vmac(lab, "r1", "vrrp.51", VMAC4)
    assert sysctl(lab, "r1", "ipv4/conf/vrrp.51/arp_ignore") == 1
    assert sysctl(lab, "r1", "ipv4/conf/vrrp.51/accept_local") == 1
    # the VMAC map of the firewall follows the new interface index
    rules = lab.netns.exec(lab.ns["r1"], "nft", "list", "ruleset").stdout
    assert '"vrrp.51" : "eth0"' in rules, rules
    t0 = time.time()
    wait_for(lambda: len(cap.select(t0, kind="vrrp", vrid=51)) >= 2, 5, what="adverts again")
    assert {a["mac"] for a in cap.select(t0, kind="vrrp", vrid=51)} == {VMAC4}
    r1.signal(signal.SIGTERM)
    r1.wait_exit()
    assert link(lab, "r1", "vrrp.51") is None


def test_addr_vmac_deleted_by_hand(lab, keepalived_bin):
    """An address VMAC deleted by hand: FAULT, VIPs released, then made
    again and MASTER again (2.2.7 leaves it deleted and the instance in
    FAULT; we remake it as we do the instance's VMAC)."""
    second_lan(lab, "r1")
    r1 = start(lab, keepalived_bin, "r1", addr_vmac_conf())
    wait_for(lambda: VIP_B in addrs(lab.netns, lab.ns["r1"], "vrrp1.51"), 10, what="MASTER")
    lab.netns.exec(lab.ns["r1"], "ip", "link", "del", "vrrp1.51")
    wait_for(lambda: r1.count("(VI_1) Entering MASTER STATE") == 2, 10, what="MASTER again")
    wait_for(lambda: addrs(lab.netns, lab.ns["r1"], "vrrp1.51") == {VIP_B, EVIP_B}, 3,
             what="VIPs back")
    assert "Interface vrrp1.51 deleted" in r1.log_text()
    assert "(VI_1) Entering FAULT STATE" in r1.log_text()
    assert_vmac(lab, "r1", "vrrp1.51", VMAC4, parent="eth1")
    assert VIP4 in addrs(lab.netns, lab.ns["r1"], "vrrp.51")
    r1.signal(signal.SIGTERM)
    r1.wait_exit()
    assert link(lab, "r1", "vrrp1.51") is None
