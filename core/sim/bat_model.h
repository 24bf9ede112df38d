// The BAT-class cost model (issue 15): cycles, latency and feasibility of a transformer's
// forward pass (inference, one sequence) on a `bat` target. The workbench's own model, built
// from what the BAT paper's abstract names; every assumption is written in docs/simulator.md:
//   engine:    a matmul of M × N outputs reducing over R takes ⌈M·N·R·passes / (P·L·K)⌉
//              cycles, passes = wPasses(b_B) × aPasses(b_A) (b_B the weight-side operand's
//              bits: 1 pass at ≤ 2 bits (binary, ternary with a zero-skip bit), else b;
//              b_A the activation's bits: b passes bit-serial, ⌈b / p⌉ bit-parallel)
//   units:     scale ⌈outputs / scaleUnits⌉, softmax ⌈T·S·heads / softmaxUnits⌉, layer norm
//              ⌈2·T·H / layerNormUnits⌉, activation ⌈T·Σ f_hidden / activationUnits⌉
//   streaming: each layer is two segments, the Q/K/V projection (keys and values of every
//              token are needed before attention) and attention through the feed-forward
//              stack; a segment's stages (the engine, time-shared by its matmuls, and each
//              unit) pass token blocks of T through FIFOs: Σ stages + (blocks − 1) × slowest
//   memory:    encoder weights at their stored bits plus scales in the weight buffer; keys
//              and values of the sequence in the key/value buffer; one token block of the
//              widest tensor in each FIFO. What does not fit is named as a reason.
// Only sa_sdp attention heads and fixed-point precisions (1–16-bit activations, 1–8-bit
// weights) are costed; anything else is a reason and no cycles are reported.
#pragma once

#include "design/bat_target.h"
#include "design/transformer_spec.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tcw {

struct BatStage {
    std::string name;                // "engine", "scale", "softmax", "layer norm", "activation"
    std::int64_t cyclesPerBlock = 0; // one token block through this stage
};

struct BatSegment {
    int layer = 0;
    std::string name; // "qkv" or "attention+ffn"
    std::vector<BatStage> stages;
    std::int64_t blocks = 0;
    std::int64_t cycles = 0; // Σ stages + (blocks − 1) × slowest
};

struct BatResult {
    bool costed = false;              // false: unsupported heads or precisions (see reasons)
    bool feasible = false;            // costed and everything fits
    std::vector<std::string> reasons; // why not costed or not feasible, each naming the field
    std::vector<BatSegment> segments; // costed only
    std::int64_t cycles = 0;          // costed only
    double latencyMs = 0;             // costed only
    double weightBytes = 0;           // encoder weights at stored bits plus their scales
    double keyValueBytes = 0;         // largest layer's keys and values of the sequence
    double fifoBytes = 0;             // one token block of the widest tensor
    std::string fifoTensor;           // which tensor that is
};

BatResult simulateBat(const TransformerSpec& model, const TaskShape& task, const BatSpec& target);

} // namespace tcw
