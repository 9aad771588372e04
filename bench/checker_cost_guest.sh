# checker_cost_guest.sh - the checker cost benchmark, run inside the test
# VM (tests/vm/run-in-vm.sh) by bench/checker_cost.py, with ck_listener and
# the ck-KIND-N.conf files beside it.  Set by the driver in front of this
# file:
#   KAS      the binaries to measure, in turn (keepalived keepalived-ref)
#   CASES    "KIND:N ..." (KIND tcp or http, N real servers)
#   NADDR    local addresses 10.9.0.1.. the real servers use
#   PORTS    ports per address (BASE..BASE+PORTS-1), served by ck_listener
#   BASE     first port
#   WARM     seconds between all destinations present and the window
#   WINDOW   seconds measured
#   PROBE_N  checks of the floor probe per case (0: none)
# Per case and binary it prints
#   RESULT <binary> <kind> <n> <cpu_ticks> <checks> <window_s> <rss_parent_kB>
#          <rss_checker_kB> <clk_tck> <up_dests> <system_ticks> <idle_ticks>
# and, with PROBE_N, the floor (ck_listener probe: N minimal checks one
# after the other, CPU per check from getrusage)
#   PROBE <kind> <n> <user_us> <system_us> <failures>
# idle_ticks: the guest's idle + iowait time over the window (/proc/stat);
# near 0 means the single guest CPU was saturated.
# cpu_ticks: utime + stime of the checker child over the window (from
# /proc/PID/stat); checks: connections the listener accepted in it.
# Logs go to busybox syslogd, as on a real host.
ulimit -n 65536
sysctl -qw net.core.somaxconn=4096 net.ipv4.tcp_max_syn_backlog=4096 \
	net.ipv4.ip_local_port_range="1024 65000" net.ipv4.tcp_tw_reuse=1
ip link add d0 type dummy && ip link set d0 up
for i in $(seq 1 "$NADDR"); do ip addr add "10.9.0.$i/16" dev d0; done
syslogd -n -O /tmp/messages &
sleep 0.2

reset_ipvs() {	# the kernel keeps deleted destinations for minutes
	ipvsadm -C
	for ko in $(grep '/ip_vs' /etc/modules.order | sed '1!G;h;$!d'); do
		rmmod "$(basename "$ko" .ko)" || return 1
	done
	for ko in $(grep '/ip_vs' /etc/modules.order); do
		insmod "$ko" || return 1
	done
}
dests() { ipvsadm -Ln | grep -c -- '-> [0-9]'; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
idle() { awk '$1 == "cpu" { print $5 + $6 }' /proc/stat; }
sticks() { awk '{ print $15 }' "/proc/$1/stat"; }
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
count() {	# accepted connections so far
	kill -USR1 "$LPID"; sleep 0.05; cat /tmp/count
}
wait_for() {	# wait_for SECONDS CHECK
	local end=$((SECONDS + $1))
	while ! $2; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.5
	done
}
all_up() { [ "$(dests)" -ge "$N" ]; }
TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)

for c in $CASES; do
	KIND=${c%%:*}; N=${c##*:}
	for KA in $KAS; do
		reset_ipvs || echo "NOTE $KA reset failed"
		/guest/ck_listener "$KIND" "$BASE" "$PORTS" /tmp/count &
		LPID=$!
		rm -f /tmp/kac.pid /tmp/ka.pid
		$KA -n -C -f "/guest/ck-$KIND-$N.conf" -p /tmp/ka.pid -r /tmp/kav.pid \
			-c /tmp/kac.pid >/tmp/$KA.out 2>&1 &
		KAPID=$!
		wait_for 300 all_up || echo "NOTE $KA $KIND $N only $(dests) destinations"
		sleep "$WARM"
		CPID=$(cat /tmp/kac.pid)
		t0=$(ticks "$CPID"); k0=$(sticks "$CPID"); i0=$(idle); c0=$(count); s0=$EPOCHREALTIME
		sleep "$WINDOW"
		t1=$(ticks "$CPID"); k1=$(sticks "$CPID"); i1=$(idle); c1=$(count); s1=$EPOCHREALTIME
		up=$(dests)
		w=$(awk -v a="$s0" -v b="$s1" 'BEGIN { printf "%.2f", b - a }')
		echo "RESULT $KA $KIND $N $((t1 - t0)) $((c1 - c0)) $w" \
			"$(rss "$KAPID") $(rss "$CPID") $TCK $up $((k1 - k0)) $((i1 - i0))"
		kill -TERM "$KAPID"; wait "$KAPID"
		kill "$LPID"; wait "$LPID" 2>/dev/null
		grep -c 'fail\|Timeout\|timeout' /tmp/messages |
			sed "s/^/NOTE $KA $KIND $N failure log lines so far: /"
	done
	if [ "${PROBE_N:-0}" -gt 0 ]; then
		/guest/ck_listener "$KIND" "$BASE" "$PORTS" /tmp/count &
		LPID=$!
		sleep 0.5
		/guest/ck_listener probe "$KIND" "$NADDR" "$BASE" "$PORTS" "$PROBE_N" |
			sed "s/^PROBE $KIND /PROBE $KIND $N /"
		kill "$LPID"; wait "$LPID" 2>/dev/null
	fi
done
exit 0
