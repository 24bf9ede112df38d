#!/usr/bin/env bash
# Evaluations per second of `tcw search` with trained accuracy (short budgets) alone and
# under mpirun with 1, 2 and 3 ranks, and how many evaluations per second rank 0 can commit
# (predicted accuracy, where a worker's answer costs microseconds, so rank 0's simulation and
# workspace commits are all that is left). The trained runs use NSGA-II with a population of
# 4, so a budget of 8 crosses a generation boundary: the asynchronous mode (steady state,
# the default under mpirun) against --sync shows what waiting at it costs. Each case runs RUNS
# times; every run is printed with the load average beside it, then the median. The machine
# may be shared: read the load. Not part of ctest.
# Usage: tests/bench/run_mpi_search_bench.sh [TCW] [BUDGET] [RUNS]   (TCW default
#        build/app/cli/tcw; BUDGET trained evaluations per run, default 8; RUNS default 3)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tcw="${1:-$here/../../build/app/cli/tcw}"
budget="${2:-8}"
runs="${3:-3}"
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

trained=(--model-space laptop --accuracy trained --data fashion-mnist --algorithm nsga2 --population 4
         --budget "$budget" --train-steps 20 --train-batch 32 --max-train 1000 --max-test 200 --quiet)
predicted=(--algorithm random --budget 3000 --quiet)

run() { # label, evaluations, command...: RUNS runs, each printed, then the median rate
  local label="$1" evaluations="$2"; shift 2
  local rates=()
  for r in $(seq "$runs"); do
    rm -f "$tmp"/w.tcw*
    local start end
    start=$(date +%s.%N)
    "$@" > "$tmp/out" 2> "$tmp/err" || { cat "$tmp/out" "$tmp/err" >&2; exit 1; }
    end=$(date +%s.%N)
    rates+=("$(awk -v n="$evaluations" -v s="$start" -v e="$end" 'BEGIN { printf "%.4f", n / (e - s) }')")
    awk -v l="$label" -v r="$r" -v n="$evaluations" -v s="$start" -v e="$end" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" \
      'BEGIN { printf "  %-50s run %d: %6d evaluations in %7.1f s = %8.3f /s  (load %s)\n", l, r, n, e - s, n / (e - s), load }'
  done
  printf '%-52s median %8.3f evaluations/s over %d runs\n' "$label" \
    "$(printf '%s\n' "${rates[@]}" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')" "$runs"
}

mpi() { mpirun "${asRoot[@]}" --oversubscribe -n "$@"; }

echo "trained accuracy (laptop space, Fashion-MNIST, 20 steps of 32, NSGA-II population 4, budget $budget)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
run "alone, 1 evaluation thread" "$budget" "$tcw" search --workspace "$tmp/w.tcw" "${trained[@]}" --threads 1
run "alone, 2 evaluation threads" "$budget" "$tcw" search --workspace "$tmp/w.tcw" "${trained[@]}" --threads 2
run "mpirun -n 1 (runs alone, 1 thread)" "$budget" mpi 1 "$tcw" search --workspace "$tmp/w.tcw" "${trained[@]}" --threads 1
for n in 2 3; do
  run "mpirun -n $n, async across rounds, 1/worker" "$budget" mpi "$n" "$tcw" search --workspace "$tmp/w.tcw" \
    "${trained[@]}" --threads 1
done
run "mpirun -n 3, --sync, 1/worker" "$budget" mpi 3 "$tcw" search --workspace "$tmp/w.tcw" "${trained[@]}" --threads 1 --sync
echo "rank 0's commit rate (predicted accuracy, random search, 3,000 evaluations)"
run "alone, 2 evaluation threads" 3000 "$tcw" search --workspace "$tmp/w.tcw" "${predicted[@]}" --threads 2
run "mpirun -n 3, 8 evaluations per worker rank" 3000 mpi 3 "$tcw" search --workspace "$tmp/w.tcw" "${predicted[@]}" --threads 8
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
