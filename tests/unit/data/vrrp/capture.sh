#!/bin/sh
# capture.sh - regenerate the reference VRRP vectors in this directory.
#
# Runs the reference keepalived 2.2.7 as MASTER in a network namespace joined
# to an observer namespace by a veth pair, captures a few adverts with tcpdump
# in the observer, and writes each captured IP packet (IPv4 header or IPv6
# header onwards, no link layer) as one hex line into NAME.hex.
# Needs root, keepalived, tcpdump and tshark.  Usage: capture.sh [WORKDIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work"
A=kacodecA B=kacodecB

cleanup() { ip netns del $A 2>/dev/null || true; ip netns del $B 2>/dev/null || true; }
trap cleanup EXIT
cleanup
ip netns add $A; ip netns add $B
ip link add vA netns $A type veth peer name vB netns $B
for ns in $A $B; do
	ip netns exec $ns sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	ip -n $ns link set lo up
done
ip -n $A link set vA address 02:00:00:00:00:0a
ip -n $B link set vB address 02:00:00:00:00:0b
ip -n $A addr add 10.9.0.1/24 dev vA; ip -n $B addr add 10.9.0.2/24 dev vB
ip -n $A link set vA up; ip -n $B link set vB up
ip -n $A addr add fd00:9::1/64 dev vA nodad; ip -n $B addr add fd00:9::2/64 dev vB nodad

# conf NAME BODY: write the instance config for scenario NAME.
conf() {
	cat > "$work/$1.conf" <<CONF
global_defs {
	router_id codec_$1
	vrrp_garp_master_delay 0
	vrrp_garp_master_repeat 1
}
vrrp_instance VI_1 {
	state MASTER
	interface vA
	virtual_router_id 51
	priority 150
$2
}
CONF
}

V4VIPS='	virtual_ipaddress {
		10.9.0.100/24
		10.9.0.101/24
		192.168.77.1/32
	}'
conf v2_mcast "	version 2
	advert_int 1
$V4VIPS"
conf v2_pass "	version 2
	advert_int 2
	authentication {
		auth_type PASS
		auth_pass secret12XYZ
	}
$V4VIPS"
conf v2_pass_short "	version 2
	advert_int 1
	authentication {
		auth_type PASS
		auth_pass abc
	}
	virtual_ipaddress {
		10.9.0.100/24
	}"
conf v2_ah "	version 2
	advert_int 1
	authentication {
		auth_type AH
		auth_pass ahsecret
	}
$V4VIPS"
conf v3_mcast4 "	version 3
	advert_int 1.5
$V4VIPS"
conf v3_ucast4 "	version 3
	advert_int 1
	unicast_src_ip 10.9.0.1
	unicast_peer {
		10.9.0.2
	}
$V4VIPS"
conf v3_ucast4_old "	version 3
	advert_int 1
	old_unicast_checksum
	unicast_src_ip 10.9.0.1
	unicast_peer {
		10.9.0.2
	}
$V4VIPS"
conf v3_mcast6 "	version 3
	advert_int 0.5
	virtual_ipaddress {
		fd00:9::100/64
		fd00:9::101/64
	}"

for name in v2_mcast v2_pass v2_pass_short v2_ah v3_mcast4 v3_ucast4 v3_ucast4_old v3_mcast6; do
	pcap="$work/$name.pcap"
	ip netns exec $B timeout 12 tcpdump -U -i vB -w "$pcap" -c 4 'ip proto 112 or ip proto 51 or ip6 proto 112' 2>/dev/null &
	tpid=$!
	sleep 0.5
	ip netns exec $A keepalived -n -l -D -f "$work/$name.conf" -p "$work/$name.pid" \
		-r "$work/$name.vrrp.pid" -c "$work/$name.chk.pid" > "$work/$name.log" 2>&1 &
	kpid=$!
	wait $tpid || true
	kill $kpid 2>/dev/null || true
	wait $kpid 2>/dev/null || true
	# Drop the pcap headers and the 14-byte Ethernet header: the rest is the IP packet.
	python3 - "$pcap" > "$here/$name.hex" <<'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read()
endian = '<' if data[:4] == b'\xd4\xc3\xb2\xa1' else '>'
off = 24
while off + 16 <= len(data):
    caplen = struct.unpack(endian + 'I', data[off + 8:off + 12])[0]
    print(data[off + 16 + 14:off + 16 + caplen].hex())
    off += 16 + caplen
PY
	echo "$name: $(wc -l < "$here/$name.hex") packets"
done
