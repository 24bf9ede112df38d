#!/usr/bin/env bash
# Issue 20, Done-when 1 and 4: dense against DynaProp training, side by side, each
# configuration in its own process (bench_dynaprop), so its peak RSS (VmHWM) is its own.
# Models: the Fashion-MNIST ViT preset (patch 7, batch 128) and BERT-Mini (4 × 256, FF 1024)
# on the synthetic ListOps (sequence 64, batch 32). Configurations:
#   dense            no pruning (the sparse kernels may run; Auto finds no sparse gradients)
#   dense/oneDNN     no pruning, --dense-backward (the trainer before issue 20)
#   dp               targets 0.5 activations / 0.9 gradients, sparse kernels (Auto)
#   dp/oneDNN        the same with --dense-backward (kernels off)
#   dp/dense-store   dp with the saved activations kept dense (--dense-storage; issue 20's
#                    compressed storage off, as before it)
#   dp/max0.1        dp with the sparse kernels' break-even at the earlier default 0.1
#                    (--sparse-max-density 0.1; not run unless CONFIGS names it)
#   dp/max0.3        dp with the break-even at 0.3 (the default since steptime3; before it dp
#                    ran with 0.2): gradients of density 0.2–0.3 (BERT-Mini's FF down) run the
#                    tiled kernels, not oneDNN (not run unless named)
#   dp/max0.2        dp with steptime2's break-even, 0.2: those on oneDNN (not run unless named)
#   dense@base, dp@base   dense and dp run by another build's bench_dynaprop, BASELINE=path
#                    (e.g. main's, copied aside), for a side-by-side of two builds
# at 1 and 2 threads, ROUNDS rounds with the configurations interleaved; prints every run,
# then the median of each configuration's medians and the ratios to dense, and the load
# average before and after. Then bf16 on this CPU and on a CPU without bf16 hardware
# (oneDNN capped with ONEDNN_MAX_CPU_ISA=AVX512_CORE_VNNI): f32, --bf16 (the decision) and
# --force-bf16 (emulated).
# Usage: [MODELS="vit bert-mini"] [THREADS="1 2"] [CONFIGS="dense dp …"] [BF16=1] tests/bench/run_dynaprop_bench.sh [BUILD_DIR] [ROUNDS] [STEPS]
# (MODELS, THREADS, CONFIGS and BF16=0 shorten the run on a loaded machine; the first config
# listed must be dense: the ratios are to it.)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
build="${1:-$root/build}"
rounds="${2:-3}"
steps="${3:-8}"
bench="$build/tests/bench/bench_dynaprop"
if [ ! -x "$bench" ]; then
  echo "error: $bench not found; build it: cmake --build $build --target bench_dynaprop" >&2
  exit 2
fi
export MALLOC_MMAP_THRESHOLD_=1000000000 MALLOC_TRIM_THRESHOLD_=1000000000
models=(
  "vit|--model $root/data/presets/models/vit-fashion-mnist.json --data fashion-mnist --patch 7 --batch 128"
  "bert-mini|--model $root/data/presets/models/bert-mini.json --data listops --seq-len 64 --batch 32"
)
want_models="${MODELS:-vit bert-mini}"
want_threads="${THREADS:-1 2}"
selected=()
for m in "${models[@]}"; do
  case " $want_models " in *" ${m%%|*} "*) selected+=("$m") ;; esac
done
models=("${selected[@]}")
configs=(
  "dense|"
  "dense/oneDNN|--dense-backward"
  "dp|--target-act 0.5 --target-grad 0.9"
  "dp/oneDNN|--target-act 0.5 --target-grad 0.9 --dense-backward"
  "dp/dense-store|--target-act 0.5 --target-grad 0.9 --dense-storage"
  "dp/max0.1|--target-act 0.5 --target-grad 0.9 --sparse-max-density 0.1"
  "dp/max0.3|--target-act 0.5 --target-grad 0.9 --sparse-max-density 0.3"
  "dp/max0.2|--target-act 0.5 --target-grad 0.9 --sparse-max-density 0.2"
  "dense@base|"
  "dp@base|--target-act 0.5 --target-grad 0.9"
)
want_configs="${CONFIGS:-dense dense/oneDNN dp dp/oneDNN dp/dense-store}"
chosen=()
for c in "${configs[@]}"; do
  case " $want_configs " in *" ${c%%|*} "*) chosen+=("$c") ;; esac
done
configs=("${chosen[@]}")
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$2"; }
mid() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
echo "load before: $(cat /proc/loadavg)"
declare -A ms cpu rss train saved stored work pool
for threads in $want_threads; do
  for round in $(seq "$rounds"); do
    for m in "${models[@]}"; do
      for c in "${configs[@]}"; do
        key="${m%%|*} ${c%%|*} t$threads"
        # shellcheck disable=SC2086
        exe="$bench"
        case "${c%%|*}" in *@base) exe="${BASELINE:?set BASELINE to the other bench_dynaprop}" ;; esac
        line="$(nice -n 5 "$exe" ${m#*|} ${c#*|} --threads "$threads" --steps "$steps" --warmup 2)"
        echo "$key: $line"
        ms[$key]+="$(field median_ms "$line") "
        cpu[$key]+="$(field cpu_ms "$line") "
        rss[$key]+="$(field vmhwm_mib "$line") "
        train[$key]+="$(field vmhwm_train_mib "$line") "
        work[$key]="$(field work_mib "$line")"
        pool[$key]="$(field pool_resident_mib "$line")"
        saved[$key]="$(field saved_dense_mib "$line")"
        stored[$key]="$(field saved_stored_mib "$line")"
      done
    done
  done
done
echo "load after: $(cat /proc/loadavg)"
echo
echo "step_ms: median wall time per step; cpu_ms: median CPU time per step (all threads), the work;"
echo "train_MiB: peak RSS of the training (from the trainer's construction, the data set loaded);"
echo "peak_MiB: the whole process's; saved_dense: the saved activations dense; stored: what the"
echo "trainer holds for them (compressed for dp), work: its shared work buffer, pool: resident pool pages"
printf '%-10s %-13s %3s %9s %6s %8s %6s %9s %6s %8s %6s %8s %8s %6s %6s\n' model config thr step_ms ×dense cpu_ms ×dense train_MiB ×dense peak_MiB ×dense saved_dense stored work pool
for threads in $want_threads; do
  for m in "${models[@]}"; do
    base="${m%%|*} dense t$threads"
    # shellcheck disable=SC2086
    bms="$(mid ${ms[$base]})" bcpu="$(mid ${cpu[$base]})" brss="$(mid ${rss[$base]})" btr="$(mid ${train[$base]})"
    for c in "${configs[@]}"; do
      key="${m%%|*} ${c%%|*} t$threads"
      # shellcheck disable=SC2086
      kms="$(mid ${ms[$key]})" kcpu="$(mid ${cpu[$key]})" krss="$(mid ${rss[$key]})" ktr="$(mid ${train[$key]})"
      awk -v m="${m%%|*}" -v c="${c%%|*}" -v t="$threads" -v a="$kms" -v b="$bms" -v u="$kcpu" -v v="$bcpu" \
          -v r="$krss" -v q="$brss" -v x="$ktr" -v y="$btr" -v sd="${saved[$key]}" -v ss="${stored[$key]}" \
          -v wk="${work[$key]}" -v pl="${pool[$key]}" \
          'BEGIN { printf "%-10s %-13s %3d %9.1f %6.3f %8.1f %6.3f %9.1f %6.3f %8.1f %6.3f %8.2f %8.2f %6.2f %6.2f\n", m, c, t, a, a / b, u, u / v, x, x / y, r, r / q, sd, ss, wk, pl }'
    done
  done
done
[ "${BF16:-1}" = 1 ] || exit 0
echo
echo "bf16 (BERT-Mini, 1 thread), f32 against --bf16 and --force-bf16, here and with oneDNN capped below bf16:"
bert="--model $root/data/presets/models/bert-mini.json --data listops --seq-len 64 --batch 32 --threads 1"
for round in $(seq "$rounds"); do
  for isa in native AVX512_CORE_VNNI; do
    for p in "" "--bf16" "--force-bf16"; do
      envs=()
      [ "$isa" = native ] || envs=(ONEDNN_MAX_CPU_ISA="$isa")
      # shellcheck disable=SC2086
      line="$(env "${envs[@]}" nice -n 5 "$bench" $bert $p --steps "$steps" --warmup 2)"
      echo "isa=$isa option=${p:-f32}: $(field median_ms "$line") ms wall, $(field cpu_ms "$line") ms CPU, precision $(sed -n 's/.* precision=\([a-z0-9]*\).*/\1/p' <<<"$line")"
    done
  done
done
echo "load at the end: $(cat /proc/loadavg)"
