"""MISC_CHECK and FILE_CHECK against real scripts and files.

Each test runs our keepalived (-n -D, log file, its own TMPDIR) with a
virtual server whose real servers are checked by scripts whose exit
status the test sets through a file, or by a track file the test writes.
The host has no IPVS: the checker logs that once and goes on, so the
oracle is its log (2.2.7's wording, observed on the reference in the QEMU
VM: "Misc check for [RS VS VS] by [PROG] succeeded.", "... failed with
retry disabled (exited with status 1).", "... timed out ...", "Changing
weight from A to B for active service ...", "(RS): tracked file NAME now
FAULT state") and the USR1 data dump.  Every wait polls with a deadline,
and timing is asserted against the configured delay_loop/misc_timeout.
"""

import os
import re
from pathlib import Path

import pytest

from checker_watch import CheckerWatch
from procutil import wait_for

RS = "[10.9.0.{}]:tcp:80"
VS = "[10.0.0.1]:tcp:80"

MISC_SH = """#!/bin/sh
c=$(cat "{dir}/code_$1")
case "$c" in hang) exec sleep 1000 ;; sig) kill -KILL $$ ;; esac
exit "$c"
"""


def misc_line(n, prog, rest):
    return f"Misc check for [{RS.format(n)} VS {VS}] by [{prog}] {rest}"


class Lab(CheckerWatch):
    """A daemon, its script and files, and a log cursor."""

    def __init__(self, tmp_path, body, codes=None, files=None):
        self.dir = tmp_path
        self.script = tmp_path / "misc.sh"
        self.script.write_text(MISC_SH.format(dir=tmp_path))
        self.script.chmod(0o755)
        for name, code in (codes or {}).items():
            self.code(name, code)
        for name, value in (files or {}).items():
            self.file(name, value)
        conf = body.format(dir=tmp_path, script=self.script)
        self.start_keepalived(tmp_path / "ka", conf)

    def code(self, name, value):
        p = self.dir / f"code_{name}"
        p.with_suffix(".tmp").write_text(f"{value}\n")
        os.replace(p.with_suffix(".tmp"), p)

    def file(self, name, value):
        (self.dir / name).write_text(f"{value}\n")

    def log(self):
        return self.d.log()

    def stop(self):
        self.d.stop()
        self.d.cleanup()


@pytest.fixture
def lab_factory(tmp_path):
    labs = []

    def make(body, **kw):
        lab = Lab(tmp_path, body, **kw)
        labs.append(lab)
        return lab
    yield make
    for lab in labs:
        lab.stop()


def rs_line(dump, n):
    m = re.search(r"RS = \[10\.9\.0\.%d\]:tcp:80, weight = (-?\d+).*alive = (\w+)" % n, dump)
    assert m, dump
    return int(m.group(1)), m.group(2) == "yes"


MISC_CONF = """
virtual_server 10.0.0.1 80 {{
    delay_loop 1
    lb_algo rr
    protocol TCP
    real_server 10.9.0.10 80 {{
        weight 10
        MISC_CHECK {{
            misc_path "{script} a"
            misc_timeout 1
        }}
    }}
    real_server 10.9.0.14 80 {{
        weight 10
        MISC_CHECK {{
            misc_path "{script} r"
            retry 1
            delay_before_retry 1
            log_all_failures
        }}
    }}
    real_server 10.9.0.17 80 {{
        MISC_CHECK {{
            misc_path "/bin/sh -c 'test $(id -un) = nobody'"
            user nobody
        }}
    }}
}}
"""


def hung_sleeps():
    """Live "sleep 1000" processes (the hung script), read from /proc."""
    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if argv[:2] == [b"sleep", b"1000"] and state != "Z":
            out.append(int(pid))
    return out


def test_misc_exit_statuses(lab_factory, tmp_path):
    lab = lab_factory(MISC_CONF, codes={"a": 0, "r": 0})
    prog = str(lab.script)
    # in either order; 17 is "/bin/sh -c 'test $(id -un) = nobody'" as nobody
    for n, p in ((10, prog), (14, prog), (17, "/bin/sh")):
        wait_for(lambda: misc_line(n, p, "succeeded.") in lab.log(), 8,
                 what=f"first success of {n}")
    lab.pos = len(lab.log())

    # exit 1: failed at the next run (delay_loop 1), retry 0 by default
    lab.code("a", 1)
    took = lab.expect(misc_line(10, prog, "failed with retry disabled (exited with status 1)."))
    assert took < 3.5
    lab.expect(f"Removing service {RS.format(10)} from VS {VS}", timeout=1)
    d = lab.dump()
    assert rs_line(d, 10) == (10, False)
    assert re.search(r"MISC_CHECK .* up = no, has run = yes, last = error: exited with status 1",
                     d), d

    lab.code("a", 0)
    lab.expect(misc_line(10, prog, "succeeded."))
    lab.expect(f"Adding service {RS.format(10)} to VS {VS}", timeout=1)

    # exit 3 without misc_dynamic is a failure too
    lab.code("a", 3)
    lab.expect(misc_line(10, prog, "failed with retry disabled (exited with status 3)."))
    lab.code("a", 0)
    lab.expect(misc_line(10, prog, "succeeded."))

    # killed by a signal
    lab.code("a", "sig")
    lab.expect(misc_line(10, prog, "failed with retry disabled (due to signal 9)."))
    lab.code("a", 0)
    lab.expect(misc_line(10, prog, "succeeded."))

    # a script that hangs is killed at misc_timeout (1 s)
    lab.code("a", "hang")
    took = lab.expect(misc_line(10, prog, "timed out with retry disabled."))
    assert 1.0 <= took < 4.5
    wait_for(lambda: not hung_sleeps(), 4, what="the hung script to be killed")
    lab.code("a", 0)
    lab.expect(misc_line(10, prog, "succeeded."))

    # retry 1: one retry (announced with log_all_failures), then the verdict
    lab.code("r", 1)
    lab.expect(misc_line(14, prog, "failed, will do 1 retry (exited with status 1)."))
    took = lab.expect(misc_line(14, prog, "failed after 1 retry (exited with status 1)."))
    assert took < 3.5
    lab.expect(f"Removing service {RS.format(14)} from VS {VS}", timeout=1)


DYN_CONF = """
virtual_server 10.0.0.1 80 {{
    delay_loop 1
    lb_algo rr
    protocol TCP
    real_server 10.9.0.11 80 {{
        weight 10
        MISC_CHECK {{
            misc_path "{script} b"
            misc_dynamic
            misc_timeout 2
        }}
    }}
    real_server 10.9.0.18 80 {{
        MISC_CHECK {{
            misc_path "{script} d"
            misc_dynamic
        }}
        MISC_CHECK {{
            misc_path "{script} e"
            misc_dynamic
        }}
    }}
}}
"""


def test_misc_dynamic_weights(lab_factory):
    lab = lab_factory(DYN_CONF, codes={"b": 0, "d": 3, "e": 4})
    prog = str(lab.script)
    # two dynamic checkers on a weight-1 server: 1 + (3-2-1) + (4-2-1) = 2
    wait_for(lambda: f"Changing weight from 1 to 2 for active service {RS.format(18)}"
             in lab.log(), 6, what="weight 2 from two misc checkers")
    lab.expect(misc_line(11, prog, "succeeded."))

    def weight_change(a, b, state="active"):
        return (f"Changing weight from {a} to {b} for {state} service {RS.format(11)} "
                f"of VS {VS}")

    lab.code("b", 7)
    lab.expect(weight_change(10, 5), timeout=4)
    lab.code("b", 255)
    lab.expect(weight_change(5, 253), timeout=4)
    assert rs_line(lab.dump(), 11) == (253, True)
    # exit 0: back to the configured weight
    lab.code("b", 0)
    lab.expect(weight_change(253, 10), timeout=4)
    # exit 1: a failure (and the weight goes back silently)
    lab.code("b", 7)
    lab.expect(weight_change(10, 5), timeout=4)
    lab.code("b", 1)
    lab.expect(misc_line(11, prog, "failed with retry disabled (exited with status 1)."))
    lab.expect(f"Removing service {RS.format(11)}", timeout=1)
    assert rs_line(lab.dump(), 11) == (10, False)
    # a dynamic status while down: the weight changes, then it comes back
    lab.code("b", 22)
    lab.expect(weight_change(10, 20, "inactive"), timeout=4)
    lab.expect(misc_line(11, prog, "succeeded."), timeout=1)
    lab.expect(f"Adding service {RS.format(11)} to VS {VS}", timeout=1)
    d = lab.dump()
    assert rs_line(d, 11) == (20, True)
    assert "dynamic = yes" in d and "last status = 22, current weight = 10" in d, d


FILE_CONF = """
track_file tf1 {{
    file {dir}/tf1
    weight 1
}}
track_file tf2 {{
    file {dir}/tf2
    weight 0
}}
track_file tf3 {{
    file {dir}/tf3
    weight 1
    init_file 4
}}
virtual_server 10.0.0.1 80 {{
    delay_loop 60
    lb_algo rr
    protocol TCP
    real_server 10.9.0.12 80 {{
        weight 10
        FILE_CHECK {{
            track_file tf1
            weight 2
        }}
    }}
    real_server 10.9.0.13 80 {{
        weight 5
        FILE_CHECK {{
            track_file tf2
        }}
    }}
    real_server 10.9.0.15 80 {{
        weight 10
        FILE_CHECK {{
            track_file tf3
            weight 3 reverse
        }}
    }}
    real_server 10.9.0.16 80 {{
        weight 7
        FILE_CHECK {{
            track_file tf4
            weight 0
        }}
    }}
}}
track_file tf4 {{
    file {dir}/tf4
}}
"""


def test_file_check_follows_writes(lab_factory):
    """delay_loop is 60 s: every change below is seen through inotify."""
    lab = lab_factory(FILE_CONF, files={"tf1": 0, "tf2": 0, "tf4": 5})
    # The start state is silent, as in 2.2.7: init_file wrote 4 into tf3,
    # reverse weight 3: 10 - 12 -> 0 (clamped) from the start; tf4 (weight
    # 0, value 5) keeps its server out from the start.
    d = lab.dump()
    assert (lab.dir / "tf3").read_text().strip() == "4"
    assert rs_line(d, 15) == (0, True)
    assert rs_line(d, 16) == (7, False)
    assert "Changing weight" not in lab.log() and "FAULT" not in lab.log()
    assert f"Removing service {RS.format(16)}" not in lab.log()
    lab.file("tf4", 0)
    lab.expect(f"({RS.format(16)}): tracked file tf4 leaving FAULT state", timeout=3)
    lab.expect(f"Adding service {RS.format(16)} to VS {VS}", timeout=1)
    lab.pos = 0

    def changed(n, a, b):
        return f"Changing weight from {a} to {b} for active service {RS.format(n)} of VS {VS}"

    lab.file("tf1", 5)
    assert lab.expect(changed(12, 10, 20), timeout=3) < 2
    lab.file("tf1", -3)
    assert lab.expect(changed(12, 20, 4), timeout=3) < 2
    lab.file("tf1", -8)                          # 10 - 16: clamped at 0
    lab.expect(changed(12, 4, 0), timeout=3)
    lab.file("tf1", "not a number")              # reads as 0
    lab.expect(changed(12, 0, 10), timeout=3)
    (lab.dir / "tf1").unlink()                   # a missing file keeps the value
    lab.file("tf1.new", 100)
    os.replace(lab.dir / "tf1.new", lab.dir / "tf1")   # rename into place
    lab.expect(changed(12, 10, 210), timeout=3)
    assert rs_line(lab.dump(), 12) == (210, True)

    # weight 0: a non-zero value is a FAULT
    lab.file("tf2", 3)
    took = lab.expect(f"({RS.format(13)}): tracked file tf2 now FAULT state", timeout=3)
    assert took < 2
    lab.expect(f"Removing service {RS.format(13)} from VS {VS}", timeout=1)
    d = lab.dump()
    assert rs_line(d, 13) == (5, False)
    assert "tracked file = tf2" in d and "status = 3" in d, d
    lab.file("tf2", 0)
    lab.expect(f"({RS.format(13)}): tracked file tf2 leaving FAULT state", timeout=3)
    lab.expect(f"Adding service {RS.format(13)} to VS {VS}", timeout=1)
    assert rs_line(lab.dump(), 13) == (5, True)
