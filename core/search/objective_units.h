// One unit across target kinds (issues 14 and 15): the per-sequence figures of an evaluation.
//
// A search over a union of target kinds puts designs of different kinds on one Pareto front,
// so their costs must be in one unit. The rule (docs/search.md, "Units"):
//
//  - An ELECTOR design is simulated for one batch of its own batch_size B (TransCODE's
//    convention; its stored evaluation keeps these per-batch figures, as in every other search
//    and in `tcw resimulate`). Per sequence, its latency is the batch latency / B and its
//    dynamic and leakage energy the batch's / B: the batch's cost amortised over its sequences.
//  - A bat design is costed for one sequence (divisor 1).
//  - A device row is already per sequence, averaged over the batch the device was measured
//    with — the same amortised definition, latency / B and energy / B (divisor 1).
//
// Latency per sequence is therefore amortised (throughput-side) latency, not the time one
// sequence waits: an ELECTOR design at batch 16 finishes all 16 after the batch latency.
// Area and peak power describe the hardware, not the work, and stay as they are; so do the
// simulator's cycle count (of the batch), accuracy and robustness.
//
// Which searches compare per sequence: every search whose union holds a kind other than
// ELECTOR. An ELECTOR-only search keeps its per-batch objectives exactly as before.
#pragma once

#include "objectives.h"
#include "target_union.h"

#include "design/target.h"

namespace tcw::search {

// True when a search with these targets compares its designs per sequence (a kind other than
// ELECTOR in its union); false for an ELECTOR-only search (per batch, as every earlier search).
bool perSequenceObjectives(const TargetUnion& targets);

// How many sequences one evaluation of this target covers: an ELECTOR design's batch_size
// (at least 1); 1 for a bat design and for a measured device (its rows are per sequence).
int sequencesPerEvaluation(const Target& target);

// The metrics per sequence: latency, dynamic and leakage energy divided by `sequences` (≥ 1;
// 1 returns them unchanged, bit for bit). Cycles, area, peak power, accuracy, robustness and
// the attachments (the per-batch simulation behind them) are kept.
PairMetrics perSequence(PairMetrics metrics, int sequences);

// The unit of a cost metric's values in a search with these targets: "per sequence", "per
// batch" (ELECTOR-only latency and energy) or "" (area, peak power, accuracy, robustness).
std::string_view metricBasis(Metric metric, const TargetUnion& targets);

} // namespace tcw::search
