# ipvlan-guest.sh - the use_ipvlan scenario, run inside the test VM
# (tests/vm/run-in-vm.sh) by tests/system/test_vm_ipvlan.py with
# ipvlan-a.conf, ipvlan-b.conf, ipvlan-c.conf, ipvlan-peer.conf and
# ipvlan.ko beside it.
#
# Network: a veth pair, eth0 (192.168.77.10/24) in the root namespace, where
# the keepalived under test runs, and eth0 (192.168.77.20/24) in the netns
# "peer", where tcpdump watches and a second keepalived (the same binary,
# priority 100, no ipvlan) runs as BACKUP.
#
# One phase per keepalived in $KAS (ours, then the reference 2.2.7 when
# present); each step prints "=== PHASE.NAME", its output, "=== rc N":
#   a_*   ipvlan-a.conf: use_ipvlan ipv1 192.168.77.50/24 private
#         a_wait_master: MASTER with the VIP set (on ipv1 or on eth0: the
#         test says which is right); a_link, a_addr, a_parent: `ip -d -j
#         link`/`ip -j addr` of ipv1 and eth0; a_stats1/2: ipv1's counters
#         6 s apart; a_peer_log: the peer's log (BACKUP); a_del: ipv1
#         deleted by hand, a_wait_link: an ipv1 again, a_wait_back: MASTER
#         again; a_stop, a_after_term: TERM and the link after it; a_dump
#         (when tcpdump is in the image): what the peer saw, VRRP and ARP
#         with MAC addresses
#   b_*   ipvlan-b.conf: a bare use_ipvlan (default name vrrp.52, default
#         mode, no address: the instance is in FAULT)
#   c_*   ipvlan-c.conf: "use_ipvlan ADDR vepa" (vrrp.53);
#         c_links, c_addrs: `ip -d -j link`/`ip -j addr` of all links once
#         the instance is MASTER
KAS=${KAS:-keepalived}
step() { local n=$1; shift; echo "=== $P.$n"; "$@" 2>&1; echo "=== rc $?"; }
wait_until() {
	local n=$(($1 * 10)); shift
	while [ $n -gt 0 ]; do
		"$@" && { echo ok; return 0; }
		sleep 0.1; n=$((n - 1))
	done
	echo "timed out waiting for: $*"; return 1
}
vip_on() { ip -4 -o addr show dev "$1" 2>/dev/null | grep -q " 192.168.77.100/"; }
# "Entering MASTER STATE" N times in log $1
mastered() { [ "$(grep -c "Entering MASTER STATE" "$1")" -ge "$2" ]; }
# the same with the VIP 192.168.77.100 set, wherever the binary puts it
mastered_vip() { mastered "$@" && { vip_on ipv1 || vip_on eth0; }; }
stop_ka() { kill -TERM "$1"; wait "$1"; echo "exit $?"; }
no_link() { ! ip link show dev "$1" >/dev/null 2>&1; }
masters() { grep -c "Entering MASTER STATE" "$1"; }
has_word() { grep -qi "$2" "$1"; }

insmod /guest/ipvlan.ko || echo "ipvlan-guest: insmod ipvlan.ko failed"
ip netns add peer
ip link add eth0 type veth peer name eth0 netns peer
ip addr add 192.168.77.10/24 dev eth0 && ip link set eth0 up
ip -n peer link set lo up && ip -n peer link set eth0 up
ip -n peer addr add 192.168.77.20/24 dev eth0
# both ends up and past DAD before anything starts
sleep 1

for KA in $KAS; do
	P=$KA
	DUMP=
	if command -v tcpdump >/dev/null; then
		ip netns exec peer tcpdump -Z root -n -e -l -i eth0 'vrrp or arp' \
			>/tmp/$KA.dump 2>/tmp/$KA.dump.err &
		DUMP=$!
	fi
	ip netns exec peer $KA -n -l -D -P -f /guest/ipvlan-peer.conf -p /tmp/pp.pid \
		-r /tmp/pv.pid -c /tmp/pc.pid >/tmp/$KA.peer.log 2>&1 &
	PEER=$!
	sleep 0.5
	$KA -n -l -D -P -f /guest/ipvlan-a.conf -p /tmp/ka.pid -r /tmp/kav.pid \
		-c /tmp/kac.pid >/tmp/$KA.a.log 2>&1 &
	KAPID=$!
	step a_wait_master wait_until 20 mastered_vip /tmp/$KA.a.log 1
	step a_link ip -d -j link show dev ipv1
	step a_link_text ip -d link show dev ipv1
	step a_addr ip -j addr show dev ipv1
	step a_parent ip -j -d addr show dev eth0
	step a_stats1 ip -s -j link show dev ipv1
	sleep 6         # past garp_master_delay (5 s): a second GARP burst
	step a_stats2 ip -s -j link show dev ipv1
	step a_peer_log cat /tmp/$KA.peer.log
	step a_del ip link del ipv1
	step a_wait_link wait_until 10 ip link show dev ipv1
	step a_wait_back wait_until 10 mastered_vip /tmp/$KA.a.log 2
	step a_masters masters /tmp/$KA.a.log
	step a_link_back ip -d -j link show dev ipv1
	step a_addr_back ip -j addr show dev ipv1
	step a_parent_back ip -j addr show dev eth0
	step a_stop stop_ka $KAPID
	step a_after_term no_link ipv1
	step a_parent_after ip -j addr show dev eth0
	step a_log cat /tmp/$KA.a.log
	stop_ka $PEER >/dev/null
	if [ -n "$DUMP" ]; then
		kill $DUMP; wait $DUMP
		step a_dump cat /tmp/$KA.dump
		step a_dump_err cat /tmp/$KA.dump.err
	fi

	$KA -n -l -D -P -f /guest/ipvlan-b.conf -p /tmp/ka.pid -r /tmp/kav.pid \
		-c /tmp/kac.pid >/tmp/$KA.b.log 2>&1 &
	KAPID=$!
	step b_wait_fault wait_until 10 has_word /tmp/$KA.b.log "requires a source"
	sleep 4         # past the master-down timer: still FAULT, no VIP
	step b_link ip -d -j link show dev vrrp.52
	step b_addr ip -j addr show dev vrrp.52
	step b_parent ip -j addr show dev eth0
	step b_stop stop_ka $KAPID
	step b_after_term no_link vrrp.52
	step b_log cat /tmp/$KA.b.log

	$KA -n -l -D -P -f /guest/ipvlan-c.conf -p /tmp/ka.pid -r /tmp/kav.pid \
		-c /tmp/kac.pid >/tmp/$KA.c.log 2>&1 &
	KAPID=$!
	step c_wait_master wait_until 20 mastered /tmp/$KA.c.log 1
	sleep 0.5
	step c_links ip -d -j link show
	step c_addrs ip -j addr show
	step c_stop stop_ka $KAPID
	step c_after_term ip -d -j link show type ipvlan
	step c_log cat /tmp/$KA.c.log
	for l in ipv1 vrrp.52 vrrp.53 ipv4; do ip link del $l 2>/dev/null; done
done
exit 0
