#!/bin/sh
# Verify that the "exit N" line of every NAME.expected here is the status the
# reference keepalived 2.2.7 (`keepalived -t`, default /usr/sbin/keepalived)
# gives on NAME.conf on this host.  Run after regenerating the expected files
# (GOLDEN_UPDATE=1 run.sh).   check_ref.sh [REFERENCE]
ref=${1:-/usr/sbin/keepalived}
here=$(cd "$(dirname "$0")" && pwd)
[ -x "$ref" ] || { echo "no reference at $ref - skipped"; exit 77; }
bad=0
cd "$here" || exit 2
for conf in *.conf; do
	name=${conf%.conf}
	[ -f "$name.expected" ] || continue
	"$ref" -t -f "$conf" >/dev/null 2>&1
	got="exit $?"
	want=$(head -n 1 "$name.expected")
	[ "$got" = "$want" ] || { echo "MISMATCH $name: reference $got, expected file $want"; bad=1; }
done
exit $bad
