#!/usr/bin/python3
"""Graceful failover, shutdown and preempt-back timing, ours against the
reference (Debian's 2.2.7), in one run, same topology, trials alternating
between the two binaries.

    bench/vrrp_timing.py [-n TRIALS] [--intervals 0.1] [--rt] [OURS [REFERENCE]]

Topology and watcher as in bench/vrrp_failover.py (one VRRPv3 instance,
VRID 51, one VIP, r1 priority 200, r2 priority 100, both routers running
the same binary; kernel timestamps of every advert on r2's link).  Each
trial: start both daemons, wait until r1 is master and r2 quiet, wait for
one of r1's adverts and SIGTERM r1's main process (as an init system
does), then restart r1 once r2 is master.  Reported per binary and
interval (median and max over the trials):

  graceful     r2's first advert - r1's priority-0 advert, and that minus
               the skew time ((256 - 100) / 256 x I): the backup should
               take over one skew time after the priority-0 advert
  TERM->exit   SIGTERM to every process of r1's daemon gone (pidfd)
  restart      spawn of r1 again (it preempts back) to its first advert,
               minus r1's master-down interval (3 x I + (256 - 200) / 256 x I):
               what start-up adds to the protocol's delay.  The restart is
               spawned by a helper process already inside r1's namespaces
               (started once with `ip netns exec`, so the daemon sees the
               same network and mount namespaces and /sys as under `ip
               netns exec`): it timestamps, then posix_spawn()s the daemon.
               So the figure is exec + start-up of the daemon only, without
               `ip netns exec`'s own 3-4 ms (its cost is printed below the
               table for comparison with earlier runs).
"""

import argparse
import json
import os
import select
import subprocess
import signal
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vrrp_benchlib as vb  # noqa: E402
import vrrp_failover as vf  # noqa: E402


def exit_watch(pids):
    """Start a thread that records (time.time()) when every pid is gone."""
    fds = []
    for p in pids:
        try:
            fds.append(os.pidfd_open(p))
        except ProcessLookupError:
            pass
    out = {}

    def run():
        left = list(fds)
        while left:
            r, _, _ = select.select(left, [], [], 30)
            if not r:
                break
            for fd in r:
                left.remove(fd)
                os.close(fd)
        if not left:
            out["t"] = time.time()
    th = threading.Thread(target=run, daemon=True)
    th.start()
    return th, out


# ---- the spawner: a process inside r1's namespaces that starts daemons ------

def spawner_main():
    """Read JSON commands on stdin; "spawn": timestamp then posix_spawn
    argv in its own session, stdout/stderr to a file; reply {pid, t}."""
    import signal as sig
    sig.signal(sig.SIGCHLD, sig.SIG_IGN)        # children reaped by the kernel
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        cmd = json.loads(line)
        fd = os.open(cmd["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        env = dict(os.environ, **cmd.get("env", {}))
        acts = [(os.POSIX_SPAWN_DUP2, fd, 1), (os.POSIX_SPAWN_DUP2, fd, 2),
                (os.POSIX_SPAWN_CLOSE, fd)]
        t = time.time()
        pid = os.posix_spawn(cmd["argv"][0], cmd["argv"], env, file_actions=acts,
                             setsid=True, setsigdef=(sig.SIGCHLD,))
        os.close(fd)
        print(json.dumps({"pid": pid, "t": t}), flush=True)


class Spawner:
    """A spawner process in namespace `ns` (see spawner_main)."""

    def __init__(self, ns):
        self.proc = subprocess.Popen(["ip", "netns", "exec", ns, sys.executable,
                                      os.path.abspath(__file__), "--spawner"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert json.loads(self.proc.stdout.readline())["ready"]

    def spawn(self, argv, log, env=None):
        self.proc.stdin.write(json.dumps({"argv": argv, "log": log, "env": env or {}}) + "\n")
        self.proc.stdin.flush()
        r = json.loads(self.proc.stdout.readline())
        return r["pid"], r["t"]

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(5)


class SpawnedDaemon:
    """A daemon started by a Spawner: same files and command line as
    vrrp_benchlib.Daemon, stopped the same way (its session)."""

    def __init__(self, spawner, pair, name, binary, conf_text, tag):
        self.dir = pair.dir / f"{tag}-{name}"
        self.dir.mkdir(parents=True, exist_ok=True)
        conf = self.dir / "keepalived.conf"
        conf.write_text(conf_text)
        pidfiles = [self.dir / f for f in ("main.pid", "vrrp.pid", "check.pid")]
        for f in pidfiles:
            if f.exists():
                f.unlink()
        self.pid, self.t_spawn = spawner.spawn(
            [binary, "-n", "-l", "-f", str(conf), "-p", str(pidfiles[0]),
             "-r", str(pidfiles[1]), "-c", str(pidfiles[2])],
            str(self.dir / "log"), {"TMPDIR": str(self.dir)})

    def stop(self, timeout=15):
        deadline = time.monotonic() + timeout
        for s in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.pid, s)
            except ProcessLookupError:
                return
            while time.monotonic() < deadline:
                try:
                    os.kill(self.pid, 0)
                except ProcessLookupError:
                    return
                time.sleep(0.01)


def wait_adv(w, src, prio, deadline, since=0.0):
    while True:
        ev = w.next(deadline)
        if ev["k"] == "adv" and ev["src"] == src and ev["t"] >= since \
                and (prio is None or ev["prio"] == prio):
            return ev["t"]


def trial(pair, w, spawner, binary, tag, interval, extra):
    skew2 = (256 - 100) / 256 * interval
    mdi1 = 3 * interval + (256 - 200) / 256 * interval
    mdi2 = 3 * interval + skew2
    vf.pair_clean(pair)
    w.drain()
    c1, c2 = vf.conf(200, interval, extra), vf.conf(100, interval, extra)
    r1 = vb.Daemon(pair, "r1", binary, c1, tag)
    r2 = vb.Daemon(pair, "r2", binary, c2, tag)
    r1b = None
    try:
        vf.settle(w, interval, mdi2)
        wait_adv(w, vf.R1, 200, time.monotonic() + 5)
        th, gone = exit_watch(r1.pids())
        t_term = time.time()
        os.kill(r1.proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        t_zero = wait_adv(w, vf.R1, 0, deadline)
        t_r2 = wait_adv(w, vf.R2, None, deadline)
        th.join(15)
        r1.proc.wait(5)
        r1.log.close()
        # r2 master for a while, then r1 comes back and preempts
        t_settled = time.time() + 2 * mdi2 + 0.05
        wait_adv(w, vf.R2, 100, time.monotonic() + 10, since=t_settled)
        r1b = SpawnedDaemon(spawner, pair, "r1", binary, c1, tag + "b")
        t_spawn = r1b.t_spawn
        t_back = wait_adv(w, vf.R1, 200, time.monotonic() + mdi1 + 10)
        return {"graceful": t_r2 - t_zero, "graceful_x": t_r2 - t_zero - skew2,
                "term_exit": gone.get("t", float("inf")) - t_term,
                "term_zero": t_zero - t_term,
                "restart_x": t_back - t_spawn - mdi1}
    finally:
        r1.kill()
        r1.stop()
        if r1b:
            r1b.stop()
        r2.stop()


def netns_exec_cost(pair, n=10):
    """Median wall time of `ip netns exec NS /bin/true`: the part of the
    restart figure that is this harness's, not the daemon's."""
    v = []
    for _ in range(n):
        t = time.monotonic()
        vb.sh("ip", "netns", "exec", pair.ns["r1"], "/bin/true")
        v.append(time.monotonic() - t)
    return statistics.median(v)


def ms(v):
    return f"{v * 1000:.2f}"


def main():
    if sys.argv[1:2] == ["--spawner"]:
        return spawner_main()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--trials", type=int, default=5)
    ap.add_argument("--intervals", default="0.1")
    ap.add_argument("--rt", action="store_true",
                    help="both binaries with vrrp_rt_priority 50 and vrrp_no_swap")
    ap.add_argument("ours", nargs="?", default=os.environ.get("KEEPALIVED_BIN", "./keepalived"))
    ap.add_argument("reference", nargs="?", default=vb.REFERENCE)
    a = ap.parse_args()
    binaries = {"reference 2.2.7": a.reference, "ours": os.path.abspath(a.ours)}
    extra = "  vrrp_rt_priority 50\n  vrrp_no_swap\n" if a.rt else ""
    pair = vb.Pair()
    spawner = None
    try:
        w = vf.Watcher(pair)
        spawner = Spawner(pair.ns["r1"])
        print(f"vrrp_timing: {a.trials} trials per binary and interval"
              f"{', vrrp_rt_priority 50 + vrrp_no_swap' if a.rt else ''}")
        print(vb.host_line())
        print()
        print("| advert_int | binary | prio-0 advert -> backup's advert median / max (ms) |"
              " minus skew time median / max (ms) | TERM -> all processes gone median / max"
              " (ms) | TERM -> prio-0 advert median (ms) | restart -> first advert minus"
              " master-down median / max (ms) |")
        print("|---|---|---:|---:|---:|---:|---:|")
        for interval in (float(x) for x in a.intervals.split(",")):
            res = {k: [] for k in binaries}
            for i in range(a.trials):
                for label, binary in binaries.items():
                    res[label].append(trial(pair, w, spawner, binary, f"g{i}", interval, extra))
            for label in binaries:
                rs = res[label]

                def col(key):
                    v = [r[key] for r in rs]
                    return f"{ms(statistics.median(v))} / {ms(max(v))}"
                print(f"| {interval:g}{', RT' if a.rt else ''} | {label} | {col('graceful')} |"
                      f" {col('graceful_x')} | {col('term_exit')} | "
                      f"{ms(statistics.median(r['term_zero'] for r in rs))} | "
                      f"{col('restart_x')} |", flush=True)
        print()
        print(f"harness: `ip netns exec NS /bin/true` takes {ms(netns_exec_cost(pair))} ms"
              " (median), not included in the restart column (the restart is spawned from"
              " inside the namespace)")
        print(vb.host_line())
        w.proc.kill()
    finally:
        if spawner:
            spawner.close()
        pair.close()


if __name__ == "__main__":
    main()
