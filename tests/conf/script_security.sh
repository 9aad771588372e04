#!/bin/sh
# Script security checks of the configuration loader (kw_script.c), on real
# files: a script run as root must not be replaceable by a non-root user.
#
#   script_security.sh [DRIVER]   DRIVER: program taking a config file and
#                                 exiting like `keepalived -t` (default:
#                                 $BUILDDIR/tests/unit/conf_check_driver)
# Needs root for the ownership cases (skipped otherwise).
set -u
driver=${1:-${BUILDDIR:-$PWD}/tests/unit/conf_check_driver}
case $driver in /*) ;; *) driver=$PWD/$driver ;; esac
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
chmod 755 "$dir"
fail=0 n=0

printf '#!/bin/sh\nexit 0\n' >"$dir/secure.sh"
chmod 755 "$dir/secure.sh"
cp "$dir/secure.sh" "$dir/world.sh"
chmod 777 "$dir/world.sh"
printf 'not a script\n' >"$dir/noexec.sh"
chmod 644 "$dir/noexec.sh"
ln -s "$dir/world.sh" "$dir/link.sh"
mkdir "$dir/open"
chmod 777 "$dir/open"
cp "$dir/secure.sh" "$dir/open/in_open_dir.sh"
root=no
if [ "$(id -u)" = 0 ]; then
	root=yes
	mkdir "$dir/grp"
	cp "$dir/secure.sh" "$dir/grp/in_group_dir.sh"
	chgrp nogroup "$dir/grp" 2>/dev/null || chgrp 65534 "$dir/grp"
	chmod 775 "$dir/grp"
	cp "$dir/secure.sh" "$dir/owned.sh"
	chown 65534 "$dir/owned.sh"
fi

# conf SCRIPT SECURITY(yes|no) -> config file
conf() {
	{
		echo "global_defs {"
		echo "	dynamic_interfaces"
		echo "	script_user root"
		[ "$2" = yes ] && echo "	enable_script_security"
		echo "}"
		echo "vrrp_script chk {"
		echo "	script \"$1 arg\""
		echo "}"
		echo "vrrp_instance VI_1 {"
		echo "	interface eth0"
		echo "	virtual_router_id 1"
		echo "	track_script {"
		echo "		chk"
		echo "	}"
		echo "	virtual_ipaddress {"
		echo "		10.0.0.1"
		echo "	}"
		echo "}"
	} >"$dir/t.conf"
}

# expect NAME SCRIPT SECURITY STATUS [MESSAGE]
expect() {
	n=$((n + 1))
	conf "$2" "$3"
	out=$("$driver" "$dir/t.conf" 2>&1)
	rc=$?
	if [ "$rc" != "$4" ] || { [ $# -ge 5 ] && ! printf '%s\n' "$out" | grep -qF "$5"; }; then
		echo "FAIL: $1: exit $rc (want $4)"
		printf '%s\n' "$out"
		fail=$((fail + 1))
	fi
}

insecure="Disabling track script chk due to insecure"
missing="Disabling track script chk since not found/accessible"
expect secure "$dir/secure.sh" yes 0
expect secure_no_security "$dir/secure.sh" no 6
expect world_writable "$dir/world.sh" yes 5 "$insecure"
expect world_writable_no_security "$dir/world.sh" no 6
expect symlink_to_insecure "$dir/link.sh" yes 5 "$insecure"
expect world_writable_dir "$dir/open/in_open_dir.sh" yes 5 "$insecure"
expect missing "$dir/nonexistent.sh" yes 5 "$missing"
expect not_executable "$dir/noexec.sh" yes 0
expect directory "$dir/open" yes 5 "$insecure"
expect in_path true yes 0
if [ $root = yes ]; then
	expect group_writable_dir "$dir/grp/in_group_dir.sh" yes 5 "$insecure"
	expect owned_by_other "$dir/owned.sh" yes 5 "$insecure"
fi
echo "script security: $n tests, $fail failed"
[ "$fail" -eq 0 ]
