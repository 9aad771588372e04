"""Debian's keepalived samples: conformance with 2.2.7 and printer round trip.

For every keepalived.conf.* sample shipped by Debian (the installed docs
package, plus our copy in tests/data/samples):

  * test_exit_status_matches_reference: our `-t` exit status equals the
    reference's, both computed live.  Interfaces change the answer (2.2.7
    fails on a vrrp_instance whose interface does not exist), so as root
    both binaries run in private network namespaces with known interfaces
    (conftest.host_env): "eth0-3" (eth0..eth3 exist, the names the samples
    use) and "lo-only" (nothing but lo).  Without root they run in the
    host's namespace, whose interfaces are whatever they are ("host");
  * test_dump_round_trip: `-t -d` prints a configuration that, written to a
    file and read again with `-t -d`, prints exactly the same text and
    gives the same exit status.
"""

from pathlib import Path

import pytest

from conftest import TOP_SRCDIR, write

DOCS = Path("/usr/share/doc/keepalived/samples")
COPY = TOP_SRCDIR / "tests" / "data" / "samples"


def _samples():
    names = set()
    for d in (DOCS, COPY):
        if d.is_dir():
            names.update(p.name for p in d.glob("keepalived.conf.*"))
    return sorted(names)


def _path(name):
    p = DOCS / name
    return p if p.is_file() else COPY / name


SAMPLES = _samples()


def test_samples_found():
    assert SAMPLES, f"no samples in {DOCS} or {COPY}"


def test_copies_match_installed_docs():
    if not DOCS.is_dir():
        pytest.skip(f"{DOCS} not installed (apt-get install keepalived)")
    for p in DOCS.glob("keepalived.conf.*"):
        c = COPY / p.name
        assert c.is_file(), f"{c} missing: copy {p} into tests/data/samples"
        assert c.read_bytes() == p.read_bytes(), f"{c} differs from {p}"


@pytest.mark.parametrize("name", SAMPLES)
def test_exit_status_matches_reference(name, ka, ref, workdir, host_env):
    conf = _path(name)
    theirs = ref.within(host_env).test(conf, cwd=workdir)
    ours = ka.within(host_env).test(conf, cwd=workdir)
    assert ours.status == theirs.status, (
        f"{name}: ours exits {ours.status}, 2.2.7 exits {theirs.status}\n"
        f"--- our stderr:\n{ours.stderr}\n--- 2.2.7 stderr:\n{theirs.stderr}")


@pytest.mark.parametrize("name", SAMPLES)
def test_dump_round_trip(name, ka, workdir):
    first = ka.dump(_path(name), cwd=workdir)
    assert first.stdout.strip(), f"{name}: -t -d printed nothing\n{first.stderr}"
    again = write(workdir / "printed.conf", first.stdout)
    second = ka.dump(again, cwd=workdir)
    assert second.stdout == first.stdout, (
        f"{name}: the printed configuration does not print the same\n"
        f"--- stderr of the re-parse:\n{second.stderr}")
    # A valid configuration prints a valid configuration.  (Nodes with
    # errors are dropped from the tree, so the print of an invalid sample
    # may well be valid.)
    if first.status == 0:
        assert second.status == 0, (
            f"{name}: the sample is valid, its print is not (exit {second.status})\n"
            f"{second.stderr}")
