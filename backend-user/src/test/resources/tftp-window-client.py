#!/usr/bin/python3
"""A minimal RFC 7440 TFTP client (no common client sends windowsize): fetch FILE from SERVER
with blksize and windowsize, print the SHA-256 of what arrived. Used inside a test namespace."""
import hashlib, socket, struct, sys

server, name, blksize, window = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1.0)
rrq = b"\0\1" + name.encode() + b"\0octet\0blksize\0" + str(blksize).encode() + b"\0windowsize\0" + str(window).encode() + b"\0"
s.sendto(rrq, (server, 69))
data, peer = s.recvfrom(65536)
op = struct.unpack("!H", data[:2])[0]
if op == 5:
    sys.exit("error " + data[4:-1].decode())
if op == 6:
    opts = data[2:].split(b"\0")
    o = dict(zip(opts[0::2], opts[1::2]))
    blksize = int(o.get(b"blksize", b"512"))
    window = int(o.get(b"windowsize", b"1"))
    s.sendto(struct.pack("!HH", 4, 0), peer)
    pending = None
else:
    pending = data
out = bytearray()
expected = 1
in_window = 0
retries = 0
while True:
    if pending is None:
        try:
            data, p = s.recvfrom(65536)
        except socket.timeout:
            retries += 1
            if retries > 10:
                sys.exit("timeout")
            s.sendto(struct.pack("!HH", 4, (expected - 1) & 0xFFFF), peer)
            in_window = 0
            continue
    else:
        data, p, pending = pending, peer, None
    retries = 0
    op, blk = struct.unpack("!HH", data[:4])
    if op != 3:
        sys.exit("unexpected opcode %d" % op)
    if blk != expected & 0xFFFF:
        # a gap: ack the last good block so the server restarts the window after it
        s.sendto(struct.pack("!HH", 4, (expected - 1) & 0xFFFF), peer)
        in_window = 0
        continue
    out += data[4:]
    last = len(data) - 4 < blksize
    in_window += 1
    if in_window == window or last:
        s.sendto(struct.pack("!HH", 4, blk), peer)
        in_window = 0
    expected += 1
    if last:
        break
print(hashlib.sha256(out).hexdigest())
