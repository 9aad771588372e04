#!/bin/bash
# Config-test benchmark: `keepalived -t` on two large configurations, ours
# against the reference, side by side.
#
#   bench/config_test.sh [-n RUNS] [OUR_BINARY] [REFERENCE_BINARY]
#
# Defaults: RUNS=10, OUR_BINARY=$KEEPALIVED_BIN or ./keepalived,
# REFERENCE_BINARY=/usr/sbin/keepalived (Debian's 2.2.7).
#
# Configurations (bench/gen_conf.py): "lvs" = 1,000 virtual_servers x 10
# real_servers with TCP_CHECK; "vrrp" = 1,000 vrrp_instances with one VIP
# each over 4 interfaces.  The vrrp interfaces are dummies in a private
# network namespace (veth pairs where the kernel has no dummy driver) that both binaries run in (so -t finds them); without
# root the namespace is skipped and both binaries warn about missing
# interfaces instead (the figures are then not comparable with ours in
# doc/performance.md).
#
# bench/measure.py runs the two binaries alternately (so that a busy
# machine slows both alike) and reads each run's wall time (monotonic
# clock), CPU time (rusage) and peak RSS (GNU time's %M).  Prints a markdown table: median wall and CPU time, max RSS
# over the runs, the exit status (must be 0 for both) and the ratios.
# Needs: python3, GNU time (apt-get install time), iproute2 for the netns.
set -euo pipefail

runs=10
if [ "${1:-}" = -n ]; then runs=$2; shift 2; fi
ours=${1:-${KEEPALIVED_BIN:-./keepalived}}
ref=${2:-/usr/sbin/keepalived}
here=$(cd "$(dirname "$0")" && pwd)
[ -x "$ours" ] || { echo "no binary at $ours" >&2; exit 1; }
case $ours in /*) ;; *) ours=$PWD/$ours ;; esac

# As root, run the whole measurement inside a private network namespace
# where the vrrp interfaces exist: the script runs itself again in it (so
# that `ip netns exec`'s own cost, a few ms, is not inside the timings).
if [ -z "${KA_BENCH_INNER:-}" ] && [ "$(id -u)" -eq 0 ] && command -v ip >/dev/null; then
	ns=kabench$$
	ip netns add "$ns"
	trap 'ip netns del "$ns" 2>/dev/null || true' EXIT
	ip -n "$ns" link set lo up
	for i in 0 1 2 3; do
		# dummy if the kernel has it, else a veth pair (kabN + kabNp)
		ip -n "$ns" link add "kab$i" type dummy 2>/dev/null ||
			ip -n "$ns" link add "kab$i" type veth peer name "kab${i}p"
		ip -n "$ns" link set "kab$i" up
	done
	st=0
	ip netns exec "$ns" env KA_BENCH_INNER=1 bash "$0" -n "$runs" "$ours" "$ref" || st=$?
	exit "$st"
fi
if [ -z "${KA_BENCH_INNER:-}" ]; then
	echo "note: not root, the vrrp interfaces do not exist (warnings only)" >&2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$here/gen_conf.py" lvs >"$tmp/lvs.conf"
python3 "$here/gen_conf.py" vrrp --ifprefix kab >"$tmp/vrrp.conf"

echo "config_test: $runs runs each; ours=$ours reference=$ref"
echo "host: $(uname -srm), $(nproc) cpus, $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "| config | binary | median wall (ms) | median CPU (ms) | max RSS (MiB) | exit | ours / reference (wall / CPU / RSS) |"
echo "|---|---|---:|---:|---:|---:|---|"
for c in lvs vrrp; do
	python3 "$here/measure.py" --runs "$runs" --label "$c" "$tmp/$c.conf" "$ref" "$ours"
done
