#!/usr/bin/python3
"""The benchmark's own resolver: answers every A query with 192.0.2.44 on ADDR:PORT (UDP).
Never the machine's resolver. Usage: resolver.py ADDR PORT"""
import socket, struct, sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
print("ready", flush=True)
while True:
    q, peer = s.recvfrom(4096)
    if len(q) < 12:
        continue
    at = 12
    while at < len(q) and q[at] != 0:
        at += q[at] + 1
    end = at + 5
    qtype = struct.unpack("!H", q[at + 1:at + 3])[0] if end <= len(q) else 0
    a = qtype == 1
    head = q[:2] + bytes([0x80 | (q[2] & 1), 0x80]) + struct.pack("!HHHH", 1, 1 if a else 0, 0, 0)
    body = q[12:end]
    rr = b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04" + bytes([192, 0, 2, 44]) if a else b""
    s.sendto(head + body + rr, peer)
