# checker-guest.sh - the health-checker scenarios, run inside the IPVS VM
# (tests/vm/run-in-vm.sh) with checker.conf and note.sh beside it, by
# tests/system/test_vm_checker.py.  $KA is the keepalived to run (default
# "keepalived"; the test also runs the reference 2.2.7 as keepalived-ref).
# Each step prints "=== NAME", its output, "=== rc N"; wait steps poll for
# a state instead of sleeping a fixed time, so a slow VM only runs longer.
#
#   table..persist   the table right after start (scenario 1)
#   a_down           10.9.0.2 stops listening: removed from VS 10.0.0.1;
#                    VS 10.0.0.5 loses quorum -> sorry server, quorum_down
#   b_down           10.9.0.3 stops: weight 0 in VS 10.0.0.1 (inhibit)
#   both_up          both listen again: everything back, quorum_up
#   dump             USR1 data dump
#   after_term       TERM removed every service
#   after_term_keep  with -I, TERM leaves the table
#   over_kept        a new run over that table takes it over (no errors)
# then checker2.conf (scenario B, 10.0.3.x):
#   B_start          lvs_flush removed the table left by -I and a stray service
#   B_timeouts       lvs_timeouts
#   B_up             alpha servers came up, quorum gained, sorry server weight 0
#   B_down           10.9.0.2 stops: both servers of 10.0.3.1 down, quorum
#                    lost, sorry server weight 1
#   B_after_term     TERM: table empty, omega ran quorum_down/notify_down
KA=${KA:-keepalived}
step() { local n=$1; shift; echo "=== $n"; "$@" 2>&1; echo "=== rc $?"; }
ip link add d0 type dummy && ip link set d0 up
ip addr add 10.9.0.2/24 dev d0
ip addr add 10.9.0.3/24 dev d0
mkdir -p /tmp/www && echo hi >/tmp/www/index.html
httpd_on() { busybox httpd -f -p "$1:80" -h /tmp/www & eval "PID_${2}=\$!"; }
httpd_on 10.9.0.2 A
httpd_on 10.9.0.3 B
: >/tmp/notes
run_ka() {	# run_ka LOG [extra options]
	local log=$1; shift
	$KA -n -l -D -C -f /guest/checker.conf -p /tmp/ka.pid -r /tmp/kav.pid \
		-c /tmp/kac.pid "$@" >"$log" 2>&1 &
	KAPID=$!
}
stop_ka() { kill -TERM $KAPID; wait $KAPID; echo "exit $?"; }
# has OPT SVC DEST: the service lists the destination
has() { ipvsadm -Ln "$1" "$2" 2>/dev/null | grep -q -- "-> $3 "; }
weight() { ipvsadm -Ln "$1" "$2" | awk -v d="$3" '$2 == d { print $4 }'; }
count() { grep -c -- "$1" "$2"; }
# wait_until SECONDS COMMAND...: poll every 0.1 s
wait_until() {
	local n=$(($1 * 10)); shift
	while [ $n -gt 0 ]; do
		"$@" && { echo ok; return 0; }
		sleep 0.1; n=$((n - 1))
	done
	echo "timed out waiting for: $*"; return 1
}
started() { [ "$(ipvsadm -Ln | grep -c -- '->')" -ge 14 ] && [ "$(count 'success\.' /tmp/ka1.log)" -ge 4 ]; }
a_down() {
	! has -t 10.0.0.1:80 10.9.0.2:80 && has -u 10.0.0.5:80 10.9.0.9:80 &&
	! has -u 10.0.0.5:80 10.9.0.3:80 && grep -q quorum_down /tmp/notes && grep -q rs2_down /tmp/notes
}
b_down() {
	[ "$(weight -t 10.0.0.1:80 10.9.0.3:80)" = 0 ] &&
	grep -q 'TCP_CHECK on service \[10.9.0.3\]:udp:80 failed' /tmp/ka1.log
}
both_up() {
	has -t 10.0.0.1:80 10.9.0.2:80 && [ "$(weight -t 10.0.0.1:80 10.9.0.3:80)" = 1 ] &&
	has -u 10.0.0.5:80 10.9.0.2:80 && has -u 10.0.0.5:80 10.9.0.3:80 &&
	! has -u 10.0.0.5:80 10.9.0.9:80 && grep -q rs2_up /tmp/notes &&
	[ "$(count quorum_up /tmp/notes)" -ge 2 ] &&
	[ "$(count 'success\.' /tmp/ka1.log)" -ge 8 ]
}

run_ka /tmp/ka1.log
step wait_start wait_until 20 started
step table ipvsadm -Ln
step thresholds ipvsadm -Ln --thresholds
step tun ipvsadm -Ln --tun-info
step persist ipvsadm -Ln --persistent-conn
kill $PID_A; wait $PID_A 2>/dev/null
step wait_a_down wait_until 30 a_down
step a_down ipvsadm -Ln
step notes_a_down cat /tmp/notes
kill $PID_B; wait $PID_B 2>/dev/null
step wait_b_down wait_until 30 b_down
step b_down ipvsadm -Ln
httpd_on 10.9.0.2 A
httpd_on 10.9.0.3 B
step wait_both_up wait_until 30 both_up
step both_up ipvsadm -Ln
step notes_up cat /tmp/notes
rm -f /tmp/keepalived_check.data
kill -USR1 $KAPID
step wait_dump wait_until 10 test -s /tmp/keepalived_check.data
sleep 0.3
step dump cat /tmp/keepalived_check.data
step stop stop_ka
step after_term ipvsadm -Ln
step log cat /tmp/ka1.log
# -I: TERM leaves the table
run_ka /tmp/ka2.log -I
step wait_start_keep wait_until 20 sh -c "[ \$(ipvsadm -Ln | grep -c -- '->') -ge 14 ]"
step keep_stop stop_ka
step after_term_keep ipvsadm -Ln
step log2 cat /tmp/ka2.log
# a new run takes over the table left by -I
run_ka /tmp/ka3.log
step wait_over_kept wait_until 20 grep -q "Activating healthchecker" /tmp/ka3.log
sleep 0.5
step over_kept ipvsadm -Ln
step over_kept_stop stop_ka
step log3 cat /tmp/ka3.log

# ---- scenario B: checker2.conf
ipvsadm -A -t 10.0.9.9:1 -s rr
: >/tmp/notes
$KA -n -l -D -C -f /guest/checker2.conf -p /tmp/ka.pid -r /tmp/kav.pid \
	-c /tmp/kac.pid >/tmp/kb.log 2>&1 &
KAPID=$!
b_start() { has -t 10.0.3.3:80 10.9.0.20:80 && has -t 10.0.3.4:80 10.9.0.3:80; }
b_up() {
	has -t 10.0.3.1:80 10.9.0.2:80 && has -t 10.0.3.1:80 10.9.0.3:80 &&
	[ "$(weight -t 10.0.3.1:80 10.9.0.9:80)" = 0 ] && ! has -t 10.0.3.2:80 10.9.0.200:80 &&
	grep -q B_rs200_down /tmp/notes && grep -q C_rs200_down /tmp/notes &&
	grep -q B_quorum_up /tmp/notes && grep -q B_rs3_up /tmp/notes &&
	has -f 33 10.9.0.9:0
}
b_down() {
	! has -t 10.0.3.1:80 10.9.0.2:80 && ! has -t 10.0.3.1:80 10.9.0.3:80 &&
	[ "$(weight -t 10.0.3.1:80 10.9.0.9:80)" = 1 ] && [ "$(count B_quorum_down /tmp/notes)" -ge 2 ] &&
	grep -q B_rs3_down /tmp/notes
}
step wait_B_start wait_until 20 b_start
step B_start ipvsadm -Ln
step B_timeouts ipvsadm -L --timeout
step wait_B_up wait_until 30 b_up
step B_up ipvsadm -Ln
kill $PID_A; wait $PID_A 2>/dev/null
step wait_B_down wait_until 30 b_down
step B_down ipvsadm -Ln
step B_stop stop_ka
step wait_B_omega wait_until 10 grep -q E_rs3_down /tmp/notes
step B_after_term ipvsadm -Ln
step B_notes cat /tmp/notes
step B_log cat /tmp/kb.log
exit 0
