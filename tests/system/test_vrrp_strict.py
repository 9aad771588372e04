"""Strict mode / no_accept: the nftables tables, checked against 2.2.7.

For each scenario the reference (Debian's 2.2.7) and ours run alone in
router r1 in turn; `nft list ruleset` is read while it is MASTER (and, for
the first scenario, after a higher-priority peer made it BACKUP: the VIP
set is emptied, the chains stay) and after it stopped (nothing left).  The
listings of both daemons must be identical.  Ours must also really drop
traffic to the VIP (a TCP SYN gets no RST) and say why in one log line.
The iptables + ipset variant (vrrp_iptables) is checked on its own: the
reference, built without iptables support, uses nftables there.
"""

import json
import re
import signal
import sys

import pytest

from conftest import needs_root, wait_for
from test_vrrp_basic import lab, start  # noqa: F401  (fixture)
from vrrp_lab import VIP4, conf_instance

pytestmark = needs_root

VIP6 = "fd00:200::100"
DROP_LINE = "traffic to the virtual addresses is dropped on this MASTER"


@pytest.fixture(autouse=True)
def _needs_nft():
    import shutil
    if shutil.which("nft") is None:
        pytest.skip("needs the nft command (apt-get install nftables)")


def nft(lab, name):
    """The ruleset, counter values left out (they count live traffic)."""
    r = lab.netns.exec(lab.ns[name], "nft", "list", "ruleset")
    return re.sub(r"counter packets \d+ bytes \d+", "counter", r.stdout)


def all_addrs(lab, name):
    r = lab.netns.exec(lab.ns[name], "ip", "-j", "addr", "show")
    return {a["local"] for ln in json.loads(r.stdout) for a in ln.get("addr_info", [])}


def observe(lab, binary, helper_bin, conf, vip, peer_conf=None):
    """Run binary alone in r1 with conf; return the rulesets while MASTER
    (once all of vip, an address or a tuple of them, are there),
    while BACKUP (only with peer_conf: then a peer of helper_bin in r2
    takes over), and after stop."""
    out = {}
    vips = {vip} if isinstance(vip, str) else set(vip)
    r1 = start(lab, binary, "r1", conf)
    wait_for(lambda: vips <= all_addrs(lab, "r1"), 12, what="r1 MASTER with its VIPs")
    out["master"] = nft(lab, "r1")
    out["log"] = r1
    if peer_conf:
        r2 = start(lab, helper_bin, "r2", peer_conf)
        wait_for(lambda: not vips & all_addrs(lab, "r1"), 12, what="r1 back to BACKUP")
        empty = re.compile(r"set vips \{\s*type ipv[46]_addr\s*\}")

        def emptied():
            text = nft(lab, "r1")
            return empty.search(text) and "elements = { fe80" not in text and text
        out["backup"] = wait_for(emptied, 5, what="VIP sets emptied")
    r1.signal(signal.SIGTERM)
    r1.wait_exit()
    out["after"] = nft(lab, "r1")
    if peer_conf:
        r2.signal(signal.SIGTERM)
        r2.wait_exit()
    return out


def compare(lab, keepalived_bin, reference_bin, conf, vip, peer_conf=None):
    ref = observe(lab, reference_bin, keepalived_bin, conf, vip, peer_conf)
    ours = observe(lab, keepalived_bin, keepalived_bin, conf, vip, peer_conf)
    for phase in ("master", "backup", "after"):
        assert ours.get(phase) == ref.get(phase), f"{phase}:\n{ours.get(phase)}\n---\n" \
            f"reference:\n{ref.get(phase)}"
    assert ours["after"] == ""
    return ours


def syn_answered(lab, ns, ip):
    """True if a TCP SYN to ip:9 from ns is answered (RST), False if dropped."""
    code = ("import socket,sys\ns=socket.socket()\ns.settimeout(1.0)\n"
            f"try:\n  s.connect(('{ip}', 9))\nexcept ConnectionRefusedError:\n  sys.exit(0)\n"
            "except OSError:\n  sys.exit(1)\n")
    return lab.netns.exec(ns, sys.executable, "-c", code, check=False).returncode == 0


def test_strict_vmac_v2_tables_like_reference(lab, keepalived_bin, reference_bin):
    conf = conf_instance(100, extra="  use_vmac", globals_="  vrrp_strict")
    peer = conf_instance(200, extra="  use_vmac", globals_="  vrrp_strict")
    ours = compare(lab, keepalived_bin, reference_bin, conf, VIP4, peer)
    assert "ip daddr @vips drop" in ours["master"]
    assert "dup to ip daddr device oif map @vmac_map" in ours["master"]
    log = ours["log"].log_text()
    assert log.count(DROP_LINE) == 1 and "vrrp_strict" in log
    assert "(VI_1) setting firewall drop rule" in log
    assert "(VI_1) removing firewall drop rule" in log


def test_no_accept_drops_vip_traffic_accept_does_not(lab, keepalived_bin):
    """r1: no_accept, r2: strict mode with accept (VRRPv3), independent
    instances that both become MASTER."""
    vip2 = "192.168.200.101"
    r1 = start(lab, keepalived_bin, "r1", conf_instance(100, 3, extra="  no_accept"))
    r2 = start(lab, keepalived_bin, "r2", conf_instance(100, 3, vips=(f"{vip2}/24",), vrid=52,
                                                        extra="  accept",
                                                        globals_="  vrrp_strict"))
    wait_for(lambda: VIP4 in all_addrs(lab, "r1"), 12, what="r1 MASTER")
    wait_for(lambda: vip2 in all_addrs(lab, "r2"), 12, what="r2 MASTER")
    assert not syn_answered(lab, lab.ns["obs"], VIP4)
    assert syn_answered(lab, lab.ns["obs"], "192.168.200.10")
    line = [ln for ln in r1.log_text().splitlines() if DROP_LINE in ln]
    assert len(line) == 1 and "no_accept" in line[0] and "accept" in line[0].split(";")[-1]
    assert syn_answered(lab, lab.ns["obs"], vip2)
    assert nft(lab, "r2") == "" and DROP_LINE not in r2.log_text()
    r1.signal(signal.SIGTERM)
    r1.wait_exit()
    assert nft(lab, "r1") == ""


def test_iptables_ipset_variant(lab, keepalived_bin):
    """vrrp_iptables: ipsets keepalived/keepalived6 and rules appended to
    INPUT/OUTPUT matching them; all gone at stop.  (Debian's 2.2.7 has no
    iptables support to compare with: it uses nftables here.)"""
    import shutil
    if not (shutil.which("iptables") and shutil.which("ipset")):
        pytest.skip("needs iptables and ipset (apt-get install iptables ipset)")
    import subprocess
    version = subprocess.run([str(keepalived_bin), "-v"], capture_output=True, text=True)
    if " IPTABLES" not in version.stdout + version.stderr:
        pytest.skip("built without --enable-iptables (Debian's 2.2.7 uses nftables there too)")
    conf = conf_instance(100, 3, globals_="  vrrp_strict\n  vrrp_iptables")
    r1 = start(lab, keepalived_bin, "r1", conf)
    wait_for(lambda: VIP4 in all_addrs(lab, "r1"), 12, what="r1 MASTER")
    assert "iptables chain INPUT" in r1.log_text()
    rules = lab.netns.exec(lab.ns["r1"], "iptables", "-S").stdout
    assert "-A INPUT -m set --match-set keepalived dst -j DROP" in rules
    assert "-A OUTPUT -m set --match-set keepalived src -j DROP" in rules
    members = lab.netns.exec(lab.ns["r1"], "ipset", "list", "keepalived").stdout
    assert VIP4 in members.split("Members:")[1]
    assert not syn_answered(lab, lab.ns["obs"], VIP4)
    r1.signal(signal.SIGTERM)
    r1.wait_exit()
    assert "match-set" not in lab.netns.exec(lab.ns["r1"], "iptables", "-S").stdout
    assert lab.netns.exec(lab.ns["r1"], "ipset", "list", "-n").stdout.strip() == ""


def test_no_accept_vmac_v6_tables_like_reference(lab, keepalived_bin, reference_bin):
    conf = conf_instance(100, 3, vips=(f"{VIP6}/64",), vrid=52, extra="  use_vmac\n  no_accept")
    ours = compare(lab, keepalived_bin, reference_bin, conf, VIP6)
    assert "ip6 daddr @vips drop" in ours["master"]


def test_strict_v3_without_vmac_like_reference(lab, keepalived_bin, reference_bin):
    conf = conf_instance(100, 3, vips=(f"{VIP4}/24", "192.168.200.101/24"),
                         globals_="  vrrp_strict\n  nftables_counters")
    ours = compare(lab, keepalived_bin, reference_bin, conf, VIP4)
    assert "vmac_map" not in ours["master"] and "counter drop" in ours["master"]


def test_strict_owner_has_no_table(lab, keepalived_bin):
    """The address owner (priority 255) accepts: no table at all (2.2.7
    does not even log that it uses nftables then)."""
    conf = conf_instance(255, 3, state="MASTER", globals_="  vrrp_strict")
    ours = observe(lab, keepalived_bin, keepalived_bin, conf, VIP4)
    assert ours["master"] == "" and "using nftables" not in ours["log"].log_text()


def test_strict_v6_link_local_vip_like_reference(lab, keepalived_bin, reference_bin):
    """Strict IPv6 wants a link-local first VIP: it goes into the set
    vips_link_local (address . interface index), or, for an instance with
    dont_track_primary, vips_link_local_name (address . interface name);
    both are dropped in in/out_link_local."""
    def two(prio):
        vi7 = conf_instance(prio, 3, vips=("fe80::53/64",), vrid=53, name="VI_7",
                            extra="  dont_track_primary")
        return conf_instance(prio, 3, vips=("fe80::52/64", f"{VIP6}/64"), vrid=52,
                             globals_="  vrrp_strict") + vi7[vi7.index("vrrp_instance"):]
    ours = compare(lab, keepalived_bin, reference_bin, two(100), (VIP6, "fe80::53"), two(200))
    assert 'elements = { fe80::52 . "eth0" }' in ours["master"]
    assert 'elements = { fe80::53 . "eth0" }' in ours["master"]
    assert "ip6 daddr . iif @vips_link_local drop" in ours["master"]
    assert "ip6 daddr . iifname @vips_link_local_name drop" in ours["master"]
    assert "fe80::52" not in ours["backup"]
