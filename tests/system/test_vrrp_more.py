"""VRRP between two of our routers: IPv6 (v3, link-local source,
unsolicited NA), unicast peers, notify scripts and their arguments, link
faults."""

import os
import signal
import time

import pytest

from conftest import needs_root, wait_for
from test_vrrp_basic import has_vip, lab, start  # noqa: F401  (fixture)
from vrrp_lab import VIP4, Capture, addrs, conf_instance

pytestmark = needs_root

VIP6 = "fd00:200::100"


def ipv6_ready(lab, name):
    """Wait until eth0 of `name` has a usable (non-tentative) link-local address."""
    def ok():
        r = lab.netns.exec(lab.ns[name], "ip", "-6", "addr", "show", "dev", "eth0",
                           "scope", "link")
        return "fe80" in r.stdout and "tentative" not in r.stdout
    wait_for(ok, 10, what=f"link-local address on {name}")


def link_local(lab, name):
    r = lab.netns.exec(lab.ns[name], "ip", "-6", "-br", "addr", "show", "dev", "eth0",
                       "scope", "link")
    return r.stdout.split()[2].split("/")[0]


def test_ipv6_election_link_local_source_and_na(lab, keepalived_bin):
    for n in ("r1", "r2", "obs"):
        ipv6_ready(lab, n)
    cap = Capture(lab.netns, lab.procs, lab.ns["obs"])
    vips = (f"{VIP6}/64",)
    r1 = start(lab, keepalived_bin, "r1", conf_instance(100, 3, vips=vips))
    r2 = start(lab, keepalived_bin, "r2", conf_instance(200, 3, vips=vips))
    wait_for(lambda: has_vip(lab, "r2", VIP6), 10, what="IPv6 VIP on r2")
    t0 = time.time()
    wait_for(lambda: len(cap.select(t0, kind="vrrp", af=6)) >= 2, 5, what="v6 adverts")
    adv = cap.select(t0, kind="vrrp", af=6)
    assert {a["src"] for a in adv} == {link_local(lab, "r2")}
    assert all(a["dst"] == "ff02::12" and a["version"] == 3 and a["ttl"] == 255 and
               a["prio"] == 200 and a["naddr"] == 1 for a in adv)
    assert cap.select(kind="na", ip=VIP6)
    assert not has_vip(lab, "r1", VIP6)
    assert "(VI_1) Entering BACKUP STATE" in r1.log_text()
    r2.signal(signal.SIGTERM)
    wait_for(lambda: has_vip(lab, "r1", VIP6), 5, what="IPv6 VIP on r1")


def test_unicast_peers(lab, keepalived_bin):
    cap = Capture(lab.netns, lab.procs, lab.ns["obs"])

    def conf(prio, me, peer):
        return conf_instance(prio, extra=f"  unicast_src_ip {me}\n"
                                         f"  unicast_peer {{\n    {peer}\n  }}")
    r1 = start(lab, keepalived_bin, "r1", conf(100, "192.168.200.10", "192.168.200.11"))
    r2 = start(lab, keepalived_bin, "r2", conf(200, "192.168.200.11", "192.168.200.10"))
    wait_for(lambda: has_vip(lab, "r2"), 10, what="VIP on r2")
    t0 = time.time()
    wait_for(lambda: len(cap.select(t0, kind="vrrp")) >= 2, 5, what="unicast adverts")
    adv = cap.select(t0, kind="vrrp")
    assert all(a["src"] == "192.168.200.11" and a["dst"] == "192.168.200.10" for a in adv)
    assert not has_vip(lab, "r1")
    assert "Entering MASTER STATE" not in r1.log_text()


def test_notify_scripts_arguments(lab, keepalived_bin, workdir):
    out = workdir / "notify.out"
    script = workdir / "notify.sh"
    script.write_text(f"#!/bin/sh\necho \"$*\" >> {out}\n")
    script.chmod(0o755)
    extra = (f'  notify_master "{script} master-only"\n'
             f'  notify_backup "{script} backup-only"\n'
             f'  notify_stop "{script} stop-only"\n'
             f'  notify {script}\n')
    r1 = start(lab, keepalived_bin, "r1", conf_instance(150, extra=extra))
    wait_for(lambda: has_vip(lab, "r1"), 10, what="VIP on r1")

    def lines():
        return out.read_text().splitlines() if out.exists() else []
    wait_for(lambda: "INSTANCE VI_1 MASTER 150" in lines(), 5, what="notify MASTER")
    assert "backup-only" in lines() and "INSTANCE VI_1 BACKUP 150" in lines()
    assert "master-only" in lines()
    r1.signal(signal.SIGTERM)
    r1.wait_exit()
    wait_for(lambda: "INSTANCE VI_1 STOP 150" in lines(), 5, what="notify STOP")
    assert "stop-only" in lines()


def test_link_down_is_fault(lab, keepalived_bin):
    r1 = start(lab, keepalived_bin, "r1", conf_instance(100))
    wait_for(lambda: has_vip(lab, "r1"), 10, what="VIP on r1")
    lab.netns.exec(lab.ns["r1"], "ip", "link", "set", "eth0", "down")
    wait_for(lambda: "(VI_1) Entering FAULT STATE" in r1.log_text(), 5, what="FAULT")
    assert "Netlink reports eth0 down" in r1.log_text()
    assert not has_vip(lab, "r1")
    lab.netns.exec(lab.ns["r1"], "ip", "link", "set", "eth0", "up")
    wait_for(lambda: r1.count("(VI_1) Entering MASTER STATE") == 2, 10, what="MASTER again")
    wait_for(lambda: has_vip(lab, "r1"), 3, what="VIP back")


def test_garp_bursts_delay_and_refresh(lab, keepalived_bin):
    cap = Capture(lab.netns, lab.procs, lab.ns["obs"])
    extra = ("  garp_master_repeat 2\n  garp_master_delay 1\n"
             "  garp_master_refresh 1\n  garp_master_refresh_repeat 1\n")
    r1 = start(lab, keepalived_bin, "r1", conf_instance(100, extra=extra))
    wait_for(lambda: has_vip(lab, "r1"), 10, what="VIP on r1")
    t0 = time.time()
    # 2 at once, 2 more after garp_master_delay, then 1 per refresh second.
    arps = wait_for(lambda: len(cap.select(kind="arp", ip=VIP4)) >= 6 and
                    cap.select(kind="arp", ip=VIP4), 5, what="GARP bursts and refreshes")
    first = arps[0]["t"]
    assert len([a for a in arps if a["t"] - first < 0.5]) == 2
    assert time.time() - t0 < 4.5
    assert "Entering MASTER STATE" in r1.log_text()


def test_no_ipv4_address_is_fault_until_one_appears(lab, keepalived_bin):
    lab.netns.exec(lab.ns["r1"], "ip", "addr", "flush", "dev", "eth0")
    r1 = start(lab, keepalived_bin, "r1", conf_instance(100))
    wait_for(lambda: "(VI_1) entering FAULT state (no IPv4 address for interface)"
             in r1.log_text(), 5, what="FAULT for lack of an address")
    assert "Entering MASTER STATE" not in r1.log_text()
    lab.netns.addr(lab.ns["r1"], "eth0", "192.168.200.10/24")
    wait_for(lambda: has_vip(lab, "r1"), 10, what="MASTER once an address exists")


def test_preempt_delay(lab, keepalived_bin):
    """A higher-priority router with preempt_delay 3 waits that long more
    than the master-down interval before taking over a lower master."""
    r1 = start(lab, keepalived_bin, "r1", conf_instance(100))
    wait_for(lambda: has_vip(lab, "r1"), 10, what="VIP on r1")
    t0 = time.monotonic()
    r2 = start(lab, keepalived_bin, "r2", conf_instance(200, extra="  preempt_delay 3"))
    wait_for(lambda: has_vip(lab, "r2"), 15, what="VIP on r2")
    took = time.monotonic() - t0
    assert took > 3 + 3, took   # preempt_delay + 3 adverts (+ skew)
    wait_for(lambda: not has_vip(lab, "r1"), 5, what="r1 yields")
    assert r2.count("(VI_1) Entering MASTER STATE") == 1


def test_repeated_global_defs_all_count(lab, keepalived_bin):
    """global_defs may appear more than once (an include per topic is
    common): 2.2.7 reads every block, a later line overriding an earlier
    one.  Here the first block says v2 and the second v3: adverts are v3."""
    cap = Capture(lab.netns, lab.procs, lab.ns["obs"])
    conf = conf_instance(100, version=2) + "global_defs {\n  vrrp_version 3\n}\n"
    start(lab, keepalived_bin, "r1", conf)
    wait_for(lambda: has_vip(lab, "r1"), 10, what="VIP on r1")
    adverts = wait_for(lambda: cap.select(kind="vrrp", vrid=51), 5, what="an advert")
    assert {a["version"] for a in adverts} == {3}
