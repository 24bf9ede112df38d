// The fpga kind's descriptor table and checks.
#include "fpga_spec.h"

#include <cmath>

namespace tcw {

namespace {

template <auto Member> double getInt(const FpgaSpec& s) {
    return s.*Member;
}
template <auto Member> void setInt(FpgaSpec& s, double v) {
    s.*Member = int(std::lround(v));
}
template <auto Member> double getReal(const FpgaSpec& s) {
    return s.*Member;
}
template <auto Member> void setReal(FpgaSpec& s, double v) {
    s.*Member = v;
}

// In SparseFormat order (core/compress/sparse_format.h; fpga_model.cpp checks the names).
constexpr FieldChoice kFormats[] = {{"dense", "dense"}, {"bitmap", "bitmap + values"}, {"csr", "CSR"},
                                    {"bcsr", "BCSR"},   {"cbr", "CBR-style"},          {"two-level", "two-level"}};

// Bounds: parts up to ten times today's largest; products the model forms (PEs × lanes × DSPs,
// bits of a model) stay far below 2^53.
constexpr FieldDescriptor<FpgaSpec> kFpgaFields[] = {
    {{"dspSlices",
      "",
      0,
      "DSP blocks",
      "",
      FieldType::Integer,
      1,
      200000,
      {},
      "DSP blocks of the part (data sheet)",
      "Part"},
     getInt<&FpgaSpec::dspSlices>,
     setInt<&FpgaSpec::dspSlices>},
    {{"luts",
      "",
      0,
      "LUTs",
      "",
      FieldType::Integer,
      1,
      50000000,
      {},
      "CLB look-up tables of the part (data sheet)",
      "Part"},
     getInt<&FpgaSpec::luts>,
     setInt<&FpgaSpec::luts>},
    {{"onChipMemoryBits",
      "",
      0,
      "On-chip memory",
      "bit",
      FieldType::Real,
      1,
      1e12,
      {},
      "Block RAM and UltraRAM the weights can use, in bits (data sheet)",
      "Part"},
     getReal<&FpgaSpec::onChipMemoryBits>,
     setReal<&FpgaSpec::onChipMemoryBits>},
    {{"offChipBandwidthGBps",
      "",
      0,
      "Off-chip bandwidth",
      "GB/s",
      FieldType::Real,
      0.1,
      10000,
      {},
      "Peak bandwidth of the external DRAM, 10^9 bytes per second (board data sheet)",
      "Part"},
     getReal<&FpgaSpec::offChipBandwidthGBps>,
     setReal<&FpgaSpec::offChipBandwidthGBps>},
    {{"clockMHz",
      "",
      0,
      "Clock",
      "MHz",
      FieldType::Real,
      1,
      2000,
      {},
      "Clock the accelerator closes timing at on this part",
      "Part"},
     getReal<&FpgaSpec::clockMHz>,
     setReal<&FpgaSpec::clockMHz>},
    {{"peCount",
      "",
      0,
      "PEs",
      "",
      FieldType::Integer,
      1,
      65536,
      {},
      "Processing elements; each reads its own on-chip bank of weights",
      "Accelerator"},
     getInt<&FpgaSpec::peCount>,
     setInt<&FpgaSpec::peCount>},
    {{"macsPerPe",
      "",
      0,
      "MAC lanes per PE",
      "",
      FieldType::Integer,
      1,
      4096,
      {},
      "MAC lanes of a PE: tokens that use one weight read in the same cycle",
      "Accelerator"},
     getInt<&FpgaSpec::macsPerPe>,
     setInt<&FpgaSpec::macsPerPe>},
    {{"dspPerMac",
      "",
      0,
      "DSPs per MAC",
      "",
      FieldType::Integer,
      1,
      16,
      {},
      "DSP blocks one MAC lane uses at the weights' bits",
      "Accelerator"},
     getInt<&FpgaSpec::dspPerMac>,
     setInt<&FpgaSpec::dspPerMac>},
    {{"lutsPerPe",
      "",
      0,
      "LUTs per PE",
      "",
      FieldType::Integer,
      0,
      1000000,
      {},
      "LUTs of a PE's control and index decoder",
      "Accelerator"},
     getInt<&FpgaSpec::lutsPerPe>,
     setInt<&FpgaSpec::lutsPerPe>},
    {{"decodeBitsPerCycle",
      "",
      0,
      "Index decode width",
      "bit/cycle",
      FieldType::Integer,
      1,
      4096,
      {},
      "Index bits (bitmap, column indices, pointers) a PE's decoder reads per cycle",
      "Accelerator"},
     getInt<&FpgaSpec::decodeBitsPerCycle>,
     setInt<&FpgaSpec::decodeBitsPerCycle>},
    {{"weightBits",
      "",
      0,
      "Weight bits",
      "",
      FieldType::Integer,
      1,
      32,
      {},
      "Bits of each stored weight value",
      "Weights"},
     getInt<&FpgaSpec::weightBits>,
     setInt<&FpgaSpec::weightBits>},
    {{"weightFormat", "", 0, "Weight format", "", FieldType::Choice, 0, 0, kFormats,
      "How the pruned weights are stored in the PEs' banks", "Weights"},
     getInt<&FpgaSpec::weightFormat>,
     setInt<&FpgaSpec::weightFormat>},
    {{"blockRows",
      "",
      0,
      "Block rows",
      "",
      FieldType::Integer,
      1,
      4096,
      {},
      "b_r of the block formats (BCSR, CBR-style, two-level)",
      "Weights"},
     getInt<&FpgaSpec::blockRows>,
     setInt<&FpgaSpec::blockRows>},
    {{"blockCols",
      "",
      0,
      "Block columns",
      "",
      FieldType::Integer,
      1,
      4096,
      {},
      "b_c of the block formats; also the width of the column bands dealt to the PEs",
      "Weights"},
     getInt<&FpgaSpec::blockCols>,
     setInt<&FpgaSpec::blockCols>},
    {{"activationBits",
      "",
      0,
      "Activation bits",
      "",
      FieldType::Integer,
      1,
      32,
      {},
      "Bits of the activations read from and written to off-chip memory",
      "Weights"},
     getInt<&FpgaSpec::activationBits>,
     setInt<&FpgaSpec::activationBits>},
};

} // namespace

std::span<const FieldDescriptor<FpgaSpec>> fpgaFields() {
    return kFpgaFields;
}

ValidationErrors validate(const FpgaSpec& s, const TechnologyLibrary*) {
    ValidationErrors errors = validateFields(fpgaFields(), s);
    if (!errors.empty())
        return errors;
    const double dsp = double(s.peCount) * s.macsPerPe * s.dspPerMac;
    if (dsp > s.dspSlices)
        errors.push_back({"peCount", "PEs × MAC lanes × DSPs per MAC = " + std::to_string(std::int64_t(dsp)) +
                                         " DSP blocks, more than the part's " + std::to_string(s.dspSlices)});
    const double luts = double(s.peCount) * s.lutsPerPe;
    if (luts > s.luts)
        errors.push_back({"lutsPerPe", "PEs × LUTs per PE = " + std::to_string(std::int64_t(luts)) +
                                           " LUTs, more than the part's " + std::to_string(s.luts)});
    return errors;
}

} // namespace tcw
