#!/usr/bin/env bash
# iperf3 TCP between two network namespaces joined three ways, in one run, at MTU 1500 and 9000:
#   netfabric  tap <-> hubport <-> hub <-> hubport <-> tap   (io.netfabric.bench.NetdevRelay)
#   qemu       the same in QEMU 7.2 (-M none, two tap netdevs joined by hubports)
#   bridge     a Linux bridge with a veth into each namespace (the kernel's own path, a ceiling)
# Prints the table, the command and the machine (or writes them to $OUT); the figures go in docs/PERFORMANCE.md.
# Needs root, /dev/net/tun, iperf3, qemu-system-x86_64. Everything it makes carries its pid and
# is removed on exit. Usage: benchmarks/scripts/tap-iperf3.sh [seconds per run] [repeats]
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
secs=${1:-10}
reps=${2:-3}
out=${OUT:-/dev/stdout}
jar=$root/benchmarks/target/benchmarks.jar
p=$$
nsa=nfb-$p-a; nsb=nfb-$p-b; ta=nf${p}xa; tb=nf${p}xb; br=nf${p}xbr
relay_pid=
srvpid=/tmp/nfb-$p.iperf3.pid
result=/tmp/nfb-$p.result

cleanup() {
  if [ -f "$srvpid" ]; then kill "$(cat "$srvpid")" 2>/dev/null || true; rm -f "$srvpid"; fi
  if [ -n "$relay_pid" ]; then kill "$relay_pid" 2>/dev/null || true; wait "$relay_pid" 2>/dev/null || true; fi
  relay_pid=
  # Delete veths from our side first: a namespace is destroyed asynchronously, and a veth end
  # inside it would keep its peer's name taken for a moment.
  ip link del "${ta}p" 2>/dev/null || true
  ip link del "${tb}p" 2>/dev/null || true
  ip netns del "$nsa" 2>/dev/null || true
  ip netns del "$nsb" 2>/dev/null || true
  ip link del "$br" 2>/dev/null || true
  ip link del "$ta" 2>/dev/null || true
  ip link del "$tb" 2>/dev/null || true
}
trap 'cleanup; rm -f "$result" "$result.json"' EXIT
trap 'exit 130' INT TERM

if [ ! -f "$jar" ] || [ -n "$(find "$root" -name '*.java' -path '*/src/main/*' -newer "$jar" -print -quit)" ]; then
  (cd "$root" && mvn -B -q -o -DskipTests -pl benchmarks -am package)
fi

wait_link() { for _ in $(seq 100); do ip link show "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "no $1" >&2; return 1; }

# Two namespaces; $1 $2 are the interfaces to move in (already existing in our namespace).
namespaces() {
  local mtu=$3
  ip netns add "$nsa"; ip netns add "$nsb"
  ip link set "$1" netns "$nsa"; ip link set "$2" netns "$nsb"
  ip -n "$nsa" link set lo up; ip -n "$nsb" link set lo up
  ip -n "$nsa" link set "$1" mtu "$mtu" up; ip -n "$nsb" link set "$2" mtu "$mtu" up
  ip -n "$nsa" addr add 10.9.9.1/24 dev "$1"; ip -n "$nsb" addr add 10.9.9.2/24 dev "$2"
}

# Writes Gbit/s received to $result.
measure() {
  ip netns exec "$nsb" iperf3 -s -D -1 -B 10.9.9.2 -I "$srvpid" >/dev/null
  sleep 0.3
  ip netns exec "$nsa" sh -c "ping -c 1 -W 5 10.9.9.2 || busybox ping -c 1 -W 5 10.9.9.2" >/dev/null 2>&1 || true
  ip netns exec "$nsa" timeout $((secs + 30)) iperf3 -c 10.9.9.2 -t "$secs" -J > "$result.json" || true
  python3 -c 'import json,sys
try: print("%.2f" % (json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"]/1e9))
except Exception: print("0")' "$result.json" > "$result"
}

run_netfabric() {
  java ${NETFABRIC_JAVA_OPTS:-} -cp "$jar" io.netfabric.bench.NetdevRelay \
    -netdev "tap,id=a,ifname=$ta,script=no,downscript=no" -netdev "tap,id=b,ifname=$tb,script=no,downscript=no" \
    -netdev hubport,id=ha,hubid=0,netdev=a -netdev hubport,id=hb,hubid=0,netdev=b >/dev/null &
  relay_pid=$!
  wait_link "$ta"; wait_link "$tb"; sleep 0.5
  namespaces "$ta" "$tb" "$1"; measure
}

run_qemu() {
  qemu-system-x86_64 -M none -nodefaults -display none \
    -netdev "tap,id=a,ifname=$ta,script=no,downscript=no" -netdev "tap,id=b,ifname=$tb,script=no,downscript=no" \
    -netdev hubport,id=ha,hubid=0,netdev=a -netdev hubport,id=hb,hubid=0,netdev=b 2>/dev/null &
  relay_pid=$!
  wait_link "$ta"; wait_link "$tb"
  namespaces "$ta" "$tb" "$1"; measure
}

run_bridge() {
  ip link add "$br" type bridge; ip link set "$br" mtu "$1" up
  ip link add "$ta" type veth peer name "${ta}p"; ip link add "$tb" type veth peer name "${tb}p"
  for v in "${ta}p" "${tb}p"; do ip link set "$v" mtu "$1" master "$br" up; done
  namespaces "$ta" "$tb" "$1"; measure
}

declare -A best
for mtu in 1500 9000; do
  for mode in netfabric qemu bridge; do
    vals=()
    for _ in $(seq "$reps"); do
      run_$mode "$mtu"
      cleanup
      vals+=("$(cat "$result")")
    done
    best[$mode,$mtu]=$(printf '%s\n' "${vals[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    echo "mtu $mtu $mode: ${vals[*]} Gbit/s (median ${best[$mode,$mtu]})" >&2
  done
done

ratio() { python3 -c "print('%.2f' % ($1/$2))"; }
{
  echo "# tap throughput: netfabric vs QEMU 7.2 vs a Linux bridge"
  echo
  echo "iperf3 TCP (one stream, ${secs}s, median of $reps runs) between two network namespaces."
  echo "netfabric and QEMU relay tap <-> hubport <-> hub <-> hubport <-> tap; the bridge row is the"
  echo "kernel alone (veth into a bridge), the ceiling. Gbit/s received."
  echo
  echo "| MTU | netfabric | QEMU 7.2 relay | Linux bridge | netfabric / QEMU |"
  echo "| --- | --- | --- | --- | --- |"
  for mtu in 1500 9000; do
    echo "| $mtu | ${best[netfabric,$mtu]} | ${best[qemu,$mtu]} | ${best[bridge,$mtu]} | $(ratio "${best[netfabric,$mtu]}" "${best[qemu,$mtu]}") |"
  done
  echo
  echo "Command: \`benchmarks/scripts/tap-iperf3.sh $secs $reps\`"
  echo
  echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r),"
  echo "$(java -version 2>&1 | head -1), $(qemu-system-x86_64 --version | head -1), iperf3 $(iperf3 --version | head -1 | awk '{print $2}')."
  echo "$(date -u +%Y-%m-%d)."
} > "$out"
[ "$out" = /dev/stdout ] || cat "$out"
