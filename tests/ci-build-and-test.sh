#!/bin/bash
# Build and test, the way CI does (.ci/run calls this after installing
# the packages; the README gives this same command).
#
#   1. autoreconf, then an out-of-tree build in build-ci/ with
#      --enable-werror, and `make check` (unit tests via automake TESTS,
#      then the system tests via check-local / tests/run-system-tests);
#   2. a second out-of-tree build in build-san/ with --enable-sanitizers
#      (ASan + UBSan) and `make check` again; this one also has
#      --enable-iptables, so that both firewall back ends are tested.
#
# Both builds are out of tree so that they can coexist (automake refuses a
# VPATH build once the source tree itself is configured).
#
# Sanitizer options (decided by trying both, 2026-11-22):
#   UBSan aborts on the first report (-fno-sanitize-recover at build time,
#   halt_on_error here) with a stack trace.
#   LeakSanitizer (detect_leaks=1) is ON for the unit tests and for the
#   system tests.  Forked daemons do not cause false reports: LSan reports
#   only memory that is unreachable at exit, and a child's inherited
#   configuration tree is still reachable from its globals when it exits;
#   a process that leaves with _exit() or dies by a signal runs no leak
#   check at all.  If that ever changes (a child that must exit without
#   freeing), set KA_SYSTEM_ASAN_OPTIONS=detect_leaks=0 below: the system
#   tests use it instead of ASAN_OPTIONS (tests/run-system-tests).
# Environment: JOBS (default 2), SKIP_SANITIZERS=1 to do only step 1.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
jobs=${JOBS:-2}
start=$(date +%s)
failed=

step() { printf '\n===== %s (+%ss)\n' "$*" "$(( $(date +%s) - start ))"; }

# make check in the current build directory.  The system tests run from
# check-local after the unit tests pass; if the unit tests fail, show their
# logs and still run the system tests, so that one failing unit test does
# not hide the rest.  pytest's summary line stays the last line.
run_check() {
	local st=0 f
	make -j"$jobs" check 2>&1 | tee check.out || st=$?
	[ "$st" -eq 0 ] && return 0
	for f in tests/unit/*.trs; do
		[ -f "$f" ] && grep -q ':test-result: \(FAIL\|ERROR\)' "$f" &&
			{ echo "----- ${f%.trs}.log"; tail -50 "${f%.trs}.log"; }
	done
	if ! grep -qE '^=+ .* in [0-9.]+s' check.out; then
		echo "unit tests failed; running the system tests anyway:"
		"$top/tests/run-system-tests" "$PWD/keepalived" 2>&1 | tee -a check.out || true
	fi
	return 1
}

step "autoreconf"
mkdir -p m4 build-aux
autoreconf -fi

step "build 1: --enable-werror"
rm -rf build-ci && mkdir build-ci && cd build-ci
"$top/configure" --enable-werror
make -j"$jobs"
step "build 1: make check"
rc=0
run_check || { rc=1; failed="$failed build-ci"; }
cd "$top"

if [ "${SKIP_SANITIZERS:-0}" != 1 ]; then
	step "build 2: --enable-sanitizers (ASan+UBSan)"
	rm -rf build-san && mkdir build-san && cd build-san
	"$top/configure" --enable-werror --enable-sanitizers --enable-iptables
	make -j"$jobs"
	step "build 2: make check"
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	export KA_SYSTEM_ASAN_OPTIONS=$ASAN_OPTIONS
	run_check || { rc=1; failed="$failed build-san"; }
	cd "$top"
fi
if [ "$rc" -eq 0 ]; then
	step "all builds and tests passed"
else
	step "FAILED in:$failed (see the output above)"
fi
# Last line: pytest's summary of the last system-test run (CI reads it).
last=build-ci
[ "${SKIP_SANITIZERS:-0}" != 1 ] && last=build-san
grep -E '^=+ .* in [0-9.]+s' "$last/check.out" | tail -1 || echo "== no system test summary =="
exit "$rc"
