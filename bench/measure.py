#!/usr/bin/env python3
"""Time `BINARY -t -f CONF` for two binaries, interleaved, and print
markdown table rows (used by config_test.sh).

    measure.py --runs N --label NAME CONF REFERENCE OURS

Each run is `/usr/bin/time -f %M BINARY -t -f CONF`, waited for with
os.wait4(): wall time from a monotonic clock around it, CPU time
(user+system, microsecond resolution) from the rusage of the time process
and its child, peak RSS from GNU time's %M.  (Not from our own wait4:
Linux keeps the pre-exec high-water mark in ru_maxrss, and a forked
Python is 10+ MiB; GNU time's pre-exec footprint is a few hundred KiB.)  The two binaries alternate (ref, ours, ref, ...)
so that a busy machine slows both alike.  Reported: median wall and CPU
time, max RSS, and the worst (non-zero) exit status.
"""

import argparse
import os
import statistics
import subprocess
import time

GNU_TIME = "/usr/bin/time"


RSS_FILE = f"/tmp/ka-bench-rss.{os.getpid()}"


def one_run(binary, conf):
    t0 = time.monotonic()
    p = subprocess.Popen([GNU_TIME, "-f", "%M", "-o", RSS_FILE, binary, "-t", "-f", conf],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    with open(RSS_FILE) as f:
        rss_kib = int(f.read().split()[-1])
    return wall * 1000, (ru.ru_utime + ru.ru_stime) * 1000, rss_kib, p.returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--label", required=True)
    ap.add_argument("conf")
    ap.add_argument("reference")
    ap.add_argument("ours")
    a = ap.parse_args()
    if not os.access(GNU_TIME, os.X_OK):
        raise SystemExit("needs GNU time: apt-get install time")
    res = {"ref": [], "ours": []}
    for _ in range(a.runs):
        res["ref"].append(one_run(a.reference, a.conf))
        res["ours"].append(one_run(a.ours, a.conf))
    os.unlink(RSS_FILE)
    summary = {}
    for k, runs in res.items():
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        rss = max(r[2] for r in runs) / 1024
        st = next((r[3] for r in runs if r[3] != 0), 0)
        summary[k] = (wall, cpu, rss, st)
    rw, rc, rr, rs = summary["ref"]
    ow, oc, orss, os_ = summary["ours"]
    print(f"| {a.label} | reference 2.2.7 | {rw:.1f} | {rc:.1f} | {rr:.1f} | {rs} | |")
    print(f"| {a.label} | ours | {ow:.1f} | {oc:.1f} | {orss:.1f} | {os_} | "
          f"{ow / rw:.2f}x / {oc / rc:.2f}x / {orss / rr:.2f}x |")


if __name__ == "__main__":
    main()
