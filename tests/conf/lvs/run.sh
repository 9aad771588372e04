#!/bin/sh
# make check entry: golden tests of tests/conf/lvs (LVS keyword tables and
# kw_check_lvs), through the shared runner tests/conf/run_golden.sh.
#   run.sh [CHECKER [ARGS...]]   default CHECKER: the -t like driver
#                                $BUILDDIR/tests/unit/conf_check_driver
# Each NAME.expected starts with "exit N", the status keepalived 2.2.7's -t
# gives on NAME.conf (check_ref.sh verifies that against the reference).
here=$(cd "$(dirname "$0")" && pwd)
[ $# -gt 0 ] || set -- "${BUILDDIR:-$PWD}/tests/unit/conf_check_driver"
exec sh "$here/../run_golden.sh" "$here" "$@"
