// The `fpga` target kind: an FPGA part and the sparse-weight accelerator laid out on it (PEs
// each reading their own on-chip bank, the weights' storage format). Every field is a row of
// fpgaFields(); the cost model is core/sim/fpga_model.h.
#pragma once

#include "field_descriptor.h"
#include "validation.h"

#include <cstdint>
#include <span>
#include <string>

namespace tcw {

struct TechnologyLibrary;

struct FpgaSpec {
    std::string name = "fpga";
    // The part (vendor data sheets).
    int dspSlices = 1728;               // DSP blocks
    int luts = 230400;                  // CLB look-up tables
    double onChipMemoryBits = 39813120; // block RAM + UltraRAM, bits
    double offChipBandwidthGBps = 19.2; // external DRAM, 10⁹ bytes/s
    double clockMHz = 200;              // the accelerator's clock on this part
    // The accelerator on it (our modelling).
    int peCount = 64;            // PEs, each with its own weight bank
    int macsPerPe = 16;          // MAC lanes of a PE: tokens that share one weight read
    int dspPerMac = 1;           // DSP blocks one MAC lane uses at weightBits
    int lutsPerPe = 1500;        // LUTs of a PE's control and index decoder
    int decodeBitsPerCycle = 64; // index bits a PE's decoder reads per cycle
    int weightBits = 16;         // bits per stored weight value
    int weightFormat = 1;        // storage format: dense, bitmap, csr, bcsr, cbr, two-level
    int blockRows = 16;          // b_r × b_c of the block formats; a PE's bank holds bands
    int blockCols = 16;          // of blockCols output columns, dealt round robin
    int activationBits = 16;     // bits of the activations read and written off-chip

    bool operator==(const FpgaSpec&) const = default;
};

std::span<const FieldDescriptor<FpgaSpec>> fpgaFields();

// Every field within its bounds; the PEs' DSPs and LUTs within the part's (with the numbers).
ValidationErrors validate(const FpgaSpec& spec, const TechnologyLibrary* technology = nullptr);

} // namespace tcw
