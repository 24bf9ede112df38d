// The `bat` target kind (issue 15): a BAT-class binarized-transformer accelerator, the
// workbench's own model built from the principles the BAT paper's abstract states (a binary
// matrix engine, scale units, mixed-precision softmax / layer-norm / activation units, a
// streaming schedule through on-chip FIFOs, weights held on chip at their stored bits). Not
// the paper's design and not its numbers: no BAT dimensions are public. The cost model is in
// core/sim/bat_model.h; docs/binarized.md and docs/simulator.md give its equations.
#pragma once

#include "field_descriptor.h"
#include "validation.h"

#include <cstdint>
#include <span>
#include <string>

namespace tcw {

struct TechnologyLibrary;

// How the engine takes b-bit activations: one bit per pass (b passes), or up to
// `parallelActivationBits` bits per pass.
enum class ActivationFeed : std::uint8_t { BitSerial, BitParallel };

struct BatSpec {
    std::string name = "bat-class";
    // Binary matrix engine: P PEs × L lanes, each lane K one-bit products per cycle.
    int peCount = 64;
    int lanesPerPe = 16;
    int bitsPerLane = 64;
    ActivationFeed activationFeed = ActivationFeed::BitSerial;
    int parallelActivationBits = 8; // bit-parallel: bits per pass
    // Units beside the engine, in elements (outputs) per cycle.
    int scaleUnits = 64;      // y = α_w·α_a·(dot) + bias, one output each per cycle
    int softmaxUnits = 16;    // attention probabilities
    int layerNormUnits = 16;  // residual add + layer norm
    int activationUnits = 32; // GELU / ReLU
    // Streaming: tokens per block, FIFO between stages, on-chip buffers.
    int tokenBlock = 16;
    double fifoKB = 64;               // each inter-stage FIFO
    double weightBufferMB = 16;       // encoder weights at their stored bits plus scales
    double activationBufferKB = 1024; // keys and values of the whole sequence
    double clockMHz = 700;

    bool operator==(const BatSpec&) const = default;
};

// The descriptor table of the kind (one row per field): codecs, editors, --edit walk it.
std::span<const FieldDescriptor<BatSpec>> batFields();

// Every field within its bounds; bit-parallel feeds at most bitsPerLane bits.
ValidationErrors validate(const BatSpec& spec, const TechnologyLibrary* technology = nullptr);

} // namespace tcw
