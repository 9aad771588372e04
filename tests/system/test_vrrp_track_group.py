"""track_group on static_ipaddress / static_routes / static_rules, and the
restoring of static addresses, as Debian's 2.2.7 does them.

Observed with 2.2.7 (one router, VI_1 listed in track_group G, VI_2 not,
static entries on a second interface eth1):
  - a deleted static address is added back at once, logged
    "Restoring deleted static address 10.9.9.9/24 dev eth1 scope global
    track_group G set" (without "track_group G" when it has none);
  - eth1 going down puts the instances of G in FAULT (as a weight-0
    tracked interface would), whether the entry with track_group G is an
    address or a route; other instances are not affected;
  - eth1 coming back up: those instances leave FAULT, and every static
    address and route on eth1 is added again, each logged as restored
    (the kernel flushed the routes when the link went down).
Each test runs against our keepalived and, when installed, 2.2.7 itself,
so the two stay comparable.
"""

import pytest

from conftest import needs_root, wait_for
from vrrp_lab import Segment, addrs

pytestmark = needs_root


def conf(addr_group=" track_group G", route_group=""):
    inst = ""
    for name, vrid, vip in (("VI_1", 61, "192.168.200.101/24"), ("VI_2", 62, "192.168.200.102/24")):
        inst += f"""vrrp_instance {name} {{
  state BACKUP
  interface eth0
  virtual_router_id {vrid}
  priority 100
  advert_int 0.5
  virtual_ipaddress {{
    {vip}
  }}
}}
"""
    return f"""global_defs {{
  vrrp_version 3
}}
track_group G {{
  group {{
    VI_1
  }}
}}
static_ipaddress {{
  10.9.9.9/24 dev eth1{addr_group}
  10.8.8.8/24 dev eth1
}}
static_routes {{
  10.50.0.0/24 via 10.9.9.1 dev eth1{route_group}
  10.51.0.0/24 via 10.8.8.1 dev eth1
}}
""" + inst


@pytest.fixture
def lab(netns, procs, workdir):
    seg = Segment(netns, procs, workdir, ["r1"])
    netns.dummy(seg.ns["r1"], "eth1")
    # without the dummy module eth1 is a veth whose peer must be up too
    netns.exec(seg.ns["r1"], "ip", "link", "set", "eth1p", "up", check=False)
    yield seg
    seg.close()


def routes(lab):
    r = lab.netns.exec(lab.ns["r1"], "ip", "-4", "route", "show", "proto", "keepalived")
    return {line.split()[0] for line in r.stdout.splitlines() if line.strip()}


def eth1(lab, *argv):
    lab.netns.exec(lab.ns["r1"], "ip", *argv)


def binaries(keepalived_bin, request, which):
    return keepalived_bin if which == "ours" else request.getfixturevalue("reference_bin")


@pytest.mark.parametrize("which", ["ours", "reference"])
@pytest.mark.parametrize("grouped", ["address", "route"])
def test_track_group_fault_and_restore(lab, keepalived_bin, request, which, grouped):
    binary = binaries(keepalived_bin, request, which)
    text = conf() if grouped == "address" else conf("", " track_group G")
    r1 = lab.start(binary, "r1", text)
    ns = lab.ns["r1"]
    wait_for(lambda: r1.count("Entering MASTER STATE") == 2, 10, what="both MASTER")
    assert {"10.9.9.9", "10.8.8.8"} <= addrs(lab.netns, ns, "eth1")
    assert {"10.50.0.0/24", "10.51.0.0/24"} <= routes(lab)

    # a static address deleted behind our back comes back at once
    eth1(lab, "addr", "del", "10.8.8.8/24", "dev", "eth1")
    wait_for(lambda: "10.8.8.8" in addrs(lab.netns, ns, "eth1"), 5, what="address restored")
    wait_for(lambda: "Restoring deleted static address 10.8.8.8/24 dev eth1 scope global set"
             in r1.log_text(), 5, what="restore logged")

    # the interface of a track_group entry down: VI_1 (in G) to FAULT, VI_2 stays
    eth1(lab, "link", "set", "eth1", "down")
    wait_for(lambda: "(VI_1) Entering FAULT STATE" in r1.log_text(), 5, what="VI_1 FAULT")
    wait_for(lambda: "192.168.200.101" not in addrs(lab.netns, ns), 5, what="VI_1 VIP released")
    assert "(VI_2) Entering FAULT STATE" not in r1.log_text()
    assert "192.168.200.102" in addrs(lab.netns, ns)

    # back up: VI_1 leaves FAULT, statics of eth1 added again
    eth1(lab, "link", "set", "eth1", "up")
    wait_for(lambda: r1.count("(VI_1) Entering MASTER STATE") == 2, 10, what="VI_1 MASTER again")
    wait_for(lambda: {"10.50.0.0/24", "10.51.0.0/24"} <= routes(lab), 5, what="routes restored")
    log = r1.log_text()
    assert "Restoring deleted static route" in log and "10.51.0.0/24" in log
    tg = " track_group G" if grouped == "address" else ""
    assert f"Restoring deleted static address 10.9.9.9/24 dev eth1 scope global{tg} set" in log
    assert "(VI_2) Entering FAULT STATE" not in log


@pytest.mark.parametrize("which", ["ours", "reference"])
def test_no_track_group_no_fault(lab, keepalived_bin, request, which):
    """Static entries without a track_group: their interface going down
    faults nobody; coming back up restores them."""
    binary = binaries(keepalived_bin, request, which)
    r1 = lab.start(binary, "r1", conf(""))
    wait_for(lambda: r1.count("Entering MASTER STATE") == 2, 10, what="both MASTER")
    eth1(lab, "link", "set", "eth1", "down")
    wait_for(lambda: "eth1" in r1.log_text() or not routes(lab), 5, what="link down seen")
    eth1(lab, "link", "set", "eth1", "up")
    wait_for(lambda: {"10.50.0.0/24", "10.51.0.0/24"} <= routes(lab), 5, what="routes restored")
    assert "FAULT" not in r1.log_text()
