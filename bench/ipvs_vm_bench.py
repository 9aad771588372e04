#!/usr/bin/env python3
"""IPVS speed benchmark in the QEMU test VM: our keepalived and Debian's
2.2.7 side by side, in the same VM run (tests/vm/README.md).

  cd build && ../bench/ipvs_vm_bench.py [-n RUNS] [--vs 1000] [--rs 10] [./keepalived]

Generates bench-a.conf (VS virtual servers x RS real servers, NAT, rr,
no checks: the rs stay up, so only programming is timed) and
bench-b.conf (1% of the virtual servers changed: scheduler rr -> wrr and
the first real server's weight 1 -> 5) and bench-c.conf (the same 1%
changed again, the weight only: 5 -> 3), bench-d.conf (the same 1%
changed once more: their 10 real servers replaced by 11 others, 1% of
all real servers), builds a VM image with both
binaries, and runs bench/ipvs_bench_guest.sh, which times for each binary
and round: start (exec to the table programmed), reload (SIGHUP with
bench-b.conf to the changes visible), reload-w (SIGHUP with bench-c.conf:
no scheduler change, so no RCU grace period in the kernel per changed
service), reload-m (SIGHUP with bench-d.conf: destinations deleted and
added) and stop (SIGTERM to exit, which removes the table).
The guest sees the end of start and reload with bench/ipvs_poll.c (built
here with gcc -static, shipped beside the script): a generic netlink
query of the last virtual server every 2 ms.
Prints a markdown table of the medians and the ratios (2.2.7 / ours).
Needs root, gcc, qemu-system-x86_64 and what tests/vm/build-image.sh needs.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
VM = HERE.parent / "tests" / "vm"


def vs_addr(i):
    return f"10.{i // 250}.{i % 250 + 1}.1"


def gen(n_vs, n_rs, changed, weight=5, replace=False):
    """The changed virtual servers get wrr and `weight` on their first real
    server, or with `replace` n_rs + 1 new real servers (other addresses)."""
    out = ["global_defs {\n\trouter_id bench_ipvs\n}\n"]
    for i in range(n_vs):
        ch = i in changed
        out.append(f"virtual_server {vs_addr(i)} 80 {{\n\tlvs_sched {'wrr' if ch else 'rr'}\n"
                   "\tlvs_method NAT\n\tprotocol TCP\n")
        if ch and replace:
            rs = [(f"172.16.{k // 250 % 250}.{k % 250 + 1}", 1)
                  for k in range(i * (n_rs + 1), (i + 1) * (n_rs + 1))]
        else:
            rs = [(f"192.168.{k // 250 % 250}.{k % 250 + 1}", weight if ch and j == 0 else 1)
                  for j, k in enumerate(range(i * n_rs, (i + 1) * n_rs))]
        for addr, w in rs:
            out.append(f"\treal_server {addr} 80 {{\n\t\tweight {w}\n\t}}\n")
        out.append("}\n")
    return "".join(out)


def table(res, f):
    print("| phase | ours | 2.2.7 | 2.2.7 / ours |")
    print("|---|---|---|---|")
    for phase in ("start", "reload", "reload-w", "reload-m", "stop"):
        o, t = res.get(("keepalived", phase), []), res.get(("keepalived-ref", phase), [])
        if not o or not t:
            continue
        mo, mt = statistics.median(o), statistics.median(t)
        fmt = lambda v: " ".join(f % x for x in v)
        print(f"| {phase} | {f % mo} ({fmt(o)}) | {f % mt} ({fmt(t)}) | "
              f"{mt / mo if mo else float('inf'):.1f}x |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary", nargs="?", default="./keepalived")
    ap.add_argument("-n", "--runs", type=int, default=3)
    ap.add_argument("--vs", type=int, default=1000)
    ap.add_argument("--rs", type=int, default=10)
    ap.add_argument("--ref", default=os.environ.get("KEEPALIVED_REF", "/usr/sbin/keepalived"))
    ap.add_argument("--mem", type=int, default=768, help="VM memory in MiB")
    ap.add_argument("--image", default="image-bench", help="image directory in $VM_CACHE")
    a = ap.parse_args()
    cache = Path(os.environ.get("VM_CACHE", "/var/cache/ka-vm"))
    step = 100                         # 1%: every 100th, ending with the last one
    changed = {i for i in range(a.vs) if i % step == step - 1}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "bench-a.conf").write_text(gen(a.vs, a.rs, set()))
        (tmp / "bench-b.conf").write_text(gen(a.vs, a.rs, changed))
        (tmp / "bench-c.conf").write_text(gen(a.vs, a.rs, changed, weight=3))
        (tmp / "bench-d.conf").write_text(gen(a.vs, a.rs, changed, replace=True))
        poll = tmp / "ipvs_poll"            # the guest runs it as /guest/ipvs_poll
        subprocess.run(["gcc", "-static", "-O2", "-Wall", "-Wextra", "-o", str(poll),
                        str(HERE / "ipvs_poll.c")], check=True)
        shutil.copy2(a.ref, tmp / "keepalived-ref")
        shutil.copy2(a.binary, tmp / "keepalived")   # named as the guest script expects
        image = cache / a.image
        # the image's digest covers the binaries' contents, not their names
        (image / "inputs").unlink(missing_ok=True)
        env = dict(os.environ, VM_CACHE=str(cache))
        subprocess.run(["bash", str(VM / "build-image.sh"), "-o", str(image),
                        str(tmp / "keepalived"), str(tmp / "keepalived-ref")],
                       env=env, check=True)
        script = tmp / "guest.sh"
        script.write_text(f'KAS="keepalived keepalived-ref"\nRUNS={a.runs}\n'
                          f"LAST={vs_addr(a.vs - 1)}\nNRS={a.rs}\nTOTAL={a.vs * a.rs}\n"
                          + (HERE / "ipvs_bench_guest.sh").read_text())
        r = subprocess.run(["bash", str(VM / "run-in-vm.sh"), "-d", str(image), "-t", "3000",
                            "-m", str(a.mem), str(script), str(tmp / "bench-a.conf"),
                            str(tmp / "bench-b.conf"), str(tmp / "bench-c.conf"),
                            str(tmp / "bench-d.conf"), str(poll)],
                           capture_output=True, text=True)
    sys.stderr.write(r.stderr)
    if r.returncode != 0:
        sys.exit(f"VM run failed ({r.returncode}):\n{r.stdout}")
    res, cpu, bad = {}, {}, []
    for line in r.stdout.splitlines():
        if line.startswith("INFO "):
            sys.stderr.write(line + "\n")
        m = re.match(r"RESULT (\S+) (\S+) (\d+) ([\d.]+)$", line)
        if m:
            res.setdefault((m[1], m[2]), []).append(float(m[4]))
        m = re.match(r"CPU (\S+) (\S+) (\d+) ([\d.]+)$", line)
        if m:
            cpu.setdefault((m[1], m[2]), []).append(float(m[4]))
        m = re.match(r"CHECK (\S+) (\d+) (.*)$", line)
        if m:
            what = m[3].split()
            want = {"dests": a.vs * a.rs, "dests-m": a.vs * a.rs + len(changed),
                    "wrr": len(changed), "left": 0, "seen": 1}.get(what[0])
            if want is None or len(what) != 2 or int(what[1]) != want:
                bad.append(line)
    print(f"{a.vs} virtual servers x {a.rs} real servers, {a.runs} rounds, "
          "median seconds (all rounds)\n")
    table(res, "%.3f")
    print("\nCPU seconds (user + system) of each binary's processes in the same "
          "phases, median (all rounds)\n")
    table(cpu, "%.2f")
    if bad:
        print("\nCHECK failures:\n" + "\n".join(bad))
        sys.exit(1)


if __name__ == "__main__":
    main()
