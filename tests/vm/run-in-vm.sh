#!/bin/bash
# run-in-vm.sh - boot the IPVS test VM once and run a script inside it.
#
# Usage: run-in-vm.sh [-d IMAGE] [-t SECONDS] [-m MEGS] SCRIPT [FILE...]
#
#   IMAGE    directory made by build-image.sh ($VM_CACHE/image by default)
#   SECONDS  cap on the whole run, boot included (default 120); qemu is
#            killed after it
#   SCRIPT   run by bash inside the guest as /guest/run.sh, in /guest, with
#            IPVS and the schedulers already loaded and lo up
#   FILE...  copied into /guest/ beside it
#
# The guest's stdout and stderr arrive on a second serial port, apart from
# the kernel console, and are printed here without the '\r' the tty adds.
# The exit status is the script's (reported by /init as a marker line);
# 124 when the run hit the time cap, 125 when the VM ended without a
# marker (the kernel console is then printed on stderr), 77 when qemu or
# the image is missing.  The wall time of the run is printed on stderr as
# "run-in-vm: N.NN s", with the guest's uptime when /init started and when
# the modules were loaded.
#
# QEMU runs with TCG (KVM hangs on our machines), machine "pc", no network
# and no display; see tests/vm/README.md.  One VM costs one host core.
set -eu

VM_CACHE=${VM_CACHE:-/var/cache/ka-vm}
IMAGE=$VM_CACHE/image
LIMIT=120
MEM=256

usage() { echo "usage: $0 [-d IMAGE] [-t SECONDS] [-m MEGS] SCRIPT [FILE...]" >&2; exit 2; }

while getopts d:t:m: opt; do
	case $opt in
	d) IMAGE=$OPTARG ;;
	t) LIMIT=$OPTARG ;;
	m) MEM=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
SCRIPT=$1
shift

QEMU=$(command -v qemu-system-x86_64 || true)
[ -n "$QEMU" ] || { echo "run-in-vm: qemu-system-x86_64 missing (apt-get install qemu-system-x86)" >&2; exit 77; }
for f in vmlinux initramfs.cpio; do
	[ -s "$IMAGE/$f" ] || { echo "run-in-vm: $IMAGE/$f missing (run build-image.sh)" >&2; exit 77; }
done

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/stage/guest"
cp "$SCRIPT" "$WORK/stage/guest/run.sh"
for f in "$@"; do
	cp -L "$f" "$WORK/stage/guest/"
done
# A second newc archive appended to the first: the kernel unpacks both.
(cd "$WORK/stage" && find . -print0 | cpio -o -0 -H newc --quiet -R 0:0) >"$WORK/guest.cpio"
cat "$IMAGE/initramfs.cpio" "$WORK/guest.cpio" >"$WORK/initrd"

start=$EPOCHREALTIME
status=0
timeout -k 5 "$LIMIT" "$QEMU" -machine pc -accel tcg -cpu max -smp 1 -m "$MEM" \
	-nodefaults -nic none -no-reboot -display none -monitor none \
	-kernel "$IMAGE/vmlinux" -initrd "$WORK/initrd" \
	-append "console=ttyS0 quiet panic=-1" \
	-serial "file:$WORK/console.log" -serial "file:$WORK/guest.log" \
	</dev/null >"$WORK/qemu.out" 2>&1 || status=$?
end=$EPOCHREALTIME
awk -v a="$start" -v b="$end" 'BEGIN { printf "run-in-vm: %.2f s\n", b - a }' >&2

tr -d '\r' <"$WORK/console.log" | sed -n 's/^KA-VM-TIME: /run-in-vm: guest clock: /p' >&2 || true
tr -d '\r' <"$WORK/guest.log" >"$WORK/guest.txt" 2>/dev/null || : >"$WORK/guest.txt"
marker=$(grep -a '^KA-VM-EXIT: [0-9]*$' "$WORK/guest.txt" | tail -n 1 || true)
grep -av '^KA-VM-EXIT: [0-9]*$' "$WORK/guest.txt" || true
if [ -n "$marker" ]; then
	exit "${marker#KA-VM-EXIT: }"
fi
{
	if [ "$status" = 124 ] || [ "$status" = 137 ]; then
		echo "run-in-vm: time limit of $LIMIT s reached"
	else
		echo "run-in-vm: the VM ended without an exit marker (qemu status $status)"
	fi
	cat "$WORK/qemu.out"
	echo "---- kernel console ----"
	tr -d '\r' <"$WORK/console.log"
} >&2
[ "$status" = 124 ] || [ "$status" = 137 ] && exit 124
exit 125
