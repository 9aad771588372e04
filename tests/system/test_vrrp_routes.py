"""virtual_routes / virtual_rules and static_ipaddress / static_routes /
static_rules, between two of our routers (and against Debian's 2.2.7).

A MASTER installs its instance's routes and rules (protocol keepalived),
a BACKUP does not; failover moves them; TERM removes them (and the static
ones, even with -V, as 2.2.7 does; -V keeps the virtual ones like VIPs);
static ones are there once the VRRP child runs; a reload removes and adds
only the entries that changed; a route the kernel refuses is logged with
the kernel's reason and the instance carries on.  Assertions read
`ip -j route show table all proto keepalived` and `ip -j rule`; every wait
polls with a deadline.
"""

import json
import signal
import subprocess

import pytest

from conftest import needs_root, wait_for
from vrrp_lab import Segment, addrs, conf_instance

pytestmark = needs_root

GW = "192.168.200.1"

VROUTES = f"""  virtual_routes {{
    10.20.0.0/24 via {GW} dev eth0
    src 192.168.200.100 to 10.21.0.0/24 via {GW} dev eth0 metric 5 table 200
    blackhole 10.22.0.0/24 no_track
    10.25.0.0/24 no_track nexthop via {GW} dev eth0 weight 1 \
nexthop via 192.168.200.2 dev eth0 weight 2
    10.27.0.0/24 via {GW} dev eth0 mtu 1400 advmss 1300
  }}
  virtual_rules {{
    from 10.30.0.0/24 table 100 preference 200
    to 10.31.0.0/24 table 101 preference 201
    fwmark 5/0xff table 102 preference 202
    from 10.33.0.0/24 goto 300 preference 206
    from 10.34.0.0/24 prohibit preference 207
  }}
"""

STATICS = f"""static_ipaddress {{
  10.9.9.9/32 dev eth0
}}
static_routes {{
  10.50.0.0/24 via {GW} dev eth0
}}
static_rules {{
  from 10.60.0.0/24 table 100 preference 100
}}
"""

V_DSTS = {"10.20.0.0/24", "10.21.0.0/24", "10.22.0.0/24", "10.25.0.0/24", "10.27.0.0/24"}
V_PREFS = {200, 201, 202, 206, 207}
S_DSTS = {"10.50.0.0/24"}
S_PREFS = {100}


def conf(prio, routes=VROUTES, statics=STATICS, vrid=51, vip="192.168.200.100/24"):
    return conf_instance(prio, 3, vips=(vip,), advert="0.1", vrid=vrid, extra=routes) + statics


@pytest.fixture
def lab(netns, procs, workdir):
    seg = Segment(netns, procs, workdir, ["r1", "r2"])
    yield seg
    seg.close()


def start(lab, binary, name, text, extra=()):
    return lab.start(binary, name, text, extra)


def routes(lab, name):
    """Routes with protocol keepalived, both families, as ip -j -d gives them."""
    out = []
    for fam in ("-4", "-6"):
        r = lab.netns.exec(lab.ns[name], "ip", fam, "-j", "-d", "route", "show", "table", "all",
                           "proto", "keepalived", check=False)
        if r.returncode == 0 and r.stdout.strip():
            out += json.loads(r.stdout)
    return out


def rules(lab, name):
    """Rules with protocol keepalived, both families."""
    out = []
    for fam in ("-4", "-6"):
        r = lab.netns.exec(lab.ns[name], "ip", fam, "-j", "rule", "show", check=False)
        out += [x for x in json.loads(r.stdout or "[]") if x.get("protocol") == "keepalived"]
    return out


def dsts(lab, name):
    return {x["dst"] for x in routes(lab, name)}


def prefs(lab, name):
    return {x["priority"] for x in rules(lab, name)}


def has_all(lab, name, want_dsts, want_prefs):
    return want_dsts <= dsts(lab, name) and want_prefs <= prefs(lab, name)


def has_none(lab, name, dsts_, prefs_):
    return not (dsts_ & dsts(lab, name)) and not (prefs_ & prefs(lab, name))


def test_master_backup_failover_stop(lab, keepalived_bin):
    r1 = start(lab, keepalived_bin, "r1", conf(100))
    r2 = start(lab, keepalived_bin, "r2", conf(200))
    wait_for(lambda: has_all(lab, "r2", V_DSTS | S_DSTS, V_PREFS | S_PREFS), 10,
             what="r2 (MASTER) routes and rules")
    wait_for(lambda: "(VI_1) Entering BACKUP STATE" in r1.log_text(), 5, what="r1 BACKUP")
    # the BACKUP has only the static ones
    wait_for(lambda: has_all(lab, "r1", S_DSTS, S_PREFS), 5, what="r1 statics")
    assert has_none(lab, "r1", V_DSTS, V_PREFS)
    assert "10.9.9.9" in addrs(lab.netns, lab.ns["r1"])
    # what r2 installed, field by field
    by_dst = {x["dst"]: x for x in routes(lab, "r2")}
    r = by_dst["10.21.0.0/24"]
    assert (r["gateway"], r["table"], r["metric"], r["prefsrc"]) == \
        (GW, "200", 5, "192.168.200.100")
    assert by_dst["10.22.0.0/24"]["type"] == "blackhole"
    assert [(h["gateway"], h["weight"]) for h in by_dst["10.25.0.0/24"]["nexthops"]] == \
        [(GW, 1), ("192.168.200.2", 2)]
    assert by_dst["10.27.0.0/24"]["metrics"] == [{"mtu": 1400, "advmss": 1300}]
    by_pref = {x["priority"]: x for x in rules(lab, "r2")}
    assert by_pref[202]["fwmark"] == "0x5" and by_pref[202]["fwmask"] == "0xff"
    assert by_pref[206]["goto"] == 300
    assert by_pref[207]["action"] == "prohibit"
    log = r2.log_text()
    assert log.index("(VI_1) setting VIPs.") < log.index("(VI_1) setting Virtual Routes") < \
        log.index("(VI_1) setting Virtual Rules")

    # graceful failover: everything of r2 goes, r1 takes the virtual ones
    r2.signal(signal.SIGTERM)
    r2.wait_exit()
    wait_for(lambda: has_all(lab, "r1", V_DSTS, V_PREFS), 5, what="r1 takes the routes")
    assert not routes(lab, "r2") and not rules(lab, "r2")
    assert "10.9.9.9" not in addrs(lab.netns, lab.ns["r2"])
    log = r2.log_text()
    assert log.index("(VI_1) removing Virtual Rules") < \
        log.index("(VI_1) removing Virtual Routes") < log.rindex("(VI_1) removing VIPs.")

    r1.signal(signal.SIGTERM)
    r1.wait_exit()
    assert not routes(lab, "r1") and not rules(lab, "r1")


def test_dont_release_keeps_virtual_not_static(lab, keepalived_bin):
    r1 = start(lab, keepalived_bin, "r1", conf(200), extra=["-V"])
    wait_for(lambda: has_all(lab, "r1", V_DSTS | S_DSTS, V_PREFS | S_PREFS), 10,
             what="r1 routes and rules")
    r1.signal(signal.SIGTERM)
    r1.wait_exit()
    # 2.2.7 with -V: VIPs, virtual routes and rules stay; static ones go
    assert V_DSTS == dsts(lab, "r1") and V_PREFS == prefs(lab, "r1")
    assert "10.9.9.9" not in addrs(lab.netns, lab.ns["r1"])


def reload(router, text):
    before = router.count("Reloading")
    router.conf.write_text(text)
    router.signal(signal.SIGHUP)
    wait_for(lambda: router.count("Reloading") >= before + 2, 5, what="reload logged")


class Monitor:
    """`ip monitor route rule address` in a router's namespace, into a file.
    A marker rule (added and deleted) shows when the monitor has subscribed
    and, later, that every earlier event has been written."""

    def __init__(self, lab, name):
        self.lab, self.ns = lab, lab.ns[name]
        self.path = lab.workdir / f"monitor-{name}.txt"
        self.f = open(self.path, "w")
        lab.procs.start(["ip", "netns", "exec", self.ns, "ip", "monitor", "route", "rule",
                         "address"], stdout=self.f, stderr=subprocess.STDOUT)
        self.marks = 0
        self.mark()

    def mark(self):
        self.marks += 1
        sel = ["from", f"10.99.{self.marks}.0/24", "table", "99", "pref", "99"]

        def seen():
            self.lab.netns.exec(self.ns, "ip", "rule", "add", *sel)
            self.lab.netns.exec(self.ns, "ip", "rule", "del", *sel)
            return f"10.99.{self.marks}.0/24" in self.path.read_text()
        wait_for(seen, 5, what="ip monitor marker")

    def events(self):
        self.mark()
        self.f.close()
        return self.path.read_text()


def test_reload_moves_only_changed_entries(lab, keepalived_bin):
    r1 = start(lab, keepalived_bin, "r1", conf(200))
    wait_for(lambda: has_all(lab, "r1", V_DSTS | S_DSTS, V_PREFS | S_PREFS), 10,
             what="r1 routes and rules")
    mon = Monitor(lab, "r1")
    new_routes = VROUTES.replace("10.20.0.0/24", "10.23.0.0/24") \
                        .replace("from 10.30.0.0/24", "from 10.32.0.0/24")
    new_statics = STATICS.replace("10.50.0.0/24", "10.51.0.0/24").replace("10.9.9.9", "10.9.9.8")
    reload(r1, conf(200, new_routes, new_statics))
    wait_for(lambda: {"10.23.0.0/24", "10.51.0.0/24"} <= dsts(lab, "r1"), 5, what="new routes")
    wait_for(lambda: "10.9.9.8" in addrs(lab.netns, lab.ns["r1"]), 5, what="new static address")
    got = dsts(lab, "r1")
    assert "10.20.0.0/24" not in got and "10.50.0.0/24" not in got
    by_pref = {x["priority"]: x for x in rules(lab, "r1")}
    assert by_pref[200]["src"] == "10.32.0.0"
    assert "10.9.9.9" not in addrs(lab.netns, lab.ns["r1"])
    events = mon.events()
    # nothing unchanged was touched
    for kept in ("10.21.0.0/24", "10.22.0.0/24", "10.25.0.0/24", "10.27.0.0/24", "to 10.31.0.0",
                 "fwmark 0x5", "goto 300", "10.60.0.0", "192.168.200.100"):
        assert kept not in events, events
    assert "Deleted 10.20.0.0/24" in events and "10.23.0.0/24" in events
    log = r1.log_text()
    assert "Removing route 10.20.0.0/24" in log and "ip rule from 10.30.0.0/24 removed" in log
    assert "Removing route 10.50.0.0/24" in log
    assert "Entering MASTER STATE" in log and log.count("Entering") == 2   # init + MASTER


def test_kernel_rejects_a_route(lab, keepalived_bin):
    bad = f"""  virtual_routes {{
    10.28.0.0/24 via 172.16.0.1 dev eth0
    10.20.0.0/24 via {GW} dev eth0
  }}
"""
    r1 = start(lab, keepalived_bin, "r1", conf(200, bad, ""))
    wait_for(lambda: "10.20.0.0/24" in dsts(lab, "r1"), 10, what="the good route")
    log = r1.log_text()
    assert "(VI_1) cannot add route 10.28.0.0/24: Nexthop has invalid gateway" in log, log
    assert "(VI_1) Entering MASTER STATE" in log
    assert "192.168.200.100" in addrs(lab.netns, lab.ns["r1"])


def normalized(lab, name):
    rs = sorted(json.dumps({k: v for k, v in x.items() if k != "expires"}, sort_keys=True)
                for x in routes(lab, name))
    ru = sorted(json.dumps(x, sort_keys=True) for x in rules(lab, name))
    return rs, ru


EXTRA_ROUTES = f"""    10.24.0.0/24 dev eth0 scope link
    10.26.0.0/24 via 172.16.0.1 dev eth0 onlink
    2001:db8:1::/64 dev eth0 metric 10
    2001:db8:7::/64 dev eth0 pref high expires 100
    10.40.0.0/24 via {GW} dev eth0 tos 0x04 priority 12 mtu 1000 hoplimit 100 advmss 101 \
rtt 102 rttvar 300 reordering 104 window 105 cwnd 106 ssthresh lock 107 realms 10/20 rto_min 108 \
initcwnd 109 initrwnd 110 features ecn quickack 1 fastopen_no_cookie 1 congctl lock cubic
"""

EXTRA_RULES = """    from 10.35.0.0/24 table 9
    from 2001:db8:2::/64 table 100 preference 210
    from 10.70.0.0/24 to 10.71.0.0/24 table 100 iif eth0 oif eth0 tos 0x10 fwmark 24/12 \
preference 39 realms 30/20
    to 10.73.0.0/24 l3mdev preference 37
    from 10.74.0.0/24 ipproto udp sport 10-20 dport 30-40 table 5 preference 36
    not from 10.75.0.0/24 table 5 preference 35
    from 10.76.0.0/24 table 5 uidrange 100-200 suppress_prefixlength 0 preference 34
    from 10.77.0.0/24 nop preference 33
"""


def test_same_as_reference(lab, keepalived_bin, reference_bin):
    """Both run the same routes and rules (different VRIDs, so both are
    MASTER): the kernel ends up with the same entries in each namespace,
    every "ip route"/"ip rule" option included."""
    text = VROUTES.replace("  }\n  virtual_rules", EXTRA_ROUTES + "  }\n  virtual_rules") \
        .replace("    from 10.34.0.0/24 prohibit preference 207\n",
                 "    from 10.34.0.0/24 prohibit preference 207\n" + EXTRA_RULES)
    # rules without a preference are numbered in file order from 16384 down
    statics = STATICS + "static_rules {\n  to 10.61.0.0/24 table 101\n}\n"
    start(lab, reference_bin, "r1", conf(200, text, statics, vrid=52))
    start(lab, keepalived_bin, "r2", conf(200, text, statics, vrid=53))
    want = V_DSTS | S_DSTS | {"10.24.0.0/24", "10.26.0.0/24", "2001:db8:1::/64",
                              "2001:db8:7::/64", "10.40.0.0/24"}
    want_prefs = V_PREFS | S_PREFS | {16383, 16384, 210, 39, 37, 36, 35, 34, 33}
    for r in ("r1", "r2"):
        wait_for(lambda r=r: has_all(lab, r, want, want_prefs), 10,
                 what=f"{r} routes")
    (ours_rt, ours_ru), (ref_rt, ref_ru) = normalized(lab, "r2"), normalized(lab, "r1")
    assert [x for x in ours_rt if x not in ref_rt] == [x for x in ref_rt if x not in ours_rt]
    assert [x for x in ours_ru if x not in ref_ru] == [x for x in ref_ru if x not in ours_ru]


def test_deleted_behind_our_back(lab, keepalived_bin):
    """2.2.7: a deleted static route/rule is restored; a MASTER whose
    tracked virtual route or rule is deleted steps down and comes back
    (nobody else is there); a no_track one is left deleted."""
    r1 = start(lab, keepalived_bin, "r1", conf(200))
    wait_for(lambda: has_all(lab, "r1", V_DSTS | S_DSTS, V_PREFS | S_PREFS), 10,
             what="r1 routes and rules")
    ns = lab.ns["r1"]
    lab.netns.exec(ns, "ip", "route", "del", "10.50.0.0/24")
    lab.netns.exec(ns, "ip", "rule", "del", "pref", "100")
    wait_for(lambda: has_all(lab, "r1", S_DSTS, S_PREFS), 5, what="statics restored")
    assert r1.count("Restoring deleted static route 10.50.0.0/24") == 1
    assert r1.count("Restoring deleted static rule from 10.60.0.0/24") == 1

    lab.netns.exec(ns, "ip", "route", "del", "10.22.0.0/24")          # no_track
    lab.netns.exec(ns, "ip", "route", "del", "10.20.0.0/24")          # tracked
    wait_for(lambda: "(VI_1) virtual route 10.20.0.0/24 was deleted" in r1.log_text(), 5,
             what="deletion noticed")
    wait_for(lambda: r1.count("(VI_1) Entering MASTER STATE") == 2, 5, what="MASTER again")
    wait_for(lambda: "10.20.0.0/24" in dsts(lab, "r1"), 5, what="route back")
    assert r1.count("(VI_1) Entering BACKUP STATE") == 2            # init + step down
    assert "10.22.0.0/24 was deleted" not in r1.log_text()

    lab.netns.exec(ns, "ip", "rule", "del", "pref", "201")
    wait_for(lambda: r1.count("(VI_1) Entering MASTER STATE") == 3, 5, what="MASTER again")
    wait_for(lambda: 201 in prefs(lab, "r1"), 5, what="rule back")
    assert "(VI_1) virtual rule from all to 10.31.0.0/24 was deleted" in r1.log_text()
