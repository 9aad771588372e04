#!/usr/bin/env python3
"""probe_order.py - ask the reference keepalived 2.2.7 which check it applies first.

Runs keepalived as BACKUP (VRID 51, priority 100) in namespace kaprobeA and
sends it hand-made Ethernet frames from namespace kaprobeB through an
AF_PACKET socket, so every byte (TTL, total length, checksums) is ours.  Each
probe breaks one or two fields of a captured advert; the script prints the
log lines keepalived wrote for it.  With two faults, the message shows which
check keepalived runs first.  Needs root and keepalived.
Usage: probe_order.py CONFIG_KIND WORKDIR   (CONFIG_KIND: v2pass | v3ucast | v2ah)
"""
import os, socket, struct, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
A, B = 'kaprobeA', 'kaprobeB'
kind, work = sys.argv[1], sys.argv[2]
if kind == 'send':
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind(('vB', 0))
    ip = bytes.fromhex(work)
    dst = ip[16:20]
    mac = bytes([1, 0, 0x5e, dst[1] & 0x7f, dst[2], dst[3]]) if dst[0] >= 224 else bytes.fromhex('02000000000b')
    s.send(mac + bytes.fromhex('02000000000a') + b'\x08\x00' + ip)
    sys.exit(0)
os.makedirs(work, exist_ok=True)

def sh(cmd):
    subprocess.run(cmd, shell=True, check=False)

def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff

def vrrp_csum(p, version, dst=None):
    ihl = (p[0] & 15) * 4
    v = bytearray(p[ihl:])
    v[6:8] = b'\0\0'
    ph = b''
    if version == 3:
        ph = p[12:16] + (dst or p[16:20]) + bytes([0, 112]) + struct.pack('!H', len(v))
    return csum(ph + bytes(v))

def fix(p, ip=True, vr=None):
    p = bytearray(p)
    if vr:
        ihl = (p[0] & 15) * 4
        p[ihl + 6:ihl + 8] = struct.pack('!H', vrrp_csum(p, vr))
    if ip:
        ihl = (p[0] & 15) * 4
        p[10:12] = b'\0\0'
        p[10:12] = struct.pack('!H', csum(bytes(p[:ihl])))
    return bytes(p)

CONF = {
 'v2pass': ('v2_pass', '''	version 2
	advert_int 2
	authentication {
		auth_type PASS
		auth_pass secret12
	}'''),
 'v2ah': ('v2_ah', '''	version 2
	advert_int 1
	authentication {
		auth_type AH
		auth_pass ahsecret
	}'''),
 'v3ucast': ('v3_ucast4', '''	version 3
	advert_int 1
	unicast_src_ip 10.9.0.2
	unicast_peer {
		10.9.0.1 min_ttl 250 max_ttl 255
	}'''),
 'v3ucast_plain': ('v3_ucast4', '''	version 3
	advert_int 1
	unicast_src_ip 10.9.0.2
	unicast_peer {
		10.9.0.1
	}'''),
}[kind]

def setup():
    sh(f'ip netns del {A} 2>/dev/null; ip netns del {B} 2>/dev/null')
    sh(f'ip netns add {A}; ip netns add {B}')
    sh(f'ip link add vA netns {A} type veth peer name vB netns {B}')
    sh(f'ip -n {A} link set vA address 02:00:00:00:00:0b; ip -n {B} link set vB address 02:00:00:00:00:0a')
    sh(f'ip -n {A} addr add 10.9.0.2/24 dev vA; ip -n {B} addr add 10.9.0.1/24 dev vB')
    sh(f'ip -n {A} link set vA up; ip -n {B} link set vB up; ip -n {A} link set lo up')
    conf = f'''global_defs {{
	router_id probe
}}
vrrp_instance VI_1 {{
	state BACKUP
	interface vA
	virtual_router_id 51
	priority 100
{CONF[1]}
	virtual_ipaddress {{
		10.9.0.100/24
		10.9.0.101/24
		192.168.77.1/32
	}}
}}
'''
    open(f'{work}/probe.conf', 'w').write(conf)
    log = open(f'{work}/probe.log', 'w')
    return subprocess.Popen(['ip', 'netns', 'exec', A, 'keepalived', '-n', '-l', '-D', '-f',
                             f'{work}/probe.conf', '-p', f'{work}/p.pid', '-r', f'{work}/r.pid',
                             '-c', f'{work}/c.pid'], stdout=log, stderr=log)

def send(ip):
    # send one frame from namespace B (this script re-run there with 'send')
    subprocess.run(['ip', 'netns', 'exec', B, sys.executable, os.path.abspath(__file__),
                    'send', ip.hex()], check=True)


# keepalived's log message -> our enum vrrp_drop name (vrrp_drop_str()).
# No message at all: silently dropped (VRID demultiplexing) or, for frames
# the kernel drops (bad IP length), never delivered.
REASONS = [
    ('invalid TTL/HL', 'ttl'), ('not in range', 'ttl'),
    ('packet too long', 'too_long'), ('packet too short', 'too_short'),
    ('wrong version', 'version'), ('Invalid packet type', 'type'),
    ('auth, expecting', 'auth_type'), ('invalid passwd', 'auth_pass'),
    ('invalid IPSEC HMAC', 'ah_icv'), ('already processed', 'ah_seq'),
    ('interval mismatch', 'interval'), ('checksum', 'checksum'),
    ('unexpected ip number count', 'addr_count'),
    ('not present in MASTER advert', 'addr_list'),
    ('not a unicast peer', 'unicast_src'),
]

def classify(lines):
    for l in lines:
        for pat, reason in REASONS:
            if pat in l:
                return reason, l
    return ('ok', lines[0]) if lines else ('silent', '')

def main():
    proc = setup()
    try:
        probe_all()
    finally:
        proc.terminate()
        proc.wait()
        sh(f'ip netns del {A}; ip netns del {B}')

def probe_all():
    time.sleep(2)
    base = bytes.fromhex(open(f'{HERE}/{CONF[0]}.hex').readline().strip())
    ver = 3 if kind.startswith('v3') else 2
    off = 44 if kind == 'v2ah' else 20
    probes = []

    def mut(name, changes, vr=ver, ip=True, trunc=None, cut=None):
        p = bytearray(base)
        if any(o >= len(p) for o, _ in changes):
            return
        for o, val in changes:
            p[o] = val
        if cut:
            del p[cut[0]:cut[1]]
            p[2:4] = struct.pack('!H', len(p))
        p = fix(p, ip=ip, vr=vr if kind != 'v2ah' else None)
        if trunc:
            p = p[:trunc]
        probes.append((name, p))

    o = off
    mut('valid', [])
    mut('ttl254', [(8, 254)])
    mut('ttl254+version1', [(8, 254), (o, 0x11)])
    mut('version1', [(o, 0x11 if ver == 2 else 0x11)])
    mut('version1+type2', [(o, 0x12)])
    mut('othervers', [(o, 0x31 if ver == 2 else 0x21)])
    mut('type2', [(o, (ver << 4) | 2)])
    mut('type2+authtype0', [(o, (ver << 4) | 2), (o + 4, 0)])
    mut('authtype0', [(o + 4, 0)])
    mut('authtype0+badcsum', [(o + 4, 0)], vr=None)
    mut('badpass', [(o + 27, 0x41)])
    mut('badpass+int3', [(o + 27, 0x41), (o + 5, 3)])
    mut('int3', [(o + 5, 3)])
    mut('int3+badcsum', [(o + 5, 3)], vr=None)
    mut('badcsum', [(o + 7, base[o + 7] ^ 1)], vr=None)
    mut('badcsum+vrid52', [(o + 1, 52)], vr=None)
    mut('vrid52', [(o + 1, 52)])
    mut('count2', [(o + 3, 2)])
    mut('count4', [(o + 3, 4)])
    mut('count2+badcsum', [(o + 3, 2)], vr=None)
    mut('addr', [(o + 19, 2)])
    mut('addr+badcsum', [(o + 19, 2)], vr=None)
    mut('prio0', [(o + 2, 0)])
    mut('trunc-1', [], trunc=len(base) - 1)
    mut('iplen-short', [(3, base[3] - 4)])
    mut('iplen-long', [(3, base[3] + 4)])
    end = len(base)
    if ver == 2:
        v3 = dict(cut=(end - 8, end))
        mut('v3len', [(o, 0x31)], **v3)
        mut('v3len+type2', [(o, 0x32)], **v3)
        mut('v3len+authtype0', [(o, 0x31), (o + 4, 0)], **v3)
        mut('v3len+badcsum', [(o, 0x31)], vr=None, **v3)
        mut('type2+badpass', [(o, 0x22), (o + 27, 0x41)])
        mut('type2+int3', [(o, 0x22), (o + 5, 3)])
        mut('type2+badcsum', [(o, 0x22)], vr=None)
        mut('type2+addr', [(o, 0x22), (o + 19, 2)])
        cnt = dict(cut=(o + 16, o + 20))
    else:
        cnt = dict(cut=(end - 4, end))
        mut('type2+badcsum', [(o, 0x32)], vr=None)
        mut('type2+addr', [(o, 0x32), (o + 19, 2)])
        mut('othervers', [(o, 0x21)], cut=None)
        mut('v2len', [(o, 0x21)], cut=None)
    mut('count2short', [(o + 3, 2)], **cnt)
    mut('count2short+badcsum', [(o + 3, 2)], vr=None, **cnt)
    mut('count2short+type2', [(o + 3, 2), (o, (ver << 4) | 2)], **cnt)
    mut('count2short+int3', [(o + 3, 2), (o + 5, 3)], **cnt)
    mut('addr+count_ok', [(o + 19, 2)])
    mut('src10.9.0.3', [(15, 3)])
    mut('src10.9.0.3+ttl254', [(15, 3), (8, 254)])
    mut('src10.9.0.3+version1', [(15, 3), (o, 0x11)])
    mut('src10.9.0.3+badcsum', [(15, 3)], vr=None)
    mut('ttl0', [(8, 0)])
    mut('src10.9.0.3+count2', [(15, 3), (o + 3, 2)])
    mut('src10.9.0.3+ttl249', [(15, 3), (8, 249)])
    mut('ttl249+count2', [(8, 249), (o + 3, 2)])
    mut('ttl249+version1', [(8, 249), (o, 0x11)])
    mut('ttl254+count2', [(8, 254), (o + 3, 2)])
    mut('ttl254+type2', [(8, 254), (o, (ver << 4) | 2)])
    mut('ttl254+badcsum', [(8, 254)], vr=None)
    mut('ttl254+vrid52', [(8, 254), (o + 1, 52)])
    mut('ttl249+type2', [(8, 249), (o, (ver << 4) | 2)])
    mut('ttl249+badcsum', [(8, 249)], vr=None)
    mut('ttl249+addr', [(8, 249), (o + 19, 2)])
    mut('src10.9.0.3+addr', [(15, 3), (o + 19, 2)])
    mut('src10.9.0.3+type2', [(15, 3), (o, (ver << 4) | 2)])
    mut('ttl249+count2short', [(8, 249), (o + 3, 2)], **cnt)
    mut('src10.9.0.3+count2short', [(15, 3), (o + 3, 2)], **cnt)
    if ver == 2:
        mut('ttl254+v3len', [(8, 254), (o, 0x31)], cut=(end - 8, end))
        mut('ttl254+authtype0', [(8, 254), (o + 4, 0)])
        mut('ttl254+badpass', [(8, 254), (o + 27, 0x41)])
        mut('ttl254+int3', [(8, 254), (o + 5, 3)])
    mut('ttl249', [(8, 249)])
    mut('dst.19', [(19, 19)])
    valid = probes[0][1]
    for name, p in probes:
        send(valid)
        time.sleep(0.2)
        before = os.path.getsize(f'{work}/probe.log')
        send(p)
        time.sleep(0.4)
        with open(f'{work}/probe.log') as f:
            f.seek(before)
            lines = [l.split(': ', 1)[-1].strip() for l in f.read().splitlines()]
        reason, msg = classify(lines)
        print(f'{name}\t{reason}\t{p.hex()}\t{msg}')

main()
