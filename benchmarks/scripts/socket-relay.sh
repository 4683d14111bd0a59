#!/bin/sh
# netfabric vs QEMU 7.2 as a socket relay (two socket netdevs joined by a hub): TCP, unix stream
# and UDP, 64/1514/65535-byte frames, frames/s, Gbps and the ratio. Loopback only.
# Usage: benchmarks/scripts/socket-relay.sh [seconds-per-cell]   (from the repository root)
set -e
cd "$(dirname "$0")/../.."
mvn -B -q -o -DskipTests -pl benchmarks -am package
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(qemu-system-x86_64 --version | head -1)"
uptime
# The relay runs in this JVM: the same Netty settings as bin/netfabric gives the helper.
exec java --add-opens=java.base/java.nio=ALL-UNNAMED -Dio.netty.tryReflectionSetAccessible=true ${NETFABRIC_JAVA_OPTS:-} \
  -cp benchmarks/target/benchmarks.jar io.netfabric.bench.SocketRelayComparison "${1:-2}" $2
