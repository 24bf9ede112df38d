#!/usr/bin/env bash
# Collects the fuzz targets' seed corpora: the repository's own inputs from data/ and
# tests/data/ (copied, one folder per target), the generated ones (fuzz_seeds), and every
# input in tests/data/fuzz/TARGET/ (inputs that once crashed a target: each short run
# replays them first).
# Usage: collect_seeds.sh SOURCE_DIR OUT_DIR FUZZ_SEEDS_BINARY
set -euo pipefail
src=$1 out=$2 seeds_bin=$3

rm -rf "$out"
mkdir -p "$out"
# copy TARGET FIND-ARGS...: every file find prints, named by its path (slashes → '-').
copy() {
  local target=$1
  shift
  mkdir -p "$out/$target"
  (cd "$src" && find "$@" -type f | sort) | while read -r f; do
    cp "$src/$f" "$out/$target/${f//\//-}"
  done
}
copy document_json data/presets data/tech tests/data/io -name '*.json'
copy document_yaml data/spaces data/presets tests/data/io -name '*.yaml'
copy search_json data/accuracy -name '*.json'
copy lesson data/lessons -name '*.json'
copy idx data/datasets/fashion-mnist-mini -name '*.gz'
for d in "$src"/tests/data/fuzz/*/; do
  [ -d "$d" ] && copy "$(basename "$d")" "tests/data/fuzz/$(basename "$d")"
done
"$seeds_bin" "$src" "$out"
for d in "$out"/*/; do
  echo "$(basename "$d"): $(find "$d" -type f | wc -l) seeds"
done
