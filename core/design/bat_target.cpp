#include "bat_target.h"

#include <cmath>

namespace tcw {

namespace {

template <auto Member> double getNumber(const BatSpec& s) {
    return double(s.*Member);
}
template <auto Member> void setInt(BatSpec& s, double v) {
    s.*Member = int(std::lround(v));
}
template <auto Member> void setReal(BatSpec& s, double v) {
    s.*Member = v;
}
double getFeed(const BatSpec& s) {
    return double(s.activationFeed);
}
void setFeed(BatSpec& s, double v) {
    s.activationFeed = ActivationFeed(int(std::lround(v)));
}

constexpr FieldChoice kFeeds[] = {{"bitSerial", "bit-serial"}, {"bitParallel", "bit-parallel"}};

// Bounds keep every product the cost model forms (P·L·K ≤ 2^32, tokens × widths × bits) exact
// in double and int64.
constexpr FieldDescriptor<BatSpec> kBatFields[] = {
    {{"engine.peCount",
      "",
      0,
      "PEs",
      "",
      FieldType::Integer,
      1,
      4096,
      {},
      "Processing elements of the binary matrix engine",
      "Binary matrix engine"},
     getNumber<&BatSpec::peCount>,
     setInt<&BatSpec::peCount>},
    {{"engine.lanesPerPe",
      "",
      0,
      "Lanes per PE",
      "",
      FieldType::Integer,
      1,
      1024,
      {},
      "Lanes of each PE; a lane does one XNOR-popcount (W1A1) or add/subtract row per cycle",
      "Binary matrix engine"},
     getNumber<&BatSpec::lanesPerPe>,
     setInt<&BatSpec::lanesPerPe>},
    {{"engine.bitsPerLane",
      "",
      0,
      "Bits per lane",
      "bit",
      FieldType::Integer,
      1,
      1024,
      {},
      "One-bit products a lane does per cycle (its XNOR / popcount width)",
      "Binary matrix engine"},
     getNumber<&BatSpec::bitsPerLane>,
     setInt<&BatSpec::bitsPerLane>},
    {{"engine.activationFeed", "", 0, "Activations", "", FieldType::Choice, 0, 0, kFeeds,
      "Bit-serial: a b-bit activation takes b passes; bit-parallel: ⌈b / parallel bits⌉ passes",
      "Binary matrix engine"},
     getFeed,
     setFeed},
    {{"engine.parallelActivationBits",
      "",
      0,
      "Parallel activation bits",
      "bit",
      FieldType::Integer,
      1,
      16,
      {},
      "Bits of an activation a bit-parallel lane takes per pass",
      "Binary matrix engine"},
     getNumber<&BatSpec::parallelActivationBits>,
     setInt<&BatSpec::parallelActivationBits>},
    {{"units.scale",
      "",
      0,
      "Scale units",
      "",
      FieldType::Integer,
      1,
      65536,
      {},
      "Outputs rescaled per cycle: y = α_w·α_a·(dot) + bias in fixed point",
      "Mixed-precision units"},
     getNumber<&BatSpec::scaleUnits>,
     setInt<&BatSpec::scaleUnits>},
    {{"units.softmax",
      "",
      0,
      "Softmax units",
      "",
      FieldType::Integer,
      1,
      65536,
      {},
      "Attention scores normalised per cycle",
      "Mixed-precision units"},
     getNumber<&BatSpec::softmaxUnits>,
     setInt<&BatSpec::softmaxUnits>},
    {{"units.layerNorm",
      "",
      0,
      "Layer-norm units",
      "",
      FieldType::Integer,
      1,
      65536,
      {},
      "Elements per cycle through residual add and layer norm",
      "Mixed-precision units"},
     getNumber<&BatSpec::layerNormUnits>,
     setInt<&BatSpec::layerNormUnits>},
    {{"units.activation",
      "",
      0,
      "Activation units",
      "",
      FieldType::Integer,
      1,
      65536,
      {},
      "Feed-forward hidden elements per cycle through GELU / ReLU",
      "Mixed-precision units"},
     getNumber<&BatSpec::activationUnits>,
     setInt<&BatSpec::activationUnits>},
    {{"streaming.tokenBlock",
      "",
      0,
      "Token block",
      "",
      FieldType::Integer,
      1,
      4096,
      {},
      "Tokens that stream through a layer's stages together",
      "Streaming"},
     getNumber<&BatSpec::tokenBlock>,
     setInt<&BatSpec::tokenBlock>},
    {{"streaming.fifoKB",
      "",
      0,
      "FIFO",
      "KB",
      FieldType::Real,
      0.0625,
      65536,
      {},
      "Capacity of each FIFO between stages: it must hold one token block of the widest tensor",
      "Streaming"},
     getNumber<&BatSpec::fifoKB>,
     setReal<&BatSpec::fifoKB>},
    {{"memory.weightBufferMB",
      "",
      0,
      "Weight buffer",
      "MB",
      FieldType::Real,
      0.0625,
      4096,
      {},
      "On-chip storage for the encoder's weights at their stored bits plus scales",
      "On-chip memory"},
     getNumber<&BatSpec::weightBufferMB>,
     setReal<&BatSpec::weightBufferMB>},
    {{"memory.activationBufferKB",
      "",
      0,
      "Key/value buffer",
      "KB",
      FieldType::Real,
      0.0625,
      1048576,
      {},
      "On-chip storage for the keys and values of a whole sequence (attention needs them all)",
      "On-chip memory"},
     getNumber<&BatSpec::activationBufferKB>,
     setReal<&BatSpec::activationBufferKB>},
    {{"clockMHz", "", 0, "Clock", "MHz", FieldType::Real, 1, 5000, {}, "Clock frequency", "Clock"},
     getNumber<&BatSpec::clockMHz>,
     setReal<&BatSpec::clockMHz>},
};

} // namespace

std::span<const FieldDescriptor<BatSpec>> batFields() {
    return kBatFields;
}

ValidationErrors validate(const BatSpec& spec, const TechnologyLibrary*) {
    ValidationErrors errors = validateFields(batFields(), spec);
    if (spec.activationFeed == ActivationFeed::BitParallel && spec.parallelActivationBits > spec.bitsPerLane)
        errors.push_back({"engine.parallelActivationBits",
                          "must be at most engine.bitsPerLane (" + std::to_string(spec.bitsPerLane) + ") with a " +
                              "bit-parallel feed, got " + std::to_string(spec.parallelActivationBits)});
    return errors;
}

} // namespace tcw
