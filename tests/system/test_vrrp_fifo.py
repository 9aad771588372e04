"""Notify FIFOs (global_defs notify_fifo / vrrp_notify_fifo and their
_script), as 2.2.7 writes them: one line per event,
`INSTANCE "VI_1" MASTER 150`, to every configured FIFO; a missing FIFO is
created (0600) and removed at stop, an existing one is kept; the FIFO
script is started once with the FIFO name as its last argument, gets
SIGTERM at stop before the STOP lines, then end of file."""

import grp
import os
import pwd
import signal
import stat
import threading

import pytest

from conftest import needs_root, wait_for
from test_vrrp_basic import has_vip, lab, start  # noqa: F401  (fixture)
from vrrp_lab import conf_instance

pytestmark = needs_root

READER = """#!/usr/bin/python3
import signal, sys
out = open({out!r}, "a", buffering=1)
out.write("ARGS " + " ".join(sys.argv[1:]) + "\\n")
signal.signal(signal.SIGTERM, lambda *a: out.write("TERM\\n"))
with open(sys.argv[-1]) as f:
    for line in f:
        out.write(line)
out.write("EOF\\n")
"""


def lines_of(path):
    return path.read_text().splitlines() if path.exists() else []


class FifoReader:
    """Read a FIFO we created ourselves until end of file, in a thread."""

    def __init__(self, path):
        self.lines = []
        self.eof = False
        self.thread = threading.Thread(target=self._run, args=(path,), daemon=True)
        self.thread.start()

    def _run(self, path):
        with open(path) as f:
            for line in f:
                self.lines.append(line.rstrip("\n"))
        self.eof = True


def test_fifo_lines_script_creation_and_stop(lab, keepalived_bin, workdir):
    vfifo = workdir / "vrrp.fifo"          # missing: keepalived creates it
    nfifo = workdir / "notify.fifo"        # existing: used and kept
    os.mkfifo(nfifo, 0o644)
    reader = FifoReader(nfifo)
    out = workdir / "script.out"
    script = workdir / "reader.py"
    script.write_text(READER.format(out=str(out)))
    script.chmod(0o755)
    g = (f"  notify_fifo {nfifo}\n"
         f"  vrrp_notify_fifo {vfifo}\n"
         f"  vrrp_notify_fifo_script \"{script} first-arg\"\n")
    r1 = start(lab, keepalived_bin, "r1", conf_instance(150, globals_=g))
    wait_for(lambda: has_vip(lab, "r1"), 10, what="VIP on r1")
    st = os.stat(vfifo)
    assert stat.S_ISFIFO(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o600
    want = ['INSTANCE "VI_1" BACKUP 150', 'INSTANCE "VI_1" MASTER 150']
    wait_for(lambda: lines_of(out)[1:] == want, 5, what="FIFO script lines")
    assert lines_of(out)[0] == f"ARGS first-arg {vfifo}"
    wait_for(lambda: reader.lines == want, 5, what="lines in the existing FIFO")
    # One script for the whole run.
    assert [ln for ln in lines_of(out) if ln.startswith("ARGS")] == lines_of(out)[:1]

    r1.signal(signal.SIGTERM)
    r1.wait_exit()
    wait_for(lambda: "EOF" in lines_of(out), 5, what="script sees end of file")
    got = lines_of(out)
    stop = 'INSTANCE "VI_1" STOP 150'
    assert stop in got and got.index("TERM") < got.index(stop), got
    wait_for(lambda: reader.eof, 5, what="end of file on the existing FIFO")
    assert reader.lines == want + [stop]
    assert not vfifo.exists(), "a FIFO keepalived created is removed at stop"
    assert stat.S_ISFIFO(os.stat(nfifo).st_mode), "an existing FIFO is kept"


def test_fifo_owner_and_backup_lines(lab, keepalived_bin, workdir):
    """FIFO [user [group]] sets the owner of a FIFO keepalived creates; a
    BACKUP that stays BACKUP writes only its BACKUP line; a FIFO script
    that ends is logged (and not restarted)."""
    vfifo = workdir / "vrrp.fifo"
    g = f"  vrrp_notify_fifo {vfifo} nobody daemon\n  vrrp_notify_fifo_script /bin/true\n"
    start(lab, keepalived_bin, "r2", conf_instance(200))
    wait_for(lambda: has_vip(lab, "r2"), 10, what="VIP on r2")
    r1 = start(lab, keepalived_bin, "r1", conf_instance(100, globals_=g))
    wait_for(lambda: vfifo.exists(), 5, what="FIFO created")
    st = os.stat(vfifo)
    assert st.st_uid == pwd.getpwnam("nobody").pw_uid
    assert st.st_gid == grp.getgrnam("daemon").gr_gid
    reader = FifoReader(vfifo)
    wait_for(lambda: reader.lines == ['INSTANCE "VI_1" BACKUP 100'], 5, what="BACKUP line")
    wait_for(lambda: "(VI_1) Entering BACKUP STATE" in r1.log_text(), 5, what="r1 BACKUP")
    wait_for(lambda: "vrrp notify fifo script terminated" in r1.log_text(), 5,
             what="the end of a FIFO script logged")
    r1.signal(signal.SIGTERM)
    r1.wait_exit()
    wait_for(lambda: reader.eof, 5, what="end of file")
    assert reader.lines == ['INSTANCE "VI_1" BACKUP 100', 'INSTANCE "VI_1" STOP 100']


def test_fifo_reload_recreates_and_writes_group_states(lab, keepalived_bin, workdir):
    """SIGHUP: the FIFO is closed (the reader sees end of file), removed and
    created again; with fifo_write_vrrp_states_on_reload 2.2.7 then writes
    one GROUP line per sync group (and no INSTANCE line)."""
    vfifo = workdir / "vrrp.fifo"
    g = f"  vrrp_notify_fifo {vfifo}\n  fifo_write_vrrp_states_on_reload\n"
    vi2 = conf_instance(150, name="VI_2", vrid=52, vips=("192.168.200.101/24",))
    text = (conf_instance(150, globals_=g) + vi2[vi2.index("vrrp_instance"):] +
            "vrrp_sync_group G1 {\n  group {\n    VI_1\n    VI_2\n  }\n}\n")
    r1 = start(lab, keepalived_bin, "r1", text)
    wait_for(vfifo.exists, 5, what="FIFO created")
    first = FifoReader(vfifo)
    wait_for(lambda: 'INSTANCE "VI_1" MASTER 150' in first.lines, 10, what="MASTER line")
    # (2.2.7 writes the GROUP BACKUP line before the INSTANCE one; the order
    # belongs to the sync groups, not checked here.)
    assert {'GROUP "G1" BACKUP 0', 'INSTANCE "VI_1" BACKUP 150'} <= set(first.lines)
    wait_for(lambda: 'GROUP "G1" MASTER 0' in first.lines, 5, what="GROUP MASTER line")
    def ident():     # the inode number alone may be reused at once
        try:
            st = os.stat(vfifo)
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_ctime_ns
    old = ident()
    r1.signal(signal.SIGHUP)
    wait_for(lambda: first.eof, 5, what="end of file on the old FIFO")
    wait_for(lambda: ident() not in (None, old), 5, what="a new FIFO")
    second = FifoReader(vfifo)
    wait_for(lambda: second.lines == ['GROUP "G1" MASTER 0'], 5, what="group state line")
    r1.signal(signal.SIGTERM)
    r1.wait_exit()
    wait_for(lambda: second.eof, 5, what="end of file at stop")
    assert second.lines[1:] == ['INSTANCE "VI_1" STOP 150', 'INSTANCE "VI_2" STOP 150',
                                'GROUP "G1" STOP 0'], second.lines


def test_existing_regular_file_is_written(lab, keepalived_bin, workdir):
    """2.2.7 writes the lines into an existing regular file (from its start)
    and leaves it in place."""
    path = workdir / "events.txt"
    path.write_text("x\n")
    g = f"  vrrp_notify_fifo {path}\n"
    r1 = start(lab, keepalived_bin, "r1", conf_instance(150, globals_=g))
    wait_for(lambda: has_vip(lab, "r1"), 10, what="VIP on r1")
    wait_for(lambda: path.read_text().splitlines() ==
             ['INSTANCE "VI_1" BACKUP 150', 'INSTANCE "VI_1" MASTER 150'], 5, what="lines")
    r1.signal(signal.SIGTERM)
    r1.wait_exit()
    assert path.read_text().splitlines()[-1] == 'INSTANCE "VI_1" STOP 150'


# ---- notify_priority_changes ------------------------------------------------
# Observed with 2.2.7: when tracking changes an instance's effective
# priority (the "Changing effective priority from A to B" log line), an
# instance with notify_priority_changes (its own, else its sync group's,
# else global_defs vrrp_notify_priority_changes) writes
# `INSTANCE "VI_1" MASTER_PRIORITY B` when MASTER and
# `INSTANCE "VI_1" BACKUP_PRIORITY B` in any other state (INIT at start
# included: that line comes before the first BACKUP line).

def prio_conf(where, tfile, events, prio=100):
    g = f"  vrrp_notify_fifo {events}\n"
    if where == "global":
        g += "  vrrp_notify_priority_changes\n"
    extra = "  track_file {\n    TF weight 1\n  }\n"
    if where == "instance":
        extra += "  notify_priority_changes\n"
    text = (f"track_file TF {{\n  file {tfile}\n}}\n" +
            conf_instance(prio, globals_=g, advert="0.5", extra=extra))
    if where == "group":
        text += ("vrrp_sync_group SG {\n  group {\n    VI_1\n  }\n"
                 "  sync_group_tracking_weight\n  notify_priority_changes\n}\n")
    return text


def instance_lines(path):
    return [ln for ln in lines_of(path) if ln.startswith("INSTANCE")]


def ref_or_ours(request, keepalived_bin, which):
    return keepalived_bin if which == "ours" else request.getfixturevalue("reference_bin")


@pytest.mark.parametrize("which", ["ours", "reference"])
@pytest.mark.parametrize("where", ["instance", "global", "group", "none"])
def test_priority_changes_master(lab, keepalived_bin, workdir, request, which, where):
    binary = ref_or_ours(request, keepalived_bin, which)
    tfile, events = workdir / "tf", workdir / "events.txt"
    tfile.write_text("5\n")
    events.write_text("")
    r1 = start(lab, binary, "r1", prio_conf(where, tfile, events))
    wait_for(lambda: has_vip(lab, "r1"), 10, what="VIP on r1")
    tfile.write_text("-10\n")
    wait_for(lambda: "Changing effective priority from 105 to 90" in r1.log_text(), 5,
             what="priority 90")
    tfile.write_text("0\n")
    wait_for(lambda: "Changing effective priority from 90 to 100" in r1.log_text(), 5,
             what="priority 100")
    want = ['INSTANCE "VI_1" BACKUP_PRIORITY 105', 'INSTANCE "VI_1" BACKUP 105',
            'INSTANCE "VI_1" MASTER 105', 'INSTANCE "VI_1" MASTER_PRIORITY 90',
            'INSTANCE "VI_1" MASTER_PRIORITY 100']
    if where == "none":
        want = [w for w in want if "_PRIORITY" not in w]
    wait_for(lambda: instance_lines(events) == want, 5, what=f"lines {want}")


@pytest.mark.parametrize("which", ["ours", "reference"])
def test_priority_changes_backup_and_fault(lab, keepalived_bin, workdir, request, which):
    """BACKUP_PRIORITY while BACKUP, and while FAULT too."""
    binary = ref_or_ours(request, keepalived_bin, which)
    start(lab, keepalived_bin, "r2", conf_instance(200, advert="0.5"))
    wait_for(lambda: has_vip(lab, "r2"), 10, what="VIP on r2")
    tfile, events = workdir / "tf", workdir / "events.txt"
    tfile.write_text("0\n")
    events.write_text("")
    text = prio_conf("instance", tfile, events).replace(
        "  track_file {", "  track_interface {\n    eth1\n  }\n  track_file {")
    lab.netns.dummy(lab.ns["r1"], "eth1")
    lab.netns.exec(lab.ns["r1"], "ip", "link", "set", "eth1p", "up", check=False)
    r1 = start(lab, binary, "r1", text)
    wait_for(lambda: "(VI_1) Entering BACKUP STATE" in r1.log_text(), 10, what="r1 BACKUP")
    tfile.write_text("-10\n")
    wait_for(lambda: "Changing effective priority from 100 to 90" in r1.log_text(), 5,
             what="priority 90")
    lab.netns.exec(lab.ns["r1"], "ip", "link", "set", "eth1", "down")
    wait_for(lambda: "(VI_1) Entering FAULT STATE" in r1.log_text(), 5, what="FAULT")
    tfile.write_text("7\n")
    wait_for(lambda: "Changing effective priority from 90 to 107" in r1.log_text(), 5,
             what="priority 107")
    want = ['INSTANCE "VI_1" BACKUP 100', 'INSTANCE "VI_1" BACKUP_PRIORITY 90',
            'INSTANCE "VI_1" FAULT 90', 'INSTANCE "VI_1" BACKUP_PRIORITY 107']
    wait_for(lambda: instance_lines(events) == want, 5, what=f"lines {want}")
