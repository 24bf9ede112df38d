#!/bin/sh
# Rebuilds codesign-vs-one-sided.tcw, the workspace of the lesson "Co-design against one-sided
# search": three NSGA-II searches of 64 evaluations each (seed 1, predicted accuracy, inference
# costs) in FlexiBERT 2.0 × ELECTOR — joint, the accelerator fixed to the edge preset
# (hardware-aware NAS), and the model fixed to BERT-Mini (accelerator search) — with their
# trials renamed so the toolbar filter can show one search ("joint", "fixed accelerator",
# "fixed model"). Usage: data/lessons/make-codesign-workspace.sh [path/to/tcw]
set -eu
tcw=${1:-build/app/cli/tcw}
out=$(dirname "$0")/codesign-vs-one-sided.tcw
rm -f "$out"
common="--algorithm nsga2 --population 16 --budget 64 --seed 1 --quiet"
"$tcw" search --workspace "$out" $common
"$tcw" search --workspace "$out" $common --fix-accelerator edge
"$tcw" search --workspace "$out" $common --fix-model bert-mini
# Names only (specifications and their hashes are untouched); small pages keep the file small.
sqlite3 "$out" "UPDATE designs SET name = replace(name, 'search 1 ', 'joint ') WHERE name LIKE 'search 1 %';
                UPDATE designs SET name = replace(name, 'search 2 ', 'fixed accelerator ') WHERE name LIKE 'search 2 %';
                UPDATE designs SET name = replace(name, 'search 3 ', 'fixed model ') WHERE name LIKE 'search 3 %';
                PRAGMA journal_mode = DELETE; PRAGMA page_size = 1024; VACUUM;" >/dev/null
ls -l "$out"
