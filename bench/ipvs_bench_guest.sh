# ipvs_bench_guest.sh - the IPVS speed benchmark, run inside the test VM
# (tests/vm/run-in-vm.sh) by bench/ipvs_vm_bench.py, with bench-a.conf,
# bench-b.conf, bench-c.conf and bench-d.conf beside it.  Set by the driver in
# front of this file:
#   KAS     the binaries to time, in turn (keepalived keepalived-ref)
#   RUNS    rounds; each round times every binary once
#   LAST    the last virtual server's address (programmed last)
#   NRS     real servers per virtual server
#   TOTAL   destinations in the whole table
# Per binary and round it prints
#   RESULT <binary> start|reload|stop <round> <seconds>
#   start   exec to the last virtual server having all its destinations
#   reload  SIGHUP (bench-b.conf: 1% of the virtual servers changed) to
#           the last changed one showing its new scheduler and weight
#   reload-w  SIGHUP (bench-c.conf: the same 1%, only a weight changed)
#           to the last changed one showing its new weight
#   reload-m  SIGHUP (bench-d.conf: the same 1% get NRS + 1 other real
#           servers) to the last changed one having NRS + 1 destinations
#   stop    SIGTERM to the process having exited
# CPU lines: the CPU time (user + system, 10 ms ticks) that the binary's
# processes used in the same phase (start: since exec); and CHECK lines
# that the driver verifies (full table, changes, empty, ipvsadm agreeing
# with the poller).
# Times come from bash's $EPOCHREALTIME.  The end of start and reload is
# seen by /guest/ipvs_poll (bench/ipvs_poll.c, static): one exec per phase,
# then a generic netlink query of the last virtual server every 2 ms (0.16
# to 0.19 ms of the guest CPU each, see its INFO line), instead of an ipvsadm
# exec every 50 ms that took about half the guest CPU.  ipvsadm confirms
# each verdict afterwards, outside the timed window (CHECK ... seen).
# busybox syslogd receives the logs (without a syslog socket every log line
# costs a failed connect in both binaries).
POLL=/guest/ipvs_poll
now() { echo "$EPOCHREALTIME"; }
delta() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
# what the poller waits for, as ipvsadm shows it (checked after each wait)
dests() { ipvsadm -Ln -t "$LAST:80" 2>/dev/null | grep -c -- '-> [0-9]'; }
started() { [ "$(dests)" = "$NRS" ]; }
reloaded() {
	local out
	out=$(ipvsadm -Ln -t "$LAST:80" 2>/dev/null)
	[[ $out == *" wrr"* ]] && [[ $out == *" Masq    $1 "* ]]
}
# CPU ticks (utime + stime, 1/100 s) of process $1, its live children and
# the children it has reaped
ticks() {
	local pid=$1 total=0 f st
	for f in /proc/[0-9]*/stat; do
		read -r st 2>/dev/null <"$f" || continue
		st=${st##*) }
		set -- $st
		if [ "${f#/proc/}" = "$pid/stat" ]; then
			total=$((total + ${12} + ${13} + ${14} + ${15}))
		elif [ "$2" = "$pid" ]; then
			total=$((total + ${12} + ${13}))
		fi
	done
	echo "$total"
}
# the shell's reaped children, in ticks (from bash's `times`)
# (`times` itself must not run in a subshell: a fork starts from zero,
# and without a child of its own: parsed with bash's regex)
shell_child_ticks() {
	local line
	times >/tmp/times.txt
	{ read -r line; read -r line; } </tmp/times.txt
	[[ $line =~ ^([0-9]+)m([0-9]+)\.([0-9]{2})[0-9]*s\ ([0-9]+)m([0-9]+)\.([0-9]{2})[0-9]*s$ ]] || return
	echo $(( (BASH_REMATCH[1] * 60 + 10#${BASH_REMATCH[2]}) * 100 + 10#${BASH_REMATCH[3]} +
		 (BASH_REMATCH[4] * 60 + 10#${BASH_REMATCH[5]}) * 100 + 10#${BASH_REMATCH[6]} ))
}
cpu_delta() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) / 100 }'; }

# Before each start the IPVS modules are reloaded: the kernel keeps deleted
# destinations in a "trash" list for minutes and searches the whole list on
# every destination it adds, so a run right after another one would pay
# for its predecessor's 10,000 destinations.
reset_ipvs() {
	ipvsadm -C
	for ko in $(grep '/ip_vs' /etc/modules.order | sed '1!G;h;$!d'); do
		rmmod "$(basename "$ko" .ko)" || return 1
	done
	for ko in $(grep '/ip_vs' /etc/modules.order); do
		insmod "$ko" || return 1
	done
}

ip link add d0 type dummy && ip link set d0 up
# a syslog daemon, as on a real host: both binaries log to syslog only
syslogd -n -O /tmp/messages &
sleep 0.2
# INFO lines (printed by the driver, not part of the table): what one
# configuration check (-t: one parse) and one poll cost in this guest
for KA in $KAS; do
	for i in 1 2 3; do
		t0=$(now); $KA -t -f /guest/bench-a.conf >/dev/null 2>&1; t1=$(now)
		echo "INFO $KA config-check $(delta "$t0" "$t1")"
	done
done
# both polls measured on a service like the last one (NRS destinations)
{ echo "-A -t $LAST:80 -s rr"
  for i in $(seq 1 "$NRS"); do echo "-a -t $LAST:80 -r 192.0.2.$i:80 -m -w 1"; done
} | ipvsadm -R
t0=$(now); ipvsadm -Ln -t "$LAST:80" >/dev/null 2>&1; t1=$(now)
echo "INFO ipvsadm-poll $(delta "$t0" "$t1")"
t0=$EPOCHREALTIME; $POLL dests "$LAST" 80 "$NRS" 1; t1=$EPOCHREALTIME
q=$($POLL cost "$LAST" 80 500)
echo "INFO ipvs_poll-query ${q% *} (CPU ${q#* }, mean of 500; one run with its exec $(delta "$t0" "$t1"))"
ipvsadm -C
# One timed reload of the running $KA (round $r): SIGHUP with /guest/$2
# until the last virtual server shows wrr and a destination of weight $4
# ($3 = weight) or has $4 destinations ($3 = count); its RESULT and CPU
# lines name phase $1, then the table is checked.
timed_reload() {
	local phase=$1 conf=$2 kind=$3 want=$4 t0 t1 c0 c1 total=dests
	c0=$(ticks $KAPID)
	cp "/guest/$conf" /tmp/k.conf
	t0=$(now)
	kill -HUP $KAPID
	if [ "$kind" = weight ]; then
		$POLL reloaded "$LAST" 80 wrr "$want" 300
	else
		$POLL dests "$LAST" 80 "$want" 300
	fi || echo "CHECK $KA $r $phase timed out"
	t1=$(now)
	c1=$(ticks $KAPID)
	if [ "$kind" = weight ]; then
		reloaded "$want"
	else
		total=dests-m
		[ "$(dests)" = "$want" ]
	fi
	echo "CHECK $KA $r seen $((! $?))"
	echo "RESULT $KA $phase $r $(delta "$t0" "$t1")"
	echo "CPU $KA $phase $r $(cpu_delta "$c0" "$c1")"
	sleep 2
	echo "CHECK $KA $r wrr $(ipvsadm -Ln | grep -c ' wrr')"
	echo "CHECK $KA $r $total $(ipvsadm -Ln | grep -c -- '-> [0-9]')"
}
for r in $(seq 1 "$RUNS"); do
	for KA in $KAS; do
		reset_ipvs || echo "CHECK $KA $r reset failed"
		cp /guest/bench-a.conf /tmp/k.conf
		t0=$(now)
		$KA -n -C -f /tmp/k.conf -p /tmp/ka.pid -r /tmp/kav.pid -c /tmp/kac.pid \
			>/tmp/$KA.log 2>&1 &
		KAPID=$!
		$POLL dests "$LAST" 80 "$NRS" 300 || echo "CHECK $KA $r start timed out"
		t1=$(now)
		c1=$(ticks $KAPID)
		started; echo "CHECK $KA $r seen $((! $?))"
		echo "RESULT $KA start $r $(delta "$t0" "$t1")"
		echo "CPU $KA start $r $(cpu_delta 0 "$c1")"
		sleep 2
		echo "CHECK $KA $r dests $(ipvsadm -Ln | grep -c -- '-> [0-9]')"
		timed_reload reload bench-b.conf weight 5
		timed_reload reload-w bench-c.conf weight 3
		timed_reload reload-m bench-d.conf count $((NRS + 1))
		c0=$(ticks $KAPID)
		shell_child_ticks >/tmp/s0.txt; s0=$(</tmp/s0.txt)
		t0=$(now)
		kill -TERM $KAPID
		wait $KAPID
		t1=$(now)
		shell_child_ticks >/tmp/s1.txt; s1=$(</tmp/s1.txt)
		echo "RESULT $KA stop $r $(delta "$t0" "$t1")"
		echo "CPU $KA stop $r $(cpu_delta "$c0" "$((s1 - s0))")"
		echo "CHECK $KA $r left $(ipvsadm -Ln | grep -c -- '-> [0-9]')"
	done
done
exit 0
