#!/bin/sh
# make check entry: golden tests of tests/conf/vrrp with the -t like driver.
# Environment: BUILDDIR (default: current directory), srcdir (automake).
here=$(cd "$(dirname "$0")" && pwd)
exec sh "$here/../run_golden.sh" "$here" "${BUILDDIR:-$PWD}/tests/unit/conf_check_driver"
