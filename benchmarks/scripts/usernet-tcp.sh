#!/usr/bin/env bash
# User-mode TCP: netfabric's user netdev against slirp4netns (libslirp 4.7) and pasta, in one run,
# each behind its own tap in its own namespace, every client talking to servers on the host's
# 127.0.0.1 through the stack's host address (10.0.2.2; pasta: its mapped gateway 10.0.2.2):
#   iperf3 TCP guest->host and host->guest at MTU 1500 and 65520 (Gbit/s, median of rounds; the
#   three stacks up side by side at each MTU and taking turns, after one run each way that warms
#   a fresh process and is reported apart), CPU seconds of the stack process per GB moved by
#   the measured runs,
#   after a warm-up (10,000 connections, 5,000 round trips): a one-byte ping-pong over one
#   connection (10,000 round trips, median/p99 µs),
#   and (netfabric only) 10,000 idle NAT connections: heap after GC and thread count;
# then the connection rate, 2,000 short sequential connections (connections/s), measured with
# the stacks taking turns so that a slow minute of this shared machine falls on all of them:
#   the first 2,000 a fresh process sees (its bulk paths warm from iperf3, its connection paths
#   not), three fresh processes per stack, the median;
#   and, with the three stacks up side by side and each warmed by 10,000 connections, five
#   rounds in turn, each measurement starting once every stack process is idle, the median.
# Needs root, ip, iperf3, python3, slirp4netns, pasta, jcmd. Traffic: loopback and the script's
# namespaces only. Prints a Markdown table.
# Usage: benchmarks/scripts/usernet-tcp.sh [seconds-per-iperf3-run] [rounds]
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
root=$(cd "$here/../.." && pwd)
secs=${1:-5}
rounds=${2:-3}
py=/usr/bin/python3
tag=$$
work=$(mktemp -d /tmp/nf-tcpbench.XXXXXX)
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
trap 'exit 130' INT TERM   # so that the EXIT trap removes the namespaces also when stopped
for c in ip iperf3 slirp4netns pasta jcmd; do
  command -v "$c" >/dev/null || { echo "needs $c" >&2; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 2; }

# The guest side closes first, so every short connection leaves a TIME-WAIT entry in the
# namespace for 60 s; the widened port range leaves room for the ~18,000 connections and the
# 10,000 idle ones of one stack's run.
newns() {
  ip netns add "$1"; nss+=("$1"); ip -n "$1" link set lo up
  ip netns exec "$1" sysctl -qw net.ipv4.ip_local_port_range="10000 65000"
}
waitlink() { for _ in $(seq 100); do ip link show "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
waitlinkns() { for _ in $(seq 100); do ip -n "$1" link show "$2" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
cpu_s() { awk '{printf "%.3f\n", ($14 + $15) / '"$(getconf CLK_TCK)"'}' "/proc/$1/stat"; }

iport=$((20000 + tag % 10000)); eport=$((iport + 1))
iperf3 -s -B 127.0.0.1 -p "$iport" > "$work/iperf3.log" 2>&1 &
pids+=($!)
# One echo server per stack and phase (1-3 the first, 4-6 fresh processes' connections, 7-9 the
# warm rounds): each stack's host side leaves ~7,000 loopback connections in TIME-WAIT, and
# separate ports keep their 4-tuples apart (one port range for all three ran out).
for k in 1 2 3 4 5 6 7 8 9; do
  $py "$here/lib/tcpbench.py" echo 127.0.0.1 "$((eport + k))" > "$work/echo$k.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do grep -q ready "$work/echo$k.log" 2>/dev/null && break; sleep 0.1; done
done

# start_<stack> MTU -> sets ns, pid
start_netfabric() {
  ns=nft-$tag-nf$1${nsx:-}; newns "$ns"; local tap=nft${tag}$1
  tap=${tap:0:15}
  (cd "$root" && NETFABRIC_JAVA_OPTS="-Xmx512m ${NETFABRIC_JAVA_OPTS:-}" exec bin/netfabric -nodefaults \
     -netdev "user,id=u0,mtu=$1" -netdev hubport,id=h0,hubid=0,netdev=u0 \
     -netdev "tap,id=t0,ifname=$tap,script=no,downscript=no" -netdev hubport,id=h1,hubid=0,netdev=t0) \
     > "$work/netfabric-$1.log" 2>&1 &
  pid=$!; pids+=("$pid")
  waitlink "$tap" || { cat "$work/netfabric-$1.log" >&2; exit 1; }
  ip link set "$tap" netns "$ns"; ip -n "$ns" link set "$tap" mtu "$1" up
  ip -n "$ns" addr add 10.0.2.15/24 dev "$tap"; ip -n "$ns" route add default via 10.0.2.2
  ip netns exec "$ns" ping -c1 -W2 10.0.2.2 >/dev/null 2>&1 || true
}
start_slirp4netns() {
  ns=nft-$tag-s4$1${nsx:-}; newns "$ns"
  slirp4netns --configure --mtu="$1" --netns-type=path "/run/netns/$ns" tap0 > "$work/slirp4netns-$1.log" 2>&1 &
  pid=$!; pids+=("$pid")
  waitlinkns "$ns" tap0; sleep 0.5
}
start_pasta() {
  ns=nft-$tag-pa$1${nsx:-}; newns "$ns"
  pasta -f -q --runas 0 --config-net -I tap0 -a 10.0.2.15 -n 24 -g 10.0.2.2 -m "$1" -t none -u none -T none -U none \
     --netns "/run/netns/$ns" > "$work/pasta-$1.log" 2>&1 &
  pid=$!; pids+=("$pid")
  waitlinkns "$ns" tap0; sleep 0.5
}

iperf() { # ns extra-args -> Gbit/s (receiver side)
  ip netns exec "$1" iperf3 -c 10.0.2.2 -p "$iport" -t "$secs" -J $2 2>/dev/null \
    | $py -c 'import json,sys; print("%.2f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e9))'
}

declare -A R first
stacks=(netfabric slirp4netns pasta)
rotate() { local r=$1; shift; local a=("$@"); local n=${#a[@]}; for i in $(seq 0 $((n - 1))); do echo "${a[$(((i + r) % n))]}"; done; }
ticks_of() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
quiet_pids() { # until the processes use under 2 % of a CPU over half a second (at most 20 s)
  local a b; for _ in $(seq 40); do a=$(ticks_of "$@"); sleep 0.5; b=$(ticks_of "$@"); [ $((b - a)) -le 1 ] && return 0; done; }
# Throughput: at each MTU the three stacks run side by side, each in its own namespace, and take
# turns (the order rotates each round, each measurement starting once every stack process is
# idle), so that a slow minute of this shared machine falls on all of them and the ratios compare
# measurements minutes apart at most. Each fresh process first moves one run each way that is
# left out of the medians and the CPU figure (a JVM compiles its bulk paths then; printed below
# the table as the fresh-process figure).
for mtu in 1500 65520; do
  declare -A tns tpid
  for stack in "${stacks[@]}"; do
    "start_$stack" "$mtu"; tns[$stack]=$ns; tpid[$stack]=$pid
  done
  for stack in "${stacks[@]}"; do
    for d in up down; do
      arg=""; [ "$d" = down ] && arg="-R"
      quiet_pids "${tpid[@]}"; first[$stack,$mtu,$d]=$(iperf "${tns[$stack]}" "$arg" || echo 0)
    done
  done
  declare -A c0 bytes vals
  for stack in "${stacks[@]}"; do c0[$stack]=$(cpu_s "${tpid[$stack]}"); bytes[$stack]=0; vals[$stack,up]=""; vals[$stack,down]=""; done
  for r in $(seq "$rounds"); do
    for stack in $(rotate "$r" "${stacks[@]}"); do
      for d in up down; do
        arg=""; [ "$d" = down ] && arg="-R"
        quiet_pids "${tpid[@]}"; v=$(iperf "${tns[$stack]}" "$arg" || echo 0); vals[$stack,$d]+="$v "
        bytes[$stack]=$(awk -v b="${bytes[$stack]}" -v g="$v" -v s="$secs" 'BEGIN {printf "%.0f", b + g * 1e9 / 8 * s}')
      done
    done
  done
  for stack in "${stacks[@]}"; do
    c1=$(cpu_s "${tpid[$stack]}")
    R[$stack,$mtu,cpu]=$(awk -v a="${c0[$stack]}" -v b="$c1" -v n="${bytes[$stack]}" 'BEGIN {printf "%.2f", (n > 0 ? (b - a) / (n / 1e9) : 0)}')
    for d in up down; do
      R[$stack,$mtu,$d]=$(printf '%s\n' ${vals[$stack,$d]} | median); R[$stack,$mtu,$d,all]=${vals[$stack,$d]% }
    done
  done
  k=0
  for stack in "${stacks[@]}"; do
    k=$((k + 1)); sport=$((eport + k)); ns=${tns[$stack]}; pid=${tpid[$stack]}
    if [ "$mtu" = 1500 ]; then
      # The same warm-up for every stack. A JVM is still compiling the connection path after
      # 3,000 connections (its rate climbs until about 8,000): long enough to be steady after.
      ip netns exec "$ns" $py "$here/lib/tcpbench.py" crr 10.0.2.2 "$sport" 10000 >/dev/null
      ip netns exec "$ns" $py "$here/lib/tcpbench.py" rr 10.0.2.2 "$sport" 5000 >/dev/null
      quiet_pids "${tpid[@]}"
      read -r m p < <(ip netns exec "$ns" $py "$here/lib/tcpbench.py" rr 10.0.2.2 "$sport" 10000)
      R[$stack,rr]="$m / $p"
      if [ "$stack" = netfabric ]; then
        mkfifo "$work/idle.in"
        (ip netns exec "$ns" $py "$here/lib/tcpbench.py" idle 10.0.2.2 "$sport" 10000 < "$work/idle.in" \
           > "$work/idle.out" 2>&1) &
        idlepid=$!
        exec 9>"$work/idle.in"
        for _ in $(seq 600); do grep -q open "$work/idle.out" 2>/dev/null && break; sleep 0.1; done
        jvm=$(pgrep -P "$pid" java || echo "$pid")
        jcmd "$jvm" GC.run >/dev/null 2>&1 || true
        R[idle]=$(cat "$work/idle.out" | head -1)
        R[heap]=$(jcmd "$jvm" GC.heap_info 2>/dev/null | awk '/used/ {for (i=1;i<=NF;i++) if ($i=="used") {print $(i+1); exit}}')
        R[threads]=$(awk '/^Threads/ {print $2}' "/proc/$jvm/status")
        exec 9>&-
        wait "$idlepid" || true
      fi
    fi
  done
  for stack in "${stacks[@]}"; do
    kill "${tpid[$stack]}" 2>/dev/null || true; wait "${tpid[$stack]}" 2>/dev/null || true
  done
  unset tns tpid c0 bytes vals
done

# Connection rate. Stacks take turns (the order rotates each round), so that noise from other
# work on this shared machine falls on all of them rather than on whichever ran in a bad minute.
crr() { ip netns exec "$1" $py "$here/lib/tcpbench.py" crr 10.0.2.2 "$2" 2000; }
declare -A cold warm
# The first 2,000 connections of a fresh process, after iperf3 has warmed its bulk paths: three
# fresh processes per stack, each alone on the machine.
for r in 1 2 3; do
  for stack in $(rotate "$r" "${stacks[@]}"); do
    k=4; [ "$stack" = slirp4netns ] && k=5; [ "$stack" = pasta ] && k=6
    nsx=c$r; "start_$stack" 1500
    iperf "$ns" "" >/dev/null || true; iperf "$ns" -R >/dev/null || true
    cold[$stack]+="$(crr "$ns" "$((eport + k))") "
    kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; ip netns del "$ns"
  done
done
# The steady state: the three stacks up side by side, each warmed by 10,000 connections, then
# five rounds in turn. Each measurement starts once the stack processes are idle, so that a JVM
# still compiling in the background takes nothing from a peer's turn.
declare -A sns spid sportof
k=6; nsx=w
for stack in "${stacks[@]}"; do
  k=$((k + 1)); "start_$stack" 1500; sns[$stack]=$ns; spid[$stack]=$pid; sportof[$stack]=$((eport + k))
  ip netns exec "$ns" $py "$here/lib/tcpbench.py" crr 10.0.2.2 "$((eport + k))" 10000 >/dev/null
done
for r in 1 2 3 4 5; do
  for stack in $(rotate "$r" "${stacks[@]}"); do
    quiet_pids "${spid[@]}"; warm[$stack]+="$(crr "${sns[$stack]}" "${sportof[$stack]}") "
  done
done
for stack in "${stacks[@]}"; do
  R[$stack,crr_cold]=$(printf '%s\n' ${cold[$stack]} | median); R[$stack,crr_cold_all]=${cold[$stack]% }
  R[$stack,crr]=$(printf '%s\n' ${warm[$stack]} | median); R[$stack,crr_all]=${warm[$stack]% }
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
echo "| measure | netfabric | slirp4netns (libslirp 4.7) | pasta | netfabric / slirp4netns | netfabric / pasta |"
echo "| --- | --- | --- | --- | --- | --- |"
for mtu in 1500 65520; do
  for d in up down; do
    label="guest->host"; [ "$d" = down ] && label="host->guest"
    a=${R[netfabric,$mtu,$d]}; b=${R[slirp4netns,$mtu,$d]}; c=${R[pasta,$mtu,$d]}
    echo "| iperf3 $label, MTU $mtu (Gbit/s, median of $rounds x ${secs}s) | $a | $b | $c | $(ratio "$a" "$b") | $(ratio "$a" "$c") |"
  done
  a=${R[netfabric,$mtu,cpu]}; b=${R[slirp4netns,$mtu,cpu]}; c=${R[pasta,$mtu,cpu]}
  echo "| CPU seconds per GB, MTU $mtu (stack process) | $a | $b | $c | $(ratio "$a" "$b") | $(ratio "$a" "$c") |"
done
echo "| one-byte ping-pong, 10,000 round trips after the warm-up (µs median / p99) | ${R[netfabric,rr]} | ${R[slirp4netns,rr]} | ${R[pasta,rr]} | | |"
a=${R[netfabric,crr_cold]}; b=${R[slirp4netns,crr_cold]}; c=${R[pasta,crr_cold]}
echo "| 2,000 sequential connections, the first of a fresh process (connections/s, median of 3 processes) | $a | $b | $c | $(ratio "$a" "$b") | $(ratio "$a" "$c") |"
a=${R[netfabric,crr]}; b=${R[slirp4netns,crr]}; c=${R[pasta,crr]}
echo "| 2,000 sequential connections after 10,000 more (connections/s, median of 5 rounds in turn) | $a | $b | $c | $(ratio "$a" "$b") | $(ratio "$a" "$c") |"
echo
echo "netfabric, 10,000 idle NAT connections: ${R[idle]:-?}; heap used after GC: ${R[heap]:-?}; JVM threads: ${R[threads]:-?}"
for mtu in 1500 65520; do
  line="iperf3 Gbit/s at MTU $mtu, guest->host / host->guest: the first run of each fresh process (not in the medians)"
  for stack in "${stacks[@]}"; do line+=" $stack ${first[$stack,$mtu,up]} / ${first[$stack,$mtu,down]},"; done
  echo "${line%,};"
  line="  each measured round"
  for stack in "${stacks[@]}"; do line+=" $stack ${R[$stack,$mtu,up,all]} / ${R[$stack,$mtu,down,all]},"; done
  echo "${line%,}"
done
echo "connections/s, each measurement: first of a process netfabric ${R[netfabric,crr_cold_all]}, slirp4netns ${R[slirp4netns,crr_cold_all]}, pasta ${R[pasta,crr_cold_all]};"
echo "after the warm-up netfabric ${R[netfabric,crr_all]}, slirp4netns ${R[slirp4netns,crr_all]}, pasta ${R[pasta,crr_all]}"
