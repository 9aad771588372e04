"""use_ipvlan [NAME] [ADDR/PLEN] [bridge|private|vepa]: an ipvlan instead of
the VMAC's macvlan.

2.2.7 creates it with one RTM_NEWLINK (kind ipvlan, mode L2, the flags,
bridge by default), named NAME or vrrp.VRID.  When the kernel cannot make
it (no ipvlan support: "Operation not supported"), 2.2.7 logs "Unable to
create ipvlan interface NAME" and "entering FAULT state (interface NAME
down)" and the instance stays in FAULT: no VIP, no advert.  That is
checked for ours and 2.2.7 on kernels without ipvlan; on kernels with it
the link itself is checked (ours only: not observed on 2.2.7 here): ipvlan
mode l2 with the flags, its address, the VIPs on it, adverts from its
address, and the link made again when deleted by hand.
"""

import json
import signal
import time

import pytest

from conftest import needs_root, wait_for
from test_vrrp_basic import lab, start  # noqa: F401  (fixture)
from vrrp_lab import VIP4, Capture, addrs, conf_instance

pytestmark = needs_root

IPVLAN_ADDR = "192.168.200.50"


def kernel_has_ipvlan(lab):
    ns = lab.ns["r1"]
    r = lab.netns.exec(ns, "ip", "link", "add", "ipvtest", "link", "eth0", "type", "ipvlan",
                       "mode", "l2", check=False)
    if r.returncode == 0:
        lab.netns.exec(ns, "ip", "link", "del", "ipvtest")
    return r.returncode == 0


def link(lab, name, dev):
    r = lab.netns.exec(lab.ns[name], "ip", "-d", "-j", "link", "show", "dev", dev, check=False)
    if r.returncode != 0 or not r.stdout.strip():
        return None
    return json.loads(r.stdout)[0]


def binary(request, which):
    return request.getfixturevalue("keepalived_bin" if which == "ours" else "reference_bin")


def ipvlan_conf(words=f"ipv1 {IPVLAN_ADDR}/24 private"):
    return conf_instance(200, extra=f"  use_ipvlan {words}")


@pytest.mark.parametrize("which", ["ours", "ref"])
def test_ipvlan_unavailable_stays_in_fault(lab, request, which):
    if kernel_has_ipvlan(lab):
        pytest.skip("this kernel has ipvlan")
    cap = Capture(lab.netns, lab.procs, lab.ns["obs"])
    t0 = time.time()
    r1 = start(lab, binary(request, which), "r1", ipvlan_conf())
    # the three lines may reach the log file a moment apart: wait for all of them
    lines = ["(VI_1): Unable to create ipvlan interface ipv1",
             "(VI_1): entering FAULT state (interface ipv1 down)",
             "Netlink: error: Operation not supported(95), type=RTM_NEWLINK(16)"]
    wait_for(lambda: all(ln in r1.log_text() for ln in lines), 10,
             what="ipvlan failure and FAULT logged")
    time.sleep(4.5)             # past the master-down timer (3 x 1 s + skew)
    assert "Entering MASTER STATE" not in r1.log_text()
    assert VIP4 not in addrs(lab.netns, lab.ns["r1"], "eth0")
    assert link(lab, "r1", "ipv1") is None
    assert not cap.select(t0, kind="vrrp", src="192.168.200.10")
    r1.signal(signal.SIGTERM)
    r1.wait_exit()


def test_ipvlan_link_vips_adverts_and_remade(lab, keepalived_bin):
    if not kernel_has_ipvlan(lab):
        pytest.skip("this kernel has no ipvlan (CONFIG_IPVLAN)")
    cap = Capture(lab.netns, lab.procs, lab.ns["obs"])
    r1 = start(lab, keepalived_bin, "r1", ipvlan_conf())
    wait_for(lambda: VIP4 in addrs(lab.netns, lab.ns["r1"], "eth0"), 10, what="VIP on eth0")
    ln = link(lab, "r1", "ipv1")
    info = ln["linkinfo"]
    assert info["info_kind"] == "ipvlan" and info["info_data"]["mode"] == "l2"
    assert "private" in json.dumps(info["info_data"]).lower()
    assert ln["link"] == "eth0"
    parent_mac = link(lab, "r1", "eth0")["address"]
    assert ln["address"] == parent_mac
    assert IPVLAN_ADDR in addrs(lab.netns, lab.ns["r1"], "ipv1")
    assert VIP4 not in addrs(lab.netns, lab.ns["r1"], "ipv1")   # 2.2.7: VIPs on the parent
    t0 = time.time()
    wait_for(lambda: len(cap.select(t0, kind="vrrp", vrid=51)) >= 2, 5, what="adverts")
    assert {(a["src"], a["mac"]) for a in cap.select(t0, kind="vrrp", vrid=51)} == \
        {(IPVLAN_ADDR, parent_mac)}
    lab.netns.exec(lab.ns["r1"], "ip", "link", "del", "ipv1")
    wait_for(lambda: r1.count("(VI_1) Entering MASTER STATE") == 2, 10, what="MASTER again")
    wait_for(lambda: VIP4 in addrs(lab.netns, lab.ns["r1"], "eth0"), 3, what="VIP back")
    assert "Interface ipv1 deleted" in r1.log_text()
    r1.signal(signal.SIGTERM)
    r1.wait_exit()
    assert link(lab, "r1", "ipv1") is None
