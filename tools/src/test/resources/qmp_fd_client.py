#!/usr/bin/python3
"""A QMP client that passes descriptors with SCM_RIGHTS, as libvirt and QEMU's Python client do
(DescriptorPassingIT). Prints one line per command: the request, '->', the reply (keys sorted,
descriptor numbers in 'info network' masked); events as 'EVENT name data'.

  qmp_fd_client.py compare SOCKET        getfd/closefd and fd=NAME cases, for QEMU and netfabric
  qmp_fd_client.py hmp SOCKET            the same through a human monitor socket (-monitor unix:)
  qmp_fd_client.py tap SOCKET IFNAME     opens tap IFNAME, hands it over, hot-plugs it on hub 0
  qmp_fd_client.py mqtap SOCKET PREFIX   hands over two queues of a multiqueue tap as fds=
  qmp_fd_client.py stream SOCKET         hands over one end of a socket pair as a stream netdev
                                         on hub 0, then sends a frame through it and prints the
                                         frame that comes back
"""
import fcntl, json, re, socket, struct, sys

sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sock.connect(sys.argv[2])
reader = sock.makefile('rb')

if sys.argv[1] == 'hmp':
    # The human monitor: lines up to the next '(qemu) ' prompt are one command's answer.
    def answer():
        out = b''
        while not out.endswith(b'(qemu) '):
            b = sock.recv(4096)
            if not b:
                break
            out += b
        text = re.sub(r'fd=\d+', 'fd=N', out.decode().replace('\r\n', '|'))
        # QEMU's readline echoes the line as it arrives, ending in ESC [ K; netfabric does not echo.
        return text.split('\x1b[K')[-1].lstrip('|')

    def hmp(line, fds=()):
        data = (line + '\n').encode()
        if fds:
            sock.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack('%di' % len(fds), *fds))])
        else:
            sock.sendall(data)
        print(line, '->', answer(), flush=True)

    answer()   # banner
    a, b = socket.socketpair()
    hmp('getfd h1')
    hmp('getfd h1', [a.fileno()])
    hmp('netdev_add socket,id=n1,fd=h1')
    hmp('netdev_add socket,id=n2,fd=h1')
    hmp('getfd h2', [b.fileno()])
    hmp('closefd h2')
    hmp('closefd h2')
    hmp('info network')
    sys.exit(0)


def reply():
    while True:
        line = reader.readline()
        if not line:
            sys.exit('connection closed')
        msg = json.loads(line)
        if 'event' in msg:
            print('EVENT', msg['event'], json.dumps(msg.get('data'), sort_keys=True), flush=True)
            continue
        return msg


def cmd(execute, passed=(), **arguments):
    """Sends one command, with the descriptors 'passed' attached; prints and returns the reply."""
    request = {'execute': execute}
    if arguments:
        request['arguments'] = arguments
    data = json.dumps(request).encode()
    if passed:
        sock.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack('%di' % len(passed), *passed))])
    else:
        sock.sendall(data)
    r = reply()
    shown = re.sub(r'fd=\d+', 'fd=N', json.dumps(r, sort_keys=True))
    print(json.dumps(request, sort_keys=True), '->', shown, flush=True)
    return r


reply()   # greeting
cmd('qmp_capabilities')
mode = sys.argv[1]
if mode == 'compare':
    a, b = socket.socketpair()
    cmd('getfd', fdname='x')
    cmd('getfd', [a.fileno()], fdname='1x')
    cmd('getfd', [a.fileno()])
    cmd('closefd', fdname='nope')
    cmd('getfd', [a.fileno()], fdname='s1')
    cmd('netdev_add', type='socket', id='n1', fd='s1')
    cmd('netdev_add', type='socket', id='n2', fd='s1')
    cmd('getfd', [a.fileno()], fdname='s2')
    cmd('closefd', fdname='s2')
    cmd('closefd', fdname='s2')
    cmd('getfd', [a.fileno()], fdname='s3')
    cmd('getfd', [b.fileno()], fdname='s3')
    cmd('netdev_add', type='socket', id='n3', fd='s3')
    # A descriptor sent ahead with one space (qemu.qmp's send_fd_scm), named by the next getfd.
    sock.sendmsg([b' '], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack('i', a.fileno()))])
    cmd('getfd', fdname='s4')
    cmd('getfd', fdname='s5')
    c, d = socket.socketpair()
    cmd('getfd', [c.fileno(), d.fileno()], fdname='s6')
    cmd('netdev_add', type='socket', id='n6', fd='s6')
    cmd('netdev_add', type='dgram', id='n7', local={'type': 'fd', 'str': 'nosuch'})
    cmd('netdev_add', type='tap', id='n8', fd='nosuch')
    cmd('netdev_add', type='socket', id='n9', fd='s4', listen='127.0.0.1:1')
    cmd('human-monitor-command', **{'command-line': 'info network'})
elif mode == 'tap':
    TUNSETIFF, IFF_TAP, IFF_NO_PI = 0x400454ca, 0x0002, 0x1000
    tun = open('/dev/net/tun', 'r+b', buffering=0)
    fcntl.ioctl(tun, TUNSETIFF, struct.pack('16sH', sys.argv[3].encode(), IFF_TAP | IFF_NO_PI))
    cmd('getfd', [tun.fileno()], fdname='tap0')
    tun.close()   # netfabric holds the tap now
    cmd('netdev_add', type='tap', id='t0', fd='tap0')
    cmd('netdev_add', type='hubport', id='ht0', hubid=0, netdev='t0')
elif mode == 'mqtap':
    # Two queues of one multiqueue tap, handed over as fds=q0:q1: a client per queue, each
    # showing its own descriptor in 'info network'.
    TUNSETIFF, IFF_TAP, IFF_NO_PI, IFF_VNET_HDR, IFF_MULTI_QUEUE = 0x400454ca, 0x2, 0x1000, 0x4000, 0x100
    ifname = sys.argv[3] + ('q' if sys.argv[2].endswith('q.sock') else 'n')
    queues = []
    for i in range(2):
        q = open('/dev/net/tun', 'r+b', buffering=0)
        fcntl.ioctl(q, TUNSETIFF, struct.pack('16sH', ifname.encode(), IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_MULTI_QUEUE))
        queues.append(q)
        cmd('getfd', [q.fileno()], fdname='q%d' % i)
    cmd('netdev_add', type='tap', id='t0', fds='q0:q1')
    info = cmd('human-monitor-command', **{'command-line': 'info network'})['return']
    fds = re.findall(r'fd=(\d+)', info)
    print('queues', len(fds), 'distinct descriptors' if len(set(fds)) == len(fds) else 'one descriptor shown', flush=True)
elif mode == 'stream':
    mine, theirs = socket.socketpair()
    cmd('getfd', [theirs.fileno()], fdname='pair')
    theirs.close()
    cmd('netdev_add', type='stream', id='s0', addr={'type': 'fd', 'str': 'pair'})
    cmd('netdev_add', type='hubport', id='hs0', hubid=0, netdev='s0')
    # A DHCPDISCOVER from 52:54:00:12:34:99, answered by the user netdev on hub 0.
    mac = bytes.fromhex('525400123499')
    bootp = bytes([1, 1, 6, 0]) + b'\x12\x34\x56\x78' + bytes(20) + mac + bytes(10) + bytes(192) \
        + b'\x63\x82\x53\x63' + bytes([53, 1, 1, 255])
    udp = struct.pack('!HHHH', 68, 67, 8 + len(bootp), 0) + bootp
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, bytes(4), b'\xff' * 4)
    s = sum(struct.unpack('!10H', ip))
    s = (s & 0xffff) + (s >> 16)
    ip = ip[:10] + struct.pack('!H', ~s & 0xffff) + ip[12:]
    frame = b'\xff' * 6 + mac + b'\x08\x00' + ip + udp
    mine.sendall(struct.pack('!I', len(frame)) + frame)
    mine.settimeout(5)
    while True:
        n = struct.unpack('!I', mine.recv(4, socket.MSG_WAITALL))[0]
        got = mine.recv(n, socket.MSG_WAITALL)
        if got[12:14] == b'\x08\x00' and got[23] == 17 and got[36:38] == b'\x00\x44':
            # yiaddr of the BOOTP reply after Ethernet (14), IP (20), UDP (8): offset 16 of BOOTP
            print('DHCP reply offers', socket.inet_ntoa(got[14 + 20 + 8 + 16:14 + 20 + 8 + 20]), flush=True)
            break
    cmd('query-version')   # the connection's event, sent before frames could flow, comes out first
