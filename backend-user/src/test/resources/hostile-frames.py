#!/usr/bin/python3
"""Sends N malformed and hostile frames to the user netdev from inside a test namespace:
bad lengths and checksums, overlapping fragments, DHCP option overruns and loops, DNS
compression loops, TFTP names without their NUL, truncated ARP/IPv6/NDP, random junk.
Usage: hostile-frames.py IFACE N"""
import random, struct, sys
from scapy.all import (ARP, BOOTP, DHCP, DNS, DNSQR, Ether, ICMP, ICMPv6EchoRequest, ICMPv6ND_NS,
                       ICMPv6ND_RS, IP, IPv6, Raw, UDP, conf, fragment)

iface, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(7)
GW = "52:55:0a:00:02:02"
me = "52:54:00:66:66:66"
eth = Ether(src=me, dst=GW)
bcast = Ether(src=me, dst="ff:ff:ff:ff:ff:ff")

def ip(dst="10.0.2.2", **kw):
    return IP(src="10.0.2.15", dst=dst, **kw)

def makers():
    yield lambda: bytes(eth / ip(len=rnd.randint(0, 80)) / ICMP() / (b"x" * rnd.randint(0, 40)))    # bad IP lengths
    yield lambda: bytes(eth / ip(chksum=rnd.randint(0, 0xFFFF)) / ICMP() / b"bad")                    # bad IP checksum
    yield lambda: bytes(eth / ip() / UDP(sport=1000, dport=7, chksum=rnd.randint(1, 0xFFFF)) / b"u")  # bad UDP checksum
    yield lambda: bytes(eth / ip() / UDP(sport=1000, dport=53, len=rnd.randint(0, 7)) / b"short")     # bad UDP length
    yield lambda: bytes(eth / ip() / ICMP(chksum=rnd.randint(0, 0xFFFF)) / b"icmp")                   # bad ICMP checksum
    def overlap():
        i = rnd.randint(1, 0xFFFF)
        a = eth / ip(id=i, flags="MF", frag=0, proto=17) / Raw(b"A" * 48)
        b = eth / ip(id=i, frag=rnd.randint(1, 5), proto=17) / Raw(b"B" * 48)
        return bytes(a) + b"|" + bytes(b)
    yield overlap                                                                                     # overlapping fragments
    yield lambda: bytes(eth / ip(id=rnd.randint(1, 0xFFFF), flags="MF", frag=8191) / Raw(b"Z" * 64))  # fragment past 64 KiB
    def dhcp_loop():
        opts = bytes([53, 1, 1]) + bytes([52, 1, 3]) + bytes([rnd.randint(1, 254), 255]) + bytes(rnd.randint(0, 4))
        return bytes(bcast / IP(src="0.0.0.0", dst="255.255.255.255") / UDP(sport=68, dport=67)
                     / BOOTP(chaddr=bytes.fromhex("525400666666"), options=b"\x63\x82\x53\x63" + opts))
    yield dhcp_loop                                                                                   # DHCP option overrun / overload
    yield lambda: bytes(bcast / IP(src="0.0.0.0", dst="255.255.255.255") / UDP(sport=68, dport=67) / Raw(b"\x01" * rnd.randint(0, 300)))
    def dns_loop():
        q = struct.pack("!HHHHHH", rnd.randint(0, 0xFFFF), 0x0100, 1, 0, 0, 0) + b"\xc0\x0c\x00\x01\x00\x01"
        return bytes(eth / ip("10.0.2.3") / UDP(sport=rnd.randint(1024, 65535), dport=53) / Raw(q))
    yield dns_loop                                                                                    # DNS compression loop
    yield lambda: bytes(eth / ip("10.0.2.3") / UDP(sport=5353, dport=53) / Raw(bytes(rnd.randint(0, 11))))
    yield lambda: bytes(eth / ip() / UDP(sport=rnd.randint(1024, 65535), dport=69) / Raw(b"\x00\x01" + b"x" * rnd.randint(0, 50)))  # TFTP name without NUL
    yield lambda: bytes(eth / ip() / UDP(sport=2000, dport=69) / Raw(b"\x00" + bytes([rnd.randint(3, 9)]) + b"\x00\x01"))
    yield lambda: bytes(Ether(src=me, dst="ff:ff:ff:ff:ff:ff", type=0x0806) / Raw(bytes(rnd.randint(0, 27))))  # truncated ARP
    yield lambda: bytes(Ether(src=me, dst="33:33:00:00:00:02") / IPv6(src="fe80::1", dst="ff02::2", plen=rnd.randint(0, 200)) / ICMPv6ND_RS())
    yield lambda: bytes(Ether(src=me, dst="33:33:00:00:00:02") / IPv6(src="fe80::1", dst="ff02::2", hlim=255) / ICMPv6ND_RS() / Raw(b"\x01\x00" + bytes(6)))  # zero-length NDP option
    yield lambda: bytes(Ether(src=me, dst=GW) / IPv6(src="fec0::99", dst="fec0::2") / ICMPv6EchoRequest(cksum=rnd.randint(0, 0xFFFF)))
    yield lambda: bytes(Ether(src=me, dst=GW) / Raw(bytes(rnd.getrandbits(8) for _ in range(rnd.randint(0, 100)))))  # junk

ms = list(makers())
s = conf.L2socket(iface=iface)
sent = 0
while sent < n:
    f = rnd.choice(ms)()
    # overlap() returns two frames joined by a marker; every other maker returns one frame.
    parts = f.split(b"|") if f.count(b"|") == 1 and len(f.split(b"|")[0]) > 30 else [f]
    for p in parts[:n - sent]:
        s.send(p)
        sent += 1
s.close()
print(sent)
