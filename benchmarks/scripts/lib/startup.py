"""Cold start of the main job: exec of bin/netfabric (no options) to its QMP socket, greeting and
first answer, and to the line that prints QEMU's options. Each run in a fresh runtime directory;
the process is ended by its pid. Prints the median of each over the runs, in milliseconds."""
import os, socket, subprocess, sys, tempfile, threading, time, statistics

def one(root):
    d = tempfile.mkdtemp(prefix="nf-start.")
    env = dict(os.environ, XDG_RUNTIME_DIR=d)
    t0 = time.monotonic()
    p = subprocess.Popen([os.path.join(root, "bin/netfabric")], env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    printed = []

    def watch():
        for line in p.stdout:
            if "-netdev" in line and not printed:
                printed.append(time.monotonic())

    reader = threading.Thread(target=watch, daemon=True)
    reader.start()
    try:
        path = os.path.join(d, "netfabric", "qmp.sock")
        while True:
            try:
                s = socket.socket(socket.AF_UNIX)
                s.connect(path)
                break
            except OSError:
                s.close()
                time.sleep(0.002)
        t_sock = time.monotonic()
        f = s.makefile("rw")
        f.readline()
        t_greet = time.monotonic()
        f.write('{"execute":"qmp_capabilities"}\n'); f.flush(); f.readline()
        t_answer = time.monotonic()
        while not printed:
            time.sleep(0.002)
        t_ready = printed[0]
        s.close()
        return [(t - t0) * 1000 for t in (t_sock, t_greet, t_answer, t_ready)]
    finally:
        p.terminate()
        p.wait()
        subprocess.run(["rm", "-rf", d])

if __name__ == "__main__":
    root, runs = sys.argv[1], int(sys.argv[2])
    one(root)   # builds the launcher if it is stale; not counted
    samples = [one(root) for _ in range(runs)]
    names = ["QMP socket accepts", "QMP greeting", "first QMP answer", "QEMU options printed"]
    for i, n in enumerate(names):
        col = [s[i] for s in samples]
        print("| %s | %.0f | %.0f-%.0f |" % (n, statistics.median(col), min(col), max(col)))
