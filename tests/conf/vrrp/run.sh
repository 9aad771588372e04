#!/bin/sh
# make check entry: golden tests of tests/conf/vrrp with the -t like driver.
# Environment: BUILDDIR (default: current directory), srcdir (automake).
here=$(cd "$(dirname "$0")" && pwd)
b=${BUILDDIR:-$PWD}
GOLDEN_FEATURES=
grep -q '^#define WITH_IPTABLES 1' "$b/config.h" 2>/dev/null && GOLDEN_FEATURES=iptables
export GOLDEN_FEATURES
exec sh "$here/../run_golden.sh" "$here" "${BUILDDIR:-$PWD}/tests/unit/conf_check_driver"
