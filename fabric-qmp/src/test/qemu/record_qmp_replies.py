#!/usr/bin/env python3
"""Records QEMU's own QMP replies for the cases QmpFixtureIT replays against netfabric.

Each session starts a fresh `qemu-system-x86_64 -M none -qmp stdio`, sends each input line and
collects every reply line until QEMU has been quiet for a moment. QEMU's version and timestamps
are replaced by placeholders (@VERSION@, @SECONDS@, @MICROS@) so that the fixture holds only
what netfabric must reproduce word for word.

Usage: python3 record_qmp_replies.py [qemu-binary] > ../resources/qemu-7.2/qmp-replies.txt
"""
import os
import re
import select
import subprocess
import sys
import tempfile

QEMU = sys.argv[1] if len(sys.argv) > 1 else "qemu-system-x86_64"
DUMP = os.path.join(tempfile.gettempdir(), "netfabric-fixture.pcap")
CAPS = '{"execute":"qmp_capabilities"}'

SESSIONS = {
    "negotiation": [
        '{"execute":"query-version"}',
        '{"execute":"nope"}',
        '{"execute":"qmp_capabilities","arguments":{"enable":["foo"]}}',
        '{"execute":"qmp_capabilities","arguments":{"enable":"oob"}}',
        '{"execute":"qmp_capabilities","arguments":{"foo":1}}',
        '{"execute":"qmp_capabilities","id":{"a":[1,2]}}',
        '{"execute":"qmp_capabilities"}',
        '{"execute":"qmp_capabilities","arguments":{"enable":[]},"id":"x"}',
    ],
    "request-shape": [
        CAPS,
        '{"execute":"nope","id":7}',
        '{"id":3}',
        '{"execute":5}',
        '{"execute":"query-version","foo":1}',
        '{"execute":"query-version","arguments":[]}',
        '{"foo":1,"execute":5}',
        '{"arguments":1,"bar":2,"execute":"nope"}',
        '{"id":"i","arguments":{},"execute":["x"]}',
        '[1,2]',
        '"str"',
        '{"execute":"query-version","arguments":{"x":1}}',
        '{"execute":"quit","arguments":{"x":1}}',
        '{"execute":"nope","id":1.5}',
        '{"execute":"nope","id":0.1}',
        '{"execute":"nope","id":1e300}',
        '{"execute":"nope","id":-0.0}',
        '{"execute":"nope","id":1e-5}',
        '{"execute":"nope","id":1E2}',
        '{"execute":"nope","id":123456789012345678901234567890}',
        '{"execute":"nope","id":18446744073709551615}',
        '{"execute":"nope","id":-9223372036854775808}',
        '{"execute":"nope","id":"\u00e9\\u0001\\u007f\U0001F600 \\/"}',
        '{"execute":"nope","id":[true,false,null,{}, []]}',
        '{"execute":"query-version","id":{"z":1,"b":2,"a":3}}',
    ],
    "json-errors": [
        CAPS,
        '{"execute":}',
        '}',
        '{"execute" "x"}',
        '{"execute":"nope","id":1}{"execute":"nope","id":2}',
        '@@@',
        "{'execute':'nope'}",
        '{"execute":"nope",}',
        '{"a":1,"a":2,"execute":"nope"}',
        '{"a":1 "b":2}',
        '[1 2]',
        '{1:2}',
        '{"a":1]',
        '[1}',
        '{"a":"\\x"}',
        '{"a":nul}',
        'Xyz',
        '{"execute":"nope","id":"after"}',
    ],
    "set_link": [
        CAPS,
        '{"execute":"set_link","arguments":{"name":"x"}}',
        '{"execute":"set_link","arguments":{"up":true}}',
        '{"execute":"set_link","arguments":{"name":"x","up":1}}',
        '{"execute":"set_link","arguments":{"name":"x","up":true,"foo":1}}',
        '{"execute":"set_link","arguments":{"name":"x","up":true}}',
        '{"execute":"netdev_add","arguments":{"type":"hubport","id":"h0","hubid":0}}',
        '{"execute":"set_link","arguments":{"name":"h0","up":false},"id":1}',
        '{"execute":"set_link","arguments":{"name":"h0","up":true},"id":2}',
    ],
    "netdev": [
        CAPS,
        '{"execute":"netdev_add","arguments":{"type":"hubport","id":"h0","hubid":0}}',
        '{"execute":"netdev_add","arguments":{"type":"hubport","id":"h0","hubid":0}}',
        '{"execute":"netdev_add","arguments":{"type":"hubport","id":"h1"}}',
        '{"execute":"netdev_add","arguments":{"type":"hubport","id":"h1","hubid":"x"}}',
        '{"execute":"netdev_add","arguments":{"type":"hubport","id":"h1","hubid":4294967296}}',
        '{"execute":"netdev_add","arguments":{"type":"hubport","id":"h1","hubid":1,"foo":2}}',
        '{"execute":"netdev_add","arguments":{"id":"h1","hubid":1}}',
        '{"execute":"netdev_add","arguments":{"type":"hubport","hubid":1}}',
        '{"execute":"netdev_add","arguments":{"type":"hubport","id":"1h","hubid":1}}',
        '{"execute":"netdev_add","arguments":{"type":"bogus","id":"x"}}',
        '{"execute":"netdev_add","arguments":{"type":5,"id":"x"}}',
        '{"execute":"netdev_add"}',
        '{"execute":"netdev_add","arguments":{"type":"hubport","id":"h1","hubid":1,"netdev":"nope"}}',
        '{"execute":"netdev_add","arguments":{"type":"hubport","id":"h1","hubid":1,"netdev":"h0"},"id":"peer"}',
        '{"execute":"netdev_del","arguments":{"id":"nope"}}',
        '{"execute":"netdev_del","arguments":{}}',
        '{"execute":"netdev_del","arguments":{"id":1}}',
        '{"execute":"netdev_del","arguments":{"id":"h1"}}',
        '{"execute":"netdev_del","arguments":{"id":"h1"}}',
    ],
    "filter-dump": [
        CAPS,
        '{"execute":"netdev_add","arguments":{"type":"hubport","id":"h0","hubid":0}}',
        '{"execute":"object-add","arguments":{"qom-type":"filter-dump","id":"f2","netdev":"h0","file":"%s","maxlen":100}}' % DUMP,
        '{"execute":"object-del","arguments":{"id":"nope"}}',
        '{"execute":"object-del","arguments":{}}',
        '{"execute":"object-del","arguments":{"id":"f2"},"id":"del"}',
        '{"execute":"object-del","arguments":{"id":"f2"}}',
        # Refused before a filter object exists: safe to go on.
        '{"execute":"object-add","arguments":{"qom-type":"filter-dump","netdev":"h0","file":"%s"}}' % DUMP,
        '{"execute":"object-add","arguments":{"id":"f3","netdev":"h0","file":"%s"}}' % DUMP,
        '{"execute":"object-add","arguments":{"qom-type":"bogus","id":"f3"}}',
        '{"execute":"object-add","arguments":{"qom-type":"filter-dump","id":"f3","netdev":"h0","file":"%s","maxlen":"x"}}' % DUMP,
        '{"execute":"object-add","arguments":{"qom-type":"filter-dump","id":"f3","netdev":"h0","file":"%s","foo":1}}' % DUMP,
    ],
    # QEMU 7.2 aborts on a later object-add once a filter-dump was refused after its object
    # was made (missing or unknown netdev, maxlen 0, duplicate id): each such case ends a
    # session of its own.
    "filter-dump-no-netdev": [
        CAPS,
        '{"execute":"netdev_add","arguments":{"type":"hubport","id":"h0","hubid":0}}',
        '{"execute":"object-add","arguments":{"qom-type":"filter-dump","id":"f1","file":"%s"}}' % DUMP,
    ],
    "filter-dump-unknown-netdev": [
        CAPS,
        '{"execute":"netdev_add","arguments":{"type":"hubport","id":"h0","hubid":0}}',
        '{"execute":"object-add","arguments":{"qom-type":"filter-dump","id":"f1","netdev":"zz","file":"%s"}}' % DUMP,
    ],
    "filter-dump-maxlen-0": [
        CAPS,
        '{"execute":"netdev_add","arguments":{"type":"hubport","id":"h0","hubid":0}}',
        '{"execute":"object-add","arguments":{"qom-type":"filter-dump","id":"f1","netdev":"h0","file":"%s","maxlen":0}}' % DUMP,
    ],
    "filter-dump-duplicate": [
        CAPS,
        '{"execute":"netdev_add","arguments":{"type":"hubport","id":"h0","hubid":0}}',
        '{"execute":"object-add","arguments":{"qom-type":"filter-dump","id":"f0","netdev":"h0","file":"%s"}}' % DUMP,
        '{"execute":"object-add","arguments":{"qom-type":"filter-dump","id":"f0","netdev":"h0","file":"%s"}}' % DUMP,
    ],
    "nic-commands": [
        CAPS,
        '{"execute":"query-rx-filter"}',
        '{"execute":"query-rx-filter","arguments":{"name":"nope"}}',
        '{"execute":"query-rx-filter","arguments":{"name":1}}',
        '{"execute":"query-rx-filter","arguments":{"name":"x","foo":1}}',
        '{"execute":"netdev_add","arguments":{"type":"hubport","id":"h0","hubid":0}}',
        '{"execute":"query-rx-filter","arguments":{"name":"h0"}}',
        '{"execute":"announce-self"}',
        '{"execute":"announce-self","arguments":{"initial":50,"max":550,"rounds":5}}',
        '{"execute":"announce-self","arguments":{"initial":"a","max":550,"rounds":5,"step":100}}',
        '{"execute":"announce-self","arguments":{"initial":1.5,"max":550,"rounds":5,"step":100}}',
        '{"execute":"announce-self","arguments":{"initial":9223372036854775808,"max":550,"rounds":5,"step":100}}',
        '{"execute":"announce-self","arguments":{"initial":-9223372036854775808,"max":550,"rounds":0,"step":100}}',
        '{"execute":"announce-self","arguments":{"initial":50,"max":550,"rounds":5,"step":100,"interfaces":"x"}}',
        '{"execute":"announce-self","arguments":{"initial":50,"max":550,"rounds":5,"step":100,"interfaces":[1]}}',
        '{"execute":"announce-self","arguments":{"initial":50,"max":550,"rounds":5,"step":100,"id":5}}',
        '{"execute":"announce-self","arguments":{"initial":50,"max":550,"rounds":5,"step":100,"foo":1}}',
        '{"execute":"announce-self","arguments":{"foo":1,"initial":"a"}}',
        '{"execute":"announce-self","arguments":{"initial":50,"max":550,"rounds":5,"step":100,"interfaces":["h0"],"id":"a"}}',
        '{"execute":"announce-self","arguments":{"initial":50,"max":550,"rounds":0,"step":100,"id":"a"}}',
    ],
    "quit": [
        CAPS,
        '{"execute":"quit","id":"bye"}',
    ],
}

VERSION = re.compile(r'\{"micro": \d+, "minor": \d+, "major": \d+\}, "package": "[^"]*"')
STAMP = re.compile(r'"timestamp": \{"seconds": \d+, "microseconds": \d+\}')


def normalise(line):
    line = VERSION.sub("@VERSION@", line)
    return STAMP.sub('"timestamp": {"seconds": @SECONDS@, "microseconds": @MICROS@}', line)


def replies(proc, quiet=0.4):
    out = b""
    while True:
        ready, _, _ = select.select([proc.stdout], [], [], quiet)
        if not ready:
            break
        chunk = os.read(proc.stdout.fileno(), 1 << 20)
        if not chunk:
            break
        out += chunk
    return [normalise(l) for l in out.decode().split("\r\n") if l]


def main():
    version = subprocess.run([QEMU, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    print("# QEMU's QMP replies, recorded from %s" % version)
    print("# by fabric-qmp/src/test/qemu/record_qmp_replies.py; do not edit by hand.")
    print("# '> ' a line sent (with a newline), '< ' a line QEMU answered (without its CRLF).")
    for name, inputs in SESSIONS.items():
        proc = subprocess.Popen([QEMU, "-M", "none", "-nodefaults", "-display", "none", "-qmp", "stdio"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        print("== %s" % name)
        for line in replies(proc):
            print("< " + line)
        for line in inputs:
            print("> " + line)
            try:
                proc.stdin.write(line.encode() + b"\n")
                proc.stdin.flush()
            except BrokenPipeError:
                break
            for reply in replies(proc):
                print("< " + reply)
        proc.kill()
        proc.wait()
    if os.path.exists(DUMP):
        os.unlink(DUMP)


if __name__ == "__main__":
    main()
