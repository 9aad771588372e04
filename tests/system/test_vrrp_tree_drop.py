"""The VRRP child frees the configuration tree once its model is built
(at start and after each reload), with nothing visible changing.

- The USR1 data dump of a configuration with global_defs, a sync group,
  scripts, static addresses, routes and rules and 20 instances is the same,
  byte for byte apart from the dump time, before and after a HUP reload
  (its configuration sections are kept as text, vrrp_dump_conf.c, and the
  model owns its strings, vrrp_model_own.c).
- The VRRP child's anonymous memory does not grow with configuration it
  does not use: 600 virtual_server blocks (about 2 MiB of tree, which a
  VRRP child that kept its inherited tree held for its lifetime) add less
  than a tenth of that to the child started with -P, and still after a
  reload.  Comparing two runs of the same binary keeps the bound
  independent of the libraries' and the allocator's own sizes.
"""

import re
import signal
import time
from pathlib import Path

import pytest

from conftest import needs_root, wait_for
from vrrp_lab import Segment, addrs

pytestmark = needs_root

NINST = 20


@pytest.fixture
def lab(netns, procs, workdir):
    seg = Segment(netns, procs, workdir, ["r1"])
    yield seg
    seg.close()


def instance(i, extra=""):
    return f"""vrrp_instance VI_{i} {{
  state MASTER
  interface eth0
  virtual_router_id {i}
  priority 150
  advert_int 1
  notify_master "/bin/true master {i}"
  track_script {{
    chk_true
  }}
{extra}
  virtual_ipaddress {{
    10.200.{i}.1/32
  }}
}}
"""


def dump_conf(ninst=NINST, tail=""):
    insts = "".join(instance(i) for i in range(1, ninst + 1))
    return f"""global_defs {{
  router_id tree_drop
  script_user root
  vrrp_garp_master_delay 1
  vrrp_notify_priority_changes
}}
vrrp_script chk_true {{
  script "/bin/true"
  interval 1
}}
vrrp_script chk_unused {{
  script "/bin/false"
  interval 5
}}
vrrp_sync_group G1 {{
  group {{
    VI_1
    VI_2
  }}
  notify_master "/bin/true G1"
}}
static_ipaddress {{
  10.210.0.1/32 dev eth0
}}
static_routes {{
  10.211.0.0/16 dev eth0
}}
static_rules {{
  from 10.212.0.0/16 table 100 priority 200
}}
{insts}{tail}"""


def vrrp_pid(r):
    return wait_for(lambda: r.read_pid(r.vrrp_pid), 10, what="VRRP child pid")


def all_vips(lab, n):
    have = addrs(lab.netns, lab.ns["r1"])
    return all(f"10.200.{i}.1" in have for i in range(1, n + 1))


def take_dump(r):
    f = r.tmp / "keepalived.data"
    if f.exists():
        f.unlink()
    r.signal(signal.SIGUSR1)
    return wait_for(lambda: f.exists() and f.read_text(), 10, what="data file")


def normalized(text):
    return re.sub(r"^ Dump written = .*$", " Dump written = X", text, flags=re.M)


def reload_and_wait(r):
    """HUP; the child handles its signals one at a time, so once its
    'Reloading' line is there, a later USR1 sees the reloaded state."""
    before = r.count("Reloading")
    r.signal(signal.SIGHUP)
    # the parent's line and the child's
    wait_for(lambda: r.count("Reloading") >= before + 2, 20, what="reload")
    wait_for(lambda: "Configuration reloaded" in r.log_text(), 20, what="reload done")


def test_data_dump_same_after_reload(lab, keepalived_bin):
    r1 = lab.start(keepalived_bin, "r1", dump_conf())
    wait_for(lambda: all_vips(lab, NINST), 30, what="VIPs on r1")
    first = take_dump(r1)
    # every configuration section is there, read from the kept text
    for text in (" VRRP Sync Group = G1\n", " VRRP Script = chk_true\n",
                 " VRRP Script = chk_unused\n", " Static addresses = \n",
                 " Static routes = \n", " Static rules = \n", " VRRP Instance = VI_20\n",
                 "router_id tree_drop", "10.212.0.0/16"):
        assert text in first, text
    reload_and_wait(r1)
    time.sleep(0.5)
    second = take_dump(r1)
    assert normalized(second) == normalized(first)
    assert all_vips(lab, NINST)
    # and once more, on the tree of the first reload freed in turn
    reload_and_wait(r1)
    assert normalized(take_dump(r1)) == normalized(first)


def rss_anon_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1])
    raise AssertionError("no RssAnon")


def virtual_servers(n, reals=10):
    """Checker configuration: in the tree the VRRP child inherits, never
    in its model."""
    out = []
    for v in range(n):
        rs = "".join(f"""  real_server 10.220.{v % 250}.{r + 1} 80 {{
    weight 1
    TCP_CHECK {{
      connect_timeout 3
      retry 2
    }}
  }}
""" for r in range(reals))
        out.append(f"virtual_server 10.221.{v // 250}.{v % 250 + 1} 80 {{\n"
                   f"  delay_loop 6\n  lb_algo rr\n  lb_kind NAT\n  protocol TCP\n{rs}}}\n")
    return "".join(out)


def settled_rss(lab, r, n):
    wait_for(lambda: all_vips(lab, n), 30, what="VIPs on r1")
    time.sleep(1.5)
    return rss_anon_kib(vrrp_pid(r))


def stop(r):
    r.kill_group(signal.SIGTERM)
    r.wait_exit(15)


def test_vrrp_child_does_not_keep_the_tree(lab, keepalived_bin):
    if b"__asan_init" in Path(str(keepalived_bin)).read_bytes():
        pytest.skip("ASan keeps freed memory in its quarantine: RSS says nothing")
    small = lab.start(keepalived_bin, "r1", dump_conf(), extra=["-P"])
    base = settled_rss(lab, small, NINST)
    stop(small)
    wait_for(lambda: not any(f"10.200.{i}.1" in addrs(lab.netns, lab.ns["r1"])
                             for i in range(1, NINST + 1)), 15, what="VIPs released")
    big = lab.start(keepalived_bin, "r1", dump_conf(tail=virtual_servers(600)), extra=["-P"])
    grown = settled_rss(lab, big, NINST)
    # 600 x 10 real servers: about 2 MiB of tree (measured: a VRRP child
    # keeping it had 2.3 MiB more anonymous memory)
    assert grown - base < 200, (base, grown)
    reload_and_wait(big)
    time.sleep(1.5)
    reloaded = rss_anon_kib(vrrp_pid(big))
    print(f"VRRP child RssAnon KiB: base {base}, with the tree {grown}, reloaded {reloaded}")
    assert reloaded - base < 300, (base, grown, reloaded)
