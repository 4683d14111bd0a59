#!/usr/bin/env bash
# The user netdev against libslirp 4.7 in the same run, from the same kind of namespace:
#   netfabric: -netdev user + a tap in namespace A, joined on hub 0 (bin/netfabric)
#   slirp4netns: libslirp 4.7 behind its own tap in namespace B (DHCP and DNS)
#   QEMU 7.2 -netdev user (the same libslirp 4.7) + QEMU's tap in namespace C, for TFTP,
#   which slirp4netns does not expose
# Measures DHCP time to lease (udhcpc), DNS round trip cold and warm (a UDP client in the namespace against the
# script's own resolver on 127.0.0.77:53, never the machine's) and TFTP throughput (busybox tftp,
# 10 MB, blksize 512 and 1468). Prints a Markdown table. Needs root, ip, udhcpc, busybox,
# python3, slirp4netns, qemu-system-x86_64. Cleans up namespaces and processes it started.
# Usage: benchmarks/scripts/user-vs-slirp4netns.sh [rounds]
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
root=$(cd "$here/../.." && pwd)
rounds=${1:-5}
py=/usr/bin/python3
tag=$$
work=$(mktemp -d /tmp/nf-bench.XXXXXX)
pids=()
nss=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.3
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  for n in "${nss[@]}"; do ip netns del "$n" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
for c in ip udhcpc busybox slirp4netns qemu-system-x86_64; do
  command -v "$c" >/dev/null || { echo "needs $c" >&2; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 2; }

mkdir -p "$work/tftp"
head -c $((10 * 1024 * 1024)) /dev/urandom > "$work/tftp/big.img"
printf 'nameserver 127.0.0.77\n' > "$work/resolv.conf"
$py "$here/lib/resolver.py" 127.0.0.77 53 > "$work/resolver.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do grep -q ready "$work/resolver.log" 2>/dev/null && break; sleep 0.1; done

newns() { ip netns add "$1"; nss+=("$1"); ip -n "$1" link set lo up; }
waitlink() { for _ in $(seq 100); do ip link show "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
waitlinkns() { for _ in $(seq 100); do ip -n "$1" link show "$2" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }

# --- netfabric
nsA=nfb-$tag-nf; newns "$nsA"; tapA=nfb${tag}a
(cd "$root" && bin/netfabric -nodefaults \
   -netdev "user,id=u0,dns-upstream=127.0.0.77:53,tftp=$work/tftp" -netdev hubport,id=h0,hubid=0,netdev=u0 \
   -netdev "tap,id=t0,ifname=$tapA,script=no,downscript=no" -netdev hubport,id=h1,hubid=0,netdev=t0) \
   > "$work/netfabric.log" 2>&1 &
pids+=($!)
waitlink "$tapA" || { cat "$work/netfabric.log" >&2; exit 1; }
ip link set "$tapA" netns "$nsA"; ip -n "$nsA" link set "$tapA" up

# --- slirp4netns (libslirp 4.7); its DNS forwarder reads the bind-mounted resolv.conf
nsB=nfb-$tag-s4; newns "$nsB"
unshare -m sh -c "mount --bind $work/resolv.conf /etc/resolv.conf && exec slirp4netns --netns-type=path /run/netns/$nsB tap0" \
   > "$work/slirp4netns.log" 2>&1 &
pids+=($!)
waitlinkns "$nsB" tap0; ip -n "$nsB" link set tap0 up

# --- QEMU 7.2 -netdev user (libslirp 4.7) for TFTP
nsC=nfb-$tag-q; newns "$nsC"; tapC=nfb${tag}q
qemu-system-x86_64 -M none -nodefaults -display none -monitor none -serial none \
   -netdev "user,id=u0,tftp=$work/tftp" -netdev hubport,id=h0,hubid=0,netdev=u0 \
   -netdev "tap,id=t0,ifname=$tapC,script=no,downscript=no" -netdev hubport,id=h1,hubid=0,netdev=t0 \
   > "$work/qemu.log" 2>&1 &
pids+=($!)
waitlink "$tapC" || { cat "$work/qemu.log" >&2; exit 1; }
ip link set "$tapC" netns "$nsC"; ip -n "$nsC" link set "$tapC" up
sleep 1

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

lease_ms() { # ns ifname -> median ms over $rounds leases
  local ns=$1 ifn=$2
  for _ in $(seq "$rounds"); do
    ip -n "$ns" addr flush dev "$ifn"
    local t0 t1; t0=$(date +%s%N)
    ip netns exec "$ns" udhcpc -i "$ifn" -f -q -n -t 5 -T 1 -s /bin/true >/dev/null 2>&1
    t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000000 ))
  done | median
}

address() { ip -n "$1" addr flush dev "$2"; ip -n "$1" addr add 10.0.2.15/24 dev "$2"; ip -n "$1" route add default via 10.0.2.2; }

tftp_mbps() { # ns blksize -> median MB/s
  local ns=$1 bs=$2
  for _ in $(seq "$rounds"); do
    rm -f "$work/out"
    local t0 t1; t0=$(date +%s%N)
    ip netns exec "$ns" busybox tftp -b "$bs" -g -r big.img -l "$work/out" 10.0.2.2 >/dev/null 2>&1
    t1=$(date +%s%N)
    cmp -s "$work/out" "$work/tftp/big.img" || { echo 0; continue; }
    awk -v ns=$((t1 - t0)) 'BEGIN {printf "%.1f\n", 10485760 / (ns / 1e9) / 1e6}'
  done | median
}

dA=$(lease_ms "$nsA" "$tapA"); dB=$(lease_ms "$nsB" tap0); dC=$(lease_ms "$nsC" "$tapC")
address "$nsA" "$tapA"; address "$nsB" tap0; address "$nsC" "$tapC"
# The first queries of a fresh process measure its warm-up (a JVM compiles the path meanwhile):
# both stacks get the same 2,000 queries first, then 500 are measured.
read -r cA _ _ < <(ip netns exec "$nsA" $py "$here/lib/dnsbench.py" 10.0.2.3 500)
read -r cB _ _ < <(ip netns exec "$nsB" $py "$here/lib/dnsbench.py" 10.0.2.3 500)
ip netns exec "$nsA" $py "$here/lib/dnsbench.py" 10.0.2.3 1500 >/dev/null
ip netns exec "$nsB" $py "$here/lib/dnsbench.py" 10.0.2.3 1500 >/dev/null
read -r mA pA nA < <(ip netns exec "$nsA" $py "$here/lib/dnsbench.py" 10.0.2.3 500)
read -r mB pB nB < <(ip netns exec "$nsB" $py "$here/lib/dnsbench.py" 10.0.2.3 500)
tA512=$(tftp_mbps "$nsA" 512); tA1468=$(tftp_mbps "$nsA" 1468)
tC512=$(tftp_mbps "$nsC" 512); tC1468=$(tftp_mbps "$nsC" 1468)

echo "| measure | netfabric user | libslirp 4.7 | ratio |"
echo "| --- | --- | --- | --- |"
awk -v a="$dA" -v b="$dB" -v c="$dC" 'BEGIN {printf "| DHCP time to lease, udhcpc (ms, median of '"$rounds"') | %d | %d (slirp4netns), %d (QEMU user) | %.2f |\n", a, b, c, (b > 0 ? a / b : 0)}'
awk -v a="$cA" -v b="$cB" 'BEGIN {printf "| DNS round trip, first 500 queries of the process (µs, median) | %d | %d (slirp4netns) | %.2f |\n", a, b, (b > 0 ? a / b : 0)}'
awk -v a="$mA" -v b="$mB" -v pa="$pA" -v pb="$pB" -v na="$nA" -v nb="$nB" 'BEGIN {printf "| DNS round trip after 2,000 queries (µs, median / p99 of 500; answered) | %d / %d (%d) | %d / %d (%d) (slirp4netns) | %.2f |\n", a, pa, na, b, pb, nb, (b > 0 ? a / b : 0)}'
awk -v a="$tA512" -v c="$tC512" 'BEGIN {printf "| TFTP 10 MB, blksize 512 (MB/s, median of '"$rounds"') | %s | %s (QEMU user) | %.2f |\n", a, c, (c > 0 ? a / c : 0)}'
awk -v a="$tA1468" -v c="$tC1468" 'BEGIN {printf "| TFTP 10 MB, blksize 1468 (MB/s, median of '"$rounds"') | %s | %s (QEMU user) | %.2f |\n", a, c, (c > 0 ? a / c : 0)}'
