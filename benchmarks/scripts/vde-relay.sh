#!/usr/bin/env bash
# VDE relay throughput, netfabric against QEMU 7.2 in the same run (docs/PERFORMANCE.md).
# generator -> vde_switch 1 -> relay (vde a == hub 0 == vde b) -> vde_switch 2 -> sink.
# The relay is netfabric or QEMU; generator and sink are the same netfabric process for both.
# Usage: benchmarks/scripts/vde-relay.sh [SECONDS] [FRAME_OCTETS...]   (default 5 s; 64 512 1514)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
secs=${1:-5}; shift || true
sizes=${*:-64 512 1514}
jar="$root/benchmarks/target/benchmarks.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -q -o -DskipTests -pl benchmarks -am package)
java_opts="-Xms256m -Xmx256m"
work=$(mktemp -d /tmp/vde-bench.XXXXXX)
pids=()
relay=
stop_relay() { if [ -n "$relay" ]; then kill "$relay" 2>/dev/null || true; wait "$relay" 2>/dev/null || true; fi; relay=; }
cleanup() {
  stop_relay
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
for s in 1 2; do
  # In the foreground with stdin held open (EOF on stdin stops the switch), killed by pid.
  sleep 100000 | vde_switch -s "$work/sw$s" -M "$work/mgmt$s" >"$work/sw$s.log" 2>&1 & pids+=($!)
done
while [ ! -S "$work/sw1/ctl" ] || [ ! -S "$work/sw2/ctl" ]; do sleep 0.1; done
a="vde,id=a,sock=$work/sw1"
b="vde,id=b,sock=$work/sw2"
start_relay() {
  case $1 in
    netfabric)
      fifo=$(mktemp -u); mkfifo "$fifo"
      java $java_opts -cp "$jar" io.netfabric.bench.L2tpv3Relay relay "$a" "$b" >"$fifo" 2>/dev/null & relay=$!
      read -r _ <"$fifo"; rm -f "$fifo" ;;
    qemu)
      qemu-system-x86_64 -M none -nodefaults -display none -netdev "$a" -netdev "$b" \
        -netdev hubport,id=h0,hubid=0,netdev=a -netdev hubport,id=h1,hubid=0,netdev=b \
        </dev/null >/dev/null 2>&1 & relay=$!
      sleep 1 ;;
  esac
}
echo "# $(date -u +%FT%TZ) $(uname -r) $(nproc) cpus $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# $(qemu-system-x86_64 --version | head -1); $(java -version 2>&1 | head -1); vde_switch $(vde_switch -v 2>&1 | head -1 | awk '{print $NF}')"
for size in $sizes; do
  for r in netfabric qemu; do
    start_relay "$r"
    printf '%-9s ' "$r"
    java $java_opts -cp "$jar" io.netfabric.bench.VdeLoad "$work/sw1" "$work/sw2" "$size" "$secs" 2>/dev/null
    stop_relay
  done
done
