"""VRRP child operations: notify scripts run as their "user [group]" or
global_defs script_user; vrrp_startup_delay; real-time scheduling, memory
locking, CPU affinity and nice value of the VRRP child (global_defs)."""

import os
import re
import subprocess
import shutil
import signal
import tempfile
import time

import pytest

from conftest import needs_root, wait_for
from test_vrrp_basic import has_vip, lab, start  # noqa: F401  (fixture)
from vrrp_lab import conf_instance

pytestmark = needs_root


@pytest.fixture
def shared_dir():
    """A directory other users can read scripts from and write into."""
    d = tempfile.mkdtemp(prefix="ka-ops-", dir="/tmp")
    os.chmod(d, 0o777)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def test_notify_script_users(lab, keepalived_bin, shared_dir):
    out = os.path.join(shared_dir, "notify.out")
    with open(out, "w"):
        pass
    os.chmod(out, 0o666)
    script = os.path.join(shared_dir, "notify.sh")
    with open(script, "w") as f:
        f.write('#!/bin/sh\necho "$* uid=$(id -u) gid=$(id -g) ' +
                f'sched=$(chrt -p $$ | head -1 | sed \'s/.*: //\')" >> {out}\n')
    os.chmod(script, 0o755)
    g = "  script_user nobody\n  vrrp_rt_priority 10\n"
    extra = (f'  notify_master "{script} master" daemon\n'
             f'  notify_backup "{script} backup" daemon mail\n'
             f'  notify {script}\n')
    r1 = start(lab, keepalived_bin, "r1", conf_instance(150, extra=extra, globals_=g))
    wait_for(lambda: has_vip(lab, "r1"), 10, what="VIP on r1")

    def lines():
        return open(out).read().splitlines()
    wait_for(lambda: len(lines()) >= 4, 5, what="4 notify lines")
    got = set(lines())
    assert "backup uid=1 gid=8 sched=SCHED_OTHER" in got          # own user and group
    assert "master uid=1 gid=1 sched=SCHED_OTHER" in got          # group: user's own
    assert "INSTANCE VI_1 BACKUP 150 uid=65534 gid=65534 sched=SCHED_OTHER" in got
    assert "INSTANCE VI_1 MASTER 150 uid=65534 gid=65534 sched=SCHED_OTHER" in got
    r1.signal(signal.SIGTERM)
    r1.wait_exit()
    wait_for(lambda: any(ln.startswith("INSTANCE VI_1 STOP 150 uid=65534") for ln in lines()),
             5, what="STOP notify as script_user")


def sched_of(pid):
    """(policy, rt priority, nice) from /proc/PID/stat."""
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(f[38]), int(f[37]), int(f[16])


def status_field(pid, name):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(name + ":"):
            return line.split(":", 1)[1].strip()
    return None


def _asan_build(binary):
    out = subprocess.run(["ldd", str(binary)], capture_output=True, text=True).stdout
    return "libasan" in out


def test_rt_priority_no_swap_affinity_nice(lab, keepalived_bin):
    g = ("  vrrp_rt_priority 20\n  vrrp_rlimit_rttime 50000\n  vrrp_no_swap\n"
         "  vrrp_cpu_affinity 0\n  vrrp_priority -5\n")
    r1 = start(lab, keepalived_bin, "r1", conf_instance(150, globals_=g))
    wait_for(lambda: has_vip(lab, "r1"), 10, what="VIP on r1")
    pid = r1.read_pid(r1.vrrp_pid)
    policy_rt_nice = sched_of(pid)
    # SCHED_RR (2) with SCHED_RESET_ON_FORK (not visible here) at 20.
    assert policy_rt_nice[0] == 2 and policy_rt_nice[1] == 20, policy_rt_nice
    assert status_field(pid, "Cpus_allowed_list") == "0"
    if _asan_build(keepalived_bin):
        # ASan intercepts mlockall() and locks nothing (its shadow memory is
        # terabytes): only the call and its outcome can be seen
        wait_for(lambda: "VRRP process memory locked" in r1.log_text(), 5,
                 what="mlockall done")
    else:
        # locked: what is mapped, not the reload regions' reserved address
        # space (conf_region.h), which would add 256 MiB; the same after a
        # reload, whose tree is mapped (locked) there and dropped
        for reload in (False, True):
            if reload:
                r1.conf.write_text(conf_instance(140, globals_=g))
                r1.signal(signal.SIGHUP)
                wait_for(lambda: r1.count("configuration checked by the parent") == 1, 10,
                         what="VRRP child reloaded from the parent's tree")
            locked, rss = (int(status_field(pid, f).split()[0]) for f in ("VmLck", "VmRSS"))
            assert 0 < locked < rss + 65536, (reload, locked, rss)
    limits = open(f"/proc/{pid}/limits").read()
    assert re.search(r"Max realtime timeout\s+25000\s+50000\s+us", limits), limits
    # The parent is untouched.
    assert sched_of(r1.main_pid())[0] == 0
    assert int(status_field(r1.main_pid(), "VmLck").split()[0]) == 0


def test_rt_nice_only(lab, keepalived_bin):
    r1 = start(lab, keepalived_bin, "r1", conf_instance(150, globals_="  vrrp_priority 7\n"))
    wait_for(lambda: r1.read_pid(r1.vrrp_pid), 5, what="VRRP child")
    wait_for(lambda: sched_of(r1.read_pid(r1.vrrp_pid))[2] == 7, 5, what="nice 7")


def test_startup_delay(lab, keepalived_bin):
    """2.2.7: BACKUP (init) at once, MASTER only after delay + master-down."""
    t0 = time.monotonic()
    r1 = start(lab, keepalived_bin, "r1", conf_instance(150, state="MASTER",
                                                        globals_="  vrrp_startup_delay 2.5\n"))
    wait_for(lambda: "(VI_1) Entering BACKUP STATE (init)" in r1.log_text(), 5, what="BACKUP")
    assert "Delaying startup for 2.5 seconds" in r1.log_text()
    wait_for(lambda: has_vip(lab, "r1"), 10, what="VIP on r1")
    took = time.monotonic() - t0
    assert took > 2.5 + 3, took
    assert r1.count("(VI_1) Entering MASTER STATE") == 1
