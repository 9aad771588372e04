"""Reload (SIGHUP) of the checker against a real IPVS kernel, in a QEMU VM.

One boot (tests/vm/reload-guest.sh): our keepalived, then the reference
2.2.7 when installed, each started with tests/vm/reload-a.conf, given
traffic through every virtual server (client and real servers in network
namespaces, so destinations have counters), then reloaded with
reload-b.conf.  Three witnesses that a reload touches only what changed:

- nl_sniff (tests/vm/nl_sniff.c) on an nlmon device prints every IPVS
  change request that crosses netlink during the reload: ours must send
  exactly the difference (no delete or re-add of anything kept);
- `ipvsadm -Ln --stats`: kept services and destinations keep their
  counters (a re-created service starts at zero; note that a destination
  deleted and re-added within a minute comes back from the kernel's trash
  with its counters, which the "control" service shows, so counters alone
  prove nothing for destinations: the sniffer does);
- the log and the lvs_notify_fifo lines, compared with 2.2.7's.
"""

import os
import re
from pathlib import Path

import pytest

from vm_guest import boot_guest

HERE = Path(__file__).resolve().parent
VM_DIR = HERE.parent / "vm"
BOOT_LIMIT = 300
GUEST_FILES = [VM_DIR / "reload-a.conf", VM_DIR / "reload-b.conf", VM_DIR / "ha.conf",
               VM_DIR / "sync.conf", VM_DIR / "flush.conf", VM_DIR / "fifo-reader.sh"]

# What our reload must send, in this order: deletions first.  The changed
# options of a kept service go out from a helper thread while the new
# model is built (check_reload.h): once, at any point among the rest.
EXPECTED_EDITS = ["SET_SERVICE TCP 10.0.0.2:80 wrr"]
EXPECTED_REQUESTS = [
    "DEL_DEST TCP 10.0.0.2:80 -> 192.168.1.4:80",
    "DEL_SERVICE TCP 10.0.0.3:80",
    "SET_DEST TCP 10.0.0.2:80 -> 192.168.1.2:80 weight 3",
    "NEW_DEST TCP 10.0.0.2:80 -> 192.168.1.5:80 weight 1",
    "NEW_SERVICE TCP 10.0.1.3:80 rr",
    "NEW_DEST TCP 10.0.1.3:80 -> 192.168.1.3:80 weight 1",
    "NEW_SERVICE TCP 10.0.0.4:80 rr",
    "NEW_DEST TCP 10.0.0.4:80 -> 192.168.1.5:80 weight 2",
]

EXPECTED_TABLE = {
    "TCP 10.0.0.1:80 rr": ["192.168.1.2:80 Masq 2", "192.168.1.3:80 Masq 1"],
    "TCP 10.0.0.2:80 wrr": ["192.168.1.2:80 Masq 3", "192.168.1.5:80 Masq 1"],
    "TCP 10.0.0.4:80 rr": ["192.168.1.5:80 Masq 2"],
    "TCP 10.0.0.5:80 rr": ["192.168.1.5:80 Masq 1", "192.168.1.9:80 Masq 0"],
    "TCP 10.0.0.9:80 rr": ["192.168.1.4:80 Masq 1"],
    "TCP 10.0.1.1:80 rr": ["192.168.1.3:80 Masq 1"],
    "TCP 10.0.1.2:80 rr": ["192.168.1.3:80 Masq 1"],
    "TCP 10.0.1.3:80 rr": ["192.168.1.3:80 Masq 1"],
}


def _find_tool(keepalived_bin, name):
    env = os.environ.get(name.upper())
    for cand in ([env] if env else []) + [Path(keepalived_bin).parent / "tests" / "vm" / name]:
        if cand and Path(cand).is_file() and os.access(cand, os.X_OK):
            return Path(cand)
    return None


@pytest.fixture(scope="module")
def run(keepalived_bin, tmp_path_factory):
    sniff = _find_tool(keepalived_bin, "nl_sniff")
    if sniff is None:
        pytest.skip("tests/vm/nl_sniff not built (make check builds it)")
    vm = boot_guest(tmp_path_factory, keepalived_bin, image_name="image-reload",
                    guest="reload-guest.sh", guest_files=GUEST_FILES,
                    module="drivers/net/nlmon.ko", tools=[sniff], boot_limit=BOOT_LIMIT)
    vm.has_ref = "keepalived-ref" in vm.kas
    return vm


def table(text):
    """{"TCP 10.0.0.1:80 rr": ["192.168.1.2:80 Masq 2", ...]} (no counters)."""
    out, cur = {}, None
    for line in text.splitlines():
        f = line.split()
        if len(f) >= 3 and f[0] in ("TCP", "UDP", "SCTP", "FWM"):
            cur = " ".join(f)
            out[cur] = []
        elif f and f[0] == "->" and cur and f[1] != "RemoteAddress:Port":
            out[cur].append(" ".join(f[1:4]))
    return out


def stats(text):
    """{("10.0.0.1:80", None): [conns, inpkts, ...], ("10.0.0.1:80", "192.168.1.2:80"): [...]}"""
    out, svc = {}, None
    for line in text.splitlines():
        f = line.split()
        if len(f) == 7 and f[0] in ("TCP", "UDP", "SCTP", "FWM"):
            svc = f[1]
            out[(svc, None)] = [int(x) for x in f[2:]]
        elif len(f) == 7 and f[0] == "->" and svc:
            out[(svc, f[1])] = [int(x) for x in f[2:]]
    return out


def log_after_reload(vm, ka):
    lines = vm.ok(f"{ka}.log").splitlines()
    mark = int(vm.ok(f"{ka}.log_mark").strip())
    return [re.sub(r"^\w{3} \w{3} +\d+ [\d:]+ \d{4}: ", "", x) for x in lines[mark:]]


def test_started(run):
    run.ok("keepalived.wait_start")
    start = table(run.ok("keepalived.start"))
    assert start["TCP 10.0.0.3:80 rr"] == ["192.168.1.4:80 Masq 1"]
    assert start["TCP 10.0.0.5:80 rr"] == ["192.168.1.5:80 Masq 1", "192.168.1.9:80 Masq 0"]


def test_reload_sends_only_the_difference(run):
    run.ok("keepalived.wait_sniff")
    run.ok("keepalived.wait_reload")
    sent = run.ok("keepalived.requests").splitlines()
    assert [x for x in sent if x.startswith("SET_SERVICE")] == EXPECTED_EDITS
    assert [x for x in sent if not x.startswith("SET_SERVICE")] == EXPECTED_REQUESTS


def test_table_after_reload(run):
    assert table(run.ok("keepalived.reloaded")) == EXPECTED_TABLE


def test_kept_counters(run):
    """Services that stay keep their counters, and so do their destinations."""
    before, after = stats(run.ok("keepalived.before")), stats(run.ok("keepalived.after"))
    kept = [("10.0.0.1:80", None), ("10.0.0.1:80", "192.168.1.2:80"),
            ("10.0.0.1:80", "192.168.1.3:80"), ("10.0.0.2:80", None),
            ("10.0.0.2:80", "192.168.1.2:80"), ("10.0.0.5:80", None),
            ("10.0.0.5:80", "192.168.1.5:80"), ("10.0.1.1:80", None),
            ("10.0.1.1:80", "192.168.1.3:80")]
    for k in kept:
        assert before[k][0] > 0, k
        assert after[k] == before[k], k
    assert ("10.0.0.3:80", None) not in after
    assert after[("10.0.0.4:80", None)][0] == 0


def test_connections_kept(run):
    """The connection entries of kept destinations are still there."""
    before = table_conns(run.ok("keepalived.before_conns"))
    after = table_conns(run.ok("keepalived.after_conns"))
    for d in [("10.0.0.1:80", "192.168.1.2:80"), ("10.0.0.1:80", "192.168.1.3:80"),
              ("10.0.0.5:80", "192.168.1.5:80")]:
        assert before[d] == after[d] and before[d] > 0, d


def table_conns(text):
    out, svc = {}, None
    for line in text.splitlines():
        f = line.split()
        if len(f) >= 3 and f[0] in ("TCP", "UDP", "SCTP"):
            svc = f[1]
        elif len(f) == 6 and f[0] == "->" and svc:
            out[(svc, f[1])] = int(f[4]) + int(f[5])
    return out


def test_log_after_reload(run):
    log = log_after_reload(run, "keepalived")
    for line in ["Reinitializing ipvs",
                 "service [192.168.1.4]:tcp:80 no longer exist",
                 "Removing service [192.168.1.4]:tcp:80 from VS [10.0.0.2]:tcp:80",
                 "Removing Virtual Server [10.0.0.3]:tcp:80",
                 "Removing service [192.168.1.4]:tcp:80 from VS [10.0.0.3]:tcp:80",
                 "Changing weight from 1 to 3 for active service [192.168.1.2]:tcp:80 "
                 "of VS [10.0.0.2]:tcp:80",
                 "Gained quorum 1+0=1 <= 2 for VS [10.0.0.4]:tcp:80"]:
        assert line in log, f"missing {line!r}"
    # the failed, inhibited server stays failed: no flap, no second verdict
    assert not [x for x in log if "192.168.1.9" in x and "Activating" not in x
                and "Shutting down" not in x]
    assert sum("Activating healthchecker" in x for x in log) == 5


def test_fifo_lines(run):
    assert run.ok("keepalived.fifo").splitlines() == [
        "VS [10.0.0.1]:tcp:80 UP", "VS [10.0.0.2]:tcp:80 UP", "VS [10.0.0.3]:tcp:80 UP",
        "VS [G1]:0 UP", "VS [10.0.0.5]:tcp:80 UP",
        "RS [192.168.1.9]:tcp:80 [10.0.0.5]:tcp:80 DOWN",
        "RS [192.168.1.4]:tcp:80 [10.0.0.2]:tcp:80 DOWN",
        "RS [192.168.1.4]:tcp:80 [10.0.0.3]:tcp:80 DOWN",
        "VS [10.0.0.3]:tcp:80 DOWN",
        "VS [10.0.0.4]:tcp:80 UP"]


def test_term_removes_ours(run):
    assert run.ok("keepalived.stop").strip() == "exit 0"
    assert list(table(run.ok("keepalived.after_term"))) == ["TCP 10.0.0.9:80 rr"]


def _need_ref(run):
    if not run.has_ref:
        pytest.skip("reference keepalived 2.2.7 not installed (apt-get install keepalived)")


def test_same_table_as_reference(run):
    """2.2.7 ends with the same table (its reload re-creates the group's
    services, which does not show in the table)."""
    _need_ref(run)
    assert table(run.ok("keepalived-ref.reloaded")) == table(run.ok("keepalived.reloaded"))


def test_same_fifo_and_log_as_reference(run):
    _need_ref(run)
    assert run.ok("keepalived-ref.fifo") == run.ok("keepalived.fifo")
    pat = re.compile(r"^(service |Removing |Changing weight|Gained quorum|Lost quorum|"
                     r"Adding |Enabling |Disabling |Activating healthchecker)")
    ours = sorted(x for x in log_after_reload(run, "keepalived") if pat.match(x))
    ref = sorted(x for x in log_after_reload(run, "keepalived-ref") if pat.match(x))
    assert ours == ref


def test_reference_recreates_what_we_keep(run):
    """For the record: 2.2.7's reload deletes and re-adds the destinations
    of a group that grows (the sniffer sees only its netlink requests)."""
    _need_ref(run)
    ref = run.ok("keepalived-ref.requests").splitlines()
    assert any(x.startswith("DEL_DEST TCP 10.0.1.1:80") for x in ref)
    ours = run.ok("keepalived.requests").splitlines()
    assert len(ours) < len(ref)


HA_LINES = [
    "Netlink reflector reports IP 10.0.0.1 added",
    "Deactivating healthchecker for service [192.168.1.2]:tcp:80 for VS [10.0.7.1]:tcp:80",
    "Activating healthchecker for service [192.168.1.3]:tcp:80 for VS [10.0.0.1]:tcp:80",
    "Netlink reflector reports IP 10.0.7.1 added",
    "Activating healthchecker for service [192.168.1.2]:tcp:80 for VS [10.0.7.1]:tcp:80",
    "Netlink reflector reports IP 10.0.7.1 removed",
    "Suspending healthchecker for service [192.168.1.2]:tcp:80 for VS [10.0.7.1]:tcp:80",
]


def ha_lines(vm, ka):
    pat = re.compile(r"^(Deactivating|Activating (?!BFD)|Suspending|Netlink reflector)")
    lines = [re.sub(r"^\w{3} \w{3} +\d+ [\d:]+ \d{4}: ", "", x)
             for x in vm.ok(f"{ka}.ha_log").splitlines()]
    return [x for x in lines if pat.match(x)]


def test_refused_requests(run):
    """10.0.0.2 deleted behind our back, then a reload that changes it: the
    kernel refuses those requests; each refusal is logged against its own
    virtual or real server, the rest of the difference is applied and the
    daemon keeps running."""
    run.ok("keepalived.refuse_wait_start")
    run.ok("keepalived.refuse_wait_reload")
    got = table(run.ok("keepalived.refuse_table"))
    assert not [k for k in got if "10.0.0.2:80" in k]
    assert got["TCP 10.0.0.4:80 rr"] == ["192.168.1.5:80 Masq 2"]
    assert got["TCP 10.0.1.3:80 rr"] == ["192.168.1.3:80 Masq 1"]
    assert not [k for k in got if "10.0.0.3:80" in k]
    run.ok("keepalived.refuse_alive")
    log = run.ok("keepalived.refuse_log").splitlines()
    refused = [x for x in log if "IPVS: " in x]
    assert any("IPVS: changing VS [10.0.0.2]:tcp:80: " in x for x in refused), refused
    assert any("IPVS: changing server [192.168.1.2]:tcp:80 of VS [10.0.0.2]:tcp:80: " in x
               for x in refused), refused
    assert any("IPVS: adding server [192.168.1.5]:tcp:80 of VS [10.0.0.2]:tcp:80: " in x
               for x in refused), refused
    assert all("10.0.0.2" in x for x in refused), refused
    assert "exit 0" in run.ok("keepalived.refuse_stop")


def test_ha_suspend(run):
    """The checks of a virtual server whose address is absent do not run;
    they start when it appears and stop when it goes; IPVS keeps the
    virtual server and its real server throughout."""
    for s in ["ha_wait_start", "ha_wait_up", "ha_wait_down"]:
        run.ok(f"keepalived.{s}")
    assert table(run.ok("keepalived.ha_start"))["TCP 10.0.7.1:80 rr"] == ["192.168.1.2:80 Masq 1"]
    assert ha_lines(run, "keepalived") == HA_LINES
    log = run.ok("keepalived.ha_log")
    before_up = log[:log.index("reports IP 10.0.7.1 added")]
    assert "192.168.1.2]:tcp:80 success" not in before_up


def test_ha_suspend_as_reference(run):
    _need_ref(run)
    assert ha_lines(run, "keepalived-ref") == ha_lines(run, "keepalived")


SYNC_OPTS = "(mcast=d1, syncid=7, maxlen=1400, group=224.0.0.90, port=8850, ttl=3)"


@pytest.mark.parametrize("ka", ["keepalived", "keepalived-ref"])
def test_sync_daemon_follows_vrrp(run, ka):
    """lvs_sync_daemon: backup while VI_1 is BACKUP, master once it is
    MASTER, backup again in FAULT, none after TERM (2.2.7 does the same)."""
    if ka != "keepalived":
        _need_ref(run)
    for s in ["sync_wait_backup", "sync_wait_master", "sync_wait_fault"]:
        run.ok(f"{ka}.{s}")
    assert run.ok(f"{ka}.sync_backup").strip() == "backup sync daemon " + SYNC_OPTS
    assert run.ok(f"{ka}.sync_master").strip() == "master sync daemon " + SYNC_OPTS
    assert run.ok(f"{ka}.sync_fault").strip() == "backup sync daemon " + SYNC_OPTS
    assert run.ok(f"{ka}.sync_stop").strip() == "exit 0"
    assert run.ok(f"{ka}.sync_after").strip() == ""


@pytest.mark.parametrize("ka", ["keepalived", "keepalived-ref"])
def test_flush_on_stop(run, ka):
    """Without lvs_flush_on_stop each real server is logged and only our
    services go; with "VS" the same without the lines; a plain
    lvs_flush_on_stop flushes the foreign service too, silently."""
    if ka != "keepalived":
        _need_ref(run)
    for mode in ["none", "vs", "all"]:
        run.ok(f"{ka}.flush_{mode}_wait")
        assert run.ok(f"{ka}.flush_{mode}_stop").strip() == "exit 0"
    assert list(table(run.ok(f"{ka}.flush_none_table"))) == ["TCP 10.0.9.9:1 rr"]
    assert list(table(run.ok(f"{ka}.flush_vs_table"))) == ["TCP 10.0.9.9:1 rr"]
    assert table(run.ok(f"{ka}.flush_all_table")) == {}
    lines = run.step(f"{ka}.flush_none_log")[1]
    assert "Shutting down service [10.9.0.2]:tcp:80 from VS [10.0.0.1]:tcp:80" in lines
    assert run.step(f"{ka}.flush_vs_log")[1].strip() == ""
    assert run.step(f"{ka}.flush_all_log")[1].strip() == ""
