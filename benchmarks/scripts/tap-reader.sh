#!/usr/bin/env bash
# Chooses how a tap is read (backend-tap TapQueueReader): on the fabric's event loop through its
# epoll set ("loop") or on a thread of its own that polls and hands batches to the loop
# ("thread"). Two namespaces joined tap <-> hubport <-> hub <-> hubport <-> tap by
# io.netfabric.bench.NetdevRelay, the reader chosen with -Dnetfabric.tap.reader, alternating
# the two readers in each round:
#   iperf3 TCP at MTU 1500 with the tap offloads (64 KiB frames) and without them (1514-byte frames),
#   a one-byte TCP ping-pong (10,000 round trips, median / p99 µs),
#   CPU seconds of the relay per GB over the iperf3 runs.
# Needs root, /dev/net/tun, iperf3, python3. Everything it makes carries its pid and is removed on
# exit. Prints a Markdown table. Usage: benchmarks/scripts/tap-reader.sh [seconds per run] [rounds]
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
here=$root/benchmarks/scripts
secs=${1:-5}
rounds=${2:-3}
jar=$root/benchmarks/target/benchmarks.jar
p=$$
nsa=nfr-$p-a; nsb=nfr-$p-b; ta=nfr${p}a; tb=nfr${p}b
relay_pid=
pids=()
work=$(mktemp -d /tmp/nf-tapreader.XXXXXX)

cleanup() {
  for x in "${pids[@]}"; do kill "$x" 2>/dev/null || true; done
  pids=()
  if [ -n "$relay_pid" ]; then kill "$relay_pid" 2>/dev/null || true; wait "$relay_pid" 2>/dev/null || true; fi
  relay_pid=
  ip netns del "$nsa" 2>/dev/null || true
  ip netns del "$nsb" 2>/dev/null || true
  ip link del "$ta" 2>/dev/null || true
  ip link del "$tb" 2>/dev/null || true
}
trap 'cleanup; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 2; }

if [ ! -f "$jar" ] || [ -n "$(find "$root" -name '*.java' -path '*/src/main/*' -newer "$jar" -print -quit)" ]; then
  (cd "$root" && mvn -B -q -o -DskipTests -pl benchmarks -am package)
fi

wait_link() { for _ in $(seq 100); do ip link show "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "no $1" >&2; return 1; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
cpu_s() { awk '{printf "%.3f\n", ($14 + $15) / '"$(getconf CLK_TCK)"'}' "/proc/$1/stat"; }

# start READER OFFLOAD: the relay and the two namespaces at MTU 1500, an iperf3 server and an echo server in B.
start() {
  java -Dnetfabric.tap.reader="$1" -Dnetfabric.tap.offload="$2" -cp "$jar" io.netfabric.bench.NetdevRelay \
    -netdev "tap,id=a,ifname=$ta,script=no,downscript=no" -netdev "tap,id=b,ifname=$tb,script=no,downscript=no" \
    -netdev hubport,id=ha,hubid=0,netdev=a -netdev hubport,id=hb,hubid=0,netdev=b > "$work/relay.log" 2>&1 &
  relay_pid=$!
  wait_link "$ta"; wait_link "$tb"; sleep 0.5
  ip netns add "$nsa"; ip netns add "$nsb"
  ip link set "$ta" netns "$nsa"; ip link set "$tb" netns "$nsb"
  for x in "$nsa:$ta:10.9.8.1" "$nsb:$tb:10.9.8.2"; do
    IFS=: read -r n t a <<< "$x"
    ip -n "$n" link set lo up; ip -n "$n" link set "$t" mtu 1500 up; ip -n "$n" addr add "$a/24" dev "$t"
  done
  ip netns exec "$nsb" iperf3 -s -B 10.9.8.2 > "$work/iperf3.log" 2>&1 &
  pids+=($!)
  ip netns exec "$nsb" python3 "$here/lib/tcpbench.py" echo 10.9.8.2 7777 > "$work/echo.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do grep -q ready "$work/echo.log" 2>/dev/null && break; sleep 0.1; done
  ip netns exec "$nsa" ping -c 1 -W 5 10.9.8.2 >/dev/null 2>&1 || true
}

iperf() {
  ip netns exec "$nsa" timeout $((secs + 30)) iperf3 -c 10.9.8.2 -t "$secs" -J 2>/dev/null \
    | python3 -c 'import json,sys
try: print("%.2f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e9))
except Exception: print("0")'
}

declare -A V
for _ in $(seq "$rounds"); do
  for reader in thread loop; do
    for off in true false; do
      start "$reader" "$off"
      c0=$(cpu_s "$relay_pid")
      g=$(iperf)
      c1=$(cpu_s "$relay_pid")
      V[$reader,$off]+="$g "
      V[$reader,$off,cpu]+="$(awk -v a="$c0" -v b="$c1" -v g="$g" -v s="$secs" 'BEGIN {printf "%.2f", (g > 0 ? (b - a) / (g * s / 8) : 0)}') "
      if [ "$off" = true ]; then
        read -r m q < <(ip netns exec "$nsa" python3 "$here/lib/tcpbench.py" rr 10.9.8.2 7777 10000)
        V[$reader,rr]+="$m "; V[$reader,rr99]+="$q "
      fi
      cleanup
      echo "$reader offload=$off: $g Gbit/s" >&2
    done
  done
done

med() { printf '%s\n' $1 | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
echo "| measure (median of $rounds rounds) | loop reader | thread reader | loop / thread |"
echo "| --- | --- | --- | --- |"
for off in true false; do
  label="offloads on (64 KiB frames)"; [ "$off" = false ] && label="offloads off (1514-byte frames)"
  a=$(med "${V[loop,$off]}"); b=$(med "${V[thread,$off]}")
  echo "| iperf3 TCP, MTU 1500, $label (Gbit/s) | $a | $b | $(ratio "$a" "$b") |"
  a=$(med "${V[loop,$off,cpu]}"); b=$(med "${V[thread,$off,cpu]}")
  echo "| relay CPU seconds per GB, $label | $a | $b | $(ratio "$a" "$b") |"
done
a=$(med "${V[loop,rr]}"); b=$(med "${V[thread,rr]}")
echo "| one-byte TCP ping-pong (µs, median; p99 loop $(med "${V[loop,rr99]}"), thread $(med "${V[thread,rr99]}")) | $a | $b | $(ratio "$a" "$b") |"
echo
echo "Command: \`benchmarks/scripts/tap-reader.sh $secs $rounds\`; $(nproc) CPUs, kernel $(uname -r), $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
