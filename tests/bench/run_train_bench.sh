#!/usr/bin/env bash
# Runs the trainer's step benchmark beside the PyTorch peer on the same model, at 1 and 2
# threads, and prints both medians and the ratio (ours / PyTorch; the target is ≤ 0.6).
# Not part of ctest. Usage: tests/bench/run_train_bench.sh [BUILD_DIR] [STEPS]
# Needs: the bench_train_step target built in BUILD_DIR (default build), and Debian's
# python3-torch with an optimised BLAS:  apt-get install python3-torch libopenblas0-openmp
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../../build}"
steps="${2:-50}"
ours="$build/tests/bench/bench_train_step"
if [ ! -x "$ours" ]; then
  echo "error: $ours not found; build it: cmake --build $build --target bench_train_step" >&2
  exit 2
fi
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "error: PyTorch is missing for /usr/bin/python3; install: apt-get install python3-torch libopenblas0-openmp" >&2
  exit 2
fi
if ! dpkg-query -W -f='${Status}' libopenblas0-openmp 2>/dev/null | grep -q "install ok installed"; then
  echo "warning: libopenblas0-openmp is not installed; PyTorch falls back to the reference BLAS (an unfair peer)." >&2
  echo "         install: apt-get install libopenblas0-openmp" >&2
fi
# Steady timings: no malloc trimming churn. OpenMP threads wait as each program does by
# default (libgomp spins briefly, then sleeps); at 2 threads both sides are also timed with
# OMP_WAIT_POLICY=PASSIVE (threads sleep at once), the setting for a shared machine.
export MALLOC_MMAP_THRESHOLD_=1000000000 MALLOC_TRIM_THRESHOLD_=1000000000
unset OMP_WAIT_POLICY
# OpenBLAS's AVX-512 kernels for the peer when the CPU has them (a fair, fast PyTorch).
if grep -qw avx512f /proc/cpuinfo; then export OPENBLAS_CORETYPE=SkylakeX; fi
median() { sed -n 's/.*median_ms=\([0-9.]*\).*/\1/p' <<<"$1"; }
mid() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
# Each side runs 3 times, interleaved, and reports the median of its medians: on a shared or
# virtual machine cores differ in speed from minute to minute. One-thread runs are pinned to
# the same core for both sides.
last_core=$(( $(nproc) - 1 ))
for threads in 1 2; do
  pin=()
  if [ "$threads" = 1 ] && command -v taskset >/dev/null; then pin=(taskset -c "$last_core"); fi
  ps=() os=() bs=()
  for round in 1 2 3; do
    p="$(OMP_NUM_THREADS=$threads "${pin[@]}" /usr/bin/python3 "$here/pytorch_train_step.py" --threads "$threads" --steps "$steps")"
    o="$(OMP_NUM_THREADS=$threads "${pin[@]}" "$ours" --threads "$threads" --steps "$steps")"
    b="$(OMP_NUM_THREADS=$threads "${pin[@]}" "$ours" --threads "$threads" --steps "$steps" --bf16)"
    echo "$p"
    echo "$o"
    echo "$b"
    ps+=("$(median "$p")") os+=("$(median "$o")") bs+=("$(median "$b")")
  done
  f="$(OMP_NUM_THREADS=$threads "${pin[@]}" "$ours" --threads "$threads" --matmul-floor)"
  echo "$f"
  floor="$(sed -n 's/.*matmul_floor_ms=\([0-9.]*\).*/\1/p' <<<"$f")"
  peak="$(sed -n 's/.*step_at_peak_ms=\([0-9.]*\).*/\1/p' <<<"$f")"
  awk -v o="$(mid "${os[@]}")" -v b="$(mid "${bs[@]}")" -v p="$(mid "${ps[@]}")" -v f="$floor" -v c="${peak:-0}" -v t="$threads" 'BEGIN {
    printf "threads=%d pytorch=%.2f ms ours(f32)=%.2f ms ratio=%.3f ours(bf16 matmuls)=%.2f ms ratio=%.3f (target <= 0.6)\n",
           t, p, o, o / p, b, b / p
    printf "threads=%d f32 matmuls alone (floor)=%.2f ms = %.3f of pytorch\n", t, f, f / p
    if (c > 0) printf "threads=%d every FLOP at the f32 FMA ceiling=%.2f ms = %.3f of pytorch\n", t, c, c / p }'
  if [ "$threads" = 2 ]; then
    pp=() op=()
    for round in 1 2 3; do
      p="$(OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=2 /usr/bin/python3 "$here/pytorch_train_step.py" --threads 2 --steps "$steps")"
      o="$(OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=2 "$ours" --threads 2 --steps "$steps")"
      echo "$p (OMP_WAIT_POLICY=PASSIVE)"
      echo "$o (OMP_WAIT_POLICY=PASSIVE)"
      pp+=("$(median "$p")") op+=("$(median "$o")")
    done
    awk -v o="$(mid "${op[@]}")" -v p="$(mid "${pp[@]}")" 'BEGIN {
      printf "threads=2 OMP_WAIT_POLICY=PASSIVE both: pytorch=%.2f ms ours(f32)=%.2f ms ratio=%.3f\n", p, o, o / p }'
  fi
done
