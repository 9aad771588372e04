#!/usr/bin/env python3
"""Generate the large configurations used by bench/config_test.sh.

  gen_conf.py lvs  [--vs 1000] [--rs 10]          > lvs.conf
  gen_conf.py vrrp [--instances 1000] [--ifaces 4] [--ifprefix kab] > vrrp.conf

lvs:  N virtual_servers (10.S.T.1:80, S.T from the index), each with M
      real_servers (192.168.R.H:80) checked by TCP_CHECK.
vrrp: N vrrp_instances spread round-robin over IFACES interfaces named
      IFPREFIX0..; VRIDs are unique per interface (1..255, so at most
      255 * IFACES instances); each instance has one VIP 10.200.X.Y/32.
      The interfaces must exist for `-t` (config_test.sh creates dummies
      in a private network namespace).

Output is deterministic (no randomness), so both binaries and every run
see the same text.
"""

import argparse
import sys


def lvs(out, n_vs, n_rs):
    out.write("global_defs {\n    router_id bench_lvs\n}\n\n")
    for i in range(n_vs):
        out.write(f"virtual_server 10.{i // 250}.{i % 250 + 1}.1 80 {{\n"
                  "    delay_loop 6\n    lb_algo rr\n    lb_kind NAT\n"
                  "    protocol TCP\n\n")
        for j in range(n_rs):
            k = i * n_rs + j
            out.write(f"    real_server 192.168.{k // 250 % 250}.{k % 250 + 1} 80 {{\n"
                      "        weight 1\n        TCP_CHECK {\n"
                      "            connect_timeout 3\n            retry 2\n"
                      "            delay_before_retry 2\n        }\n    }\n")
        out.write("}\n\n")


def vrrp(out, n, n_if, prefix):
    if n > 255 * n_if:
        sys.exit(f"{n} instances need more than {n_if} interfaces (255 VRIDs each)")
    out.write("global_defs {\n    router_id bench_vrrp\n}\n\n")
    for i in range(n):
        ifname = f"{prefix}{i % n_if}"
        vrid = i // n_if + 1
        out.write(f"vrrp_instance VI_{i} {{\n    state BACKUP\n    interface {ifname}\n"
                  f"    virtual_router_id {vrid}\n    priority 100\n    advert_int 1\n"
                  f"    virtual_ipaddress {{\n        10.200.{i // 250}.{i % 250 + 1}/32\n"
                  "    }\n}\n\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("kind", choices=("lvs", "vrrp"))
    ap.add_argument("--vs", type=int, default=1000)
    ap.add_argument("--rs", type=int, default=10)
    ap.add_argument("--instances", type=int, default=1000)
    ap.add_argument("--ifaces", type=int, default=4)
    ap.add_argument("--ifprefix", default="kab")
    a = ap.parse_args()
    if a.kind == "lvs":
        lvs(sys.stdout, a.vs, a.rs)
    else:
        vrrp(sys.stdout, a.instances, a.ifaces, a.ifprefix)


if __name__ == "__main__":
    main()
