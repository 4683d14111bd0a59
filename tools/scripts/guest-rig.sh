#!/usr/bin/env bash
# The kernel as a guest against a user-mode network, for comparing netfabric with QEMU 7.2's
# libslirp by hand: a network namespace whose interface is a tap owned by netfabric, and behind
# the tap either netfabric's own user netdev (`nf`) or, through a hub and a unix `stream` netdev,
# QEMU (`-M none`) with a hubport to its `-netdev user` (`qemu`). The guest is 10.0.2.15/24 with
# 10.0.2.2 as router (NOADDR=1 leaves it unconfigured, for DHCP); QMP of the stack under test on
# /tmp/nf-rig.qmp.sock.
#
# Usage (root): tools/scripts/guest-rig.sh nf|qemu "USER-NETDEV-OPTIONS" "COMMAND IN THE NAMESPACE"
#   e.g. tools/scripts/guest-rig.sh qemu "smb=/srv/share" "smbclient //10.0.2.4/qemu -N -c ls"
#
# Network safety: address only 10.0.2.0/24, fec0::/64 and the host's loopback through 10.0.2.2.
# QEMU's DNS (10.0.2.3) forwards to this machine's resolver: do not query it. netfabric's is
# pointed at 127.0.0.1:5399 (start your own resolver there if you need one).
set -euo pipefail
stack=$1; opts=$2; cmd=$3
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
ns=nf-rig-$$; tap=nfrig$$; tap=${tap:0:15}; sock=/tmp/nf-rig-$$.sock; qmp=/tmp/nf-rig.qmp.sock
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.3
  ip netns del "$ns" 2>/dev/null || true
  rm -f "$sock"
}
trap cleanup EXIT
ip netns add "$ns"; ip -n "$ns" link set lo up
rm -f "$qmp"
if [ "$stack" = qemu ]; then
  qemu-system-x86_64 -M none -nodefaults -display none -netdev "user,id=u${opts:+,$opts}" \
    -qmp "unix:$qmp,server=on,wait=off" -netdev "stream,id=s,server=on,addr.type=unix,addr.path=$sock" \
    -netdev hubport,id=h0,hubid=0,netdev=u -netdev hubport,id=h1,hubid=0,netdev=s &
  pids+=($!)
  for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
  "$root/bin/netfabric" -nodefaults -netdev "tap,id=t0,ifname=$tap,script=no,downscript=no" \
    -netdev "stream,id=s,server=off,addr.type=unix,addr.path=$sock" \
    -netdev hubport,id=h0,hubid=0,netdev=t0 -netdev hubport,id=h1,hubid=0,netdev=s </dev/null &
  pids+=($!)
else
  "$root/bin/netfabric" -nodefaults -netdev "user,id=u,dns-upstream=127.0.0.1:5399${opts:+,$opts}" \
    -netdev "tap,id=t0,ifname=$tap,script=no,downscript=no" \
    -netdev hubport,id=h0,hubid=0,netdev=t0 -netdev hubport,id=h1,hubid=0,netdev=u \
    -qmp "unix:$qmp,server=on,wait=off" </dev/null &
  pids+=($!)
fi
for _ in $(seq 100); do ip link show "$tap" >/dev/null 2>&1 && break; sleep 0.1; done
ip link set "$tap" netns "$ns"; ip -n "$ns" link set "$tap" up
if [ -z "${NOADDR:-}" ]; then
  ip -n "$ns" addr add 10.0.2.15/24 dev "$tap"; ip -n "$ns" route add default via 10.0.2.2
fi
sleep 3   # the stream connects and the stack answers ARP (QEMU's side takes longest)
ip netns exec "$ns" sh -c "$cmd"
