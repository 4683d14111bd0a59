#!/usr/bin/env bash
# User-mode TCP over a lossy link: netfabric's user netdev against slirp4netns (libslirp 4.7), in
# one run. Each stack's tap sits in a namespace of its own, bridged to a veth whose other end is
# the guest's only interface in a second namespace; nftables drops LOSS % of the TCP frames that
# enter the bridge from either side, at random (netdev ingress hooks), so both TCPs repair real
# losses against the kernel's TCP. The guest sends MB megabytes to a socat on the host's 127.0.0.1
# through 10.0.2.2, then fetches MB megabytes back; both copies are checked by sha256 and timed.
# A transfer that has not ended after TIMEOUT seconds is reported as "> TIMEOUT".
# Needs root, ip, nft, socat, slirp4netns. Traffic: loopback and the script's namespaces only.
# Usage: benchmarks/scripts/usernet-lossy.sh [loss-percent] [megabytes] [timeout-seconds]
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
root=$(cd "$here/../.." && pwd)
loss=${1:-3}
mb=${2:-20}
limit=${3:-120}
tag=$$
work=$(mktemp -d /tmp/nf-lossy.XXXXXX)
pids=()
nss=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.3
  for n in "${nss[@]}"; do ip netns del "$n" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM   # so that the EXIT trap removes the namespaces also when stopped
for c in ip nft socat slirp4netns; do
  command -v "$c" >/dev/null || { echo "needs $c" >&2; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 2; }

head -c "${mb}M" /dev/urandom > "$work/up"
head -c "${mb}M" /dev/urandom > "$work/down"
port=$((21000 + tag % 8000))

# setup STACK -> sets R (bridge namespace), G (guest namespace), pid
setup() {
  R=nfl-$tag-$1-r; G=nfl-$tag-$1-g
  ip netns add "$R"; nss+=("$R"); ip netns add "$G"; nss+=("$G")
  ip -n "$R" link set lo up; ip -n "$G" link set lo up
  local tap
  if [ "$1" = slirp4netns ]; then
    tap=tap0
    slirp4netns --netns-type=path "/run/netns/$R" tap0 > "$work/slirp4netns.log" 2>&1 &
    pid=$!; pids+=("$pid")
    for _ in $(seq 100); do ip -n "$R" link show tap0 >/dev/null 2>&1 && break; sleep 0.1; done
  else
    tap=nfl${tag}; tap=${tap:0:15}
    (cd "$root" && exec bin/netfabric -nodefaults -netdev user,id=u0 -netdev hubport,id=h0,hubid=0,netdev=u0 \
       -netdev "tap,id=t0,ifname=$tap,script=no,downscript=no" -netdev hubport,id=h1,hubid=0,netdev=t0) \
       > "$work/netfabric.log" 2>&1 &
    pid=$!; pids+=("$pid")
    for _ in $(seq 100); do ip link show "$tap" >/dev/null 2>&1 && break; sleep 0.1; done
    ip link set "$tap" netns "$R"
  fi
  ip -n "$R" link add r0 type veth peer name g0 netns "$G"
  ip -n "$R" link add br0 type bridge
  ip -n "$R" link set "$tap" master br0; ip -n "$R" link set r0 master br0
  for l in "$tap" r0 br0; do ip -n "$R" link set "$l" up; done
  ip -n "$G" link set g0 up; ip -n "$G" addr add 10.0.2.15/24 dev g0; ip -n "$G" route add default via 10.0.2.2
  ip netns exec "$G" ping -c1 -W2 10.0.2.2 >/dev/null 2>&1 || true
  # Drops start once the guest reaches the host, so that ARP and the first ping are not lost.
  ip netns exec "$R" nft -f - <<NFT
table netdev lossy {
  chain fromguest { type filter hook ingress device r0 priority 0; ip protocol tcp numgen random mod 100 < $loss counter drop; }
  chain toguest { type filter hook ingress device $tap priority 0; ip protocol tcp numgen random mod 100 < $loss counter drop; }
}
NFT
}

# transfer NAME SERVER-CMD CLIENT-CMD -> seconds or "> limit"; SERVER-CMD runs on the host
transfer() {
  local t0 t1 sp cp
  eval "exec $2" & sp=$!
  sleep 0.3
  t0=$(date +%s.%N)
  eval "exec $3" & cp=$!
  for _ in $(seq $((limit * 10))); do kill -0 "$sp" 2>/dev/null || kill -0 "$cp" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$sp" 2>/dev/null || kill -0 "$cp" 2>/dev/null; then
    kill "$sp" "$cp" 2>/dev/null || true; wait "$sp" "$cp" 2>/dev/null || true
    echo "> $limit"; return
  fi
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}'
}

declare -A T
for stack in netfabric slirp4netns; do
  setup "$stack"
  port=$((port + 2))
  rm -f "$work/up.got" "$work/down.got"
  T[$stack,up]=$(transfer up "socat -u TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr OPEN:$work/up.got,creat,trunc" \
    "ip netns exec $G socat -u OPEN:$work/up TCP:10.0.2.2:$port")
  T[$stack,down]=$(transfer down "socat -u OPEN:$work/down TCP-LISTEN:$((port + 1)),bind=127.0.0.1,reuseaddr" \
    "ip netns exec $G socat -u TCP:10.0.2.2:$((port + 1)) OPEN:$work/down.got,creat,trunc")
  for d in up down; do
    if [ -f "$work/$d.got" ] && cmp -s "$work/$d" "$work/$d.got"; then T[$stack,$d,ok]=intact; else T[$stack,$d,ok]=INCOMPLETE; fi
  done
  T[$stack,dropped]=$(ip netns exec "$R" nft list table netdev lossy | awk '/counter packets/ {for (i=1;i<=NF;i++) if ($i=="packets") s+=$(i+1)} END {print s+0}')
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
done

echo "| ${mb} MB through a bridge dropping ${loss} % of TCP frames each way | netfabric | slirp4netns (libslirp 4.7) |"
echo "| --- | --- | --- |"
echo "| guest->host (s) | ${T[netfabric,up]} (${T[netfabric,up,ok]}) | ${T[slirp4netns,up]} (${T[slirp4netns,up,ok]}) |"
echo "| host->guest (s) | ${T[netfabric,down]} (${T[netfabric,down,ok]}) | ${T[slirp4netns,down]} (${T[slirp4netns,down,ok]}) |"
echo "| TCP frames dropped | ${T[netfabric,dropped]} | ${T[slirp4netns,dropped]} |"
