#!/usr/bin/python3
"""No false takeover, ours against the reference (Debian's 2.2.7), in one
run, same topology, trials alternating between the two binaries.

    bench/vrrp_stress.py start   [-n TRIALS] [--instances 1000] [OURS [REFERENCE]]
    bench/vrrp_stress.py starve  [--seconds 60] [--hogs 2] [OURS [REFERENCE]]

start: namespaces r1 and r2 joined by 4 veth pairs; N (<= 1,020) VRRPv3 instances,
advert_int 0.1, spread over the links (N/4 VRIDs each), one /32 VIP each,
r1 priority 200, r2 priority 100, both `state BACKUP`.  `ip monitor
address` runs in r2's namespace before both daemons are spawned back to
back; the trial ends 3 s after r1 holds every VIP.  Reported: the distinct
VIPs r2 ever added (should be none) and the time until r1 held them all.

starve: one VRRPv3 instance at advert_int 0.01 (master-down interval
36 ms for r2), r1 priority 200, r2 priority 100.  Once r1 is master,
HOGS busy-loop processes (one per core by default) run outside the
namespaces at normal priority for SECONDS; then, for that window: state
transitions logged by either daemon ("Entering ... STATE" lines), adverts
r2 sent (should be none), adverts of r1 seen on r2's link and the largest
gap between two of them (kernel timestamps, watcher of
bench/vrrp_failover.py).  Done with default scheduling and with
`vrrp_rt_priority 50` + `vrrp_no_swap`.
"""

import argparse
import os
import queue
import re
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vrrp_benchlib as vb  # noqa: E402
import vrrp_failover as vf  # noqa: E402

LINKS = [f"kab{i}" for i in range(4)]
RT = "  vrrp_rt_priority 50\n  vrrp_no_swap\n"


# ---- start: 1,000 instances started on both nodes at once -----------------------

def conf_many(prio, n):
    out = ["global_defs {\n  vrrp_version 3\n}\n"]
    per = 250                             # addresses per third octet
    for i in range(n):
        out.append(f"vrrp_instance VI_{i} {{\n  state BACKUP\n  interface {LINKS[i % 4]}\n"
                   f"  virtual_router_id {i // 4 + 1}\n  priority {prio}\n  advert_int 0.1\n"
                   f"  virtual_ipaddress {{\n    10.200.{i // per}.{i % per + 1}/32\n  }}\n}}\n")
    return "".join(out)


class AddrMonitor:
    """`ip monitor address` in a namespace: the set of 10.200/16 addresses
    ever added."""

    def __init__(self, ns):
        self.seen = set()
        self.proc = subprocess.Popen(["ip", "-n", ns, "monitor", "address"],
                                     stdout=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        pat = re.compile(r"inet (10\.200\.\d+\.\d+)/")
        for line in self.proc.stdout:
            m = pat.search(line)
            if m and not line.startswith("Deleted"):
                self.seen.add(m.group(1))

    def close(self):
        self.proc.kill()
        self.proc.wait()


def start_trial(pair, binary, tag, n):
    base = pair.addrs("r1")
    mon = AddrMonitor(pair.ns["r2"])
    time.sleep(0.3)                       # the monitor is subscribed
    t0 = time.monotonic()
    r1 = vb.Daemon(pair, "r1", binary, conf_many(200, n), tag)
    r2 = vb.Daemon(pair, "r2", binary, conf_many(100, n), tag)
    try:
        vb.wait_until(lambda: pair.addrs("r1") - base >= n, 120, "r1 holds every VIP")
        took = time.monotonic() - t0
        time.sleep(3)
        return {"held": len(mon.seen), "took": took}
    finally:
        mon.close()
        r1.stop()
        r2.stop()
        for name in ("r1", "r2"):
            for ifname in LINKS:
                vb.sh("ip", "-n", pair.ns[name], "addr", "flush", "dev", ifname, "scope",
                      "global", "to", "10.200.0.0/16", check=False)


def run_start(a, binaries):
    pair = vb.Pair(links=LINKS, net="10.1")
    try:
        print(f"vrrp_stress start: {a.instances} instances, v3, advert_int 0.1, "
              f"{a.trials} trials per binary")
        print(vb.host_line())
        res = {k: [] for k in binaries}
        for i in range(a.trials):
            for label, binary in binaries.items():
                r = start_trial(pair, binary, f"s{i}", a.instances)
                res[label].append(r)
                print(f"  trial {i} {label}: r2 held {r['held']} VIPs, r1 held all after "
                      f"{r['took']:.2f} s; load {open('/proc/loadavg').read().split()[0]}",
                      flush=True)
        print()
        print("| binary | VIPs the backup ever held, per trial | r1 holds all VIPs after,"
              " median (s) |")
        print("|---|---|---:|")
        for label, rs in res.items():
            print(f"| {label} | {', '.join(str(r['held']) for r in rs)} | "
                  f"{statistics.median(r['took'] for r in rs):.2f} |")
        print(vb.host_line())
    finally:
        pair.close()


# ---- starve: 10 ms adverts under a competing CPU load ---------------------------

def transitions(path, offset):
    with open(path, "rb") as f:
        f.seek(offset)
        text = f.read().decode(errors="replace")
    return sum(1 for line in text.splitlines() if re.search(r"Entering \w+ STATE", line))


def starve_trial(pair, w, binary, tag, seconds, hogs, extra):
    interval = 0.01
    mdi = 3 * interval + (256 - 100) / 256 * interval
    vf.pair_clean(pair)
    w.drain()
    r1 = vb.Daemon(pair, "r1", binary, vf.conf(200, interval, extra), tag)
    r2 = vb.Daemon(pair, "r2", binary, vf.conf(100, interval, extra), tag)
    hog_procs = []
    try:
        vf.settle(w, interval, mdi)
        time.sleep(0.5)
        hog_procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
                     for _ in range(hogs)]
        time.sleep(1)
        w.drain()
        off = {n: os.path.getsize(d.dir / "log") for n, d in (("r1", r1), ("r2", r2))}
        tx2 = pair.link_counter("r2", "tx_packets")
        load0 = open("/proc/loadavg").read().split()[0]
        t_end = time.monotonic() + seconds
        last, gap, n1, n2 = None, 0.0, 0, 0
        while time.monotonic() < t_end:
            try:
                ev = w.next(min(t_end, time.monotonic() + 1))
            except queue.Empty:     # nothing for a second
                continue
            if ev["k"] != "adv":
                continue
            if ev["src"] == vf.R1:
                n1 += 1
                if last is not None:
                    gap = max(gap, ev["t"] - last)
                last = ev["t"]
            else:
                n2 += 1
        tx2 = pair.link_counter("r2", "tx_packets") - tx2
        load1 = open("/proc/loadavg").read().split()[0]
        return {"t1": transitions(r1.dir / "log", off["r1"]),
                "t2": transitions(r2.dir / "log", off["r2"]),
                "n1": n1, "n2": n2, "tx2": tx2, "gap": gap, "load": f"{load0}-{load1}"}
    finally:
        for p in hog_procs:
            p.kill()
            p.wait()
        r1.stop()
        r2.stop()


def run_starve(a, binaries):
    pair = vb.Pair()
    try:
        w = vf.Watcher(pair)
        print(f"vrrp_stress starve: v3 advert_int 0.01, {a.seconds:g} s, {a.hogs} busy loops")
        print(vb.host_line())
        print()
        print("| scheduling | binary | transitions r1 / r2 | adverts r2 sent | r1 adverts seen |"
              " largest gap between r1 adverts (ms) | load average (1 min) |")
        print("|---|---|---:|---:|---:|---:|---|")
        for sched, extra in (("default", ""), ("rt_priority 50 + no_swap", RT)):
            for label, binary in binaries.items():
                r = starve_trial(pair, w, binary, f"v{len(extra)}", a.seconds, a.hogs, extra)
                print(f"| {sched} | {label} | {r['t1']} / {r['t2']} | {r['n2']} "
                      f"({r['tx2']} packets) | {r['n1']} | {r['gap'] * 1000:.2f} | "
                      f"{r['load']} |", flush=True)
        print(vb.host_line())
        w.proc.kill()
    finally:
        pair.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", choices=("start", "starve"))
    ap.add_argument("-n", "--trials", type=int, default=3)
    ap.add_argument("--instances", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--hogs", type=int, default=os.cpu_count())
    ap.add_argument("ours", nargs="?", default=os.environ.get("KEEPALIVED_BIN", "./keepalived"))
    ap.add_argument("reference", nargs="?", default=vb.REFERENCE)
    a = ap.parse_intermixed_args()
    binaries = {"reference 2.2.7": a.reference, "ours": os.path.abspath(a.ours)}
    if a.mode == "start":
        run_start(a, binaries)
    else:
        run_starve(a, binaries)


if __name__ == "__main__":
    main()
