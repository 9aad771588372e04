#!/bin/sh
# check_with_tshark.sh - does Wireshark's VRRP dissector agree with the
# checksums our encoder writes?  Runs the codec unit test with VRRP_DUMP set
# (it then writes every packet it encodes from the reference scenarios),
# wraps them in a pcap (LINKTYPE_RAW) and asks tshark for each packet's
# vrrp.checksum.status (1 = good).  Packets made with keepalived's old
# unicast checksum must be reported bad (tshark knows only RFC 5798's).
# Usage: check_with_tshark.sh [PATH/TO/test_vrrp_packet]    Needs tshark, python3.
set -eu
test_bin=${1:-tests/unit/test_vrrp_packet}
command -v tshark >/dev/null || { echo "SKIP: no tshark"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
VRRP_DUMP="$tmp/dump.txt" "$test_bin" >/dev/null 2>&1
python3 - "$tmp/dump.txt" "$tmp/our.pcap" "$tmp/labels" <<'PY'
import struct, sys
src, pcap, labels = sys.argv[1:4]
with open(pcap, 'wb') as out, open(labels, 'w') as lab:
    out.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
    for line in open(src):
        label, hexdata = line.split()
        pkt = bytes.fromhex(hexdata)
        out.write(struct.pack('<IIII', 0, 0, len(pkt), len(pkt)) + pkt)
        lab.write(label + '\n')
PY
tshark -r "$tmp/our.pcap" -T fields -e vrrp.checksum.status 2>/dev/null > "$tmp/status"
n=$(wc -l < "$tmp/labels")
[ "$n" -gt 0 ] || { echo "FAIL: the test wrote no packets"; exit 1; }
bad=$(paste "$tmp/labels" "$tmp/status" | awk '
	$1 ~ /_old$/ { if ($2 != "0") { print; b++ } next }
	$2 != "1" { print; b++ }
	END { print b + 0 }' | tail -n 1)
if [ "$bad" -ne 0 ]; then
	paste "$tmp/labels" "$tmp/status"
	echo "FAIL: $bad packet(s) with an unexpected checksum status"
	exit 1
fi
echo "PASS: tshark checked $n encoded packets ($(grep -c _old "$tmp/labels") old-checksum ones bad as expected)"
