#!/bin/bash
# build-image.sh - build the boot files of the IPVS test VM.
#
# The host kernel of our test machines has no IPVS, so the tests that need
# it boot Debian's own kernel under QEMU (see tests/vm/README.md).  This
# script makes the two files run-in-vm.sh boots:
#
#   OUT/vmlinux          the uncompressed kernel (QEMU boots it via PVH,
#                        about 3 s faster than the bzImage under TCG)
#   OUT/initramfs.cpio   busybox, bash as /bin/sh, ip, ipvsadm, the IPVS
#                        modules and their dependencies (loaded by /init in
#                        modprobe's order), and every BINARY given on the
#                        command line, each with the shared libraries ldd
#                        lists and the dynamic loader
#   OUT/kver, OUT/inputs the kernel release and a digest of everything the
#                        image was built from (callers use it as cache key)
#
# The kernel package is the one linux-image-amd64 depends on, fetched once
# with `apt-get download` (never a wildcard) into $VM_CACHE, default
# /var/cache/ka-vm, and extracted there.  Set KA_VM_KERNEL_DEB to use a
# given .deb instead (no apt at all).
#
# Usage: build-image.sh [-o OUT] [BINARY...]     (OUT default $VM_CACHE/image)
# Exit status: 0 built, 1 failure, 77 a prerequisite is missing (the
# message says which; tests treat 77 as "skip").
set -eu

VM_CACHE=${VM_CACHE:-/var/cache/ka-vm}
OUT=$VM_CACHE/image
SCHEDULERS="rr wrr lc wlc lblc lblcr dh sh mh fo ovf sed nq"
EXTRA_MODULES="ip_vs ip_vs_ftp ip_vs_pe_sip ipip fou gre dummy veth"
TOOLS="bash ip ipvsadm"

die() { echo "build-image: $*" >&2; exit 1; }
skip() { echo "build-image: $*" >&2; exit 77; }

while getopts o: opt; do
	case $opt in
	o) OUT=$OPTARG ;;
	*) echo "usage: $0 [-o OUT] [BINARY...]" >&2; exit 1 ;;
	esac
done
shift $((OPTIND - 1))

for t in busybox cpio depmod modprobe dpkg-deb xz $TOOLS; do
	command -v "$t" >/dev/null 2>&1 ||
		skip "missing $t (apt-get install busybox-static cpio kmod dpkg xz-utils bash iproute2 ipvsadm)"
done
BUSYBOX=$(command -v busybox)
! ldd "$BUSYBOX" >/dev/null 2>&1 ||
	skip "$BUSYBOX is not static (apt-get install busybox-static)"
for b in "$@"; do
	[ -x "$b" ] || die "not an executable: $b"
done

# ---- the kernel package -------------------------------------------------

kernel_deb() {
	local pkg deb
	if [ -n "${KA_VM_KERNEL_DEB:-}" ]; then
		[ -f "$KA_VM_KERNEL_DEB" ] || skip "KA_VM_KERNEL_DEB: no file $KA_VM_KERNEL_DEB"
		echo "$KA_VM_KERNEL_DEB"
		return
	fi
	command -v apt-get >/dev/null 2>&1 || skip "no apt to fetch the kernel (set KA_VM_KERNEL_DEB)"
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
	[ -n "$pkg" ] || skip "cannot resolve the package linux-image-amd64 depends on (apt-get update?)"
	deb=$(ls "$VM_CACHE/${pkg}"_*.deb 2>/dev/null | head -n 1)
	if [ -z "$deb" ]; then
		# In the cache directory, as root, apt warns that _apt cannot
		# write there; the download still succeeds.
		(cd "$VM_CACHE" && apt-get download -q "$pkg" >&2 2>/dev/null) ||
			skip "apt-get download $pkg failed"
		deb=$(ls "$VM_CACHE/${pkg}"_*.deb 2>/dev/null | head -n 1)
	fi
	[ -f "$deb" ] || skip "no kernel package $pkg"
	echo "$deb"
}

# Unpack the .deb once into $VM_CACHE/kernel/<deb name>; sets KROOT, KVER.
extract_kernel() {
	local deb=$1 dir
	dir=$VM_CACHE/kernel/$(basename "$deb" .deb)
	if [ ! -f "$dir/.done" ]; then
		rm -rf "$dir"
		mkdir -p "$dir"
		dpkg-deb -x "$deb" "$dir"
		touch "$dir/.done"
	fi
	KROOT=$dir
	KVER=$(ls "$dir/lib/modules" | head -n 1)
	[ -n "$KVER" ] || die "no modules in $deb"
	[ -f "$dir/lib/modules/$KVER/modules.dep" ] || depmod -b "$dir" "$KVER"
}

# The bzImage carries the kernel as an xz stream; find its magic and
# decompress from there (xz stops at the stream end; trailing data is
# reported as an error we ignore once the output is an ELF file).
extract_vmlinux() {
	local bz=$1 out=$2 off
	[ -s "$out" ] && return
	off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$bz" | head -n 1 | cut -d: -f1)
	[ -n "$off" ] || die "no xz stream in $bz"
	tail -c +$((off + 1)) "$bz" | xz -dc >"$out.tmp" 2>/dev/null || true
	head -c 4 "$out.tmp" | grep -q 'ELF' || die "could not extract vmlinux from $bz"
	mv "$out.tmp" "$out"
}

# ---- the initramfs ------------------------------------------------------

# Copy a binary and its libraries (ldd's list, loader included) to the
# same paths under $STAGE.
copy_with_libs() {
	local bin=$1 dest=${2:-$1} lib
	mkdir -p "$STAGE$(dirname "$dest")"
	cp -L "$bin" "$STAGE$dest"
	for lib in $(ldd "$bin" 2>/dev/null | grep -o '/[^ ]*'); do
		[ -e "$STAGE$lib" ] && continue
		mkdir -p "$STAGE$(dirname "$lib")"
		cp -L "$lib" "$STAGE$lib"
	done
}

# Libraries keepalived opens with dlopen() on first use, which ldd cannot
# see: libnl (include/nl_dl.h) and the nftables firewall's libnftnl and
# libmnl (src/vrrp/vrrp_nft_dl.c).  Copied when the host has them.
DLOPEN_LIBS="libnl-3.so.200 libnl-route-3.so.200 libnl-genl-3.so.200 libnftnl.so.11 libmnl.so.0"

copy_dlopen_libs() {
	local soname path
	for soname in $DLOPEN_LIBS; do
		path=$(ldconfig -p | awk -v s="$soname" '$1 == s && /x86-64/ { print $NF; exit }')
		[ -n "$path" ] && [ ! -e "$STAGE$path" ] && copy_with_libs "$path"
	done
	return 0
}

# Module files for all our modules, in load order, without duplicates.
module_list() {
	local m mods=$EXTRA_MODULES
	for m in $SCHEDULERS; do
		mods="$mods ip_vs_$m"
	done
	for m in $mods; do
		modprobe -d "$KROOT" -S "$KVER" --show-depends "$m" 2>/dev/null |
			awk '$1 == "insmod" { print $2 }'
	done | awk '!seen[$0]++'
}

write_init() {
	cat >"$STAGE/init" <<'EOF'
#!/bin/bash
# /init of the test VM: load IPVS, run /guest/run.sh, report its status.
export PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
read -r t0 _ </proc/uptime
while read -r ko; do
	insmod "$ko" 2>/dev/null || echo "init: insmod $ko failed" >/dev/console
done </etc/modules.order
ip link set lo up
read -r t1 _ </proc/uptime
echo "KA-VM-TIME: init ${t0} s, modules loaded ${t1} s" >/dev/console
out=/dev/ttyS1
[ -c $out ] || out=/dev/console
cd /guest
status=127
if [ -f /guest/run.sh ]; then
	bash /guest/run.sh >$out 2>&1 </dev/null
	status=$?
fi
echo "KA-VM-EXIT: $status" >$out
echo "KA-VM-EXIT: $status" >/dev/console
sync
poweroff -f
EOF
	chmod 755 "$STAGE/init"
}

build_initramfs() {
	local out=$1 ko app
	shift
	STAGE=$(mktemp -d)
	trap 'rm -rf "$STAGE"' EXIT
	mkdir -p "$STAGE"/usr/bin "$STAGE"/usr/sbin "$STAGE"/usr/lib "$STAGE"/usr/lib64 \
		"$STAGE"/usr/local/bin "$STAGE"/proc "$STAGE"/sys "$STAGE"/dev \
		"$STAGE"/tmp "$STAGE"/run "$STAGE"/etc "$STAGE"/guest "$STAGE"/var/run
	for d in bin sbin lib lib64; do
		ln -s usr/$d "$STAGE/$d"
	done
	# The kernel opens /dev/console for /init before devtmpfs is mounted
	# (mknod needs root; without it /init still works, silently).
	mknod "$STAGE/dev/console" c 5 1 2>/dev/null || true
	mknod "$STAGE/dev/null" c 1 3 2>/dev/null || true
	cp "$BUSYBOX" "$STAGE/bin/busybox"
	for app in $("$BUSYBOX" --list); do
		case $app in sh|ip|busybox) continue ;; esac
		[ -e "$STAGE/bin/$app" ] || ln -s busybox "$STAGE/bin/$app"
	done
	copy_with_libs "$(command -v bash)" /bin/bash
	ln -s bash "$STAGE/bin/sh"
	copy_with_libs "$(command -v ip)" /sbin/ip
	copy_with_libs "$(command -v ipvsadm)" /sbin/ipvsadm
	for b in "$@"; do
		copy_with_libs "$b" "/usr/local/bin/$(basename "$b")"
	done
	copy_dlopen_libs
	: >"$STAGE/etc/modules.order"
	for ko in $(module_list); do
		mkdir -p "$STAGE$(dirname "${ko#"$KROOT"}")"
		cp "$ko" "$STAGE${ko#"$KROOT"}"
		echo "${ko#"$KROOT"}" >>"$STAGE/etc/modules.order"
	done
	grep -q '/ip_vs.ko$' "$STAGE/etc/modules.order" || die "ip_vs module not found for $KVER"
	echo "root:x:0:0:root:/root:/bin/sh" >"$STAGE/etc/passwd"
	echo "root:x:0:" >"$STAGE/etc/group"
	write_init
	(cd "$STAGE" && find . -print0 | LC_ALL=C sort -z |
		cpio -o -0 -H newc --quiet -R 0:0) >"$out.tmp"
	mv "$out.tmp" "$out"
}

# A digest of the inputs: kernel package, this script, every binary.
inputs_digest() {
	local deb=$1
	{
		echo "$deb"
		sha256sum "$0" "$BUSYBOX" "$(command -v bash)" "$(command -v ip)" \
			"$(command -v ipvsadm)" "$@" | cut -d' ' -f1
	} | sha256sum | cut -d' ' -f1
}

mkdir -p "$VM_CACHE" "$OUT"
# One build at a time per cache (parallel test sessions share it).
exec 9>"$VM_CACHE/.lock"
flock 9 2>/dev/null || true
DEB=$(kernel_deb)
extract_kernel "$DEB"
extract_vmlinux "$KROOT/boot/vmlinuz-$KVER" "$KROOT/vmlinux"
DIGEST=$(inputs_digest "$DEB" "$@")
if [ -f "$OUT/inputs" ] && [ "$(cat "$OUT/inputs")" = "$DIGEST" ] &&
   [ -s "$OUT/initramfs.cpio" ] && [ -s "$OUT/vmlinux" ]; then
	echo "build-image: $OUT is up to date ($KVER)" >&2
	exit 0
fi
rm -f "$OUT/inputs"
rm -f "$OUT/vmlinux"
ln "$KROOT/vmlinux" "$OUT/vmlinux" 2>/dev/null || cp "$KROOT/vmlinux" "$OUT/vmlinux"
build_initramfs "$OUT/initramfs.cpio" "$@"
echo "$KVER" >"$OUT/kver"
echo "$DIGEST" >"$OUT/inputs"
echo "build-image: built $OUT ($KVER, $(du -h "$OUT/initramfs.cpio" | cut -f1) initramfs)" >&2
