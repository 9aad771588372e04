"""The README's demo (tests/demo/demo.py) runs and every step behaves.

The demo is the first thing a newcomer runs; this keeps it working as the
daemon evolves.  It needs root (network namespaces).
"""

import subprocess
import sys

from conftest import TOP_SRCDIR, needs_root


@needs_root
def test_demo_runs(keepalived_bin):
    p = subprocess.run([sys.executable, str(TOP_SRCDIR / "tests" / "demo" / "demo.py"),
                        str(keepalived_bin)], capture_output=True, text=True,
                       stdin=subprocess.DEVNULL, timeout=180)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "every step behaved" in p.stdout
