"""vrrp_sync_group: two instances on two segments move together.

r1 (priority 200) and r2 (priority 100) each run a sync group G1 of VI_A
(eth0, segment 192.168.200.0/24) and VI_B (eth1, 192.168.201.0/24).  When
r1's eth1 goes down, VI_B enters FAULT and takes VI_A with it ("Syncing
instances to FAULT state"), so r2 holds both VIPs; when eth1 comes back,
r1 takes both back.  The group's notify script gets "GROUP G1 STATE 0".
The peer is our keepalived or Debian's 2.2.7.
"""

import time

import pytest

from conftest import needs_root, wait_for
from vrrp_lab import Segment, addrs

pytestmark = needs_root

VIP_A, VIP_B = "192.168.200.100", "192.168.201.100"


def sync_conf(prio, notify_log):
    return f"""global_defs {{
  vrrp_version 3
}}
vrrp_sync_group G1 {{
  group {{ VI_A VI_B }}
  notify "/bin/sh -c 'echo $* >> {notify_log}' notify"
}}
vrrp_instance VI_A {{
  state BACKUP
  interface eth0
  virtual_router_id 61
  priority {prio}
  advert_int 0.2
  virtual_ipaddress {{
    {VIP_A}/24
  }}
}}
vrrp_instance VI_B {{
  state BACKUP
  interface eth1
  virtual_router_id 62
  priority {prio}
  advert_int 0.2
  virtual_ipaddress {{
    {VIP_B}/24
  }}
}}
"""


@pytest.fixture
def lab(netns, procs, workdir):
    seg = Segment(netns, procs, workdir, ["r1", "r2"])
    seg.hub = f"{netns.prefix}-hub"          # made by lan(): add a second segment
    netns.bridge(seg.hub, "br1")
    for i, name in enumerate(["r1", "r2"]):
        netns.veth(seg.ns[name], "eth1", seg.hub, f"q{i}", master_b="br1")
        netns.addr(seg.ns[name], "eth1", f"192.168.201.{10 + i}/24")
    yield seg
    seg.close()


def holds(lab, name):
    """The VIPs router `name` holds, over both interfaces."""
    ns = lab.ns[name]
    return (addrs(lab.netns, ns, "eth0") | addrs(lab.netns, ns, "eth1")) & {VIP_A, VIP_B}


@pytest.mark.parametrize("peer", ["ours", "reference"])
def test_sync_group_fails_over_together(lab, keepalived_bin, reference_bin, peer):
    notify = lab.workdir / "r1-notify.log"
    r1 = lab.start(keepalived_bin, "r1", sync_conf(200, notify))
    r2 = lab.start(keepalived_bin if peer == "ours" else reference_bin, "r2",
                   sync_conf(100, lab.workdir / "r2-notify.log"))
    wait_for(lambda: holds(lab, "r1") == {VIP_A, VIP_B}, 10, what="both VIPs on r1")
    wait_for(lambda: "GROUP G1 MASTER 0" in notify.read_text(), 5, what="group notify MASTER")

    lab.netns.exec(lab.ns["r1"], "ip", "link", "set", "eth1", "down")
    wait_for(lambda: holds(lab, "r2") == {VIP_A, VIP_B}, 5, what="both VIPs on r2")
    assert holds(lab, "r1") == set()
    log = r1.log_text()
    assert "(VI_B) Entering FAULT STATE" in log
    assert "VRRP_Group(G1) Syncing instances to FAULT state" in log
    assert log.index("Syncing instances to FAULT state") < log.rindex("(VI_A) Entering FAULT STATE")
    wait_for(lambda: "GROUP G1 FAULT 0" in notify.read_text(), 5, what="group notify FAULT")

    t_up = time.time()
    lab.netns.exec(lab.ns["r1"], "ip", "link", "set", "eth1", "up")
    wait_for(lambda: holds(lab, "r1") == {VIP_A, VIP_B}, 10, what="both VIPs back on r1")
    wait_for(lambda: holds(lab, "r2") == set(), 5, what="r2 released both VIPs")
    assert time.time() - t_up < 8
    log = r1.log_text()
    assert "VRRP_Group(G1) Syncing instances to BACKUP state" in log
    assert "VRRP_Group(G1) Syncing instances to MASTER state" in log
    lines = notify.read_text().split("\n")
    groups = [ln for ln in lines if ln.startswith("GROUP")]
    assert groups[:1] == ["GROUP G1 BACKUP 0"], lines
    assert groups[-3:] == ["GROUP G1 FAULT 0", "GROUP G1 BACKUP 0", "GROUP G1 MASTER 0"], lines
    r2_log = r2.log_text()
    assert "Syncing instances to BACKUP state" in r2_log


@pytest.mark.parametrize("r2_bin", ["ours", "reference"])
def test_group_master_waits_for_every_member(lab, keepalived_bin, reference_bin, r2_bin):
    """A member whose peer master is still heard keeps the whole group
    BACKUP: r2's VI_A times out (nobody on eth0) but VI_B still hears r1."""
    lab.start(keepalived_bin, "r1", sync_conf(200, lab.workdir / "n1.log"))
    r2 = lab.start(keepalived_bin if r2_bin == "ours" else reference_bin, "r2",
                   sync_conf(100, lab.workdir / "n2.log"))
    wait_for(lambda: holds(lab, "r1") == {VIP_A, VIP_B}, 10, what="both VIPs on r1")
    # r2 stops hearing VI_A's adverts only (links stay up: no FAULT)
    for cmd in ("add table inet cut",
                "add chain inet cut in { type filter hook input priority 0 ; }",
                "add rule inet cut in iifname eth0 ip protocol vrrp drop"):
        lab.netns.exec(lab.ns["r2"], "nft", cmd)
    time.sleep(1.5)  # several master-down intervals of VI_A (0.2 s adverts)
    assert "Entering MASTER STATE" not in r2.log_text()
    assert "Entering FAULT STATE" not in r2.log_text()
    assert holds(lab, "r2") == set()
