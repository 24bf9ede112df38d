// Energy, area and peak power of a BAT-class accelerator (issue 15, Done-when 6): OUR OWN
// MODELLING, not the BAT paper's (no BAT energy is public). The per-unit energies are derived
// from the ELECTOR 14 nm / 700 MHz table (data/tech/elector-14nm-700mhz.json) by the scaling
// rules written beside each default below and in data/spaces/bat.yaml, where a user can enter
// their own. Every count is an upper bound: the engine and every unit are charged for every
// cycle of their stage (full occupancy), docs/simulator.md "BAT-class energy".
//   E_dyn  = Σ engine cycles · P·L·K · e_bit + Σ softmax / layer-norm cycles · units · e_unit
//          + Σ scale / activation cycles · units · e_mac + weight bytes · e_byte · √(MB)
//          + 2 · key/value bytes · e_byte · √(activation MB)
//   E_leak = (P·L·K · p_bit + MB_w · p_MB + MB_a · p_MB) · latency
//   area   = P·L·K · a_bit + units · a_unit + (MB_w + MB_a) · a_MB
//   peak   = every engine slot and unit busy in the same cycle: (P·L·K · e_bit + …) · f + leakage
#pragma once

#include "bat_model.h"

namespace tcw {

struct BatEnergyTable {
    // 20-bit MAC of ELECTOR (16-MAC ReLU lane: 4.8926 mW / 700 MHz / 16 = 0.437 pJ) divided by
    // 20 × 20 one-bit products (a multiplier's energy scales with the product of its widths).
    double engineFJPerBitProduct = 1.092;
    // ELECTOR's softmax / layer-norm units for 8-wide tiles: 9.14 and 12.66 mW / 700 MHz / 8
    // outputs = 1.63 and 2.26 pJ; their mean.
    double unitPJPerOutput = 1.95;
    // Scale and activation units: one 20-bit MAC each (0.437 pJ).
    double macPJPerOutput = 0.437;
    // ELECTOR's weight buffer: 0.0857 nJ per block of 64 × 20 bits (160 bytes) at 1 MB.
    double bufferPJPerByteAt1MB = 0.535;
    // Leakage: 0.3003 mW per 16-MAC lane over 6,400 bit-product slots; buffers 210.4 mW per MB.
    double engineLeakageUWPerBitSlot = 0.0469;
    double bufferLeakageMWPerMB = 210.4;
    // Area: 8,819 µm² per 16-MAC lane over 6,400 slots; 2,665 µm² per softmax / layer-norm
    // output (22,008 and 20,631 µm² / 8); 551 µm² per MAC unit; 294,101 µm² per buffer MB.
    double engineUM2PerBitSlot = 1.378;
    double unitUM2PerOutput = 2665;
    double macUM2PerOutput = 551;
    double bufferUM2PerMB = 294101;

    bool operator==(const BatEnergyTable&) const = default;
};

struct BatEnergy {
    double dynamicNJ = 0, leakageNJ = 0, areaMM2 = 0, peakPowerMW = 0;
};

// From a costed BatResult (result.costed); the table's defaults are the derivation above.
BatEnergy batEnergy(const BatResult& result, const BatSpec& target, const BatEnergyTable& table = {});

} // namespace tcw
