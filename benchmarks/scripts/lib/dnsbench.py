#!/usr/bin/python3
"""DNS round-trip latency from inside a namespace: N sequential A queries to SERVER:53, prints
'median_us p99_us answered'. Usage: dnsbench.py SERVER N"""
import socket, struct, sys, time

server, n = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2.0)
rtts = []
for i in range(n):
    q = struct.pack("!HHHHHH", i & 0xFFFF, 0x0100, 1, 0, 0, 0) + b"\x07example\x03org\x00\x00\x01\x00\x01"
    t0 = time.perf_counter_ns()
    s.sendto(q, (server, 53))
    try:
        while True:
            a, _ = s.recvfrom(4096)
            if a[:2] == q[:2]:
                break
        rtts.append((time.perf_counter_ns() - t0) / 1000)
    except socket.timeout:
        pass
rtts.sort()
if not rtts:
    print("0 0 0")
else:
    print("%d %d %d" % (rtts[len(rtts) // 2], rtts[min(len(rtts) - 1, int(len(rtts) * 0.99))], len(rtts)))
