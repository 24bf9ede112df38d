#!/usr/bin/env bash
# Issue 20, Done-when 5: a 2-thread training (bench_dynaprop, the Fashion-MNIST ViT preset,
# batch 128, patch 7) alone and beside a 2-thread CPU burner (two busy shell loops), with the
# OpenMP wait policy the executables now set (PASSIVE: idle threads sleep) and with ACTIVE
# (idle threads spin, the worst case of libgomp's default). Prints each median step time and
# the slowdown beside the burner against alone; target ≤ 3×. Rounds interleave the cases.
# The "alone" runs share the machine with whatever else runs: the load average is printed.
# Usage: tests/bench/run_busy_bench.sh [BUILD_DIR] [ROUNDS] [STEPS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
build="${1:-$root/build}"
rounds="${2:-3}"
steps="${3:-10}"
bench="$build/tests/bench/bench_dynaprop"
if [ ! -x "$bench" ]; then
  echo "error: $bench not found; build it: cmake --build $build --target bench_dynaprop" >&2
  exit 2
fi
args=(--model "$root/data/presets/models/vit-fashion-mnist.json" --data fashion-mnist --patch 7 --batch 128
      --threads 2 --steps "$steps" --warmup 3)
burners=()
start_burner() { for _ in 1 2; do (while :; do :; done) & burners+=($!); done; }
stop_burner() { for p in "${burners[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; burners=(); }
trap stop_burner EXIT
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$2"; }
mid() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
declare -A ms
echo "load before: $(cat /proc/loadavg)"
for round in $(seq "$rounds"); do
  for policy in PASSIVE ACTIVE; do
    for busy in alone burner; do
      [ "$busy" = burner ] && start_burner
      line="$(OMP_WAIT_POLICY=$policy "$bench" "${args[@]}")"
      [ "$busy" = burner ] && stop_burner
      echo "round $round $policy $busy: $(field median_ms "$line") ms (load $(cut -d' ' -f1 /proc/loadavg))"
      ms[$policy $busy]+="$(field median_ms "$line") "
    done
  done
done
echo "load after: $(cat /proc/loadavg)"
for policy in PASSIVE ACTIVE; do
  # shellcheck disable=SC2086
  a="$(mid ${ms[$policy alone]})" b="$(mid ${ms[$policy burner]})"
  awk -v p="$policy" -v a="$a" -v b="$b" \
      'BEGIN { printf "OMP_WAIT_POLICY=%s: alone %.1f ms, beside a 2-thread burner %.1f ms: slowdown %.2f× (target ≤ 3)\n", p, a, b, b / a }'
done
