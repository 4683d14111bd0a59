#!/usr/bin/env bash
# L2TPv3/UDP relay throughput, netfabric against QEMU 7.2 in the same run (docs/PERFORMANCE.md).
# generator --session 1--> relay (l2tpv3 a == hub 0 == l2tpv3 b) --session 2--> sink, all on 127.0.0.1.
# Usage: benchmarks/scripts/l2tpv3-relay.sh [SECONDS] [FRAME_OCTETS...]   (default 5 s; 64 512 1514)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
secs=${1:-5}; shift || true
sizes=${*:-64 512 1514}
jar="$root/benchmarks/target/benchmarks.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -q -o -DskipTests -pl benchmarks -am package)
java_opts="-Xms256m -Xmx256m"
gen=40100 ain=40101 bout=40102 sink=40103
a="l2tpv3,id=a,src=127.0.0.1,dst=127.0.0.1,udp=on,srcport=$ain,dstport=$gen,txsession=1,rxsession=1"
b="l2tpv3,id=b,src=127.0.0.1,dst=127.0.0.1,udp=on,srcport=$bout,dstport=$sink,txsession=2,rxsession=2"
pid=
cleanup() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; pid=; }
trap cleanup EXIT
start_relay() {
  case $1 in
    netfabric)
      fifo=$(mktemp -u); mkfifo "$fifo"
      java $java_opts -cp "$jar" io.netfabric.bench.L2tpv3Relay relay "$a" "$b" >"$fifo" 2>/dev/null & pid=$!
      read -r _ <"$fifo"; rm -f "$fifo" ;;
    qemu)
      qemu-system-x86_64 -M none -nodefaults -display none -netdev "$a" -netdev "$b" \
        -netdev hubport,id=h0,hubid=0,netdev=a -netdev hubport,id=h1,hubid=0,netdev=b \
        </dev/null >/dev/null 2>&1 & pid=$!
      sleep 1 ;;
  esac
}
echo "# $(date -u +%FT%TZ) $(uname -r) $(nproc) cpus $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# $(qemu-system-x86_64 --version | head -1); $(java -version 2>&1 | head -1)"
for size in $sizes; do
  for relay in netfabric qemu; do
    start_relay "$relay"
    printf '%-9s ' "$relay"
    java $java_opts -cp "$jar" io.netfabric.bench.L2tpv3Relay load "$ain" "$sink" "$size" "$secs"
    cleanup
  done
done
