#!/usr/bin/python3
"""usernet-tcp.sh helpers. Inside a namespace: rr HOST PORT N (one-byte ping-pong, prints median
and p99 µs), crr HOST PORT N (N short sequential connections, prints connections/s),
idle HOST PORT N (opens N connections, prints 'open N', waits for stdin to close).
On the host: echo ADDR PORT (a selector echo server for rr/crr/idle)."""
import selectors, socket, sys, time

def echo(addr, port):
    sel = selectors.DefaultSelector()
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(4096)
    ls.setblocking(False)
    sel.register(ls, selectors.EVENT_READ)
    print("ready", flush=True)
    while True:
        for key, _ in sel.select():
            s = key.fileobj
            if s is ls:
                c, _ = ls.accept()
                c.setblocking(False)
                c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                sel.register(c, selectors.EVENT_READ)
                continue
            try:
                d = s.recv(65536)
            except OSError:
                d = b""
            if not d:
                sel.unregister(s)
                s.close()
            else:
                s.sendall(d)

def rr(host, port, n):
    s = socket.create_connection((host, port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    t = []
    for _ in range(n):
        a = time.perf_counter_ns()
        s.sendall(b"x")
        s.recv(1)
        t.append(time.perf_counter_ns() - a)
    s.close()
    t.sort()
    print(t[len(t) // 2] // 1000, t[int(len(t) * 0.99)] // 1000)

def crr(host, port, n):
    a = time.perf_counter()
    for _ in range(n):
        s = socket.create_connection((host, port))
        s.sendall(b"x")
        s.recv(1)
        s.close()
    print("%.0f" % (n / (time.perf_counter() - a)))

def idle(host, port, n):
    import resource
    resource.setrlimit(resource.RLIMIT_NOFILE, (n + 100, n + 100))
    socks = [socket.create_connection((host, port)) for _ in range(n)]
    print("open", len(socks), flush=True)
    sys.stdin.read()

if __name__ == "__main__":
    c = sys.argv[1]
    if c == "echo":
        import resource
        resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))
        echo(sys.argv[2], int(sys.argv[3]))
    else:
        globals()[c](sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
