"""The process model: parent, VRRP and checker children, pid files,
respawn, reload, signals and dump files; and the script runner through
tests/unit/script_driver.

Needs root (pid files, subreaper, veth); every daemon runs with its own
pid files, TMPDIR and log file in a temporary directory.
"""

import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from checker_watch import CheckerWatch
from procutil import (LVS_BLOCK, Daemon, alive, children_of, helper_bin, pick_interface,
                      reap_zombies, vrrp_block, wait_for)

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="process tests need root")

SIG_JSON = signal.SIGRTMIN + 2
SIG_STATS_CLEAR = signal.SIGRTMAX - 1


@pytest.fixture(scope="module")
def iface():
    return pick_interface()


@pytest.fixture
def daemons(tmp_path):
    started = []

    def make(conf, args=(), name="ka", foreground=True, start=True):
        d = Daemon(tmp_path / name, conf, args, foreground)
        started.append(d)
        if start:
            d.start()
        return d

    yield make
    for d in started:
        d.cleanup()


def wait_children(d, vrrp, check):
    """Wait until exactly the expected children run (pid files and ppid)."""
    def ok():
        kids = set(d.children())
        v, c = d.vrrp_pid(), d.check_pid()
        want = set()
        if vrrp:
            if not v:
                return False
            want.add(v)
        elif v:
            return False
        if check:
            if not c:
                return False
            want.add(c)
        elif c:
            return False
        return kids == want
    wait_for(ok, what=f"children vrrp={vrrp} check={check}")


# ---- which children start -------------------------------------------------

def test_vrrp_only_config(daemons, iface):
    d = daemons(vrrp_block(iface))
    wait_children(d, vrrp=True, check=False)
    assert not d.check_pidfile.exists()


def test_lvs_only_config(daemons):
    d = daemons(LVS_BLOCK)
    wait_children(d, vrrp=False, check=True)
    assert not d.vrrp_pidfile.exists()


def test_both_children(daemons, iface):
    d = daemons(vrrp_block(iface) + LVS_BLOCK)
    wait_children(d, vrrp=True, check=True)


def test_all_starts_both_without_config(daemons):
    d = daemons("global_defs {\n    router_id test\n}\n", args=["--all"])
    wait_children(d, vrrp=True, check=True)


def test_no_children_without_config(daemons):
    d = daemons("global_defs {\n    router_id test\n}\n")
    wait_for(lambda: "Command line" in d.log(), what="start-up log")
    # give a wrongly started child the chance to show up in the pid files
    wait_for(lambda: d.parent_pid(), what="parent")
    assert d.children() == [] or wait_for(lambda: d.children() == [], timeout=2)
    assert not d.vrrp_pidfile.exists() and not d.check_pidfile.exists()


def test_dash_P_runs_only_vrrp(daemons, iface):
    d = daemons(vrrp_block(iface) + LVS_BLOCK, args=["-P"])
    wait_children(d, vrrp=True, check=False)


def test_dash_C_runs_only_checker(daemons, iface):
    d = daemons(vrrp_block(iface) + LVS_BLOCK, args=["-C"])
    wait_children(d, vrrp=False, check=True)


def test_children_have_their_own_ident_in_log(daemons, iface):
    d = daemons(vrrp_block(iface) + LVS_BLOCK)
    wait_children(d, vrrp=True, check=True)
    # -g FILE: the children log to FILE with _vrrp / _healthcheckers inserted
    wait_for(lambda: (d.dir / "ka_vrrp.log").exists(), what="VRRP log file")
    wait_for(lambda: (d.dir / "ka_healthcheckers.log").exists(), what="checker log file")


def test_syslog_idents_and_facility(daemons, iface, tmp_path):
    """Each process logs to syslog under its own ident with the -S facility.
    The daemon runs in a private mount namespace whose /dev holds only
    null and our datagram socket as /dev/log."""
    if not shutil.which("unshare"):
        pytest.skip("unshare(1) not available")
    dev = tmp_path / "dev"
    dev.mkdir()
    os.mknod(dev / "null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(dev / "log"))
    sock.settimeout(10)
    try:
        d = daemons(vrrp_block(iface) + LVS_BLOCK, args=["-S", "local3"], start=False)
        d.syslog = True
        d.prefix = ["unshare", "-m", "sh", "-c", f'mount --bind {dev} /dev && exec "$@"', "sh"]
        d.start()
        idents = {}
        want = {"Keepalived", "Keepalived_vrrp", "Keepalived_healthcheckers"}
        while not want <= set(idents):
            msg = sock.recv(8192).decode(errors="replace")
            m = re.match(r"<(\d+)>\w{3} [ \d]\d [\d:]{8} ([\w]+)\[(\d+)\]: ", msg)
            assert m, msg
            idents.setdefault(m.group(2), (int(m.group(1)), int(m.group(3))))
        wait_children(d, vrrp=True, check=True)
        assert idents["Keepalived"][1] == d.parent_pid()
        for ident, (pri, pid) in idents.items():
            assert pri >> 3 == 19, (ident, pri)          # LOG_LOCAL3
        assert idents["Keepalived_vrrp"][1] == d.vrrp_pid()
        assert idents["Keepalived_healthcheckers"][1] == d.check_pid()
    finally:
        sock.close()


# ---- respawn -------------------------------------------------------------

def test_killed_child_is_respawned(daemons, iface):
    d = daemons(vrrp_block(iface) + LVS_BLOCK)
    wait_children(d, vrrp=True, check=True)
    old = d.vrrp_pid()
    other = d.check_pid()
    os.kill(old, signal.SIGKILL)
    new = wait_for(lambda: (p := d.vrrp_pid()) and p != old and p, what="respawned VRRP child")
    assert new in d.children()
    assert d.check_pid() == other
    assert "respawning" in d.log()


def test_crash_loop_is_slowed_down(daemons, iface):
    d = daemons(vrrp_block(iface))
    wait_children(d, vrrp=True, check=False)
    first = d.vrrp_pid()
    os.kill(first, signal.SIGKILL)
    second = wait_for(lambda: (p := d.vrrp_pid()) and p != first and p, what="first respawn")
    t0 = time.monotonic()
    os.kill(second, signal.SIGKILL)
    wait_for(lambda: (p := d.vrrp_pid()) and p not in (first, second), what="second respawn")
    assert time.monotonic() - t0 >= 0.8, "second quick death must be delayed"


def test_dont_respawn_makes_parent_exit(daemons, iface):
    d = daemons(vrrp_block(iface) + LVS_BLOCK, args=["-R"])
    wait_children(d, vrrp=True, check=True)
    other = d.check_pid()
    os.kill(d.vrrp_pid(), signal.SIGKILL)
    status = d.wait_exit(timeout=10)
    assert status != 0
    wait_for(lambda: not alive(other), what="other child gone")
    assert not d.pidfile.exists()


def test_children_die_with_the_parent(daemons, iface):
    d = daemons(vrrp_block(iface) + LVS_BLOCK)
    wait_children(d, vrrp=True, check=True)
    kids = [d.vrrp_pid(), d.check_pid()]
    os.kill(d.parent_pid(), signal.SIGKILL)
    wait_for(lambda: not any(alive(p) for p in kids), what="children gone (PDEATHSIG)")
    # an orderly child exit removes the child's own pid file
    assert not d.vrrp_pidfile.exists() and not d.check_pidfile.exists()


# ---- signals ---------------------------------------------------------------

def test_term_stops_everything_and_removes_pid_files(daemons, iface):
    d = daemons(vrrp_block(iface) + LVS_BLOCK)
    wait_children(d, vrrp=True, check=True)
    pids = [d.parent_pid(), d.vrrp_pid(), d.check_pid()]
    t0 = time.monotonic()
    d.signal(signal.SIGTERM)
    assert d.wait_exit(timeout=10) == 0
    wait_for(lambda: not any(alive(p) for p in pids), timeout=5, what="all processes gone")
    assert time.monotonic() - t0 < 4
    for f in (d.pidfile, d.vrrp_pidfile, d.check_pidfile):
        assert not f.exists(), f
    assert "Stopped Keepalived v2.2.7" in d.log()


def test_int_stops_too(daemons, iface):
    d = daemons(vrrp_block(iface))
    wait_children(d, vrrp=True, check=False)
    d.signal(signal.SIGINT)
    assert d.wait_exit(timeout=10) == 0


def test_dump_files(daemons, iface):
    d = daemons(vrrp_block(iface) + LVS_BLOCK)
    wait_children(d, vrrp=True, check=True)
    d.signal(signal.SIGUSR1)
    data = wait_for(lambda: d.dump("keepalived.data"), what="keepalived.data")
    assert "VI_1" in data
    check = wait_for(lambda: d.dump("keepalived_check.data"), what="keepalived_check.data")
    assert "192.0.2.200" in check
    assert wait_for(lambda: d.dump("keepalived_parent.data"), what="parent data")
    d.signal(signal.SIGUSR2)
    stats = wait_for(lambda: d.dump("keepalived.stats"), what="keepalived.stats")
    assert "VI_1" in stats
    d.signal(SIG_JSON)
    text = wait_for(lambda: d.dump("keepalived.json"), what="keepalived.json")
    doc = json.loads(text)
    assert doc[0]["data"]["iname"] == "VI_1"
    os.unlink(d.tmpdir / "keepalived.stats")
    d.signal(SIG_STATS_CLEAR)
    assert wait_for(lambda: d.dump("keepalived.stats"), what="stats after STATS_CLEAR")
    # no temporary files left behind
    assert not [p for p in os.listdir(d.tmpdir) if p.startswith(".")]


def _data_after_usr1(d, needle):
    def probe():
        d.signal(signal.SIGUSR1)
        text = d.dump("keepalived.data")
        return text if text and needle in text else None
    return wait_for(probe, interval=0.2, what=f"'{needle}' in keepalived.data")


def test_reload_picks_up_new_config(daemons, iface):
    d = daemons(vrrp_block(iface))
    wait_children(d, vrrp=True, check=False)
    _data_after_usr1(d, "VI_1")
    d.conf.write_text(vrrp_block(iface, name="VI_NEW", vrid=52) + LVS_BLOCK)
    d.signal(signal.SIGHUP)
    data = _data_after_usr1(d, "VI_NEW")
    assert "VI_1" not in data
    # the new configuration also needs the checker child
    wait_children(d, vrrp=True, check=True)


def test_reload_takes_the_parents_tree(daemons, iface):
    """At HUP both children take the tree the parent has just checked
    (a memfd, reload_blob.h) instead of parsing the file again; a HUP sent
    to a child directly makes it read the file, as 2.2.7's children do."""
    d = daemons(vrrp_block(iface) + LVS_BLOCK)
    wait_children(d, vrrp=True, check=True)
    d.conf.write_text(vrrp_block(iface, name="VI_NEW", vrid=52) + LVS_BLOCK)
    d.signal(signal.SIGHUP)
    _data_after_usr1(d, "VI_NEW")
    wait_for(lambda: d.log().count("configuration checked by the parent") == 2,
             what="both children reloading from the parent's tree")
    assert "Reading the configuration file again" not in d.log()
    os.kill(d.vrrp_pid(), signal.SIGHUP)
    wait_for(lambda: "Reading the configuration file again" in d.log(), what="file read again")


def _memfd_maps(pid):
    """(shared, private) mappings of the reload memfd in /proc/PID/maps,
    each as its size in bytes."""
    shared, private = [], []
    for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
        if "keepalived-conf" not in line:
            continue
        span, perms = line.split()[:2]
        lo, hi = (int(x, 16) for x in span.split("-"))
        (shared if perms[3] == "s" else private).append(hi - lo)
    return shared, private


def test_child_started_by_reload_owns_its_tree(daemons, iface):
    """A child the reload starts inherits the tree built in the parent's
    shared region (conf_region.h) and maps it copy-on-write at once: once
    the reload is over no process writes the memfd but for the one page of
    holder bits; the parent and the VRRP child (which drops its tree) map
    nothing else of it, the checker its tree read in place.  The new
    checker works from that tree through two more reloads."""
    page = os.sysconf("SC_PAGE_SIZE")
    d = daemons(vrrp_block(iface))
    wait_children(d, vrrp=True, check=False)
    d.conf.write_text(vrrp_block(iface) + LVS_BLOCK)
    d.signal(signal.SIGHUP)
    wait_children(d, vrrp=True, check=True)
    wait_for(lambda: "Configuration reloaded" in d.log(), what="reload done")
    checker = CheckerWatch()
    checker.d = d
    assert "192.0.2.201" in checker.dump()
    for pid, tree in ((d.parent_pid(), False), (d.vrrp_pid(), False), (d.check_pid(), True)):
        shared, private = _memfd_maps(pid)
        assert shared == [page], f"pid {pid} shares more of the memfd: {shared}"
        assert bool(private) == tree, f"pid {pid} private memfd maps: {private}"
    # two more reloads: the first region is emptied and built in again
    for rs in ("192.0.2.202", "192.0.2.203"):
        d.conf.write_text(vrrp_block(iface) + LVS_BLOCK.replace("192.0.2.201", rs))
        d.signal(signal.SIGHUP)
        wait_for(lambda: rs in checker.dump(), what=f"checker reloaded with {rs}")
    assert "Reading the configuration file again" not in d.log()


def test_reload_with_broken_file_keeps_running(daemons, iface):
    d = daemons(vrrp_block(iface))
    wait_children(d, vrrp=True, check=False)
    parent, child = d.parent_pid(), d.vrrp_pid()
    d.conf.write_text(vrrp_block(iface, name="VI_BAD", vrid=351))
    d.signal(signal.SIGHUP)
    wait_for(lambda: "keeping the running configuration" in d.log(), what="refusal logged")
    assert d.parent_pid() == parent and d.vrrp_pid() == child
    data = _data_after_usr1(d, "VI_1")
    assert "VI_BAD" not in data


def test_reload_with_missing_file_keeps_running(daemons, iface):
    d = daemons(vrrp_block(iface))
    wait_children(d, vrrp=True, check=False)
    child = d.vrrp_pid()
    d.conf.unlink()
    d.signal(signal.SIGHUP)
    wait_for(lambda: "keeping the running configuration" in d.log(), what="refusal logged")
    assert d.vrrp_pid() == child


# ---- daemon mode and pid files ----------------------------------------------

def test_daemonizes_without_n(daemons, iface):
    d = daemons(vrrp_block(iface), foreground=False)
    # the process we started exits at once; the daemon lives on
    assert d.proc.wait(timeout=10) == 0
    pid = wait_for(d.parent_pid, what="daemon pid file")
    assert pid != d.proc.pid
    assert os.getsid(pid) == pid or os.getsid(pid) != os.getsid(0)
    assert os.readlink(f"/proc/{pid}/cwd") == "/"
    wait_children(d, vrrp=True, check=False)
    d.stop()
    wait_for(lambda: not alive(pid), what="daemon exit")


def test_relative_paths_survive_daemonizing(daemons, iface, tmp_path):
    """-f and -g given relative to the start directory keep working after
    the daemon has moved to /: reload finds the file, children log."""
    d = daemons(vrrp_block(iface), foreground=False, start=False)
    d.conf.write_text(vrrp_block(iface))
    argv = d.argv()
    argv[argv.index(str(d.conf))] = "keepalived.conf"
    argv[argv.index(str(d.logfile))] = "ka.log"
    env = dict(os.environ, TMPDIR=str(d.tmpdir))
    assert subprocess.run(argv, cwd=d.dir, env=env, timeout=10).returncode == 0
    wait_children(d, vrrp=True, check=False)
    wait_for(lambda: (d.dir / "ka_vrrp.log").exists(), what="child log file")
    d.conf.write_text(vrrp_block(iface, name="VI_REL"))
    d.signal(signal.SIGHUP)
    _data_after_usr1(d, "VI_REL")
    d.stop()


def test_second_instance_refuses(daemons, iface):
    d = daemons(vrrp_block(iface))
    wait_children(d, vrrp=True, check=False)
    d2 = Daemon(d.dir, d.conf.read_text(), foreground=True)
    d2.logfile = d.dir / "second.log"
    argv = [a if a != str(d.logfile) else str(d2.logfile) for a in d2.argv()]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=10)
    assert r.returncode == 0
    assert "daemon is already running" in d2.logfile.read_text()
    assert d.parent_pid() and d.vrrp_pid()


def test_dump_conf_is_logged_at_start(daemons, iface):
    d = daemons(vrrp_block(iface), args=["-d"])
    wait_for(lambda: "vrrp_instance VI_1" in d.log(), what="configuration in the log")


def test_sd_notify_ready(daemons, iface, tmp_path):
    sock_path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(sock_path))
    sock.settimeout(10)
    try:
        d = daemons(vrrp_block(iface), start=False)
        d.env = {"NOTIFY_SOCKET": str(sock_path)}
        d.start()
        msgs = []
        while "READY=1" not in msgs:
            msgs.extend(sock.recv(4096).decode().split("\n"))
        assert f"MAINPID={d.parent_pid()}" in msgs
        wait_children(d, vrrp=True, check=False)
        d.signal(signal.SIGTERM)
        while "STOPPING=1" not in msgs:
            msgs.extend(sock.recv(4096).decode().split("\n"))
    finally:
        sock.close()


def test_pid_dir_with_instance_name(daemons, iface):
    name = f"katest{os.getpid()}"
    d = daemons(f"instance {name}\n" + vrrp_block(iface), start=False)
    d.use_pidfile_options = False
    d.pidfile = Path(f"/run/keepalived/keepalived_{name}.pid")
    d.vrrp_pidfile = Path(f"/run/keepalived/vrrp_{name}.pid")
    d.check_pidfile = Path(f"/run/keepalived/checkers_{name}.pid")
    d.start()
    wait_children(d, vrrp=True, check=False)
    d.stop()
    assert not d.pidfile.exists() and not d.vrrp_pidfile.exists()


def test_umask_option(daemons, iface):
    d = daemons(vrrp_block(iface), args=["-u", "077"])
    wait_children(d, vrrp=True, check=False)
    mode = os.stat(d.pidfile).st_mode & 0o777
    assert mode == 0o600


# ---- script runner -------------------------------------------------------------

def driver(*args, timeout=20):
    path = helper_bin("script_driver")
    if not os.access(path, os.X_OK):
        pytest.skip(f"{path} not built (make check builds it)")
    t0 = time.monotonic()
    r = subprocess.run([path, *args], capture_output=True, text=True, timeout=timeout)
    fields = dict(w.split("=", 1) for w in r.stdout.split())
    return r, fields, time.monotonic() - t0


def test_script_exit_code():
    r, f, _ = driver("sh -c 'exit 7'")
    assert (f["outcome"], f["status"]) == ("exited", "7")


def test_script_killed_by_signal():
    r, f, _ = driver("sh -c 'kill -9 $$'")
    assert (f["outcome"], f["status"]) == ("signaled", "9")


def test_script_timeout_term():
    r, f, took = driver("-t", "300", "sleep 30")
    assert (f["outcome"], f["status"]) == ("timedout", "15")
    assert took < 5


def test_script_timeout_kill_after_grace():
    r, f, took = driver("-t", "200", "-g", "300", "sh -c 'trap \"\" TERM; sleep 30'")
    assert (f["outcome"], f["status"]) == ("timedout", "9")
    assert took < 5


def test_script_timeout_kills_whole_group(tmp_path):
    marker = tmp_path / "bg.pid"
    r, f, _ = driver("-t", "300", f"sh -c 'sleep 30 & echo $! > {marker}; wait'")
    assert f["outcome"] == "timedout"
    bg = int(marker.read_text())
    reap_zombies()
    wait_for(lambda: not alive(bg), timeout=5, what="background process killed")


def test_script_environment_and_fds(tmp_path):
    out = tmp_path / "fds"
    r, f, _ = driver("-e", "KA_TEST=yes", f"sh -c 'test \"$KA_TEST\" = yes && ls /proc/self/fd > {out}'")
    assert (f["outcome"], f["status"]) == ("exited", "0")
    assert set(out.read_text().split()) <= {"0", "1", "2", "3"}


def test_script_runs_in_own_process_group(tmp_path):
    out = tmp_path / "pgid"
    r, f, _ = driver(f"sh -c 'ps -o pgid= -p $$ > {out}'")
    assert int(out.read_text()) == int(f["pid"])


def test_script_user():
    # pytest's tmp_path lives below a 0700 directory: use a world-writable one
    work = Path(tempfile.mkdtemp(prefix="ka-script-user-"))
    try:
        work.chmod(0o777)
        out = work / "ids"
        r, f, _ = driver("-u", "65534", "-G", "65534", f"sh -c 'id -u > {out}; id -g >> {out}'")
        assert f["outcome"] == "exited" and f["status"] == "0"
        assert out.read_text().split() == ["65534", "65534"]
    finally:
        shutil.rmtree(work)


def test_orphans_are_reaped_by_subreaper(tmp_path):
    marker = tmp_path / "orphan.pid"
    r, f, took = driver("-r", f"sh -c 'sleep 0.3 & echo $! > {marker}; exit 0'")
    assert (f["outcome"], f["status"]) == ("exited", "0")
    orphan = int(marker.read_text())
    assert f"reaped orphan process {orphan}" in r.stderr
    assert took < 5


def test_script_missing_program():
    r, f, _ = driver("/nonexistent/program")
    assert (f["outcome"], f["status"]) == ("exited", "127")


def test_script_unterminated_quote():
    path = helper_bin("script_driver")
    if not os.access(path, os.X_OK):
        pytest.skip("script_driver not built")
    r = subprocess.run([path, "echo 'open"], capture_output=True, text=True, timeout=10)
    assert r.returncode == 2
    assert "unterminated single quote" in r.stderr
