#!/usr/bin/env bash
# Evaluations per second of `tcw search` with trained accuracy (short budgets) alone and
# under mpirun with 1, 2 and 3 ranks, and how many evaluations per second rank 0 can commit
# (predicted accuracy, where a worker's answer costs microseconds, so rank 0's simulation and
# workspace commits are all that is left). Each figure is printed with the load average
# beside it; the machine may be shared. Not part of ctest.
# Usage: tests/bench/run_mpi_search_bench.sh [TCW] [BUDGET]   (TCW default build/app/cli/tcw;
#        BUDGET trained evaluations per run, default 8)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tcw="${1:-$here/../../build/app/cli/tcw}"
budget="${2:-8}"
if [ ! -x "$tcw" ]; then
  echo "error: $tcw not found; build it: cmake --build build --target tcw" >&2
  exit 2
fi
command -v mpirun >/dev/null || { echo "error: mpirun not found (apt-get install openmpi-bin)" >&2; exit 2; }
export TCW_DATA_DIR="${TCW_DATA_DIR:-$here/../../data}"
export OMPI_MCA_btl="${OMPI_MCA_btl:-self,vader}" # one host
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
asRoot=()
[ "$(id -u)" -eq 0 ] && asRoot=(--allow-run-as-root)

trained=(--model-space laptop --accuracy trained --data fashion-mnist --algorithm random --budget "$budget"
         --train-steps 20 --train-batch 32 --max-train 1000 --max-test 200 --quiet)
predicted=(--algorithm random --budget 3000 --quiet)

run() { # label, evaluations, command...
  local label="$1" evaluations="$2"; shift 2
  rm -f "$tmp"/w.tcw*
  local start end
  start=$(date +%s.%N)
  "$@" > "$tmp/out" 2> "$tmp/err" || { cat "$tmp/out" "$tmp/err" >&2; exit 1; }
  end=$(date +%s.%N)
  awk -v l="$label" -v n="$evaluations" -v s="$start" -v e="$end" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" \
    'BEGIN { printf "%-44s %6d evaluations in %7.1f s = %8.3f /s  (load %s)\n", l, n, e - s, n / (e - s), load }'
}

echo "trained accuracy (laptop space, Fashion-MNIST, 20 steps of 32, random search, budget $budget)"
run "alone, 1 evaluation thread" "$budget" "$tcw" search --workspace "$tmp/w.tcw" "${trained[@]}" --threads 1
run "alone, 2 evaluation threads" "$budget" "$tcw" search --workspace "$tmp/w.tcw" "${trained[@]}" --threads 2
for n in 1 2 3; do
  run "mpirun -n $n (1 evaluation per worker rank)" "$budget" \
    mpirun "${asRoot[@]}" --oversubscribe -n "$n" "$tcw" search --workspace "$tmp/w.tcw" "${trained[@]}" --threads 1
done
echo "rank 0's commit rate (predicted accuracy, random search, 3,000 evaluations)"
run "alone, 2 evaluation threads" 3000 "$tcw" search --workspace "$tmp/w.tcw" "${predicted[@]}" --threads 2
run "mpirun -n 3, 8 evaluations per worker rank" 3000 \
  mpirun "${asRoot[@]}" --oversubscribe -n 3 "$tcw" search --workspace "$tmp/w.tcw" "${predicted[@]}" --threads 8
