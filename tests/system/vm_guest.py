"""Booting the test VM with our keepalived and 2.2.7 for a guest script
that runs the same scenario with each (tests/system/test_vm_reload.py,
test_vm_ipvlan.py; tests/vm/README.md): the image, a kernel module from the
VM kernel's tree, and one boot.  Skips (pytest.skip) with the reason when
qemu, the kernel package or the module is missing."""

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from test_vm_ipvs import VmRun, _cache_dir

VM_DIR = Path(__file__).resolve().parent.parent / "vm"


def vm_module(cache, image, relpath):
    """The .ko at kernel/RELPATH in the VM kernel's module tree, or None."""
    kver = (image / "kver").read_text().strip()
    for ko in cache.glob(f"kernel/*/lib/modules/{kver}/kernel/{relpath}"):
        return ko
    return None


def build_image(tmp_path_factory, keepalived_bin, image_name, tools=()):
    """Build image_name (in the VM cache) with our binary, 2.2.7's (as
    keepalived-ref, when installed) and `tools`.  Returns (image, cache,
    kas), kas the binaries in it: ["keepalived"] or ["keepalived",
    "keepalived-ref"].  Skips when qemu or the kernel package is missing."""
    if shutil.which("qemu-system-x86_64") is None:
        pytest.skip("qemu-system-x86_64 missing (apt-get install qemu-system-x86)")
    bins = [str(keepalived_bin), *map(str, tools)]
    kas = ["keepalived"]
    ref = Path(os.environ.get("KEEPALIVED_REF", "/usr/sbin/keepalived"))
    if ref.is_file() and os.access(ref, os.X_OK):
        d = tmp_path_factory.mktemp("refbin")
        shutil.copy2(ref, d / "keepalived-ref")
        bins.append(str(d / "keepalived-ref"))
        kas.append("keepalived-ref")
    cache = _cache_dir()
    image = cache / image_name
    env = dict(os.environ, VM_CACHE=str(cache))
    r = subprocess.run(["bash", str(VM_DIR / "build-image.sh"), "-o", str(image), *bins],
                       env=env, capture_output=True, text=True, timeout=600)
    if r.returncode == 77:
        pytest.skip("VM image: " + r.stderr.strip().splitlines()[-1])
    assert r.returncode == 0, f"build-image.sh failed:\n{r.stderr}"
    return image, cache, kas


def boot_guest(tmp_path_factory, keepalived_bin, *, image_name, guest, guest_files,
               module, tools=(), boot_limit=300):
    """Build image_name (build_image()), boot it once with tests/vm/GUEST
    (prefixed with KAS="keepalived [keepalived-ref]"), guest_files and the
    module (drivers/... path in the VM kernel) as guest files.  Returns the
    VmRun, with .kas the binaries that ran."""
    image, cache, kas = build_image(tmp_path_factory, keepalived_bin, image_name, tools)
    ko = vm_module(cache, image, module)
    if ko is None:
        pytest.skip(f"{Path(module).name} not found in the VM kernel")
    script = tmp_path_factory.mktemp("guest") / guest
    script.write_text(f'KAS="{" ".join(kas)}"\n' + (VM_DIR / guest).read_text())
    start = time.monotonic()
    r = subprocess.run(["bash", str(VM_DIR / "run-in-vm.sh"), "-d", str(image),
                        "-t", str(boot_limit), str(script), *map(str, guest_files), str(ko)],
                       capture_output=True, text=True, timeout=boot_limit + 30)
    if r.returncode == 77:
        pytest.skip("VM: " + r.stderr.strip())
    vm = VmRun(r.returncode, r.stdout, r.stderr, time.monotonic() - start)
    print(f"VM boot+script: {vm.seconds:.2f} s; {r.stderr.strip()}")
    vm.kas = kas
    return vm
