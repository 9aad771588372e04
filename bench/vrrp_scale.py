#!/usr/bin/python3
"""CPU and memory of 1,000 VRRP instances, ours against the reference
(Debian's 2.2.7), in one run, same topology.

    bench/vrrp_scale.py [--instances 1000] [--seconds 60] [OURS [REFERENCE]]

Topology: namespaces r1 and r2 joined by 4 veth pairs (kab0..kab3);
1,000 VRRPv3 instances, advert_int 1, spread over the 4 links (250
VRIDs each), one /32 VIP each; r1 priority 200 (master of all), r2
priority 100 (backup of all); both routers run the same binary.  For
each binary in turn: start both routers, wait until r1 holds every VIP and
r2 none, let it run 8 s more, then measure for SECONDS:

  CPU           utime + stime of every process of the daemon (/proc)
  adverts       packets sent on r1's links (master) and received on r2's
                links (backup), from the interface counters (after the
                GARP bursts: only adverts flow then)
  us/advert     CPU / adverts: per advert sent (master), received (backup)
  RSS           sum of VmRSS over the daemon's processes, at the end (the
                issue's figure; pages shared between the processes, such as
                the shared libraries, count once per process)
  PSS           the master's processes' proportional set size (each shared
                page divided among every process that maps it, system-wide:
                the shared libraries count once, not once per process), from
                /proc/PID/smaps_rollup
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vrrp_benchlib as vb  # noqa: E402

LINKS = [f"kab{i}" for i in range(4)]


def conf(prio, n):
    out = ["global_defs {\n  vrrp_version 3\n}\n"]
    for i in range(n):
        out.append(f"vrrp_instance VI_{i} {{\n  state BACKUP\n  interface {LINKS[i % 4]}\n"
                   f"  virtual_router_id {i // 4 + 1}\n  priority {prio}\n  advert_int 1\n"
                   f"  virtual_ipaddress {{\n    10.200.{i // 250}.{i % 250 + 1}/32\n  }}\n}}\n")
    return "".join(out)


def pss_kib(pid):
    """Pss of a process in KiB, 0 if gone."""
    r = {}
    try:
        for line in open(f"/proc/{pid}/smaps_rollup"):
            f = line.split()
            if len(f) >= 2 and f[1].isdigit():
                r[f[0].rstrip(":")] = int(f[1])
    except OSError:
        pass
    return r.get("Pss", 0)


def cpu_of(d):
    return sum(vb.cpu_seconds(p) or 0 for p in d.pids())


def measure(pair, binary, label, n, seconds):
    base = {name: pair.addrs(name) for name in ("r1", "r2")}
    r1 = vb.Daemon(pair, "r1", binary, conf(200, n), label)
    r2 = vb.Daemon(pair, "r2", binary, conf(100, n), label)
    try:
        vb.wait_until(lambda: pair.addrs("r1") - base["r1"] >= n, 300, "r1 holds every VIP")
        time.sleep(8)     # past the garp_master_delay (5 s) burst of the last instance
        if pair.addrs("r2") != base["r2"]:
            raise RuntimeError(f"{label}: r2 holds VIPs")
        c0 = {"r1": cpu_of(r1), "r2": cpu_of(r2)}
        tx0, rx0 = pair.link_counter("r1", "tx_packets"), pair.link_counter("r2", "rx_packets")
        t0 = time.monotonic()
        time.sleep(seconds)
        dt = time.monotonic() - t0
        c1 = {"r1": cpu_of(r1), "r2": cpu_of(r2)}
        tx = pair.link_counter("r1", "tx_packets") - tx0
        rx = pair.link_counter("r2", "rx_packets") - rx0
        each = {"r1": sorted(vb.rss_kib(p) for p in r1.pids()),
                "r2": sorted(vb.rss_kib(p) for p in r2.pids())}
        return {"dt": dt, "cpu1": c1["r1"] - c0["r1"], "cpu2": c1["r2"] - c0["r2"],
                "tx": tx, "rx": rx, "rss1": sum(each["r1"]), "rss2": sum(each["r2"]),
                "pss1": sum(pss_kib(p) for p in r1.pids()),
                "each": each}
    finally:
        r1.stop()
        r2.stop()
        for name in ("r1", "r2"):
            for ifname in LINKS:
                vb.sh("ip", "-n", pair.ns[name], "addr", "flush", "dev", ifname, "scope",
                      "global", "to", "10.200.0.0/16", check=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--instances", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("ours", nargs="?", default=os.environ.get("KEEPALIVED_BIN", "./keepalived"))
    ap.add_argument("reference", nargs="?", default=vb.REFERENCE)
    a = ap.parse_args()
    binaries = {"reference 2.2.7": a.reference, "ours": os.path.abspath(a.ours)}
    pair = vb.Pair(links=LINKS, net="10.1")
    try:
        print(f"vrrp_scale: {a.instances} instances, v3, advert_int 1, {a.seconds:g} s")
        print(vb.host_line())
        print()
        print("| binary | master CPU (s) | adverts sent | us per advert sent | backup CPU (s) |"
              " adverts received | us per advert received | master RSS (MiB) |"
              " backup RSS (MiB) | master PSS (MiB) |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        notes = []
        for label, binary in binaries.items():
            r = measure(pair, binary, label.split()[0], a.instances, a.seconds)
            print(f"| {label} | {r['cpu1']:.2f} | {r['tx']} | "
                  f"{r['cpu1'] * 1e6 / max(r['tx'], 1):.1f} | {r['cpu2']:.2f} | {r['rx']} | "
                  f"{r['cpu2'] * 1e6 / max(r['rx'], 1):.1f} | {r['rss1'] / 1024:.1f} | "
                  f"{r['rss2'] / 1024:.1f} | {r['pss1'] / 1024:.1f} |", flush=True)
            notes.append(f"{label}: RSS per process (KiB) master {r['each']['r1']}, "
                         f"backup {r['each']['r2']}; measured over {r['dt']:.1f} s")
        print()
        for line in notes:
            print(line)
    finally:
        pair.close()


if __name__ == "__main__":
    main()
