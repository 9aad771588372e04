#!/usr/bin/python3
"""Crash failover time, ours against the reference (Debian's 2.2.7), in
one run, same topology, trials alternating between the two binaries.

    bench/vrrp_failover.py [-n TRIALS] [--intervals 1,0.1] [--rt] [OURS [REFERENCE]]

Topology: namespaces r1 and r2 joined by one veth pair; one VRRPv3
instance (VRID 51, one VIP) with advert_int I, r1 priority 200, r2
priority 100; both routers run the same binary.  A watcher inside r2
records, with kernel timestamps (SO_TIMESTAMPNS on an AF_PACKET socket),
every VRRP advert and ARP frame on r2's link in both directions, and the
VIP appearing on r2 (rtnetlink).  Each trial: start both daemons, wait
until r1 is master and r2 has been quiet for a master-down interval, wait
for one of r1's adverts and SIGKILL r1's whole process group at once,
then wait for r2's first advert, its VIP and its gratuitous ARP.

Reported per binary and interval (median and max over the trials):
  kill->advert  SIGKILL to r2's first advert on the wire
  kill->VIP     SIGKILL to the VIP added on r2 (netlink event)
  kill->GARP    SIGKILL to r2's first gratuitous ARP for the VIP
  excess        r2's first advert - r1's last advert - master-down
                interval (3 x I + (256 - 100) / 256 x I): what the
                implementation adds to the protocol's own delay.
"""

import argparse
import json
import os
import queue
import select
import socket
import statistics
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vrrp_benchlib as vb  # noqa: E402

VIP = "10.0.0.100"
R1, R2 = "10.0.0.1", "10.0.0.2"
SO_TIMESTAMPNS = 35
RTMGRP_IPV4_IFADDR = 0x10
RTM_NEWADDR = 20


# ---- the watcher (runs inside r2's namespace) ----------------------------------

def _pkt_event(frame, t):
    if len(frame) < 34:
        return None
    etype = struct.unpack("!H", frame[12:14])[0]
    p = frame[14:]
    if etype == 0x0806 and len(p) >= 28:
        return {"k": "arp", "t": t, "ip": socket.inet_ntoa(p[14:18])}
    if etype == 0x0800 and p[9] == 112:
        v = p[(p[0] & 15) * 4:]
        return {"k": "adv", "t": t, "src": socket.inet_ntoa(p[12:16]), "prio": v[2]}
    return None


def _addr_events(data, t):
    out, off = [], 0
    while off + 16 <= len(data):
        ln, typ = struct.unpack_from("=LH", data, off)
        if ln < 16:
            break
        if typ == RTM_NEWADDR:
            a = off + 16 + 8
            while a + 4 <= off + ln:
                alen, atype = struct.unpack_from("=HH", data, a)
                if alen < 4:
                    break
                if atype == 2 and alen == 8:      # IFA_LOCAL
                    out.append({"k": "addr", "t": t, "ip": socket.inet_ntoa(data[a + 4:a + 8])})
                a += (alen + 3) & ~3
        off += (ln + 3) & ~3
    return out


def watch(ifname):
    pk = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    pk.bind((ifname, 0))
    pk.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
    nl.bind((0, RTMGRP_IPV4_IFADDR))
    print(json.dumps({"k": "ready"}), flush=True)
    while True:
        r, _, _ = select.select([pk, nl], [], [])
        if pk in r:
            frame, anc, _, _ = pk.recvmsg(2048, 64)
            t = time.time()
            for lvl, typ, d in anc:
                if lvl == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS:
                    s, ns = struct.unpack("qq", d[:16])
                    t = s + ns / 1e9
            ev = _pkt_event(frame, t)
            if ev:
                print(json.dumps(ev), flush=True)
        if nl in r:
            data = nl.recv(65536)
            for ev in _addr_events(data, time.time()):
                print(json.dumps(ev), flush=True)


# ---- the orchestrator -----------------------------------------------------------

def conf(prio, interval, extra_globals=""):
    return f"""global_defs {{
  vrrp_version 3
{extra_globals}}}
vrrp_instance VI_1 {{
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority {prio}
  advert_int {interval}
  virtual_ipaddress {{
    {VIP}/24
  }}
}}
"""


class Watcher:
    def __init__(self, pair):
        self.q = queue.Queue()
        self.proc = subprocess.Popen(["ip", "netns", "exec", pair.ns["r2"], sys.executable,
                                      os.path.abspath(__file__), "--watch", "eth0"],
                                     stdout=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, daemon=True).start()
        ev = self.q.get(timeout=10)
        assert ev["k"] == "ready"

    def _read(self):
        for line in self.proc.stdout:
            self.q.put(json.loads(line))

    def drain(self):
        while True:
            try:
                self.q.get_nowait()
            except queue.Empty:
                return

    def next(self, deadline):
        return self.q.get(timeout=max(0.001, deadline - time.monotonic()))


def settle(w, interval, mdi):
    """Until r1 advertises and r2 has been silent for a master-down interval."""
    deadline = time.monotonic() + 30
    last_r2 = time.time()
    while True:
        ev = w.next(deadline)
        if ev["k"] != "adv":
            continue
        if ev["src"] == R2:
            last_r2 = ev["t"]
        elif ev["src"] == R1 and ev["prio"] == 200 and ev["t"] - last_r2 > mdi:
            return


def trial(pair, w, binary, tag, interval, extra=""):
    mdi = 3 * interval + (256 - 100) / 256 * interval
    pair_clean(pair)
    w.drain()
    r1 = vb.Daemon(pair, "r1", binary, conf(200, interval, extra), tag)
    r2 = vb.Daemon(pair, "r2", binary, conf(100, interval, extra), tag)
    try:
        settle(w, interval, mdi)
        deadline = time.monotonic() + 5
        while True:
            ev = w.next(deadline)
            if ev["k"] == "adv" and ev["src"] == R1:
                t_kill = time.time()
                r1.kill()
                last_master = ev["t"]
                break
        res = {}
        deadline = time.monotonic() + mdi + 5
        while len(res) < 3:
            ev = w.next(deadline)
            if ev["k"] == "adv" and ev["src"] == R2 and "adv" not in res:
                res["adv"] = ev["t"]
            elif ev["k"] == "addr" and ev["ip"] == VIP and "vip" not in res:
                res["vip"] = ev["t"]
            elif ev["k"] == "arp" and ev["ip"] == VIP and "garp" not in res:
                res["garp"] = ev["t"]
        return {"kill_adv": res["adv"] - t_kill, "kill_vip": res["vip"] - t_kill,
                "kill_garp": res["garp"] - t_kill,
                "excess": res["adv"] - last_master - mdi}
    finally:
        r1.kill()
        r1.stop()
        r2.stop()


def pair_clean(pair):
    for name in ("r1", "r2"):
        vb.sh("ip", "-n", pair.ns[name], "addr", "del", f"{VIP}/24", "dev", "eth0", check=False)


def ms(v):
    return f"{v * 1000:.2f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--trials", type=int, default=5)
    ap.add_argument("--intervals", default="1,0.1")
    ap.add_argument("--rt", action="store_true",
                    help="both binaries with vrrp_rt_priority 50 and vrrp_no_swap")
    ap.add_argument("--watch")
    ap.add_argument("ours", nargs="?", default=os.environ.get("KEEPALIVED_BIN", "./keepalived"))
    ap.add_argument("reference", nargs="?", default=vb.REFERENCE)
    a = ap.parse_args()
    if a.watch:
        return watch(a.watch)
    binaries = {"reference 2.2.7": a.reference, "ours": os.path.abspath(a.ours)}
    extra = "  vrrp_rt_priority 50\n  vrrp_no_swap\n" if a.rt else ""
    pair = vb.Pair()
    try:
        w = Watcher(pair)
        print(f"vrrp_failover: {a.trials} trials per binary and interval"
              f"{', vrrp_rt_priority 50 + vrrp_no_swap' if a.rt else ''}")
        print(vb.host_line())
        print()
        print("| advert_int | binary | kill->advert median / max (ms) | kill->VIP median / max"
              " (ms) | kill->GARP median (ms) | excess over master-down median / max (ms) |")
        print("|---|---|---:|---:|---:|---:|")
        for interval in (float(x) for x in a.intervals.split(",")):
            res = {k: [] for k in binaries}
            for i in range(a.trials):
                for label, binary in binaries.items():
                    res[label].append(trial(pair, w, binary, f"t{i}", interval, extra))
            for label in binaries:
                rs = res[label]

                def col(key):
                    v = [r[key] for r in rs]
                    return f"{ms(statistics.median(v))} / {ms(max(v))}"
                print(f"| {interval:g} | {label} | {col('kill_adv')} | {col('kill_vip')} | "
                      f"{ms(statistics.median(r['kill_garp'] for r in rs))} | {col('excess')} |",
                      flush=True)
        w.proc.kill()
    finally:
        pair.close()


if __name__ == "__main__":
    main()
