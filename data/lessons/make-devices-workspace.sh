#!/bin/sh
# Rebuilds devices.tcw, the workspace of the lesson "Accelerator or off-the-shelf device?": a
# model × device search over EdgeTran's seven measured devices (its 782 stored pairs, measured,
# and 16 new pairs whose costs the devices' surrogates predict; seed 1), and an NSGA-II search
# of 32 FlexiBERT 2.0 × ELECTOR pairs (seed 1, predicted accuracy) to plot beside them.
# Usage: data/lessons/make-devices-workspace.sh [path/to/tcw]
set -eu
tcw=${1:-build/app/cli/tcw}
out=$(dirname "$0")/devices.tcw
rm -f "$out"
"$tcw" search --targets devices:edgetran --budget 16 --seed 1 --workspace "$out" >/dev/null
"$tcw" search --workspace "$out" --algorithm nsga2 --population 16 --budget 32 --seed 1 --quiet
# Small pages keep the file small; nothing else changes.
sqlite3 "$out" "PRAGMA journal_mode = DELETE; PRAGMA page_size = 1024; VACUUM;" >/dev/null
ls -l "$out"
