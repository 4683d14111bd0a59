#!/usr/bin/python3
"""Guest-side TCP clients for UserTcpNetnsIT; runs inside the test's namespace."""
import hashlib, socket, sys, threading, time

def pattern(n):
    block = hashlib.sha256(b"netfabric").digest() * 2048  # 64 KiB
    while n > 0:
        c = block[:min(n, len(block))]
        n -= len(c)
        yield c

def upload(host, port, n):
    """Sends n octets, half-closes, reads the server's 'sha count' line until EOF."""
    s = socket.create_connection((host, port), timeout=60)
    h = hashlib.sha256()
    for c in pattern(n):
        s.sendall(c)
        h.update(c)
    s.shutdown(socket.SHUT_WR)
    reply = b""
    while True:
        d = s.recv(65536)
        if not d:
            break
        reply += d
    s.close()
    print(h.hexdigest(), n, reply.decode().strip())

def download(host, port):
    """Half-closes at once, reads the server's 'sha count' line, then hashes the rest to EOF."""
    s = socket.create_connection((host, port), timeout=60)
    s.shutdown(socket.SHUT_WR)
    head = b""
    while not head.endswith(b"\n"):
        d = s.recv(1)
        if not d:
            break
        head += d
    h = hashlib.sha256()
    n = 0
    while True:
        d = s.recv(65536)
        if not d:
            break
        h.update(d)
        n += len(d)
    s.close()
    print(h.hexdigest(), n)

def many(host, port, count):
    """count concurrent connections, each sends 1000 octets, reads the echo, closes."""
    ok = [0]
    lock = threading.Lock()
    barrier = threading.Barrier(count, timeout=60)
    def one(i):
        msg = (b"%06d" % i) * 166 + b"xxxx"
        s = socket.create_connection((host, port), timeout=60)
        barrier.wait()      # all open at once
        s.sendall(msg)
        s.shutdown(socket.SHUT_WR)
        got = b""
        while True:
            d = s.recv(4096)
            if not d:
                break
            got += d
        s.close()
        if got == msg:
            with lock:
                ok[0] += 1
    ts = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    print("ok", ok[0])

def refused(host, port):
    t = time.monotonic()
    try:
        socket.create_connection((host, port), timeout=10)
        print("connected")
    except ConnectionRefusedError:
        print("refused %.3f" % (time.monotonic() - t))
    except OSError as e:
        print("error %s %.3f" % (e.errno, time.monotonic() - t))

if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "upload":
        upload(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif cmd == "many":
        many(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif cmd == "download":
        download(sys.argv[2], int(sys.argv[3]))
    elif cmd == "refused":
        refused(sys.argv[2], int(sys.argv[3]))
