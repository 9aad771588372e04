# reload-guest.sh - the reload (SIGHUP) scenario, run inside the IPVS VM
# (tests/vm/run-in-vm.sh) by tests/system/test_vm_reload.py with
# reload-a.conf, reload-b.conf, ha.conf, sync.conf, flush.conf,
# fifo-reader.sh and nlmon.ko
# beside it.
#
# Network: real servers 192.168.1.2-.5 (busybox httpd) in the netns "rs"
# behind veth vrs (192.168.1.1); a client in the netns "cl" (10.9.0.2)
# behind veth vcl (10.9.0.1); the VIPs on a dummy d0.  IPVS NATs the
# client's requests to the real servers, so destinations have counters.
#
# One phase per keepalived in $KAS (ours, then the reference 2.2.7 when
# present); each step prints "=== PHASE.NAME", its output, "=== rc N":
#   start        the table from reload-a.conf, .9 failed (weight 0)
#   before       ipvsadm -Ln --stats --exact after traffic through every VS
#   control      a service kept by ipvsadm: its destination deleted and
#                added again, to show what a re-created destination's
#                counters look like
#   requests     every IPVS change request sent during the reload, as the
#                netlink monitor device (nlmon, module from the guest files)
#                shows them to nl_sniff: the independent witness
#   reloaded     after HUP with reload-b.conf
#   after        --stats again: what was kept kept its counters
#   fifo, log    lvs_notify_fifo lines and the log
#   ha_*         ha.conf: ha_suspend while 10.0.7.1 is absent, added, removed
#   flush_*      flush.conf: TERM with lvs_flush_on_stop absent, VS, plain
#   sync_*       sync.conf: the sync daemon is backup, master once VI_1 is
#                MASTER, backup when VI_1 is FAULT (d2 down), gone at TERM
#   refuse_*     (ours only) reload-a.conf again, 10.0.0.2 deleted behind
#                the daemon's back, HUP with reload-b.conf: the kernel
#                refuses what touches 10.0.0.2, the rest is applied
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
has() { ipvsadm -Ln "$1" "$2" 2>/dev/null | grep -q -- "-> $3 "; }
weight() { ipvsadm -Ln "$1" "$2" | awk -v d="$3" '$2 == d { print $4 }'; }
# daemon_is master|backup: exactly that sync daemon runs
daemon_is() { [ "$(ipvsadm -L --daemon | awk '{ print $1 }' | tr '\n' ' ')" = "$1 " ]; }
stop_ka() { kill -TERM $KAPID; wait $KAPID; echo "exit $?"; }
get() { printf 'GET / HTTP/1.0\r\n\r\n' | ip netns exec cl nc -w 2 "$1" 80 >/dev/null; }

ip netns add rs && ip netns add cl
ip link add vrs type veth peer name eth0 netns rs
ip link add vcl type veth peer name eth0 netns cl
ip addr add 192.168.1.1/24 dev vrs && ip link set vrs up
ip addr add 10.9.0.1/24 dev vcl && ip link set vcl up
ip -n rs link set lo up && ip -n rs link set eth0 up
for i in 2 3 4 5; do ip -n rs addr add 192.168.1.$i/24 dev eth0; done
ip -n rs route add default via 192.168.1.1
ip -n cl addr add 10.9.0.2/24 dev eth0 && ip -n cl link set eth0 up
ip -n cl route add default via 10.9.0.1
echo 1 >/proc/sys/net/ipv4/ip_forward
ip link add d0 type dummy && ip link set d0 up
for a in 10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4 10.0.0.5 10.0.0.9 10.0.1.1 10.0.1.2 10.0.1.3; do
	ip addr add $a/32 dev d0
done
insmod /guest/nlmon.ko && ip link add nlmon0 type nlmon && ip link set nlmon0 up
ip link add d1 type dummy && ip link set d1 up multicast on
ip addr add 10.8.0.1/24 dev d1
ip link add d2 type dummy && ip link set d2 up
mkdir -p /tmp/www && echo hello >/tmp/www/index.html
for i in 2 3 4 5; do ip netns exec rs busybox httpd -p 192.168.1.$i:80 -h /tmp/www; done

started() { [ "$(ipvsadm -Ln | grep -c -- '->')" -ge 9 ] && [ "$(weight -t 10.0.0.5:80 192.168.1.9:80)" = 0 ]; }
reloaded() {
	has -t 10.0.0.4:80 192.168.1.5:80 && ! ipvsadm -Ln -t 10.0.0.3:80 >/dev/null 2>&1 &&
	has -t 10.0.1.3:80 192.168.1.3:80 && has -t 10.0.0.2:80 192.168.1.5:80 &&
	! has -t 10.0.0.2:80 192.168.1.4:80 && [ "$(weight -t 10.0.0.2:80 192.168.1.2:80)" = 3 ]
}

for KA in $KAS; do
	P=$KA
	ipvsadm -C
	rm -f /tmp/fifo.out /tmp/lvs.fifo
	cp /guest/reload-a.conf /tmp/k.conf
	$KA -n -l -D -C -f /tmp/k.conf -p /tmp/ka.pid -r /tmp/kav.pid -c /tmp/kac.pid \
		>/tmp/$KA.log 2>&1 &
	KAPID=$!
	step wait_start wait_until 20 started
	step start ipvsadm -Ln
	for i in 1 2 3 4; do get 10.0.0.1; done
	for i in 1 2; do get 10.0.0.2; get 10.0.0.5; done
	get 10.0.1.1
	ipvsadm -A -t 10.0.0.9:80 -s rr && ipvsadm -a -t 10.0.0.9:80 -r 192.168.1.4:80 -m
	get 10.0.0.9; get 10.0.0.9
	sleep 2.5       # the kernel's estimator sums the counters every 2 s
	step before ipvsadm -Ln --stats --exact
	step before_conns ipvsadm -Ln
	ipvsadm -d -t 10.0.0.9:80 -r 192.168.1.4:80 && ipvsadm -a -t 10.0.0.9:80 -r 192.168.1.4:80 -m
	step log_mark sh -c "wc -l </tmp/$KA.log"
	cp /guest/reload-b.conf /tmp/k.conf
	rm -f /tmp/sniff.ready
	nl_sniff nlmon0 /tmp/sniff.ready >/tmp/sniff.out 2>&1 &
	SNIFF=$!
	step wait_sniff wait_until 5 test -e /tmp/sniff.ready
	read -r t0 _ </proc/uptime
	kill -HUP $KAPID
	step wait_reload wait_until 20 reloaded
	read -r t1 _ </proc/uptime
	step reload_time echo "$t0 $t1"
	sleep 2.5       # counters; and more than a check round: nothing flaps
	kill $SNIFF; wait $SNIFF
	step requests cat /tmp/sniff.out
	step after ipvsadm -Ln --stats --exact
	step after_conns ipvsadm -Ln
	step reloaded ipvsadm -Ln
	step stop stop_ka
	step after_term ipvsadm -Ln
	sleep 0.3
	step fifo cat /tmp/fifo.out
	step log cat /tmp/$KA.log

	# ha_suspend: 10.0.7.1 absent, added, removed (10.0.0.1 is present)
	$KA -n -l -D -C -f /guest/ha.conf -p /tmp/ka.pid -r /tmp/kav.pid -c /tmp/kac.pid \
		>/tmp/$KA.ha.log 2>&1 &
	KAPID=$!
	step ha_wait_start wait_until 20 grep -q "success" /tmp/$KA.ha.log
	step ha_start ipvsadm -Ln
	ip addr add 10.0.7.1/32 dev d0
	step ha_wait_up wait_until 20 grep -q "connection to .192.168.1.2" /tmp/$KA.ha.log
	ip addr del 10.0.7.1/32 dev d0
	step ha_wait_down wait_until 20 grep -q "Suspending healthchecker" /tmp/$KA.ha.log
	step ha_stop stop_ka
	step ha_log cat /tmp/$KA.ha.log

	# lvs_sync_daemon follows VI_1: backup, master, backup (FAULT), none
	$KA -n -l -D -f /guest/sync.conf -p /tmp/ka.pid -r /tmp/kav.pid -c /tmp/kac.pid \
		>/tmp/$KA.sync.log 2>&1 &
	KAPID=$!
	step sync_wait_backup wait_until 20 daemon_is backup
	step sync_backup ipvsadm -L --daemon
	step sync_wait_master wait_until 20 daemon_is master
	step sync_master ipvsadm -L --daemon
	ip link set d2 down
	step sync_wait_fault wait_until 20 daemon_is backup
	step sync_fault ipvsadm -L --daemon
	ip link set d2 up
	step sync_stop stop_ka
	step sync_after ipvsadm -L --daemon
	step sync_log cat /tmp/$KA.sync.log

	# lvs_flush_on_stop: none, VS, all; a foreign service shows what a flush takes
	for mode in none vs all; do
		ipvsadm -C
		ipvsadm -A -t 10.0.9.9:1 -s rr
		case $mode in
		none) sed '/lvs_flush_on_stop/d' /guest/flush.conf >/tmp/k.conf ;;
		vs) cp /guest/flush.conf /tmp/k.conf ;;
		all) sed 's/lvs_flush_on_stop VS/lvs_flush_on_stop/' /guest/flush.conf >/tmp/k.conf ;;
		esac
		$KA -n -l -C -f /tmp/k.conf -p /tmp/ka.pid -r /tmp/kav.pid -c /tmp/kac.pid \
			>/tmp/$KA.fl.log 2>&1 &
		KAPID=$!
		step flush_${mode}_wait wait_until 20 has -t 10.0.0.1:80 10.9.0.2:80
		step flush_${mode}_stop stop_ka
		step flush_${mode}_table ipvsadm -Ln
		step flush_${mode}_log grep -E "Shutting down" /tmp/$KA.fl.log
	done

	[ "$KA" = keepalived ] || continue      # 2.2.7 logs refusals its own way
	ipvsadm -C
	cp /guest/reload-a.conf /tmp/k.conf
	$KA -n -l -D -C -f /tmp/k.conf -p /tmp/ka.pid -r /tmp/kav.pid -c /tmp/kac.pid \
		>/tmp/$KA.rf.log 2>&1 &
	KAPID=$!
	step refuse_wait_start wait_until 20 started
	ipvsadm -D -t 10.0.0.2:80
	cp /guest/reload-b.conf /tmp/k.conf
	kill -HUP $KAPID
	# 10.0.0.4's destination is the reload's last request
	step refuse_wait_reload wait_until 20 sh -c "grep -q 'IPVS: changing VS' /tmp/$KA.rf.log &&
		ipvsadm -Ln -t 10.0.0.4:80 | grep -q -- '-> 192.168.1.5:80 '"
	step refuse_table ipvsadm -Ln
	step refuse_alive kill -0 $KAPID
	step refuse_stop stop_ka
	step refuse_log cat /tmp/$KA.rf.log
done
exit 0
