#!/usr/bin/env python3
# A stand-in for qemu-bridge-helper (no ACL file, no setuid): records its argv, opens a tap with a
# virtio-net header, joins the bridge with ip(8), brings it up and sends the fd over --fd=N with
# one 0x00 byte as SCM_RIGHTS, as the real helper does. Exits 1 without sending for --br=fail.
import fcntl, os, socket, struct, subprocess, sys

args = sys.argv[1:]
with open(os.environ.get("FAKE_HELPER_LOG", "/dev/null"), "w") as log:
    log.write(" ".join(args) + "\n")
fd_num = int(next(a for a in args if a.startswith("--fd="))[5:])
br = next(a for a in args if a.startswith("--br="))[5:]
if br == "fail":
    sys.exit(1)
tun = os.open("/dev/net/tun", os.O_RDWR)
ifr = fcntl.ioctl(tun, 0x400454CA, struct.pack("16sH22x", b"tap%d", 0x0002 | 0x1000 | 0x4000))
name = ifr[:16].rstrip(b"\0").decode()
subprocess.run(["ip", "link", "set", "dev", name, "master", br, "up"], check=True)
sock = socket.socket(fileno=fd_num)
socket.send_fds(sock, [b"\0"], [tun])
