#!/bin/sh
# Exit-status parity of `keepalived -t` with the reference keepalived 2.2.7
# on the Debian sample configurations (VRRP part and general samples).
# Both are run live on this host, so host-dependent results (interfaces,
# users, scripts) are compared like for like.  Skipped (77) when the
# reference or its samples are not installed.
#
#   samples_parity.sh [OURS [REFERENCE [SAMPLEDIR]]]
set -u
ours=${1:-${BUILDDIR:-$PWD}/keepalived}
ref=${2:-/usr/sbin/keepalived}
dir=${3:-/usr/share/doc/keepalived/samples}
[ -x "$ref" ] && [ -d "$dir" ] && [ -x "$ours" ] || { echo "SKIP: no reference"; exit 77; }
case $("$ref" -v 2>&1) in *v2.2.7*) ;; *) echo "SKIP: reference is not 2.2.7"; exit 77 ;; esac
fail=0 n=0
for s in vrrp vrrp.localcheck vrrp.lvs_syncd vrrp.routes vrrp.rules vrrp.scripts \
	vrrp.static_ipaddress vrrp.sync track_interface conditional_conf IPv6 sample SSL_GET; do
	f=$dir/keepalived.conf.$s
	[ -f "$f" ] || continue
	n=$((n + 1))
	"$ref" -t -f "$f" >/dev/null 2>&1
	want=$?
	"$ours" -t -f "$f" >/dev/null 2>&1
	got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL: $s: exit $got, 2.2.7 exits $want"
		fail=$((fail + 1))
	fi
done
echo "samples parity: $n samples, $fail failed"
[ "$fail" -eq 0 ]
