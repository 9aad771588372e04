"""VRRP tracking in network namespaces: vrrp_script/track_script moving the
effective priority (failover and fail-back, checked on the adverts' priority
and in the data and JSON dumps), a hung script killed at its timeout, missing
scripts reported once, track_interface taking an instance to FAULT, track_file
values moving the priority, track_process following a process, and failover
driven by our track_script against Debian's keepalived 2.2.7 as the peer.

Scripts test a flag file; the tracked process is a copy of sleep under a
name no other process on the host has (the process table is the host's)."""

import json
import os
import shutil
import signal
import subprocess
import time

import pytest

from conftest import needs_root, pid_alive, wait_for
from test_vrrp_basic import has_vip, lab, start  # noqa: F401  (fixture)
from vrrp_lab import Capture, conf_instance

pytestmark = needs_root

R1, R2 = "192.168.200.10", "192.168.200.11"


def script(workdir, name, body):
    p = workdir / name
    p.write_text("#!/bin/sh\n" + body + "\n")
    p.chmod(0o755)
    return p


def flag_script(workdir, flag):
    return script(workdir, "chk_flag.sh", f"test -e {flag}")


def vrrp_script(name, path, extra):
    return f"vrrp_script {name} {{\n  script \"{path}\"\n  interval 1\n{extra}}}\n"


def data_dump(router):
    """SIGUSR1, then the data file's text once it is complete."""
    f = router.tmp / "keepalived.data"
    if f.exists():
        f.unlink()
    router.signal(signal.SIGUSR1)
    return wait_for(lambda: f.exists() and "Dropped adverts" in f.read_text() and
                    f.read_text(), 5, what="data dump")


def json_dump(router):
    f = router.tmp / "keepalived.json"
    if f.exists():
        f.unlink()
    router.signal(signal.SIGRTMIN + 2)

    def ready():
        try:
            return json.loads(f.read_text())
        except (OSError, ValueError):
            return None
    return wait_for(ready, 5, what="JSON dump")


def prio_seen(cap, src, prio, since):
    return cap.select(since, kind="vrrp", src=src, prio=prio)


def test_script_failover_and_failback(lab, keepalived_bin, workdir):
    """r2 (120) tracks a flag file with weight -30: without the flag it
    advertises 90 and r1 (100) takes over; with the flag back, r2 preempts
    at 120 again."""
    cap = Capture(lab.netns, lab.procs, lab.ns["obs"])
    flag = workdir / "flag"
    flag.touch()
    chk = flag_script(workdir, flag)
    track = "  track_script {\n    chk\n  }\n"
    r1 = start(lab, keepalived_bin, "r1", conf_instance(100))
    r2 = start(lab, keepalived_bin, "r2",
               vrrp_script("chk", chk, "  weight -30\n") + conf_instance(120, extra=track))
    wait_for(lambda: has_vip(lab, "r2"), 10, what="VIP on r2")
    t0 = time.time()
    wait_for(lambda: prio_seen(cap, R2, 120, t0), 3, what="adverts at 120")

    flag.unlink()
    t1 = time.time()
    wait_for(lambda: "(VI_1) Changing effective priority from 120 to 90" in r2.log_text(), 5,
             what="priority 90 on r2")
    assert "VRRP_Script(chk) failed (exited with status 1)" in r2.log_text()
    wait_for(lambda: prio_seen(cap, R2, 90, t1), 3, what="r2 advertising 90")
    wait_for(lambda: has_vip(lab, "r1"), 8, what="VIP on r1")
    wait_for(lambda: not has_vip(lab, "r2"), 3, what="r2 releases the VIP")
    dump = data_dump(r2)
    assert "Effective priority = 90" in dump and "Total priority = 90" in dump
    assert "     script chk: BAD, -30" in dump
    assert "   Tracked scripts :\n     chk weight -30" in dump
    inst = json_dump(r2)[0]["data"]
    assert inst["effective_priority"] == 90 and inst["base_priority"] == 120
    assert inst["tracking"] == [{"type": "script", "name": "chk", "weight": -30,
                                 "reverse": False, "status": "BAD", "delta": -30,
                                 "fault": False}]
    assert inst["track_script"] == [f"'{chk}'"]

    flag.touch()
    t2 = time.time()
    wait_for(lambda: "VRRP_Script(chk) succeeded" in r2.log_text(), 5, what="script OK")
    wait_for(lambda: has_vip(lab, "r2"), 8, what="VIP back on r2")
    wait_for(lambda: not has_vip(lab, "r1"), 3, what="r1 yields")
    assert prio_seen(cap, R2, 120, t2)
    assert r1.count("(VI_1) Entering MASTER STATE") == 1


def test_hung_script_timeout_and_missing_scripts(lab, keepalived_bin, workdir):
    """A script that hangs is killed at its timeout and counts as a failure
    (weight 0: FAULT); a script missing at start is disabled and reported;
    one deleted while running is reported once, however often it runs."""
    pidfile = workdir / "hang.pid"
    hang = script(workdir, "hang.sh", f"echo $$ > {pidfile}\nexec sleep 100")
    gone = script(workdir, "gone.sh", "exit 0")
    conf = (vrrp_script("chk_hang", hang, "  timeout 1\n  fall 1\n") +
            vrrp_script("chk_gone", gone, "  weight -5\n") +
            vrrp_script("chk_missing", workdir / "missing.sh", "") +
            conf_instance(100, version=3, advert="0.3",
                          extra="  track_script {\n    chk_hang\n    chk_gone\n"
                                "    chk_missing\n  }\n"))
    r1 = start(lab, keepalived_bin, "r1", conf)
    wait_for(lambda: pidfile.exists() and pidfile.read_text().strip(), 5, what="hung script")
    pid = int(pidfile.read_text())
    wait_for(lambda: "VRRP_Script(chk_hang) timed_out" in r1.log_text(), 5, what="timeout")
    wait_for(lambda: "(VI_1) Entering FAULT STATE" in r1.log_text() or
             "(VI_1) entering FAULT state" in r1.log_text(), 3, what="FAULT")
    wait_for(lambda: not pid_alive(pid), 3, what="the hung script killed")
    assert not has_vip(lab, "r1")
    # as 2.2.7: held in INIT until its weight-0 script answered, then FAULT
    assert "(VI_1) entering FAULT state" in r1.log_text()
    assert "BACKUP STATE" not in r1.log_text()
    assert "Script " + str(workdir / "missing.sh") + " cannot be accessed" in r1.log_text()
    gone.unlink()
    wait_for(lambda: "VRRP_Script(chk_gone) cannot execute" in r1.log_text(), 5,
             what="deleted script reported")
    wait_for(lambda: "(VI_1) Changing effective priority from 100 to 95" in r1.log_text(), 3,
             what="deleted script counted as failing")
    # Two more rounds of scripts (the hung one writes a new pid each time,
    # the deleted one fails alongside): still a single report.
    def hung_pid():
        return pidfile.read_text().strip()
    seen = {hung_pid()}
    for _ in range(2):
        seen.add(wait_for(lambda: hung_pid() not in seen | {""} and hung_pid(), 5,
                          what="another round"))
    assert r1.count("VRRP_Script(chk_gone) cannot execute") == 1
    assert "chk_missing" not in json.dumps(json_dump(r1)[0]["data"]["tracking"])


def test_track_interface_fault_weight_and_delay(lab, keepalived_bin):
    """An unweighted tracked interface going down is a FAULT (VIP released);
    a weighted one moves the priority, after its interface_up_down_delays
    delay, and a bounce shorter than the delay is ignored."""
    for ifname in ("eth1", "eth2"):
        lab.netns.dummy(lab.ns["r1"], ifname)
        # without the dummy module it is a veth whose peer must be up too
        lab.netns.exec(lab.ns["r1"], "ip", "link", "set", ifname + "p", "up", check=False)
    cap = Capture(lab.netns, lab.procs, lab.ns["obs"])
    extra = "  track_interface {\n    eth1\n    eth2 weight -20\n  }\n"
    r1 = start(lab, keepalived_bin, "r1",
               "interface_up_down_delays {\n  eth2 1.5 0\n}\n" +
               conf_instance(100, version=3, advert="0.3", extra=extra))
    wait_for(lambda: has_vip(lab, "r1"), 5, what="VIP on r1")

    def link(ifname, state):
        lab.netns.exec(lab.ns["r1"], "ip", "link", "set", ifname, state)
    link("eth2", "down")
    link("eth2", "up")
    wait_for(lambda: "eth2 back up before its delay ran out" in r1.log_text(), 3,
             what="the bounce seen and ignored")
    t0 = time.time()
    link("eth2", "down")
    adv = wait_for(lambda: prio_seen(cap, R1, 80, t0), 4, what="adverts at 80")
    assert adv[0]["t"] - t0 > 1.3, "the down delay was not applied"
    assert r1.count("Changing effective priority from 100 to 80") == 1
    assert "Netlink reports eth2 down" in r1.log_text()
    link("eth1", "down")
    wait_for(lambda: "(VI_1) Entering FAULT STATE" in r1.log_text(), 3, what="FAULT")
    wait_for(lambda: not has_vip(lab, "r1"), 3, what="VIP released")
    t1 = time.time()
    assert prio_seen(cap, R1, 0, t0), "no priority 0 advert when leaving MASTER"
    dump = data_dump(r1)
    assert "State = FAULT" in dump and "interface eth1: down, FAULT, +0" in dump
    assert "interface eth2: down, -20" in dump and "Tracking faults = 1" in dump
    link("eth1", "up")
    link("eth2", "up")
    wait_for(lambda: has_vip(lab, "r1"), 5, what="MASTER again")
    wait_for(lambda: prio_seen(cap, R1, 100, t1), 3, what="adverts at 100 again")


@pytest.mark.parametrize("which", ["ours", "reference"])
def test_start_in_fault_names_the_down_interface(lab, request, which):
    """Started with a tracked interface down, 2.2.7 says which one before
    its "entering FAULT state" line; so do we."""
    binary = request.getfixturevalue("keepalived_bin" if which == "ours" else "reference_bin")
    lab.netns.dummy(lab.ns["r1"], "eth1")
    lab.netns.exec(lab.ns["r1"], "ip", "link", "set", "eth1", "down")
    r1 = start(lab, binary, "r1", conf_instance(
        100, extra="  track_interface {\n    eth1\n  }\n"))
    wait_for(lambda: "(VI_1) entering FAULT state" in r1.log_text(), 5, what="FAULT at start")
    log = r1.log_text()
    assert log.index("(VI_1): entering FAULT state (interface eth1 down)") < \
        log.index("(VI_1) entering FAULT state")


def test_linkbeat_interface_polled(lab, keepalived_bin):
    """A tracked interface in linkbeat_interfaces is polled (ethtool link
    test): its veth peer going down (carrier lost) moves the priority."""
    lab.netns.dummy(lab.ns["r1"], "eth3")
    lab.netns.exec(lab.ns["r1"], "ip", "link", "set", "eth3p", "up", check=False)
    cap = Capture(lab.netns, lab.procs, lab.ns["obs"])
    r1 = start(lab, keepalived_bin, "r1",
               "linkbeat_interfaces {\n  eth3\n}\n" +
               conf_instance(100, version=3, advert="0.3",
                             extra="  track_interface {\n    eth3 weight -7\n  }\n"))
    wait_for(lambda: has_vip(lab, "r1"), 5, what="VIP on r1")
    t0 = time.time()
    lab.netns.exec(lab.ns["r1"], "ip", "link", "set", "eth3p", "down")
    wait_for(lambda: prio_seen(cap, R1, 93, t0), 4, what="adverts at 93")
    assert "interface eth3: down, -7" in data_dump(r1)


def test_track_file_moves_priority(lab, keepalived_bin, workdir):
    """value x weight is added to the priority whenever the file is
    rewritten (in place or replaced by a rename); init_file creates it."""
    cap = Capture(lab.netns, lab.procs, lab.ns["obs"])
    tf = workdir / "prio"
    conf = (f"track_file tf {{\n  file {tf}\n  weight 5\n  init_file 0\n}}\n" +
            conf_instance(100, version=3, advert="0.3",
                          extra="  track_file {\n    tf\n  }\n"))
    r1 = start(lab, keepalived_bin, "r1", conf)
    wait_for(lambda: has_vip(lab, "r1"), 5, what="VIP on r1")
    assert tf.read_text().strip() == "0"
    t0 = time.time()
    wait_for(lambda: prio_seen(cap, R1, 100, t0), 3, what="adverts at 100")
    tf.write_text("4\n")
    t1 = time.time()
    wait_for(lambda: prio_seen(cap, R1, 120, t1), 3, what="adverts at 120")
    tmp = workdir / "prio.new"
    tmp.write_text("-2\n")
    os.rename(tmp, tf)
    t2 = time.time()
    wait_for(lambda: prio_seen(cap, R1, 90, t2), 3, what="adverts at 90")
    tf.write_text("-60\n")      # -300 < -253: FAULT
    wait_for(lambda: "(VI_1) Entering FAULT STATE" in r1.log_text(), 3, what="FAULT")
    dump = data_dump(r1)
    assert "file tf: value -60, FAULT, -300" in dump
    assert "(VI_1) Changing effective priority from 100 to 120" in r1.log_text()
    assert "(VI_1) Changing effective priority from 120 to 90" in r1.log_text()


def test_track_process_follows_a_process(lab, keepalived_bin, workdir):
    """weight 0, quorum 1: FAULT while the process is absent, MASTER once
    it runs, FAULT again when it exits."""
    name = f"katrk{os.getpid() % 100000}"
    exe = workdir / name
    shutil.copy("/bin/sleep", exe)
    conf = (f"vrrp_track_process tp {{\n  process {name}\n  weight 0\n}}\n" +
            conf_instance(100, version=3, advert="0.3",
                          extra="  track_process {\n    tp\n  }\n"))
    r1 = start(lab, keepalived_bin, "r1", conf)
    wait_for(lambda: "(VI_1) entering FAULT state" in r1.log_text() or
             "(VI_1) Entering FAULT STATE" in r1.log_text(), 5, what="FAULT at start")
    proc = subprocess.Popen([str(exe), "60"])
    try:
        wait_for(lambda: "Track process tp gained quorum" in r1.log_text(), 5,
                 what="process seen")
        wait_for(lambda: has_vip(lab, "r1"), 5, what="MASTER with the process")
    finally:
        proc.kill()
        proc.wait()
    wait_for(lambda: "Track process tp lost quorum" in r1.log_text(), 5, what="exit seen")
    wait_for(lambda: not has_vip(lab, "r1"), 3, what="FAULT without it")
    assert r1.count("(VI_1) Entering FAULT STATE") >= 1


def test_interop_reference_follows_our_script(lab, keepalived_bin, reference_bin, workdir):
    """Our r2 (120, track_script weight -30) against Debian's 2.2.7 r1
    (100): the reference takes over when our script fails and yields when
    it recovers, and logs no complaint about our adverts."""
    flag = workdir / "flag"
    flag.touch()
    chk = flag_script(workdir, flag)
    track = "  track_script {\n    chk\n  }\n"
    ref = start(lab, reference_bin, "r1", conf_instance(100))
    ours = start(lab, keepalived_bin, "r2",
                 vrrp_script("chk", chk, "  weight -30\n") + conf_instance(120, extra=track))
    wait_for(lambda: has_vip(lab, "r2"), 12, what="VIP on ours")
    wait_for(lambda: "Entering BACKUP STATE" in ref.log_text(), 5, what="reference BACKUP")
    flag.unlink()
    wait_for(lambda: has_vip(lab, "r1"), 10, what="VIP on the reference")
    wait_for(lambda: not has_vip(lab, "r2"), 3, what="ours yields")
    assert "received lower priority (90) advert" in ref.log_text() or \
        "Entering MASTER STATE" in ref.log_text()
    flag.touch()
    wait_for(lambda: has_vip(lab, "r2"), 10, what="VIP back on ours")
    wait_for(lambda: not has_vip(lab, "r1"), 3, what="the reference yields")
    from test_vrrp_interop import packet_errors
    assert not packet_errors(ref.log_text()), packet_errors(ref.log_text())
    assert "dropped advert" not in ours.log_text()
