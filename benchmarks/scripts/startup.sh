#!/usr/bin/env bash
# Cold start of the main job (bin/netfabric with no options): milliseconds from exec to the QMP
# socket, its greeting, the first answer, and the printed QEMU options; median and range over
# RUNS fresh processes. No traffic; the runtime directories are temporary and removed.
# Usage: benchmarks/scripts/startup.sh [runs]
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
root=$(cd "$here/../.." && pwd)
echo "| from exec to | median (ms) | range (ms) |"
echo "| --- | ---: | ---: |"
python3 "$here/lib/startup.py" "$root" "${1:-10}"
