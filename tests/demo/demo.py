#!/usr/bin/env python3
"""Two "routers" in network namespaces, driven by our keepalived.

    tests/demo/demo.py [--keep] KEEPALIVED_BINARY     (as root)

What it shows, with a timeline relative to the start:
  1. one configuration for both routers (@r1/@r2 lines pick the priority),
     checked and printed with `keepalived -t -d -i rN`;
  2. both daemons started in their namespaces (r1, r2 on one bridged
     segment 192.168.77.0/24), then the process tree of each: parent,
     VRRP child, checker child;
  3. the VRRP child of r1 killed with SIGKILL and respawned by its parent;
  4. a reload (SIGHUP) of r1 after changing its configuration: the parent
     validates the new configuration and its children apply it in place
     (same pids, VRRP state kept); then a reload with an invalid
     configuration, which is rejected with the error logged and nothing
     changed;
  5. when the build has VRRP: r1 (priority 150) holds the VIP; stopping r1
     moves it to r2.  Without VRRP the demo says so and goes on;
  6. both stopped with SIGTERM: every process gone.

The namespaces and processes are always removed at the end (also on
Ctrl-C); --keep leaves the working directory for inspection.  Exit
status: 0 if every step behaved, 1 otherwise.
"""

import ctypes
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

T0 = time.monotonic()
FAILED = []
PREFIX = f"kademo{os.getpid() % 10000}"
SUBNET = "192.168.77"
VIP = f"{SUBNET}.100"

CONF = """\
# One file for both routers: run with -i r1 or -i r2.
global_defs {
    router_id ${_INSTANCE}
}

@r1 $PRIO=150
@r2 $PRIO=100

vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority $PRIO
    advert_int 1
    virtual_ipaddress {
        %(subnet)s.100/24
    }
}

virtual_server %(subnet)s.100 80 {
    delay_loop 5
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server %(subnet)s.11 80 {
        TCP_CHECK {
            connect_timeout 2
        }
    }
}
"""


def say(who, msg):
    print(f"[+{time.monotonic() - T0:6.3f}s] {who:<4} {msg}", flush=True)


def step(title):
    print(f"\n[+{time.monotonic() - T0:6.3f}s] ==== {title}", flush=True)


def check(ok, who, good, bad):
    if ok:
        say(who, good)
    else:
        say(who, "FAILED: " + bad)
        FAILED.append(bad)
    return ok


def run(*argv, check_rc=True):
    return subprocess.run([str(a) for a in argv], capture_output=True, text=True,
                          check=check_rc, stdin=subprocess.DEVNULL)


def wait_for(pred, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    return None


def read_pid(path):
    try:
        return int(Path(path).read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def proc_stat(pid):
    """(state, ppid, comm) or None."""
    try:
        s = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    rest = s[s.rfind(")") + 2:].split()
    return rest[0], int(rest[1]), s[s.find("(") + 1:s.rfind(")")]


def alive(pid):
    st = pid and proc_stat(pid)
    return bool(st) and st[0] != "Z"


def children(pid):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            st = proc_stat(int(d))
            if st and st[1] == pid and st[0] != "Z":
                out.append(int(d))
    return sorted(out)


def reap():
    for d in os.listdir("/proc"):
        if d.isdigit():
            st = proc_stat(int(d))
            if st and st[0] == "Z" and st[1] == os.getpid():
                try:
                    os.waitpid(int(d), os.WNOHANG)
                except ChildProcessError:
                    pass


class Router:
    def __init__(self, name, ns, binary, workdir):
        self.name, self.ns, self.binary = name, ns, binary
        self.dir = workdir / name
        self.dir.mkdir()
        self.conf = self.dir / "keepalived.conf"
        self.pid = self.dir / "keepalived.pid"
        self.vrrp = self.dir / "vrrp.pid"
        self.check = self.dir / "checkers.pid"
        self.log = self.dir / "keepalived.log"
        self.proc = None

    def argv(self, *extra):
        return [self.binary, "-f", self.conf, "-i", self.name, *extra]

    def start(self):
        self.logf = open(self.log, "w")
        argv = ["ip", "netns", "exec", self.ns, *self.argv(
            "-n", "-l", "-D", "-p", self.pid, "-r", self.vrrp, "-c", self.check)]
        self.proc = subprocess.Popen([str(a) for a in argv], stdin=subprocess.DEVNULL,
                                     stdout=self.logf, stderr=subprocess.STDOUT,
                                     cwd=self.dir)

    def tree(self):
        main = read_pid(self.pid)
        if not alive(main):
            say(self.name, f"no live parent (pid file {self.pid}: {main})")
            return main, []
        kids = children(main)
        role = {read_pid(self.vrrp): "VRRP child", read_pid(self.check): "checker child"}
        say(self.name, f"{main:>7} {proc_stat(main)[2]:<26} parent (ns {self.ns})")
        for k in kids:
            say(self.name, f"{k:>7}   `- {proc_stat(k)[2]:<21} {role.get(k, 'child')}")
        return main, kids

    def log_lines(self):
        """The daemon's console log, without the date at the start of each line."""
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return []
        return [re.sub(r"^\w{3} \w{3} +\d+ [\d:]+ \d{4}: ", "", ln) for ln in text.splitlines()]


def setup_lab():
    hub = f"{PREFIX}-hub"
    run("ip", "netns", "add", hub)
    run("ip", "-n", hub, "link", "add", "br0", "type", "bridge", "ageing_time", "0")
    run("ip", "-n", hub, "link", "set", "br0", "up")
    names = {}
    for i, r in enumerate(("r1", "r2")):
        ns = f"{PREFIX}-{r}"
        run("ip", "netns", "add", ns)
        a, b = f"{PREFIX}{r}", f"{PREFIX}{r}p"
        run("ip", "link", "add", a, "type", "veth", "peer", "name", b)
        run("ip", "link", "set", a, "netns", ns, "name", "eth0")
        run("ip", "link", "set", b, "netns", hub, "name", f"p{i}")
        run("ip", "-n", hub, "link", "set", f"p{i}", "master", "br0", "up")
        run("ip", "-n", ns, "link", "set", "lo", "up")
        run("ip", "-n", ns, "link", "set", "eth0", "up")
        run("ip", "-n", ns, "addr", "add", f"{SUBNET}.{11 + i}/24", "dev", "eth0")
        names[r] = ns
    return [hub] + list(names.values()), names


def teardown(routers, namespaces):
    for r in routers:
        for pid in (read_pid(r.pid), read_pid(r.vrrp), read_pid(r.check)):
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        if r.proc and r.proc.poll() is None:
            r.proc.kill()
            r.proc.wait()
    for ns in namespaces:
        pids = run("ip", "netns", "pids", ns, check_rc=False).stdout.split()
        for p in pids:
            try:
                os.kill(int(p), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        run("ip", "netns", "del", ns, check_rc=False)
    reap()


def show_conf_check(r):
    res = run(*r.argv("-t", "-d"), check_rc=False)
    check(res.returncode == 0, r.name, f"keepalived -t -d -i {r.name}: exit 0",
          f"keepalived -t -i {r.name} exits {res.returncode}: {res.stderr.strip()}")
    for ln in res.stdout.splitlines():
        if any(k in ln for k in ("router_id", "priority", "virtual_router_id")):
            say(r.name, "   | " + ln.strip())
    return res.returncode == 0


class Abort(Exception):
    pass


def start_router(r):
    """Start r; wait for its parent and two children (or for it to exit)."""
    r.start()
    say(r.name, "ip netns exec %s %s" % (r.ns, " ".join(
        str(a) for a in r.argv("-n", "-l", "-D", "-p", "...", "-r", "...", "-c", "..."))))

    def up():
        if r.proc.poll() is not None:
            return "exited"
        main = read_pid(r.pid)
        if alive(main) and len(children(main)) >= 2:
            return "up"
        return None

    state = wait_for(up)
    main = read_pid(r.pid)
    if state == "up":
        say(r.name, f"running: parent {main}, children {children(main)}")
        return True
    why = f"exited with status {r.proc.returncode}" if state == "exited" else \
        "no parent with two children after 10s"
    check(False, r.name, "", f"{r.name} did not start: {why}")
    for ln in r.log_lines()[-8:]:
        say(r.name, "   log: " + ln)
    return False


def demo_respawn(r):
    main = read_pid(r.pid)
    old = read_pid(r.vrrp)
    if not check(alive(old), r.name, f"VRRP child is pid {old}", "no live VRRP child to kill"):
        return
    say(r.name, f"kill -KILL {old}  (the VRRP child)")
    os.kill(old, signal.SIGKILL)
    new = wait_for(lambda: (lambda p: p if p != old and alive(p) else None)(read_pid(r.vrrp)))
    check(new and proc_stat(new)[1] == main, r.name,
          f"parent {main} respawned the VRRP child: new pid {new}",
          "the VRRP child was not respawned within 10s")
    reap()


def demo_reload(r):
    main = read_pid(r.pid)
    before = set(children(main))
    r.conf.write_text(r.conf.read_text().replace("advert_int 1", "advert_int 2"))
    say(r.name, "configuration changed (advert_int 1 -> 2); kill -HUP parent")
    n_log = len(r.log_lines())
    os.kill(main, signal.SIGHUP)
    # the parent and each child log "Reloading"; the children keep their pids
    done = wait_for(lambda: sum("Reloading" in ln for ln in r.log_lines()[n_log:])
                    >= 1 + len(before))
    after = set(children(main))
    check(done and after == before, r.name,
          f"children reloaded in place: pids {sorted(after)} unchanged",
          f"reload: children {sorted(before)} -> {sorted(after)}, all logged: {bool(done)}")
    check(alive(main), r.name, f"parent {main} still running", "parent died on reload")
    for ln in r.log_lines()[n_log:][:6]:
        say(r.name, "   log: " + ln)


def demo_bad_reload(r):
    """A reload with an invalid configuration changes nothing."""
    main = read_pid(r.pid)
    before = children(main)
    good = r.conf.read_text()
    r.conf.write_text(good.replace("virtual_router_id 51", "virtual_router_id 300"))
    say(r.name, "configuration broken (virtual_router_id 300); kill -HUP parent")
    n_log = len(r.log_lines())
    os.kill(main, signal.SIGHUP)
    logged = wait_for(lambda: [ln for ln in r.log_lines()[n_log:] if "300" in ln], 5)
    for ln in (logged or [])[:3]:
        say(r.name, "   log: " + ln)
    time.sleep(0.3)   # give a (wrong) restart the chance to show up
    check(logged and children(main) == before and alive(main), r.name,
          f"rejected: error logged, parent {main} and children {before} unchanged",
          f"bad reload: logged={bool(logged)}, children {before} -> {children(main)}")
    r.conf.write_text(good)


def has_vip(r):
    out = run("ip", "-n", r.ns, "-o", "addr", "show", "dev", "eth0", check_rc=False).stdout
    return f" {VIP}/" in out


def demo_election(routers):
    """Wait for a VIP owner; VRRP may not exist yet, which is no failure."""
    holder = wait_for(lambda: [r.name for r in routers if has_vip(r)], 6)
    if not holder:
        say("", f"no router holds {VIP} after 6 s: VRRP is not implemented in this "
            "build yet (the daemons run, elect nobody, add no address)")
        return False
    check(holder == ["r1"], "", f"{holder[0]} is MASTER: {VIP} on its eth0",
          f"VIP held by {holder}, expected r1 alone")
    return holder == ["r1"]


def demo_failover(routers):
    r1, r2 = routers
    say(r1.name, f"kill -TERM {read_pid(r1.pid)}")
    os.kill(read_pid(r1.pid), signal.SIGTERM)
    try:
        r1.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    check(not has_vip(r1), r1.name, "stopped, VIP released", "VIP still on r1 after stop")
    moved = wait_for(lambda: has_vip(r2), 10)
    check(moved, r2.name, f"took over: {VIP} on its eth0", "r2 did not take the VIP within 10 s")


def demo_stop(routers):
    for r in routers:
        main = read_pid(r.pid)
        kids = children(main) if alive(main) else []
        say(r.name, f"kill -TERM {main}")
        if alive(main):
            os.kill(main, signal.SIGTERM)
        try:
            status = r.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            status = None
        gone = wait_for(lambda: not any(alive(k) for k in kids), 5)
        reap()
        check(status == 0 and gone, r.name, f"stopped: exit {status}, children gone",
              f"stop: exit {status}, children left: {[k for k in kids if alive(k)]}")


def main():
    args = [a for a in sys.argv[1:] if a != "--keep"]
    if len(args) != 1 or os.geteuid() != 0:
        sys.exit("usage (as root): demo.py [--keep] KEEPALIVED_BINARY")
    binary = os.path.abspath(args[0])
    ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)   # PR_SET_CHILD_SUBREAPER
    workdir = Path(tempfile.mkdtemp(prefix="kademo-"))
    routers, namespaces = [], []
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        step("lab: namespaces r1, r2 and a bridged segment")
        namespaces, names = setup_lab()
        for i, r in enumerate(("r1", "r2")):
            say(r, f"namespace {names[r]}, eth0 {SUBNET}.{11 + i}/24")
        routers = [Router(r, names[r], binary, workdir) for r in ("r1", "r2")]
        for r in routers:
            r.conf.write_text(CONF % {"subnet": SUBNET})

        step("configuration: keepalived -t -d (check, then print the canonical form)")
        for r in routers:
            show_conf_check(r)

        step("start both daemons in their namespaces")
        for r in routers:
            if not start_router(r):
                raise Abort()

        step("process tree")
        for r in routers:
            r.tree()

        step(f"VRRP: who holds the VIP {VIP}? (r1 has priority 150, r2 100)")
        vrrp_works = demo_election(routers)

        step("respawn: kill r1's VRRP child")
        demo_respawn(routers[0])
        routers[0].tree()

        step("reload r1 (SIGHUP): validate the new configuration, then apply it")
        demo_reload(routers[0])
        routers[0].tree()

        step("reload r1 with an invalid configuration: rejected, nothing restarted")
        demo_bad_reload(routers[0])

        if vrrp_works:
            step("failover: stop r1, the VIP moves to r2")
            demo_failover(routers)

        step("stop both (SIGTERM)")
        demo_stop([r for r in routers if r.proc.poll() is None])
    except Abort:
        step("stopping the demo early: the remaining steps need running daemons")
    finally:
        teardown(routers, namespaces)
        if "--keep" in sys.argv:
            print(f"\nworking directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    step("done: " + ("every step behaved" if not FAILED else f"{len(FAILED)} step(s) failed"))
    for f in FAILED:
        print("  - " + f)
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
