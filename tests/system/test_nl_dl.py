"""libnl is loaded on first use, not linked (include/nl_dl.h).

- The binaries have no DT_NEEDED entry for any libnl library.
- A running daemon: the parent, which never calls netlink, maps no libnl,
  even after a reload; the VRRP child maps libnl-route-3; the checker
  child, which uses only generic netlink (IPVS), never maps libnl-route-3.
- A library that cannot be used (a stand-in libnl-route-3.so.200 found
  first through LD_LIBRARY_PATH) stops the VRRP child with one error
  naming the library and the symbol, and the exit status KA_EXIT_FATAL
  (2), after which the parent stops too.

Needs root for the daemon tests (pid files, veth).
"""

import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from procutil import LVS_BLOCK, Daemon, keepalived_bin, pick_interface, \
    vrrp_block, wait_for

LIBNL = re.compile(r"libnl-(?:route-|genl-)?3\.so")
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="daemon tests need root")


def needed(path):
    """The DT_NEEDED sonames of an ELF file, through readelf -d."""
    if not shutil.which("readelf"):
        pytest.skip("readelf (binutils) not installed")
    out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True,
                         check=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def mapped_libnl(pid):
    """The libnl libraries process `pid` maps, by soname ("libnl-3.so")."""
    with open(f"/proc/{pid}/maps") as f:
        return {m.group(0) for m in (LIBNL.search(line.split()[-1]) for line in f
                                     if len(line.split()) >= 6) if m}


@pytest.mark.parametrize("name", ["keepalived", "genhash", "tests/sys/nl_driver",
                                  "tests/vm/ipvs_driver"])
def test_no_libnl_in_needed(name):
    path = Path(keepalived_bin()).resolve().parent / name
    if not os.path.isfile(path):
        pytest.skip(f"{path} not built")
    libs = needed(path)
    assert libs, f"readelf found no NEEDED entry in {path}"
    assert not [lib for lib in libs if LIBNL.search(lib)], f"{path} links libnl: {libs}"


@pytest.fixture
def daemon(tmp_path):
    started = []

    def make(conf, env=None, wait=True):
        d = Daemon(tmp_path / f"ka{len(started)}", conf)
        d.env.update(env or {})
        started.append(d)
        return d.start(wait=wait)

    yield make
    for d in started:
        d.cleanup()


@needs_root
def test_only_users_map_libnl(daemon):
    d = daemon(vrrp_block(pick_interface()) + LVS_BLOCK)
    wait_for(lambda: d.vrrp_pid() and d.check_pid(), what="both children")
    # The VRRP child opens its netlink sockets while it starts.
    wait_for(lambda: "libnl-route-3.so" in mapped_libnl(d.vrrp_pid()),
             what="libnl-route-3 in the VRRP child")
    assert mapped_libnl(d.parent_pid()) == set()
    assert "libnl-route-3.so" not in mapped_libnl(d.check_pid())

    # A reload re-reads the configuration in the parent: still no netlink.
    d.signal(signal.SIGHUP)
    wait_for(lambda: "Configuration reloaded" in d.log(), what="reload")
    wait_for(lambda: d.vrrp_pid() and d.check_pid(), what="children after reload")
    assert mapped_libnl(d.parent_pid()) == set()


@needs_root
@pytest.mark.parametrize("stand_in", ["other-library", "not-elf"])
def test_unusable_libnl_is_fatal(daemon, tmp_path, stand_in):
    # libnl-route-3.so.200 found first through LD_LIBRARY_PATH is either a
    # real shared library without libnl-route's symbols, or not ELF at all.
    libdir = tmp_path / "lib"
    libdir.mkdir()
    fake = libdir / "libnl-route-3.so.200"
    if stand_in == "not-elf":
        fake.write_text("not a shared library\n")
        expect = r"netlink: cannot load libnl-route-3\.so\.200 \(.+\)"
    else:
        genl = next((p for p in ("/usr/lib/x86_64-linux-gnu/libnl-genl-3.so.200",
                                 "/lib/x86_64-linux-gnu/libnl-genl-3.so.200",
                                 "/usr/lib64/libnl-genl-3.so.200") if os.path.exists(p)), None)
        if genl is None:
            pytest.skip("libnl-genl-3.so.200 not found to make a stand-in")
        shutil.copy(genl, fake)
        expect = r"netlink: libnl-route-3\.so\.200 has no symbol rtnl_\w+"

    d = daemon(vrrp_block(pick_interface()), env={"LD_LIBRARY_PATH": str(libdir)},
               wait=False)
    assert d.wait_exit(timeout=20) != 0
    log = d.log()
    assert re.search(expect, log), log
    assert re.search(r"VRRP child process\(\d+\) exited with status 2\b", log), log
