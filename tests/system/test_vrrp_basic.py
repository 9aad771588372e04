"""VRRP between two of our routers on one L2 segment (IPv4 multicast).

Each test builds a lab (r1, r2, observer on a flooding bridge), runs our
keepalived in r1 and r2, and asserts on the VIPs each namespace holds
(`ip -j addr`), on the daemons' log lines, and on the frames the observer
sees (adverts, their priority and version, gratuitous ARPs).
"""

import signal
import time

import pytest

from conftest import needs_root, wait_for
from vrrp_lab import Capture, Segment, VIP4, addrs, conf_instance

pytestmark = needs_root


@pytest.fixture
def lab(netns, procs, workdir):
    seg = Segment(netns, procs, workdir, ["r1", "r2", "obs"])
    yield seg
    seg.close()


def start(lab, binary, name, conf, extra=()):
    return lab.start(binary, name, conf, extra)


def has_vip(lab, name, vip=VIP4):
    return vip in addrs(lab.netns, lab.ns[name])


@pytest.mark.parametrize("version", [2, 3])
def test_election_vips_and_garp(lab, keepalived_bin, version):
    cap = Capture(lab.netns, lab.procs, lab.ns["obs"])
    r1 = start(lab, keepalived_bin, "r1", conf_instance(100, version))
    r2 = start(lab, keepalived_bin, "r2", conf_instance(200, version))
    wait_for(lambda: has_vip(lab, "r2"), 10, what="VIP on r2")
    wait_for(lambda: "(VI_1) Entering MASTER STATE" in r2.log_text(), 5, what="r2 MASTER")
    assert "(VI_1) Entering BACKUP STATE (init)" in r1.log_text()
    t0 = time.time()
    # Steady state: only r2 advertises, with its priority and our version.
    wait_for(lambda: len(cap.select(t0, kind="vrrp", vrid=51)) >= 2, 5, what="adverts")
    adv = cap.select(t0, kind="vrrp", vrid=51)
    assert {a["src"] for a in adv} == {"192.168.200.11"}
    assert all(a["prio"] == 200 and a["version"] == version and a["ttl"] == 255 and
               a["dst"] == "224.0.0.18" for a in adv)
    assert not has_vip(lab, "r1")
    assert "Entering MASTER STATE" not in r1.log_text()
    # r2 announced the VIP with gratuitous ARPs.
    assert cap.select(kind="arp", ip=VIP4)


def test_crash_failover_and_preempt_back(lab, keepalived_bin):
    r1 = start(lab, keepalived_bin, "r1", conf_instance(100))
    r2 = start(lab, keepalived_bin, "r2", conf_instance(200))
    wait_for(lambda: has_vip(lab, "r2"), 10, what="VIP on r2")
    r2.kill_group(signal.SIGKILL)
    r2.wait_exit()
    # No priority-0 advert: r1 waits for the master-down interval (3 s + skew).
    wait_for(lambda: has_vip(lab, "r1"), 8, what="VIP on r1 after crash")
    assert r1.count("(VI_1) Entering MASTER STATE") == 1
    # r2 comes back (its stale VIP is still configured) and preempts.
    r2b = start(lab, keepalived_bin, "r2", conf_instance(200))
    wait_for(lambda: "(VI_1) Entering MASTER STATE" in r2b.log_text(), 10, what="r2 preempts")
    wait_for(lambda: not has_vip(lab, "r1"), 5, what="VIP gone from r1")
    assert "Master received advert from 192.168.200.11 with higher priority 200, ours 100" \
        in r1.log_text()


def test_vrrp_child_crash_with_no_respawn(lab, keepalived_bin):
    r1 = start(lab, keepalived_bin, "r1", conf_instance(100))
    r2 = start(lab, keepalived_bin, "r2", conf_instance(200), extra=["-R"])
    wait_for(lambda: has_vip(lab, "r2"), 10, what="VIP on r2")
    child = wait_for(lambda: r2.read_pid(r2.vrrp_pid), 5, what="r2 VRRP pid")
    import os
    os.kill(child, signal.SIGKILL)
    wait_for(lambda: has_vip(lab, "r1"), 8, what="VIP on r1 after child crash")


def test_graceful_failover_sends_priority_zero(lab, keepalived_bin):
    cap = Capture(lab.netns, lab.procs, lab.ns["obs"])
    r1 = start(lab, keepalived_bin, "r1", conf_instance(100))
    r2 = start(lab, keepalived_bin, "r2", conf_instance(200))
    wait_for(lambda: has_vip(lab, "r2"), 10, what="VIP on r2")
    wait_for(lambda: "Entering BACKUP STATE" in r1.log_text(), 5, what="r1 BACKUP")
    t0 = time.time()
    r2.signal(signal.SIGTERM)
    r2.wait_exit()
    zero = wait_for(lambda: cap.select(t0, kind="vrrp", src="192.168.200.11", prio=0), 3,
                    what="priority 0 advert")
    # Takeover after the skew time ((256-100)/256 s), not the master-down interval.
    wait_for(lambda: has_vip(lab, "r1"), 3, what="VIP on r1")
    first = wait_for(lambda: cap.select(t0, kind="vrrp", src="192.168.200.10", prio=100), 3,
                     what="r1 adverts")
    assert first[0]["t"] - zero[0]["t"] < 1.5
    assert not has_vip(lab, "r2")
    log = r2.log_text()
    assert "(VI_1) sent 0 priority" in log and "(VI_1) removing VIPs." in log
    assert "(VI_1) Backup received priority 0 advertisement" in r1.log_text()


def test_nopreempt_keeps_current_master(lab, keepalived_bin):
    r1 = start(lab, keepalived_bin, "r1", conf_instance(100))
    wait_for(lambda: has_vip(lab, "r1"), 10, what="VIP on r1")
    r2 = start(lab, keepalived_bin, "r2", conf_instance(200, extra="  nopreempt"))
    wait_for(lambda: "Entering BACKUP STATE (init)" in r2.log_text(), 5, what="r2 BACKUP")
    # Longer than r2's master-down interval: it must stay BACKUP.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        assert not has_vip(lab, "r2")
        time.sleep(0.2)
    assert "Entering MASTER STATE" not in r2.log_text()
    assert has_vip(lab, "r1")


def test_dont_release_vrrp_keeps_vips(lab, keepalived_bin):
    r1 = start(lab, keepalived_bin, "r1", conf_instance(100), extra=["-V"])
    wait_for(lambda: has_vip(lab, "r1"), 10, what="VIP on r1")
    r1.signal(signal.SIGTERM)
    r1.wait_exit()
    assert has_vip(lab, "r1")


def test_vip_deleted_behind_our_back_comes_back(lab, keepalived_bin):
    r1 = start(lab, keepalived_bin, "r1", conf_instance(100))
    wait_for(lambda: has_vip(lab, "r1"), 10, what="VIP on r1")
    lab.netns.exec(lab.ns["r1"], "ip", "addr", "del", f"{VIP4}/24", "dev", "eth0")
    # 2.2.7: back to BACKUP with a priority-0 advert, then MASTER again.
    wait_for(lambda: r1.count("(VI_1) Entering MASTER STATE") == 2, 5, what="MASTER again")
    wait_for(lambda: has_vip(lab, "r1"), 3, what="VIP re-added")
    assert "(VI_1) sent 0 priority" in r1.log_text()


def test_dumps(lab, keepalived_bin):
    auth = "  authentication {\n    auth_type PASS\n    auth_pass s3cr3t\n  }\n"
    r1 = start(lab, keepalived_bin, "r1", conf_instance(100, extra=auth))
    wait_for(lambda: has_vip(lab, "r1"), 10, what="VIP on r1")
    r1.signal(signal.SIGUSR2)
    stats = wait_for(lambda: (r1.tmp / "keepalived.stats").exists() and
                     (r1.tmp / "keepalived.stats").read_text(), 5, what="stats file")
    assert stats.startswith("VRRP Instance: VI_1\n  Advertisements:\n    Received: 0\n")
    assert "  Became master: 1\n" in stats and "  Priority Zero:\n" in stats
    r1.signal(signal.SIGRTMIN + 2)
    import json
    js = wait_for(lambda: (r1.tmp / "keepalived.json").exists() and
                  (r1.tmp / "keepalived.json").read_text(), 5, what="json file")
    d = json.loads(js)
    assert d[0]["data"]["iname"] == "VI_1" and d[0]["data"]["state"] == 2
    assert d[0]["stats"]["become_master"] == 1
    r1.signal(signal.SIGUSR1)
    data = wait_for(lambda: (r1.tmp / "keepalived.data").exists() and
                    (r1.tmp / "keepalived.data").read_text(), 5, what="data file")
    assert " VRRP Instance = VI_1\n" in data and "   State = MASTER\n" in data
    assert "   Authentication type = SIMPLE_PASSWORD\n" in data
    # The password appears in no report.
    assert all("s3cr3t" not in t for t in (stats, js, data))
