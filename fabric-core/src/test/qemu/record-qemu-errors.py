#!/usr/bin/env python3
"""Record what the real QEMU 7.2 prints for netdev/filter-dump options, as test fixtures.

Runs `qemu-system-x86_64 -M none -nodefaults -display none` once per case:
  * qmp cases: `-qmp stdio`, sends qmp_capabilities, the setup commands, then the case's command,
    and keeps the reply ({"return": ...} or {"error": {"class", "desc"}}) of that last command;
  * cli cases: the case's argv (`-netdev`, `-net`, `-object`), plus `-qmp stdio` fed with
    qmp_capabilities / `info network` / quit so that accepted options end the process too;
    stderr is split into the error line `qemu-system-x86_64: [<opt> <arg>: ]<message>`, the hint
    lines that follow it, and warnings.

Each case carries a tag naming the layer that must reproduce it:
  options          the options parser of fabric-core (io.netfabric.core.options)
  fabric           needs the running fabric (duplicate ids, unknown netdevs, netdev_del, set_link)
  backend:<type>   a backend's own check (the options were accepted)
  divergent        our build deliberately differs; 'reason' says why

Usage: record-qemu-errors.py [output.json]   (stdlib only; never creates a tap device: every tap
case carries fd=x, which fails before /dev/net/tun is opened).
"""
import json
import os
import subprocess
import sys
import tempfile

QEMU = os.environ.get("QEMU", "qemu-system-x86_64")
BASE = [QEMU, "-M", "none", "-nodefaults", "-display", "none"]
PROG = os.path.basename(QEMU) + ": "
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "resources", "qemu-7.2", "netdev-errors.json")
TMP = os.path.join(tempfile.gettempdir(), "netfabric-record-qemu")   # fixed: the fixture names it
os.makedirs(TMP, exist_ok=True)
PCAP = os.path.join(TMP, "d.pcap")

def nd(**kw):
    return {"execute": "netdev_add", "arguments": kw}

def na(args):  # netdev_add with member names that are not Python identifiers
    return {"execute": "netdev_add", "arguments": args}

def oa(args):
    return {"execute": "object-add", "arguments": dict({"qom-type": "filter-dump"}, **args)}

HUB = nd(type="hubport", id="h0", hubid=0)
L2 = {"type": "l2tpv3", "id": "l", "src": "127.0.0.1", "dst": "127.0.0.1"}
FD = {"qom-type": "filter-dump", "id": "f0", "netdev": "h0", "file": PCAP}
U64 = 18446744073709551615

# (name, tag, command[, setup][, reason]) for QMP
QMP = [
    # --- id and type (base members of the Netdev union) ---
    ("qmp-type-unknown", "options", nd(type="bogus", id="x")),
    ("qmp-type-stream-addr-missing", "options", nd(type="stream", id="x")),
    ("qmp-type-missing", "options", na({"id": "x"})),
    ("qmp-id-missing", "options", nd(type="user")),
    ("qmp-id-and-type-missing", "options", na({})),
    ("qmp-id-malformed-digit", "options", nd(type="user", id="9x")),
    ("qmp-id-malformed-empty", "options", nd(type="user", id="")),
    ("qmp-id-malformed-space", "options", nd(type="user", id="a b")),
    ("qmp-id-malformed-hash", "options", nd(type="user", id="#net0")),
    ("qmp-type-checked-before-id", "options", nd(type="foo", id="9x")),
    ("qmp-id-checked-before-nic", "options", nd(type="nic", id="9x")),
    ("qmp-type-not-string", "options", nd(type=5, id="x")),
    ("qmp-type-null", "options", nd(type=None, id="x")),
    ("qmp-id-not-string", "options", nd(type="user", id=5)),
    ("qmp-type-nic", "options", nd(type="nic", id="x")),
    ("qmp-type-none", "options", nd(type="none", id="x")),
    ("qmp-type-netmap-not-built", "options", nd(type="netmap", id="x", ifname="e")),
    ("qmp-nic-member-checked-first", "options", nd(type="nic", id="x", bogus=1)),
    ("qmp-none-has-no-members", "options", nd(type="none", id="x", foo=1)),
    # --- missing required members ---
    ("qmp-l2tpv3-src-missing", "options", nd(type="l2tpv3", id="x", dst="127.0.0.1", txsession=1)),
    ("qmp-l2tpv3-dst-missing", "options", nd(type="l2tpv3", id="x", src="127.0.0.1", txsession=1)),
    ("qmp-l2tpv3-txsession-missing", "options", nd(type="l2tpv3", id="x", src="127.0.0.1", dst="127.0.0.1")),
    ("qmp-hubport-hubid-missing", "options", nd(type="hubport", id="x")),
    ("qmp-netmap-ifname-missing", "options", nd(type="netmap", id="x")),
    ("qmp-vhost-user-chardev-missing", "options", nd(type="vhost-user", id="x")),
    # --- wrong JSON types per QAPI type ---
    ("qmp-str-number", "options", nd(type="user", id="x", hostname=5)),
    ("qmp-str-null", "options", nd(type="user", id="x", hostname=None)),
    ("qmp-str-object", "options", nd(type="socket", id="x", listen={})),
    ("qmp-bool-string", "options", nd(type="user", id="x", restrict="on")),
    ("qmp-bool-number", "options", nd(type="user", id="x", restrict=1)),
    ("qmp-tap-bool-string", "options", nd(type="tap", id="x", vnet_hdr="on")),
    ("qmp-int-string", "options", na({"type": "user", "id": "x", "ipv6-prefixlen": "64"})),
    ("qmp-int-float", "options", na({"type": "user", "id": "x", "ipv6-prefixlen": 1.5})),
    ("qmp-int-above-int64", "options", na({"type": "user", "id": "x", "ipv6-prefixlen": 9223372036854775808})),
    ("qmp-int-bool", "options", nd(type="vhost-user", id="x", chardev="c", queues=True)),
    ("qmp-int32-string", "options", nd(type="hubport", id="x", hubid="1")),
    ("qmp-int32-float", "options", nd(type="hubport", id="x", hubid=1.5)),
    ("qmp-int32-above", "options", nd(type="hubport", id="x", hubid=2147483648)),
    ("qmp-int32-below", "options", nd(type="hubport", id="x", hubid=-2147483649)),
    ("qmp-uint16-above", "options", nd(type="vde", id="x", port=65536)),
    ("qmp-uint16-negative", "options", nd(type="vde", id="x", port=-1)),
    ("qmp-uint16-string", "options", nd(type="vde", id="x", mode="1")),
    ("qmp-uint32-negative", "options", dict(nd(**L2), arguments=dict(L2, txsession=-1))),
    ("qmp-uint32-above", "options", na(dict(L2, txsession=4294967296))),
    ("qmp-uint32-string", "options", na(dict(L2, txsession="1"))),
    ("qmp-uint32-float", "options", na(dict(L2, txsession=1.0))),
    ("qmp-tap-uint32-above", "options", na({"type": "tap", "id": "x", "poll-us": 4294967296})),
    ("qmp-uint64-above", "options", na(dict(L2, txsession=1, txcookie=U64 + 1))),
    ("qmp-uint64-string", "options", na(dict(L2, txsession=1, rxcookie="1"))),
    ("qmp-uint64-float", "options", na(dict(L2, txsession=1, txcookie=1.0))),
    ("qmp-uint64-below-int64", "options", na(dict(L2, txsession=1, txcookie=-9223372036854775809))),
    ("qmp-size-string", "options", nd(type="tap", id="x", sndbuf="1k")),
    ("qmp-size-bool", "options", nd(type="tap", id="x", sndbuf=True)),
    ("qmp-list-string", "options", nd(type="user", id="x", hostfwd="tcp::1-:2")),
    ("qmp-list-object", "options", nd(type="user", id="x", dnssearch={})),
    ("qmp-list-bare-strings", "options", nd(type="user", id="x", hostfwd=["tcp::1-:2"])),
    ("qmp-list-element-str-number", "options", nd(type="user", id="x", guestfwd=[{"str": 1}])),
    ("qmp-list-element-str-missing", "options", nd(type="user", id="x", hostfwd=[{"str": "a"}, {}])),
    ("qmp-list-element-extra-member", "options", nd(type="user", id="x", dnssearch=[{"str": "a", "b": 1}])),
    # --- unknown members and precedence ---
    ("qmp-unknown-member", "options", nd(type="user", id="x", bogus=1)),
    ("qmp-member-of-other-branch", "options", nd(type="hubport", id="x", hubid=1, restrict=True)),
    ("qmp-bad-value-before-unknown", "options", nd(type="user", id="x", bogus=1, restrict="on")),
    ("qmp-schema-order-wins", "options", nd(type="user", id="x", hostfwd="a", restrict="on")),
    ("qmp-missing-before-unknown", "options", nd(type="hubport", id="x", bogus=1)),
    ("qmp-cli-only-ipv6-net", "options", na({"type": "user", "id": "x", "ipv6-net": "fec0::/64"})),
    # --- accepted by the options layer, refused later (fabric / backends) ---
    ("qmp-duplicate-id", "fabric", nd(type="hubport", id="h0", hubid=1), [HUB]),
    ("qmp-duplicate-id-other-type", "fabric", nd(type="user", id="h0"), [HUB]),
    ("qmp-netdev-del-unknown", "fabric", {"execute": "netdev_del", "arguments": {"id": "nope"}}),
    ("qmp-set-link-unknown", "fabric", {"execute": "set_link", "arguments": {"name": "nope", "up": False}}),
    ("qmp-hubport-netdev-unknown", "fabric", nd(type="hubport", id="x", hubid=1, netdev="nope")),
    ("qmp-socket-no-mode", "backend:socket", nd(type="socket", id="x")),
    ("qmp-socket-two-modes", "backend:socket", nd(type="socket", id="x", listen="127.0.0.1:1", connect="127.0.0.1:1")),
    ("qmp-socket-localaddr-with-listen", "backend:socket", nd(type="socket", id="x", listen="127.0.0.1:1", localaddr="127.0.0.1:2")),
    ("qmp-socket-udp-without-localaddr", "backend:socket", nd(type="socket", id="x", udp="127.0.0.1:1")),
    # --- stream and dgram (7.2): SocketAddress members ---
    ("qmp-stream-addr-not-object", "options", nd(type="stream", id="x", addr="127.0.0.1:1")),
    ("qmp-stream-addr-type-missing", "options", nd(type="stream", id="x", addr={})),
    ("qmp-stream-addr-type-unknown", "options", nd(type="stream", id="x", addr={"type": "tcp"})),
    ("qmp-stream-inet-port-missing", "options", nd(type="stream", id="x", addr={"type": "inet", "host": "127.0.0.1"})),
    ("qmp-stream-inet-port-number", "options", nd(type="stream", id="x", addr={"type": "inet", "host": "127.0.0.1", "port": 1})),
    ("qmp-stream-inet-unexpected", "options", nd(type="stream", id="x", addr={"type": "inet", "host": "127.0.0.1", "port": "1", "path": "/x"})),
    ("qmp-stream-unix-path-missing", "options", nd(type="stream", id="x", addr={"type": "unix"})),
    ("qmp-stream-server-not-bool", "options", nd(type="stream", id="x", addr={"type": "unix", "path": "/x"}, server="on")),
    ("qmp-stream-vsock", "divergent", nd(type="stream", id="x", addr={"type": "vsock"}), [],
     "vsock is not modelled: no netdev of ours can use it, so it is an unknown SocketAddress type"),
    ("qmp-stream-reconnect-7.2", "divergent", nd(type="stream", id="x", addr={"type": "unix", "path": "/x"}, reconnect=1), [],
     "reconnect is QEMU 8.0's stream option; we take it"),
    ("qmp-dgram-nothing", "backend:dgram", nd(type="dgram", id="x")),
    ("qmp-dgram-remote-unicast-only", "backend:dgram", nd(type="dgram", id="x", remote={"type": "inet", "host": "127.0.0.1", "port": "1"})),
    ("qmp-dgram-local-inet-only", "backend:dgram", nd(type="dgram", id="x", local={"type": "inet", "host": "127.0.0.1", "port": "1"})),
    ("qmp-dgram-types-differ", "backend:dgram", nd(type="dgram", id="x", local={"type": "inet", "host": "127.0.0.1", "port": "1"}, remote={"type": "unix", "path": "/x"})),
    ("qmp-dgram-remote-with-local-fd", "backend:dgram", nd(type="dgram", id="x", local={"type": "fd", "str": "3"}, remote={"type": "fd", "str": "4"})),
    ("qmp-dgram-mcast-local-unix", "backend:dgram", nd(type="dgram", id="x", local={"type": "unix", "path": "/x"}, remote={"type": "inet", "host": "239.255.0.1", "port": "1"})),
    ("qmp-l2tpv3-one-cookie", "backend:l2tpv3", na(dict(L2, txsession=1, txcookie=U64))),
    ("qmp-uint64-negative-wraps", "backend:l2tpv3", na(dict(L2, txsession=1, txcookie=-1))),
    ("qmp-size-negative-wraps", "backend:tap", nd(type="tap", id="x", fd="x", sndbuf=-1)),
    ("qmp-size-max", "backend:tap", nd(type="tap", id="x", fd="x", sndbuf=U64)),
    ("qmp-vhost-vdpa-no-dev", "backend:vhost-vdpa", nd(type="vhost-vdpa", id="x")),
    ("qmp-vhost-user-no-chardev", "backend:vhost-user", nd(type="vhost-user", id="x", chardev="nope")),
    ("qmp-user-bad-net", "backend:user", nd(type="user", id="x", net="10.0.2.0/99")),
    ("qmp-user-bad-hostfwd", "backend:user", nd(type="user", id="x", hostfwd=[{"str": "tcp::x-:22"}])),
    # --- accepted ---
    ("qmp-ok-user", "options", na({"type": "user", "id": "u", "restrict": True, "ipv6-prefixlen": 64,
                                   "hostfwd": [{"str": "tcp:127.0.0.1:0-:22"}], "dnssearch": [{"str": "a"}, {"str": "b"}]})),
    ("qmp-ok-hubport-negative-hubid", "options", nd(type="hubport", id="h", hubid=-2147483648)),
    ("qmp-ok-id-chars", "options", nd(type="hubport", id="a-b.c_9", hubid=1)),
    # --- filter-dump via object-add ---
    ("qmp-dump-file-missing", "options", oa({"id": "f0", "netdev": "h0"}), [HUB]),
    ("qmp-dump-netdev-missing", "options", oa({"id": "f0", "file": PCAP}), [HUB]),
    ("qmp-dump-id-missing", "options", oa({"netdev": "h0", "file": PCAP}), [HUB]),
    ("qmp-dump-id-malformed", "options", oa({"id": "9f", "netdev": "h0", "file": PCAP}), [HUB]),
    ("qmp-dump-maxlen-zero", "options", {"execute": "object-add", "arguments": dict(FD, maxlen=0)}, [HUB]),
    ("qmp-dump-maxlen-negative", "options", {"execute": "object-add", "arguments": dict(FD, maxlen=-1)}, [HUB]),
    ("qmp-dump-maxlen-above", "options", {"execute": "object-add", "arguments": dict(FD, maxlen=4294967296)}, [HUB]),
    ("qmp-dump-maxlen-string", "options", {"execute": "object-add", "arguments": dict(FD, maxlen="1")}, [HUB]),
    ("qmp-dump-file-number", "options", {"execute": "object-add", "arguments": dict(FD, file=1)}, [HUB]),
    ("qmp-dump-queue-bad", "options", {"execute": "object-add", "arguments": dict(FD, queue="both")}, [HUB]),
    ("qmp-dump-status-bad", "options", {"execute": "object-add", "arguments": dict(FD, status="maybe")}, [HUB]),
    ("qmp-dump-insert-bad", "options", {"execute": "object-add", "arguments": dict(FD, insert="middle")}, [HUB]),
    ("qmp-dump-position-bad", "options", {"execute": "object-add", "arguments": dict(FD, position="mid")}, [HUB]),
    ("qmp-dump-unknown-member", "options", {"execute": "object-add", "arguments": dict(FD, bogus=1)}, [HUB]),
    ("qmp-dump-netdev-unknown", "fabric", {"execute": "object-add", "arguments": dict(FD, netdev="nope")}, [HUB]),
    ("qmp-dump-position-unknown-filter", "fabric", {"execute": "object-add", "arguments": dict(FD, position="id=nope")}, [HUB]),
    ("qmp-dump-ok", "options", {"execute": "object-add", "arguments": dict(FD, maxlen=128, queue="rx", status="off", position="head", insert="before")}, [HUB]),
]

T = "tap,id=t,fd=x,sndbuf="     # tap with fd=x fails in net_init_tap, after the options were parsed
L = "l2tpv3,id=l,src=127.0.0.1,dst=127.0.0.1,"
O = "filter-dump,id=f0,netdev=h0,file=" + PCAP
H = ["-netdev", "hubport,id=h0,hubid=0"]

def netdev(arg):
    return ["-netdev", arg]

# (name, tag, argv[, reason]) for the command line
CLI = [
    ("cli-type-unknown", "options", netdev("foo,id=x")),
    ("cli-type-explicit", "options", netdev("type=foo,id=x")),
    ("cli-type-last-wins", "options", netdev("user,id=x,type=foo")),
    ("cli-type-missing", "options", netdev("id=x")),
    ("cli-empty", "options", netdev("")),
    ("cli-id-missing", "options", netdev("user")),
    ("cli-id-malformed", "options", netdev("user,id=9x")),
    ("cli-id-malformed-empty", "options", netdev("user,id=")),
    ("cli-id-malformed-before-type", "options", netdev("foo,id=9x")),
    ("cli-id-malformed-nic", "options", netdev("nic,id=9")),
    ("cli-id-first-wins", "options", netdev("user,id=9x,id=a")),
    ("cli-comma-escape-in-type", "options", netdev("user,,id=x")),
    ("cli-empty-name", "options", netdev("user,id=x,=5")),
    ("cli-type-nic", "options", netdev("nic,id=n")),
    ("cli-type-none", "options", netdev("none,id=n")),
    ("cli-type-netmap-not-built", "options", netdev("netmap,id=n,ifname=e")),
    ("cli-netmap-ifname-missing", "options", netdev("netmap,id=n")),
    ("cli-netmap-unknown-member", "options", netdev("netmap,id=n,ifname=e,bogus=1")),
    ("cli-l2tpv3-src-missing", "options", netdev("l2tpv3,id=l,dst=127.0.0.1,txsession=1")),
    ("cli-l2tpv3-txsession-missing", "options", netdev("l2tpv3,id=l,src=127.0.0.1,dst=127.0.0.1")),
    ("cli-hubport-hubid-missing", "options", netdev("hubport,id=h")),
    ("cli-vhost-user-chardev-missing", "options", netdev("vhost-user,id=v")),
    ("cli-unknown-member", "options", netdev("user,id=x,bogus=1")),
    ("cli-member-of-other-branch", "options", netdev("hubport,id=h,hubid=1,restrict=on")),
    ("cli-bool-maybe", "options", netdev("user,id=x,restrict=maybe")),
    ("cli-bool-upper", "options", netdev("user,id=x,restrict=ON")),
    ("cli-bool-empty", "options", netdev("user,id=x,restrict=")),
    ("cli-int-word", "options", netdev("user,id=x,ipv6-prefixlen=abc")),
    ("cli-int-overflow", "options", netdev("user,id=x,ipv6-prefixlen=9223372036854775808")),
    ("cli-int-empty", "options", netdev("vhost-user,id=v,chardev=c,queues=")),
    ("cli-int-octal-bad", "options", netdev("vhost-user,id=v,chardev=c,queues=08")),
    ("cli-int32-above", "options", netdev("hubport,id=h,hubid=2147483648")),
    ("cli-int32-below", "options", netdev("hubport,id=h,hubid=-2147483649")),
    ("cli-int32-trailing", "options", netdev("hubport,id=h,hubid=5x")),
    ("cli-uint16-above", "options", netdev("vde,id=v,port=65536")),
    ("cli-uint16-negative", "options", netdev("vde,id=v,port=-1")),
    ("cli-uint16-word", "options", netdev("vde,id=v,mode=abc")),
    ("cli-uint32-above", "options", netdev(L + "txsession=4294967296")),
    ("cli-uint32-negative", "options", netdev(L + "txsession=-1")),
    ("cli-uint32-hex-empty", "options", netdev(L + "txsession=0x")),
    ("cli-tap-uint32-above", "options", netdev("tap,id=t,poll-us=4294967296")),
    ("cli-uint64-above", "options", netdev(L + "txsession=1,txcookie=18446744073709551616")),
    ("cli-uint64-negative", "options", netdev(L + "txsession=1,rxcookie=-1")),
    ("cli-size-bad-suffix", "options", netdev(T + "1Q")),
    ("cli-size-negative", "options", netdev(T + "-1")),
    ("cli-size-negative-zero", "options", netdev(T + "-0")),
    ("cli-size-overflow-suffix", "options", netdev(T + "16E")),
    ("cli-size-overflow", "options", netdev(T + "18446744073709551616")),
    ("cli-size-two-suffixes", "options", netdev(T + "1kb")),
    ("cli-size-fraction-no-suffix", "options", netdev(T + "0.5")),
    ("cli-size-exponent", "options", netdev(T + "1.5e3k")),
    ("cli-size-leading-dot", "options", netdev(T + ".5k")),
    ("cli-size-empty", "options", netdev(T)),
    ("cli-size-hex-fraction", "options", netdev(T + "0x1.8k")),
    ("cli-ipv6-net-empty", "options", netdev("user,id=x,ipv6-net=")),
    ("cli-ipv6-net-bad-length", "options", netdev("user,id=x,ipv6-net=fec0::/abc")),
    ("cli-schema-order-wins", "options", netdev("user,id=x,restrict=maybe,ipv4=maybe")),
    ("cli-json-bool-string", "options", netdev('{"type":"user","id":"x","restrict":"on"}')),
    ("cli-json-unknown-member", "options", netdev('{"type":"user","id":"x","bogus":1}')),
    ("cli-json-id-missing", "options", netdev('{"type":"user"}')),
    ("cli-legacy-name", "options", ["-net", "user,name=foo"]),
    ("cli-legacy-hubport", "options", ["-net", "hubport,hubid=1"]),
    ("cli-legacy-type-unknown", "options", ["-net", "foo"]),
    ("cli-legacy-id-malformed", "options", ["-net", "user,id=9foo"]),
    ("cli-legacy-netmap-not-built", "options", ["-net", "netmap,ifname=x"]),
    ("cli-legacy-bool-maybe", "options", ["-net", "user,restrict=maybe"]),
    ("cli-dump-file-missing", "options", H + ["-object", "filter-dump,id=f0,netdev=h0"]),
    ("cli-dump-netdev-missing", "options", H + ["-object", "filter-dump,id=f0,file=" + PCAP]),
    ("cli-dump-id-missing", "options", H + ["-object", "filter-dump,netdev=h0,file=" + PCAP]),
    ("cli-dump-id-malformed", "options", H + ["-object", "filter-dump,id=9f,netdev=h0,file=" + PCAP]),
    ("cli-dump-maxlen-zero", "options", H + ["-object", O + ",maxlen=0"]),
    ("cli-dump-maxlen-negative", "options", H + ["-object", O + ",maxlen=-1"]),
    ("cli-dump-maxlen-above", "options", H + ["-object", O + ",maxlen=4294967296"]),
    ("cli-dump-maxlen-suffix", "options", H + ["-object", O + ",maxlen=1k"]),
    ("cli-dump-queue-bad", "options", H + ["-object", O + ",queue=foo"]),
    ("cli-dump-status-bad", "options", H + ["-object", O + ",status=maybe"]),
    ("cli-dump-position-bad", "options", H + ["-object", O + ",position=mid"]),
    ("cli-dump-insert-bad", "options", H + ["-object", O + ",insert=middle"]),
    ("cli-dump-unknown-member", "options", H + ["-object", O + ",bogus=1"]),
    # --- accepted by the options layer, refused later ---
    ("cli-duplicate-id", "fabric", H + ["-netdev", "user,id=h0"]),
    ("cli-hubport-netdev-unknown", "fabric", netdev("hubport,id=h,hubid=1,netdev=nope")),
    ("cli-legacy-nic-netdev-unknown", "fabric", ["-net", "nic,model=e1000,netdev=nope"]),
    ("cli-dump-netdev-unknown", "fabric", H + ["-object", "filter-dump,id=f0,netdev=nope,file=" + PCAP]),
    ("cli-dump-position-unknown-filter", "fabric", H + ["-object", O + ",position=id=nope"]),
    ("cli-dump-file-unopenable", "backend:filter-dump", H + ["-object", "filter-dump,id=f0,netdev=h0,file=/nonexistent/d.pcap"]),
    ("cli-socket-no-mode", "backend:socket", netdev("socket,id=s")),
    ("cli-socket-no-colon", "backend:socket", netdev("socket,id=s,connect=127.0.0.1")),
    ("cli-socket-bad-ipv4", "backend:socket", netdev("socket,id=s,connect=1.2.3.4.5:80")),
    ("cli-socket-bad-port", "backend:socket", netdev("socket,id=s,listen=127.0.0.1:x")),
    ("cli-socket-empty-port", "backend:socket", netdev("socket,id=s,listen=127.0.0.1:")),
    ("cli-socket-mcast-not-multicast", "backend:socket", netdev("socket,id=s,mcast=127.0.0.1:5000")),
    ("cli-socket-mcast-bad-localaddr", "backend:socket", netdev("socket,id=s,mcast=239.255.0.1:5000,localaddr=x")),
    ("cli-socket-mcast-localaddr-no-device", "backend:socket", netdev("socket,id=s,mcast=239.255.0.1:5000,localaddr=198.51.100.1")),
    ("cli-dgram-mcast-local-no-device", "backend:dgram", netdev("dgram,id=x,remote.type=inet,remote.host=239.255.0.1,remote.port=5000,local.type=inet,local.host=198.51.100.1,local.port=0")),
    ("cli-socket-udp-bad-localaddr", "backend:socket", netdev("socket,id=s,udp=127.0.0.1:5000,localaddr=127.0.0.1")),
    ("cli-stream-addr-missing", "options", netdev("stream,id=x")),
    ("cli-stream-unexpected", "options", netdev("stream,id=x,foo=1,addr.type=inet,addr.host=127.0.0.1,addr.port=1")),
    ("cli-stream-host-missing", "options", netdev("stream,id=x,addr.type=inet")),
    ("cli-stream-server-maybe", "options", netdev("stream,id=x,addr.type=inet,addr.host=127.0.0.1,addr.port=1,server=maybe")),
    ("cli-stream-to-word", "options", netdev("stream,id=x,addr.type=inet,addr.host=127.0.0.1,addr.port=1,addr.to=abc")),
    # keyval numbers go through qemu_strtou64(): a minus wraps as strtoull's, then the range check
    ("cli-stream-to-minus", "options", netdev("stream,id=x,addr.type=inet,addr.host=127.0.0.1,addr.port=1,addr.to=-1")),
    ("cli-stream-to-minus-erange", "options", netdev("stream,id=x,addr.type=inet,addr.host=127.0.0.1,addr.port=1,addr.to=-18446744073709551616")),
    ("cli-ok-stream-to-plus-hex", "options", netdev("stream,id=x,server=on,addr.type=inet,addr.host=127.0.0.1,addr.port=47001,addr.to=+0xb7a0")),
    ("cli-stream-addr-scalar", "options", netdev("stream,id=x,addr=foo")),
    ("cli-stream-addr-unexpected", "options", netdev("stream,id=x,addr.type=inet,addr.host=127.0.0.1,addr.port=1,addr.bogus=1")),
    ("cli-ok-stream-malformed-id", "options", netdev("stream,id=9x,server=on,addr.type=unix,addr.path=" + TMP + "/s.sock")),
    ("cli-dgram-nothing", "backend:dgram", netdev("dgram,id=x")),
    ("cli-dgram-remote-unicast-only", "backend:dgram", netdev("dgram,id=x,remote.type=inet,remote.host=127.0.0.1,remote.port=1")),
    ("cli-l2tpv3-one-cookie", "backend:l2tpv3", netdev(L + "txsession=1,txcookie=18446744073709551615")),
    ("cli-vhost-vdpa-no-dev", "backend:vhost-vdpa", netdev("vhost-vdpa,id=v")),
    ("cli-vhost-user-chardev-unknown", "backend:vhost-user", netdev("vhost-user,id=v,chardev=c,queues=0x7fffffffffffffff")),
    ("cli-vde-port-max", "backend:vde", netdev("vde,id=v,port=65535")),
    ("cli-vde-port-hex-plus-space", "backend:vde", netdev("vde,id=v,port=0x10,mode= +5")),
    ("cli-user-bad-net", "backend:user", netdev("user,id=x,net=10.0.2.0/99")),
    ("cli-user-bad-hostfwd", "backend:user", netdev("user,id=x,hostfwd=tcp::x-:22")),
    ("cli-size-k", "backend:tap", netdev(T + "1k")),
    ("cli-size-b-suffix", "backend:tap", netdev(T + "1b")),
    ("cli-size-fraction", "backend:tap", netdev(T + "1.5K")),
    ("cli-size-dot-suffix", "backend:tap", netdev(T + "1.k")),
    ("cli-size-fraction-zero", "backend:tap", netdev(T + "1.0")),
    ("cli-size-hex", "backend:tap", netdev(T + "0x10")),
    ("cli-size-hex-suffix-warns", "backend:tap", netdev(T + "0x10k")),
    ("cli-size-octal-is-decimal", "backend:tap", netdev(T + "010")),
    ("cli-size-space-plus", "backend:tap", netdev(T + " +5")),
    ("cli-size-max", "backend:tap", netdev(T + "18446744073709551615")),
    ("cli-size-15E", "backend:tap", netdev(T + "15E")),
    ("cli-size-last-wins", "backend:tap", netdev(T + "1Q,sndbuf=1")),
    # --- accepted: normalised values shown by `info network` ---
    ("cli-ok-user", "options", netdev("user,id=u,restrict=on,hostfwd=tcp:127.0.0.1:0-:22,hostfwd=udp:127.0.0.1:0-:53")),
    ("cli-ok-user-flags", "options", netdev("user,id=u,restrict,noipv6")),
    ("cli-ok-bool-words", "options", netdev("user,id=u,restrict=y,ipv4=true,ipv6=no")),
    ("cli-ok-id-first-wins", "options", netdev("user,id=a,id=9b")),
    ("cli-ok-hubid-octal", "options", netdev("hubport,id=h,hubid=010")),
    ("cli-ok-hubid-hex-negative", "options", netdev("hubport,id=h,hubid=-0x10")),
    ("cli-ok-hubid-space-plus", "options", netdev("hubport,id=h,hubid= +5")),
    ("cli-ok-hubid-last-wins", "options", netdev("hubport,id=h,hubid=1,hubid=7")),
    ("cli-ok-json-malformed-id", "divergent", netdev('{"type":"user","id":"9x"}'),
     "JSON -netdev skips id_wellformed in 7.2; NetdevOptionParser takes JSON only through the QMP decoder"),
    ("cli-ok-legacy-user", "options", ["-net", "user,id=u"]),
    ("cli-ok-legacy-none", "options", ["-net", "none"]),
    ("cli-ok-dump", "options", H + ["-object", O + ",maxlen=0x10,queue=rx,status=off,position=head,insert=before"]),
]

def qmp_session(commands, extra=()):
    """Run QEMU with -qmp stdio, send commands one by one; return (replies, stderr, rc).

    Replies are read one at a time because after some errors (l2tpv3's cookie check, a refused
    filter-dump property) QEMU 7.2 answers but then ignores "quit": the process is killed then.
    """
    p = subprocess.Popen(BASE + list(extra) + ["-qmp", "stdio"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=TMP)
    replies = []

    def reply():
        for line in p.stdout:
            msg = json.loads(line)
            if "return" in msg or "error" in msg:
                return msg
        return None   # QEMU exited: a command-line error

    greeting = p.stdout.readline()
    if greeting:
        for c in [{"execute": "qmp_capabilities"}] + list(commands):
            p.stdin.write(json.dumps(c) + "\n")
            p.stdin.flush()
            r = reply()
            if r is None:
                break
            replies.append(r)
        try:
            p.stdin.write(json.dumps({"execute": "quit"}) + "\n")
            p.stdin.flush()
        except BrokenPipeError:
            pass
    try:
        _, stderr = p.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        p.kill()
        _, stderr = p.communicate()
        return replies[1:], stderr, 0
    return replies[1:], stderr, p.returncode   # drop qmp_capabilities' reply

def split_stderr(stderr, argv):
    """-> (error line's message, hint, located, warnings)."""
    locs = [argv[i] + " " + argv[i + 1] + ": " for i in range(0, len(argv) - 1, 2)]
    error = hint = None
    located = False
    warnings = []
    current = None
    for line in stderr.splitlines():
        if line.startswith(PROG):
            text = line[len(PROG):]
            here = False
            for loc in locs:
                if text.startswith(loc):
                    text, here = text[len(loc):], True
                    break
            if text.startswith("warning: "):
                current = {"text": text[len("warning: "):], "more": []}
                warnings.append(current)
            else:
                error, located, current = text, here, "error"
        elif current == "error":
            hint = line if hint is None else hint + "\n" + line
        elif current is not None:
            current["more"].append(line)
    return error, hint, located, warnings

def record_qmp(case):
    name, tag, command = case[0], case[1], case[2]
    setup = case[3] if len(case) > 3 and isinstance(case[3], list) else []
    reason = case[-1] if isinstance(case[-1], str) and len(case) > 3 else None
    replies, _, _ = qmp_session(setup + [command])
    for s, r in zip(setup, replies):
        if "error" in r:
            raise SystemExit("setup of %s failed: %s -> %s" % (name, s, r))
    reply = replies[len(setup)]
    out = {"name": name, "door": "qmp", "tag": tag, "setup": setup, "command": command}
    if reason:
        out["reason"] = reason
    if "error" in reply:
        out["ok"] = False
        out["class"] = reply["error"]["class"]
        out["message"] = reply["error"]["desc"]
    else:
        out["ok"] = True
    return out

def record_cli(case):
    name, tag, argv = case[0], case[1], case[2]
    reason = case[3] if len(case) > 3 else None
    replies, stderr, rc = qmp_session(
        [{"execute": "human-monitor-command", "arguments": {"command-line": "info network"}}], argv)
    error, hint, located, warnings = split_stderr(stderr, argv)
    out = {"name": name, "door": "cli", "tag": tag, "argv": argv}
    if reason:
        out["reason"] = reason
    out["ok"] = rc == 0 and error is None
    if not out["ok"]:
        if error is None:
            raise SystemExit("%s: exit %d without an error line:\n%s" % (name, rc, stderr))
        out["message"] = error
        out["located"] = located   # False: printed without the "-netdev ARG: " prefix
        if hint is not None:
            out["hint"] = hint
    else:
        out["info_network"] = replies[0]["return"] if replies else None
    if warnings:
        out["warnings"] = [w["text"] + "".join("\n" + m for m in w["more"]) for w in warnings]
    return out

def main():
    version = subprocess.run([QEMU, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    helped = subprocess.run(BASE + ["-netdev", "help"], capture_output=True, text=True).stdout
    available = [t for t in helped.splitlines()[1:] if t.strip()]
    cases = [record_qmp(c) for c in QMP] + [record_cli(c) for c in CLI]
    doc = {
        "recorded_with": version,
        "recorder": "fabric-core/src/test/qemu/record-qemu-errors.py",
        "pcap_placeholder": PCAP,
        "available_types": available,
        "cases": cases,
    }
    with open(OUT, "w") as f:
        f.write("{\n")
        for key in ("recorded_with", "recorder", "pcap_placeholder", "available_types"):
            f.write("  %s: %s,\n" % (json.dumps(key), json.dumps(doc[key])))
        f.write('  "cases": [\n')
        f.write(",\n".join("    " + json.dumps(c) for c in cases))
        f.write("\n  ]\n}\n")
    tags = {}
    for c in cases:
        key = c["tag"] + (" ok" if c["ok"] else "")
        tags[key] = tags.get(key, 0) + 1
    print("%d cases -> %s: %s" % (len(cases), OUT, tags))

if __name__ == "__main__":
    main()
