#!/usr/bin/python3
"""CPU cost of VRRP tracking, ours against the reference (Debian's 2.2.7),
in one run, same setup.

    bench/vrrp_track_cost.py [--instances 100] [--seconds 30] [OURS [REFERENCE]]

One router, N VRRPv2 instances (advert_int 1, one /32 VIP each) on one veth
link; every daemon runs alone (no peer: each instance is MASTER).  Three
scenarios, each run with each binary in turn:

  script    each instance tracks its own vrrp_script (/bin/true, interval 1,
            weight -10): N script runs per second
  file      every instance tracks one track_file (weight 5) that the bench
            rewrites 10 times per second, alternating 0 and 1
  process   every instance tracks one vrrp_track_process (weight 10) while
            the bench starts and stops the tracked process once per second
            and runs 20 unrelated short processes per second.  The kernel's
            process connector exists only in the initial network namespace,
            so this scenario runs the daemon there, on a veth pair of its
            own (kavtrk0/kavtrk0p, removed afterwards).  Skipped with
            --no-root-ns.

For each, after the daemon holds every VIP and 3 s more, CPU is measured
for SECONDS: utime + stime of every process of the daemon ("daemon"), and
the time of the children it reaped (cutime + cstime: the scripts
themselves, "scripts").  Both binaries log to stderr (-l, into a file),
without -D.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vrrp_benchlib as vb  # noqa: E402

PROC_NAME = "kavtrkbench"


def conf(n, scenario, workdir, ifname):
    out = []
    track = ""
    if scenario == "file":
        out.append(f"track_file tf {{\n  file {workdir}/track.val\n  weight 5\n"
                   f"  init_file 0 overwrite\n}}\n")
        track = "  track_file {\n    tf\n  }\n"
    elif scenario == "process":
        out.append(f"vrrp_track_process tp {{\n  process {PROC_NAME}\n  weight 10\n}}\n")
        track = "  track_process {\n    tp\n  }\n"
    for i in range(n):
        if scenario == "script":
            out.append(f"vrrp_script s{i} {{\n  script /bin/true\n  interval 1\n"
                       f"  weight -10\n}}\n")
            track = f"  track_script {{\n    s{i}\n  }}\n"
        out.append(f"vrrp_instance VI_{i} {{\n  state BACKUP\n  interface {ifname}\n"
                   f"  virtual_router_id {i + 1}\n  priority 100\n  advert_int 1\n{track}"
                   f"  virtual_ipaddress {{\n    10.210.{i // 250}.{i % 250 + 1}/32\n  }}\n}}\n")
    return "".join(out)


def cpu_all(pids):
    """(utime + stime, cutime + cstime) summed over pids (seconds): the
    daemon's own time and that of the children it reaped (the scripts)."""
    own = children = 0.0
    for pid in pids:
        try:
            f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        own += (int(f[11]) + int(f[12])) / vb.CLK_TCK
        children += (int(f[13]) + int(f[14])) / vb.CLK_TCK
    return own, children


class RootNs:
    """A veth pair in the initial namespace (for the process connector)."""

    def __init__(self):
        self.ns = {"r1": None}
        self.dir = Path(vb.tempfile.mkdtemp(prefix="ka-trkbench-"))
        vb.sh("ip", "link", "add", "kavtrk0", "type", "veth", "peer", "name", "kavtrk0p")
        vb.sh("ip", "addr", "add", "10.211.0.1/24", "dev", "kavtrk0")
        vb.sh("ip", "link", "set", "kavtrk0", "up")
        vb.sh("ip", "link", "set", "kavtrk0p", "up")

    def vips(self):
        out = vb.sh("ip", "-4", "-o", "addr", "show", "dev", "kavtrk0").stdout
        return sum(1 for line in out.splitlines() if "10.210." in line)

    def close(self):
        vb.sh("ip", "link", "del", "kavtrk0", check=False)
        vb.shutil.rmtree(self.dir, ignore_errors=True)


def start_daemon(where, binary, text, tag):
    d = where.dir / tag
    d.mkdir(parents=True, exist_ok=True)
    (d / "keepalived.conf").write_text(text)
    pidfiles = [d / f for f in ("main.pid", "vrrp.pid", "check.pid")]
    for f in pidfiles:
        if f.exists():
            f.unlink()
    log = open(d / "log", "w")
    argv = [binary, "-n", "-l", "-f", str(d / "keepalived.conf"), "-p", str(pidfiles[0]),
            "-r", str(pidfiles[1]), "-c", str(pidfiles[2])]
    if where.ns.get("r1"):
        argv = ["ip", "netns", "exec", where.ns["r1"]] + argv
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                            env=dict(os.environ, TMPDIR=str(d)), start_new_session=True)
    return proc, log


def session_pids(proc):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if os.getsid(int(d)) == proc.pid:
                    out.append(int(d))
            except OSError:
                pass
    return out


def stop(proc, log):
    for sig in (15, 9):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(10)
            break
        except subprocess.TimeoutExpired:
            pass
    log.close()


def drive(scenario, workdir, seconds, exe):
    """The load a scenario puts on the tracked object, for `seconds`."""
    t_end = time.monotonic() + seconds
    tracked = None
    k = 0
    while time.monotonic() < t_end:
        if scenario == "file":
            (workdir / "track.val").write_text(f"{k % 2}\n")
            time.sleep(0.1)
        elif scenario == "process":
            if k % 20 == 0:
                if tracked:
                    tracked.kill()
                    tracked.wait()
                    tracked = None
                else:
                    tracked = subprocess.Popen([str(exe), "100"])
            subprocess.run(["/bin/true"])
            time.sleep(0.05)
        else:
            time.sleep(0.5)
        k += 1
    if tracked:
        tracked.kill()
        tracked.wait()


def measure(where, vips, ifname, binary, label, scenario, n, seconds):
    workdir = where.dir / f"{label}-{scenario}-files"
    workdir.mkdir(parents=True, exist_ok=True)
    exe = workdir / PROC_NAME
    vb.shutil.copy("/bin/sleep", exe)
    proc, log = start_daemon(where, binary, conf(n, scenario, workdir, ifname),
                             f"{label}-{scenario}")
    try:
        vb.wait_until(lambda: vips() >= n, 60, f"{label} {scenario}: every VIP")
        time.sleep(3)
        pids = session_pids(proc)
        c0 = cpu_all(pids)
        t0 = time.monotonic()
        drive(scenario, workdir, seconds, exe)
        dt = time.monotonic() - t0
        c1 = cpu_all(session_pids(proc))
        return c1[0] - c0[0], c1[1] - c0[1], dt
    finally:
        stop(proc, log)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--instances", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--no-root-ns", action="store_true",
                    help="skip the process scenario (it runs in the initial namespace)")
    ap.add_argument("ours", nargs="?", default=os.environ.get("KEEPALIVED_BIN", "./keepalived"))
    ap.add_argument("reference", nargs="?", default=vb.REFERENCE)
    a = ap.parse_args()
    binaries = {"reference 2.2.7": a.reference, "ours": os.path.abspath(a.ours)}
    print(f"vrrp_track_cost: {a.instances} instances, v2, advert_int 1, {a.seconds:g} s "
          "per measure")
    print(vb.host_line())
    print()
    print("| scenario | binary | daemon CPU (s) | scripts CPU (s) | total (% of one core) |")
    print("|---|---|---:|---:|---:|")
    scenarios = ["script", "file"] + ([] if a.no_root_ns else ["process"])
    for scenario in scenarios:
        if scenario == "process":
            where = RootNs()
            vips = where.vips
            ifname = "kavtrk0"
        else:
            where = vb.Pair(links=["eth0"], net="10.212")
            ifname = "eth0"

            def vips(w=where):
                out = vb.sh("ip", "-n", w.ns["r1"], "-4", "-o", "addr", "show").stdout
                return sum(1 for line in out.splitlines() if "10.210." in line)
        try:
            for label, binary in binaries.items():
                own, kids, dt = measure(where, vips, ifname, binary, label.split()[0],
                                        scenario, a.instances, a.seconds)
                print(f"| {scenario} | {label} | {own:.2f} | {kids:.2f} | "
                      f"{(own + kids) * 100 / dt:.1f} |", flush=True)
        finally:
            where.close()


if __name__ == "__main__":
    main()
