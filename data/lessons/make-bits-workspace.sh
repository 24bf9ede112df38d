#!/bin/sh
# Rebuilds bits.tcw, the workspace of the lesson "How few bits?": one model (bits/vit-sdp.json,
# the Fashion-MNIST ViT preset with its convolution heads replaced by attention heads, which the
# BAT-class model costs) trained at five precisions with the same budget (300 steps of 64,
# 10,000 training and 2,000 test examples, patch 7, seed 1): f32 on an ELECTOR accelerator (the
# seeded draw's first; the BAT-class model costs fixed-point precisions only), and w8a8, w2a8,
# w1a8 and w1a1 on one
# BAT-class design (bits/bat-one.yaml). Each is a search of one trial, renamed by its
# precision so the lesson can select it. Usage: data/lessons/make-bits-workspace.sh [path/to/tcw]
set -eu
tcw=${1:-build/app/cli/tcw}
here=$(dirname "$0")
out=$here/bits.tcw
rm -f "$out"
train="--model-space sdp-small --fix-model $here/bits/vit-sdp.json --accuracy trained --data fashion-mnist
       --patch 7 --train-steps 300 --train-batch 64 --train-lr 2e-3 --max-train 10000 --max-test 2000
       --algorithm random --budget 1 --seed 1 --quiet"
"$tcw" search --workspace "$out" $train --targets elector --precisions f32
for p in w8a8 w2a8 w1a8 w1a1; do
    "$tcw" search --workspace "$out" $train --targets bat --bat-space "$here/bits/bat-one.yaml" --precisions $p
done
# Names only (specifications and their hashes are untouched); small pages keep the file small.
sqlite3 "$out" "UPDATE designs SET name = CASE name
                    WHEN 'search 1 trial 0' THEN 'f32' WHEN 'search 2 trial 0' THEN 'w8a8'
                    WHEN 'search 3 trial 0' THEN 'w2a8' WHEN 'search 4 trial 0' THEN 'w1a8'
                    WHEN 'search 5 trial 0' THEN 'w1a1' END
                    || CASE target_kind WHEN 'elector' THEN ' on ELECTOR' WHEN 'bat' THEN ' on BAT-class'
                                        ELSE ' model (trained)' END
                  WHERE name IN ('search 1 trial 0', 'search 2 trial 0', 'search 3 trial 0',
                                 'search 4 trial 0', 'search 5 trial 0');
                UPDATE training_runs SET name = (SELECT name FROM designs WHERE designs.id = training_runs.design_id)
                  WHERE design_id IN (SELECT id FROM designs);
                PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE; PRAGMA page_size = 1024;
                VACUUM;" >/dev/null
ls -l "$out"
