#!/bin/sh
# Golden tests of configuration checks.
#
#   run_golden.sh CONFDIR BINARY [ARGS...]
#
# For each CONFDIR/NAME.conf with a NAME.expected (or NAME.expected-OPTION
# for a build option listed in $GOLDEN_FEATURES), runs "BINARY ARGS NAME.conf"
# from CONFDIR and compares with NAME.expected: first line "exit N" (the
# status, which for these files is the one keepalived 2.2.7's `-t` gives on
# this kind of host), then the diagnostic lines, in order.  Lines starting
# with "SECURITY VIOLATION" are ignored (keepalived -t prints one, the
# driver does not).  Prints a diff per failure; exits 1 if any failed.
#
# To (re)write the expected files after a reviewed change:
#   GOLDEN_UPDATE=1 run_golden.sh CONFDIR BINARY
set -u
[ $# -ge 2 ] || { echo "usage: $0 CONFDIR BINARY [ARGS...]" >&2; exit 2; }
dir=$(cd "$1" && pwd) || exit 2
shift
bin=$1
shift
case $bin in /*) ;; */*) bin=$PWD/$bin ;; esac
# A build option that changes a file's expected output (--enable-iptables:
# vrrp_iptables/vrrp_ipsets accepted) has its own NAME.expected-OPTION;
# GOLDEN_FEATURES lists the options of the build ("iptables").
features=${GOLDEN_FEATURES:-}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
for conf in "$dir"/*.conf; do
	name=$(basename "$conf" .conf)
	exp="$dir/$name.expected"
	for f in $features; do
		[ -f "$exp-$f" ] && exp="$exp-$f"
	done
	[ -f "$exp" ] || [ "${GOLDEN_UPDATE:-}" ] || continue
	n=$((n + 1))
	(cd "$dir" && "$bin" "$@" "$name.conf" >"$tmp/out" 2>&1; echo "exit $?" >"$tmp/rc")
	{ cat "$tmp/rc"; grep -v -e '^exit ' -e '^SECURITY VIOLATION' "$tmp/out"; } >"$tmp/got"
	if [ "${GOLDEN_UPDATE:-}" ]; then
		cp "$tmp/got" "$exp"
		continue
	fi
	if ! diff -u "$exp" "$tmp/got" >"$tmp/diff"; then
		echo "FAIL: $name"
		cat "$tmp/diff"
		fail=$((fail + 1))
	fi
done
echo "golden $(basename "$dir"): $n tests, $fail failed"
[ "$fail" -eq 0 ]
