"""Reload (SIGHUP) without flapping, between two of our routers.

A MASTER that reloads keeps its state and its VIPs: no state line, no
priority 0 advert, the BACKUP never takes over, the VRRP child keeps its
pid; only VIPs added or removed by the new file change.  An instance
removed from the file stops as at shutdown (priority 0 advert, VIPs
released); an instance added starts as at startup.
"""

import signal
import time


from conftest import needs_root, wait_for
from test_vrrp_basic import lab, start  # noqa: F401  (fixture)
from vrrp_lab import Capture, SUBNET, VIP4, addrs, conf_instance

pytestmark = needs_root

VIP_B = f"{SUBNET}.101"
VIP_C = f"{SUBNET}.102"


def vips(lab, name):
    return addrs(lab.netns, lab.ns[name])


def reload(router, conf):
    before = router.count("Reloading")
    router.conf.write_text(conf)
    router.signal(signal.SIGHUP)
    # parent and VRRP child each log "Reloading"
    wait_for(lambda: router.count("Reloading") >= before + 2, 5, what="reload logged")


def test_master_reload_keeps_state_and_changes_only_vips(lab, keepalived_bin):
    cap = Capture(lab.netns, lab.procs, lab.ns["obs"])
    r1 = start(lab, keepalived_bin, "r1", conf_instance(200, 3, advert="0.2"))
    # r2 keeps its address list: it must not drop r1's changed adverts
    r2 = start(lab, keepalived_bin, "r2", conf_instance(100, 3, advert="0.2",
                                                        extra="  skip_check_adv_addr"))
    wait_for(lambda: VIP4 in vips(lab, "r1"), 10, what="VIP on r1")
    wait_for(lambda: "(VI_1) Entering BACKUP STATE" in r2.log_text(), 5, what="r2 BACKUP")
    started = r2.count("Entering MASTER STATE")
    vrrp_pid = r1.read_pid(r1.vrrp_pid)
    entering = r1.count("Entering")
    # every address change on r1, to prove VIP4 is never removed, even briefly
    mon_log = lab.workdir / "r1-addr-monitor.log"
    mon_out = open(mon_log, "w")
    mon = lab.procs.start(["stdbuf", "-oL", "ip", "-n", lab.ns["r1"], "monitor", "address"],
                          stdout=mon_out)
    # the monitor is listening once it reports a probe address on lo (it may
    # subscribe after our first change: keep toggling the probe until seen)
    def probe_seen():
        seen = "192.0.2.1" in mon_log.read_text()
        if not seen:
            lab.netns.exec(lab.ns["r1"], "ip", "addr", "replace", "192.0.2.1/32", "dev", "lo",
                           "valid_lft", "forever", "preferred_lft", str(probe_seen.n % 1000))
            probe_seen.n += 1
        return seen
    probe_seen.n = 0
    wait_for(probe_seen, 5, interval=0.1, what="address monitor ready")
    t0 = time.time()

    reload(r1, conf_instance(200, 3, advert="0.2", vips=(f"{VIP4}/24", f"{VIP_B}/24")))
    wait_for(lambda: VIP_B in vips(lab, "r1"), 5, what="added VIP on r1")
    assert VIP4 in vips(lab, "r1")
    mon.terminate()
    mon.wait()
    mon_out.close()
    changes = mon_log.read_text()
    assert f"inet {VIP_B}/24" in changes                       # the monitor saw the add
    assert "Deleted" not in changes, changes                    # and no removal at all
    reload(r1, conf_instance(200, 3, advert="0.2", vips=(f"{VIP_B}/24",)))
    wait_for(lambda: VIP4 not in vips(lab, "r1"), 5, what="removed VIP gone from r1")
    assert VIP_B in vips(lab, "r1")
    # adverts carry the new address list
    t1 = time.time()
    wait_for(lambda: cap.select(t1, kind="vrrp", vrid=51), 5, what="advert after reload")
    time.sleep(0.5)  # absence of flapping needs a window: a few advert intervals

    assert r1.count("Entering") == entering, r1.log_text()
    assert r2.count("Entering MASTER STATE") == started
    assert r1.read_pid(r1.vrrp_pid) == vrrp_pid
    adverts = cap.select(t0, kind="vrrp", vrid=51)
    assert adverts and all(a["prio"] == 200 for a in adverts), adverts
    assert {a["src"] for a in adverts} == {f"{SUBNET}.10"}
    assert not vips(lab, "r2") & {VIP4, VIP_B}


def two_instances(vrid_a, vrid_b, name_b="VI_2", vip_b=VIP_C):
    first = conf_instance(200, 3, advert="0.2")
    second = conf_instance(200, 3, advert="0.2", name=name_b, vrid=vrid_b,
                           vips=(f"{vip_b}/24",))
    # keep one global_defs block
    return first + second[second.index("vrrp_instance"):] if vrid_a else second


def test_removed_instance_releases_and_added_instance_starts(lab, keepalived_bin):
    cap = Capture(lab.netns, lab.procs, lab.ns["obs"])
    r1 = start(lab, keepalived_bin, "r1", conf_instance(200, 3, advert="0.2"))
    wait_for(lambda: VIP4 in vips(lab, "r1"), 10, what="VIP on r1")
    t0 = time.time()
    # VI_1 (vrid 51) goes away, VI_2 (vrid 52) arrives
    reload(r1, two_instances(0, 52))
    wait_for(lambda: cap.select(t0, kind="vrrp", vrid=51, prio=0), 5,
             what="priority 0 advert of the removed instance")
    wait_for(lambda: VIP4 not in vips(lab, "r1"), 5, what="VIP of the removed instance gone")
    wait_for(lambda: "(VI_2) Entering MASTER STATE" in r1.log_text(), 5, what="VI_2 MASTER")
    wait_for(lambda: VIP_C in vips(lab, "r1"), 5, what="VIP of the added instance")
    log = r1.log_text()
    assert "(VI_2) Entering BACKUP STATE" in log
    assert log.index("(VI_2) Entering BACKUP STATE") < log.index("(VI_2) Entering MASTER STATE")


def test_renamed_instance_is_the_same_instance(lab, keepalived_bin):
    """2.2.7 matches instances by VRID, family, interface and unicast or
    multicast: a new name alone changes nothing on the wire."""
    cap = Capture(lab.netns, lab.procs, lab.ns["obs"])
    r1 = start(lab, keepalived_bin, "r1", conf_instance(200, 3, advert="0.2"))
    wait_for(lambda: VIP4 in vips(lab, "r1"), 10, what="VIP on r1")
    entering = r1.count("Entering")
    t0 = time.time()
    reload(r1, conf_instance(200, 3, advert="0.2", name="VI_RENAMED"))
    time.sleep(0.5)  # absence of flapping needs a window: a few advert intervals
    assert r1.count("Entering") == entering
    assert not cap.select(t0, kind="vrrp", vrid=51, prio=0)
    assert VIP4 in vips(lab, "r1")


def test_priority_change_on_reload_moves_mastership(lab, keepalived_bin):
    r1 = start(lab, keepalived_bin, "r1", conf_instance(200, 3, advert="0.2"))
    r2 = start(lab, keepalived_bin, "r2", conf_instance(100, 3, advert="0.2"))
    wait_for(lambda: VIP4 in vips(lab, "r1"), 10, what="VIP on r1")
    wait_for(lambda: "(VI_1) Entering BACKUP STATE" in r2.log_text(), 5, what="r2 BACKUP")
    # r2 now outranks r1 and preempts (the default)
    reload(r2, conf_instance(250, 3, advert="0.2"))
    wait_for(lambda: VIP4 in vips(lab, "r2"), 5, what="VIP moved to r2")
    wait_for(lambda: VIP4 not in vips(lab, "r1"), 5, what="VIP left r1")
