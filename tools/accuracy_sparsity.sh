#!/bin/sh
# Accuracy–sparsity curves (issue 16, Done-when 3): dense plus unstructured, block-16x16 and
# hierarchical pruning at 50 / 75 / 90 % weight sparsity, each trained one-shot (pruned at half
# the steps, then fine-tuned with the mask fixed) by `tcw select-device --runs`, which caches
# one run folder per setting: an interrupted script resumes where it stopped. Prints one line
# per setting (pattern, sparsity, test accuracy) from the folders' metrics.json.
#
#   tools/accuracy_sparsity.sh BUILD_DIR fmnist|fortunes OUT_DIR [STEPS]
#
# PATTERNS and SPARSITIES (environment, comma-separated) replace the default
# unstructured,block-16x16,hierarchical and 0.5,0.75,0.9 (the settings train in that order).
#
# The budget is short on purpose (a shared 2-core machine): STEPS optimizer steps of batch 64
# (default 400), tested on 2,000 test examples. The catalogue only decides the printed matrix;
# the curves are the accuracies.
set -eu
build=$1
task=$2
out=$3
steps=${4:-400}
tcw="$build/app/cli/tcw"
here=$(cd "$(dirname "$0")/.." && pwd)
case "$task" in
fmnist) args="--model vit-fashion-mnist --data fashion-mnist --patch 7" ;;
fortunes) args="--model fortunes-lid --data fortunes" ;;
*) echo "task: fmnist or fortunes" >&2; exit 2 ;;
esac
mkdir -p "$out"
# shellcheck disable=SC2086
OMP_WAIT_POLICY=PASSIVE nice -n 10 "$tcw" select-device $args --steps "$steps" --batch 64 --max-test 2000 \
    --threads 1 --quiet --latency 1000 --accuracy 0 --catalogue "$here/data/targets/example-catalogue.json" \
    --patterns "${PATTERNS:-unstructured,block-16x16,hierarchical}" --sparsity "${SPARSITIES:-0.5,0.75,0.9}" \
    --runs "$out" >"$out/select.txt"
for dir in "$out"/*/; do
    name=$(basename "$dir")
    acc=$(sed -n 's/.*"testAccuracy": *\([0-9.eE+-]*\).*/\1/p' "$dir/metrics.json" | head -n 1)
    echo "$name $acc"
done
