"""use_ipvlan against a kernel with ipvlan, in a QEMU VM.

The host kernel has no ipvlan (CONFIG_IPVLAN), so the success path of
use_ipvlan (tests/system/test_vrrp_ipvlan.py skips it here) runs in the
test VM (tests/vm/README.md): one boot of tests/vm/ipvlan-guest.sh with
ipvlan.ko from the VM kernel's module tree.  A veth pair: eth0
(192.168.77.10/24) where the keepalived under test runs
tests/vm/ipvlan-a.conf (use_ipvlan ipv1 192.168.77.50/24 private, VIP
192.168.77.100), and eth0 (192.168.77.20/24) in a netns "peer" where
tcpdump watches and a second keepalived (priority 100) is BACKUP.  Then
tests/vm/ipvlan-b.conf: a bare use_ipvlan (no address, so FAULT), and
tests/vm/ipvlan-c.conf: "use_ipvlan ADDR vepa".

Our keepalived and 2.2.7 (keepalived-ref, when installed) run the same
scenario in the same boot; `ip -d -j link`, `ip -j addr`, link counters,
tcpdump and the logs are the witnesses.  The *_as_reference tests compare
ours with 2.2.7 step by step.  One difference is deliberate: after ipv1 is
deleted by hand, 2.2.7 makes it again but its instance stays in FAULT for
good (the peer takes over); ours becomes MASTER again.
"""

import json
import re
import shutil
from pathlib import Path

import pytest

from vm_guest import boot_guest

HERE = Path(__file__).resolve().parent
VM_DIR = HERE.parent / "vm"
BOOT_LIMIT = 300
GUEST_FILES = [VM_DIR / "ipvlan-a.conf", VM_DIR / "ipvlan-b.conf", VM_DIR / "ipvlan-c.conf",
               VM_DIR / "ipvlan-peer.conf"]
KAS = ["keepalived", "keepalived-ref"]
VIP = "192.168.77.100"
IPVLAN_ADDR = "192.168.77.50"
PARENT_ADDR = "192.168.77.10"
ADVERT = re.compile(r"^\S+ (\S+) > 01:00:5e:00:00:12, .*: (\S+) > 224\.0\.0\.18: "
                    r"VRRPv2, Advertisement, vrid (\d+), prio (\d+)")
GARP = re.compile(r"^(\S+) (\S+) > ff:ff:ff:ff:ff:ff, ethertype ARP .* "
                  r"Request who-has (\S+) \(ff:ff:ff:ff:ff:ff\) tell \3,")


@pytest.fixture(scope="module")
def run(keepalived_bin, tmp_path_factory):
    tcpdump = shutil.which("tcpdump")
    vm = boot_guest(tmp_path_factory, keepalived_bin, image_name="image-ipvlan",
                    guest="ipvlan-guest.sh", guest_files=GUEST_FILES,
                    module="drivers/net/ipvlan/ipvlan.ko", tools=[tcpdump] if tcpdump else [],
                    boot_limit=BOOT_LIMIT)
    vm.has_dump = tcpdump is not None
    return vm


def _need(run, ka, dump=False):
    if ka not in run.kas:
        pytest.skip("reference keepalived 2.2.7 not installed (apt-get install keepalived)")
    if dump and not run.has_dump:
        pytest.skip("tcpdump missing on the host (apt-get install tcpdump)")


def link(run, step):
    return json.loads(run.ok(step))[0]


def addrs(run, step):
    """["192.168.77.50/24", ...]: the IPv4 addresses of `ip -j addr` output."""
    return [f"{a['local']}/{a['prefixlen']}" for a in link(run, step)["addr_info"]
            if a["family"] == "inet"]


def log(run, step):
    return [re.sub(r"^\w{3} \w{3} +\d+ [\d:]+ \d{4}: ", "", x)
            for x in run.ok(step).splitlines()]


def adverts(run, ka):
    """[(mac, src, vrid, prio)] of every VRRP advert the peer saw."""
    out = []
    for line in run.ok(f"{ka}.a_dump").splitlines():
        m = ADVERT.match(line)
        if m:
            out.append((m.group(1), m.group(2), int(m.group(3)), int(m.group(4))))
    return out


def garps(run, ka, addr):
    """[(seconds of the day, mac)] of the gratuitous ARPs for addr."""
    out = []
    for m in map(GARP.match, run.ok(f"{ka}.a_dump").splitlines()):
        if m and m.group(3) == addr:
            h, mi, s = m.group(1).split(":")
            out.append((int(h) * 3600 + int(mi) * 60 + float(s), m.group(2)))
    return out


def ipvlan_info(ln):
    return ln["linkinfo"]


@pytest.mark.parametrize("ka", KAS)
def test_ipvlan_link_as_configured(run, ka):
    """ipv1: kind ipvlan, mode l2, flag private, on eth0, up, with eth0's
    MAC address and its own address 192.168.77.50/24."""
    _need(run, ka)
    run.ok(f"{ka}.a_wait_master")
    ln = link(run, f"{ka}.a_link")
    assert ipvlan_info(ln) == {"info_kind": "ipvlan",
                               "info_data": {"mode": "l2", "private": True}}
    assert ln["link"] == "eth0"
    assert {"UP", "LOWER_UP"} <= set(ln["flags"])
    assert ln["address"] == link(run, f"{ka}.a_parent")["address"]
    assert f"{IPVLAN_ADDR}/24" in addrs(run, f"{ka}.a_addr")
    assert "mode l2 private" in run.ok(f"{ka}.a_link_text")
    assert "(VI_1): Success creating ipvlan interface ipv1" in log(run, f"{ka}.a_log")


def test_vip_on_the_parent_ours(run):
    """Ours, like 2.2.7, leaves the VIP on the parent eth0 (the ipvlan
    shares its MAC) and sends the gratuitous ARPs there."""
    assert f"{VIP}/24" in addrs(run, "keepalived.a_parent")
    assert f"{VIP}/24" not in addrs(run, "keepalived.a_addr")
    assert "(VI_1) Sending/queueing gratuitous ARPs on eth0 for 192.168.77.100" in \
        log(run, "keepalived.a_log")


def test_reference_puts_vip_on_parent(run):
    """For the record: 2.2.7 puts the VIP on the parent eth0, not on the
    ipvlan, and sends its gratuitous ARPs on eth0 (same MAC on the wire)."""
    _need(run, "keepalived-ref")
    assert f"{VIP}/24" in addrs(run, "keepalived-ref.a_parent")
    assert f"{VIP}/24" not in addrs(run, "keepalived-ref.a_addr")
    assert "(VI_1) Sending/queueing gratuitous ARPs on eth0 for 192.168.77.100" in \
        log(run, "keepalived-ref.a_log")


def test_vip_where_reference_puts_it(run):
    _need(run, "keepalived-ref")
    for step in ["a_addr", "a_parent"]:
        assert (f"{VIP}/24" in addrs(run, f"keepalived.{step}")) == \
            (f"{VIP}/24" in addrs(run, f"keepalived-ref.{step}")), step


@pytest.mark.parametrize("ka", KAS)
def test_adverts_from_the_ipvlan(run, ka):
    """Adverts leave through ipv1 (its tx counter grows by about one a
    second) from its address with eth0's MAC; the peer sees a MASTER of
    priority 200 and stays BACKUP; gratuitous ARPs for the VIP carry the
    same MAC, one burst at MASTER and one after garp_master_delay."""
    _need(run, ka)
    tx1 = link(run, f"{ka}.a_stats1")["stats64"]["tx"]["packets"]
    tx2 = link(run, f"{ka}.a_stats2")["stats64"]["tx"]["packets"]
    assert tx2 - tx1 >= 4
    peer = log(run, f"{ka}.a_peer_log")
    assert "(VI_1) Master received advert from 192.168.77.50 with higher priority 200, ours 100" \
        in peer or "(VI_1) Entering MASTER STATE" not in peer
    assert [x for x in peer if "Entering" in x][-1].startswith("(VI_1) Entering BACKUP STATE")
    _need(run, ka, dump=True)
    mac = link(run, f"{ka}.a_parent")["address"]
    mine = [a for a in adverts(run, ka) if a[1] != "192.168.77.20"]
    assert len(mine) >= 6
    assert {a[:3] for a in mine} == {(mac, IPVLAN_ADDR, 51)}
    assert {a[3] for a in mine} <= {200, 0}
    g = [t for t, m in garps(run, ka, VIP) if m == mac]
    # a burst of 5 at MASTER, another after garp_master_delay (5 s); under a
    # loaded host one run of ours saw a third burst within 6 s (not yet
    # explained; extra GARPs are harmless), so only the two are asserted
    assert len([t for t in g if t - g[0] < 0.5]) >= 5, g
    assert len([t for t in g if 4.5 <= t - g[0] < 5.5]) >= 5, g


@pytest.mark.parametrize("ka", KAS)
def test_deleted_ipvlan_is_made_again(run, ka):
    """ip link del ipv1: FAULT, then a new ipv1 of the same kind with its
    address (2.2.7 too)."""
    _need(run, ka)
    run.ok(f"{ka}.a_wait_link")
    ln = link(run, f"{ka}.a_link_back")
    assert ln["ifindex"] != link(run, f"{ka}.a_link")["ifindex"]
    assert ipvlan_info(ln) == ipvlan_info(link(run, f"{ka}.a_link"))
    assert {"UP", "LOWER_UP"} <= set(ln["flags"])
    assert f"{IPVLAN_ADDR}/24" in addrs(run, f"{ka}.a_addr_back")
    lines = log(run, f"{ka}.a_log")
    assert "Interface ipv1 deleted" in lines
    assert lines.count("(VI_1): Success creating ipvlan interface ipv1") == 2
    assert "(VI_1) Entering FAULT STATE" in lines


def test_ours_is_master_again_after_delete(run):
    run.ok("keepalived.a_wait_back")
    assert run.ok("keepalived.a_masters").strip() == "2"
    assert f"{VIP}/24" in addrs(run, "keepalived.a_parent_back")


def test_reference_stays_in_fault_after_delete(run):
    """For the record: 2.2.7 makes ipv1 again but its instance stays in
    FAULT (no MASTER within 10 s, no VIP; the peer takes over)."""
    _need(run, "keepalived-ref")
    assert run.step("keepalived-ref.a_wait_back")[0] != 0
    assert run.ok("keepalived-ref.a_masters").strip() == "1"
    lines = log(run, "keepalived-ref.a_log")
    after = lines[lines.index("Interface ipv1 deleted"):]
    assert not [x for x in after if "Entering" in x]
    assert f"{VIP}/24" not in addrs(run, "keepalived-ref.a_parent_after")


@pytest.mark.parametrize("ka", KAS)
def test_term_removes_the_ipvlan(run, ka):
    _need(run, ka)
    assert run.ok(f"{ka}.a_stop").strip() == "exit 0"
    run.ok(f"{ka}.a_after_term")
    assert addrs(run, f"{ka}.a_parent_after") == [f"{PARENT_ADDR}/24"]


def test_term_log_as_reference(run):
    _need(run, "keepalived-ref")
    want = "(VI_1) Success removing VMAC interface ipv1"
    assert want in log(run, "keepalived-ref.a_log")
    assert want in log(run, "keepalived.a_log")


@pytest.mark.parametrize("ka", KAS)
def test_bare_use_ipvlan_is_fault(run, ka):
    """use_ipvlan without an address: FAULT, no VIP anywhere, and nothing
    left after TERM."""
    _need(run, ka)
    run.ok(f"{ka}.b_wait_fault")
    lines = log(run, f"{ka}.b_log")
    assert any(x.endswith("(VI_2) IPv4 ipvlan requires a source ip address to be configured. "
                          "setting instance to fault state") for x in lines)
    assert not [x for x in lines if "MASTER" in x]
    assert addrs(run, f"{ka}.b_parent") == [f"{PARENT_ADDR}/24"]
    assert run.ok(f"{ka}.b_stop").strip() == "exit 0"
    run.ok(f"{ka}.b_after_term")


def test_reference_makes_bare_ipvlan_link(run):
    """For the record: 2.2.7 still creates vrrp.52 (l2 bridge, no address)."""
    _need(run, "keepalived-ref")
    ln = link(run, "keepalived-ref.b_link")
    assert ipvlan_info(ln) == {"info_kind": "ipvlan", "info_data": {"mode": "l2", "bridge": True}}
    assert addrs(run, "keepalived-ref.b_addr") == []
    assert "(VI_2): Success creating ipvlan interface vrrp.52" in log(run, "keepalived-ref.b_log")


def test_bare_ipvlan_link_as_reference(run):
    _need(run, "keepalived-ref")
    assert run.step("keepalived.b_link")[0] == 0
    assert ipvlan_info(link(run, "keepalived.b_link")) == \
        ipvlan_info(link(run, "keepalived-ref.b_link"))


def c_view(run, ka):
    """{link name: (info_data, IPv4 addresses)} of the ipvlan links of
    ipvlan-c.conf, and the IPv4 addresses of eth0."""
    links = {x["ifname"]: x for x in json.loads(run.ok(f"{ka}.c_links"))}
    ads = {x["ifname"]: [f"{a['local']}/{a['prefixlen']}" for a in x["addr_info"]
                         if a["family"] == "inet"]
           for x in json.loads(run.ok(f"{ka}.c_addrs"))}
    out = {n: (x["linkinfo"]["info_data"], sorted(ads.get(n, [])))
           for n, x in links.items() if x.get("linkinfo", {}).get("info_kind") == "ipvlan"}
    return out, sorted(ads["eth0"])


def test_address_and_mode_without_name_ours(run):
    """"use_ipvlan 192.168.77.53/24 vepa": vrrp.53, mode vepa, the VIP on
    its parent eth0 (as 2.2.7); gone at TERM."""
    run.ok("keepalived.c_wait_master")
    links, parent = c_view(run, "keepalived")
    assert links == {"vrrp.53": ({"mode": "l2", "vepa": True}, ["192.168.77.53/24"])}
    assert parent == [f"{PARENT_ADDR}/24", "192.168.77.103/24"]
    assert run.ok("keepalived.c_stop").strip() == "exit 0"
    assert json.loads(run.ok("keepalived.c_after_term") or "[]") == []


def test_address_and_mode_without_name_reference(run):
    """For the record: 2.2.7 makes the same link, with the VIP on eth0."""
    _need(run, "keepalived-ref")
    run.ok("keepalived-ref.c_wait_master")
    links, parent = c_view(run, "keepalived-ref")
    assert links == {"vrrp.53": ({"mode": "l2", "vepa": True}, ["192.168.77.53/24"])}
    assert parent == ["192.168.77.10/24", "192.168.77.103/24"]
    assert run.ok("keepalived-ref.c_stop").strip() == "exit 0"
    assert json.loads(run.ok("keepalived-ref.c_after_term") or "[]") == []


def test_same_links_as_reference(run):
    _need(run, "keepalived-ref")
    ours, _ = c_view(run, "keepalived")
    ref, _ = c_view(run, "keepalived-ref")
    assert {n: v[0] for n, v in ours.items()} == {n: v[0] for n, v in ref.items()}
