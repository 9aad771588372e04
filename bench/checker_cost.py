#!/usr/bin/env python3
"""Health-checker cost: CPU seconds per check and memory of the checker,
ours against Debian's keepalived 2.2.7, TCP_CHECK and HTTP_GET at
delay_loop 1 against local listeners, in the QEMU test VM (2.2.7's
checker exits without IPVS; tests/vm/README.md).

  cd build && ../bench/checker_cost.py [--cases tcp:1000,http:1000,...]
                                       [--window 30] [--warm 10]
                                       [--before OLD_BINARY] [./keepalived]

Real servers: N = NADDR x 100, addresses 10.9.0.1..NADDR on a dummy link,
ports 20000..20099 on each, all served by one ck_listener process
(bench/ck_listener.c, built here with gcc -static): accept and close for
TCP_CHECK, one fixed "200 OK" for HTTP_GET (url { path / status_code 200 }).
Virtual servers of 100 real servers each (NAT, rr), delay_loop 1,
connect_timeout 5.  Both binaries check exactly the same set, one after the
other in the same VM, with the IPVS modules reloaded in between.

Per binary and case the guest (bench/checker_cost_guest.sh) waits until
every destination is in the table, lets it run WARM s, then over WINDOW s
reads the checker child's utime + stime (/proc/PID/stat) and the
listener's accept counter (the checks actually done), the system part of
that CPU and the guest's idle time (near 0: the single vCPU is saturated),
and at the end the VmRSS of the parent and of the checker.  Prints NOTE
lines (failure lines in the syslog, cumulative over the run) and a
markdown table; --ref-first runs 2.2.7 first in each case.  --before
adds a third binary (an older build of ours, "before" in the table) to
every case, run first, to measure a change against 2.2.7 in one run.
After each case, the floor: `ck_listener probe` makes --probe minimal
checks one after the other (socket, connect, poll, [request, read to the
close,] close with an RST) and reports its CPU per check: what the kernel
alone costs per TCP connection, which no checker can go below.  Needs
root, gcc, qemu-system-x86_64 and what tests/vm/build-image.sh needs.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
VM = HERE.parent / "tests" / "vm"
PORTS, BASE, PER_VS = 100, 20000, 100


def gen(kind, n):
    out = ["global_defs {\n\trouter_id bench_checker\n}\n"]
    for i in range(n // PER_VS):
        out.append(f"virtual_server 10.0.{i // 250}.{i % 250 + 1} 80 {{\n\tdelay_loop 1\n"
                   "\tlvs_sched rr\n\tlvs_method NAT\n\tprotocol TCP\n")
        for j in range(PER_VS):
            k = i * PER_VS + j
            out.append(f"\treal_server 10.9.0.{k // PORTS + 1} {BASE + k % PORTS} {{\n")
            if kind == "tcp":
                out.append("\t\tTCP_CHECK {\n\t\t\tconnect_timeout 5\n\t\t}\n\t}\n")
            else:
                out.append("\t\tHTTP_GET {\n\t\t\turl {\n\t\t\t\tpath /\n"
                           "\t\t\t\tstatus_code 200\n\t\t\t}\n"
                           "\t\t\tconnect_timeout 5\n\t\t}\n\t}\n")
        out.append("}\n")
    return "".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary", nargs="?", default="./keepalived")
    ap.add_argument("--cases", default="tcp:1000,http:1000,tcp:10000,http:10000")
    ap.add_argument("--window", type=int, default=30)
    ap.add_argument("--warm", type=int, default=10)
    ap.add_argument("--ref", default=os.environ.get("KEEPALIVED_REF", "/usr/sbin/keepalived"))
    ap.add_argument("--ref-first", action="store_true", help="run 2.2.7 before ours in each case")
    ap.add_argument("--mem", type=int, default=1024, help="VM memory in MiB")
    ap.add_argument("--image", default="image-ckbench", help="image directory in $VM_CACHE")
    ap.add_argument("--before", help="an older build of ours, measured too")
    ap.add_argument("--probe", type=int, default=3000,
                    help="checks of the floor probe per case (0: none)")
    a = ap.parse_args()
    cases = [(c.split(":")[0], int(c.split(":")[1])) for c in a.cases.split(",")]
    if any(k not in ("tcp", "http") or n % PER_VS for k, n in cases):
        sys.exit("cases are tcp:N or http:N, N a multiple of 100")
    naddr = max(n for _, n in cases) // PORTS
    cache = Path(os.environ.get("VM_CACHE", "/var/cache/ka-vm"))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        files = []
        for kind, n in cases:
            f = tmp / f"ck-{kind}-{n}.conf"
            f.write_text(gen(kind, n))
            files.append(str(f))
        lis = tmp / "ck_listener"
        subprocess.run(["gcc", "-static", "-O2", "-Wall", "-o", str(lis),
                        str(HERE / "ck_listener.c")], check=True)
        files.append(str(lis))
        shutil.copy2(a.ref, tmp / "keepalived-ref")
        shutil.copy2(a.binary, tmp / "keepalived")   # the guest runs it by that name
        bins = [str(tmp / "keepalived"), str(tmp / "keepalived-ref")]
        if a.before:
            shutil.copy2(a.before, tmp / "keepalived-before")
            bins.append(str(tmp / "keepalived-before"))
        image = cache / a.image
        env = dict(os.environ, VM_CACHE=str(cache))
        subprocess.run(["bash", str(VM / "build-image.sh"), "-o", str(image)] + bins,
                       env=env, check=True)
        script = tmp / "guest.sh"
        order = "keepalived-ref keepalived" if a.ref_first else "keepalived keepalived-ref"
        if a.before:
            order = "keepalived-before " + order
        script.write_text(f'KAS="{order}"\n'
                          f'CASES="{" ".join(f"{k}:{n}" for k, n in cases)}"\n'
                          f"NADDR={naddr}\nPORTS={PORTS}\nBASE={BASE}\n"
                          f"WARM={a.warm}\nWINDOW={a.window}\nPROBE_N={a.probe}\n"
                          + (HERE / "checker_cost_guest.sh").read_text())
        limit = 200 + len(cases) * (3 if a.before else 2) * (a.warm + a.window + 150)
        r = subprocess.run(["bash", str(VM / "run-in-vm.sh"), "-d", str(image),
                            "-t", str(limit), "-m", str(a.mem), str(script)] + files,
                           capture_output=True, text=True)
    sys.stderr.write(r.stderr)
    res, probes = {}, {}
    for line in r.stdout.splitlines():
        p = re.match(r"PROBE (\S+) (\d+) (\d+) (\d+) (\d+) (\d+)$", line)
        if p:
            probes[(p[1], int(p[2]))] = p
        m = re.match(r"RESULT (\S+) (\S+) (\d+) (\d+) (\d+) ([\d.]+)" + r" (\d+)" * 6 + "$", line)
        if m:
            res[(m[2], int(m[3]), m[1])] = m
        elif line.startswith("NOTE"):
            print(line)
    if r.returncode != 0:
        print(f"VM run failed ({r.returncode}):\n{r.stdout}")
    print(f"\ndelay_loop 1, window {a.window} s after {a.warm} s of warm-up\n")
    print("| check | real servers | binary | checker CPU (s) | checks | checks/s "
          "| µs CPU/check (system) | RSS parent + checker (MiB) | guest idle "
          "| ours / 2.2.7 per check |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for kind, n in cases:
        per = {}
        for b in ("keepalived-ref", "keepalived-before", "keepalived"):
            m = res.get((kind, n, b))
            if not m:
                continue
            cpu = int(m[4]) / int(m[9])
            checks, w = int(m[5]), float(m[6])
            per[b] = cpu / checks if checks else float("inf")
            ratio = ""
            sysc = int(m[11]) / int(m[9]) / checks * 1e6 if checks else 0
            if b != "keepalived-ref" and "keepalived-ref" in per:
                ratio = f"{per[b] / per['keepalived-ref']:.2f}"
            name = {"keepalived-ref": "2.2.7", "keepalived-before": "ours before"}.get(b, "ours")
            print(f"| {kind.upper()} | {n} | {name} "
                  f"| {cpu:.2f} | {checks} | {checks / w:.0f} | {per[b] * 1e6:.0f} ({sysc:.0f}) "
                  f"| {int(m[7]) / 1024:.1f} + {int(m[8]) / 1024:.1f} "
                  f"| {100 * int(m[12]) / int(m[9]) / w:.0f} % | {ratio} |")
        p = probes.get((kind, n))
        if p:
            floor = (int(p[4]) + int(p[5])) / 1e6
            ratio = f"{floor / per['keepalived-ref']:.2f}" if per.get("keepalived-ref") else ""
            print(f"| {kind.upper()} | {n} | floor (probe, {p[3]} sequential) | | | "
                  f"| {floor * 1e6:.0f} ({int(p[5])}) | | | {ratio} |")
    sys.exit(0 if r.returncode == 0 else 1)


if __name__ == "__main__":
    main()
