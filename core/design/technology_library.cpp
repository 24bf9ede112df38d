// Technology table look-ups and validation.
#include "technology_library.h"

#include "value_text.h"

#include <cmath>

namespace tcw {

std::string MainMemoryTechnology::key() const {
    return MainMemorySpec{type, banks, ranks, channels, MainMemorySpec::defaultMode(type)}.key();
}

const MacLaneVariant* TechnologyLibrary::macLane(int macsPerLane, Nonlinearity nl) const {
    for (const auto& v : macLanes)
        if (v.macsPerLane == macsPerLane && v.nonlinearity == nl)
            return &v;
    return nullptr;
}

const TileVariant* TechnologyLibrary::softmaxFor(int tileX) const {
    for (const auto& v : softmax)
        if (v.tileX == tileX)
            return &v;
    return nullptr;
}

const TileVariant* TechnologyLibrary::layerNormFor(int tileX) const {
    for (const auto& v : layerNorm)
        if (v.tileX == tileX)
            return &v;
    return nullptr;
}

const MainMemoryTechnology* TechnologyLibrary::mainMemory(const MainMemorySpec& spec) const {
    for (const auto& m : mainMemories)
        if (m.type == spec.type && m.banks == spec.banks && m.ranks == spec.ranks && m.channels == spec.channels)
            return &m;
    return nullptr;
}

ValidationErrors validate(const TechnologyLibrary& t) {
    ValidationErrors errors;
    auto nonNegative = [&](const std::string& path, double v) {
        if (!(v >= 0) || !std::isfinite(v))
            errors.push_back({path, "must be a finite number ≥ 0, got " + valueText(v)});
    };
    auto module = [&](const std::string& path, const ModuleCost& m) {
        nonNegative(path + ".areaUM2", m.areaUM2);
        nonNegative(path + ".dynamicPowerMW", m.dynamicPowerMW);
        nonNegative(path + ".leakagePowerMW", m.leakagePowerMW);
    };
    // A clock a digital accelerator can have; outside it latencies print as 0 or inf.
    if (!(t.clockMHz >= kMinClockMHz && t.clockMHz <= kMaxClockMHz))
        errors.push_back({"clockMHz", "must be from " + valueText(kMinClockMHz) + " to " + valueText(kMaxClockMHz) +
                                          " MHz, got " + valueText(t.clockMHz)});
    // Each width is checked before the sum, which would overflow for huge values.
    if (t.integerBits < 0 || t.integerBits > 64)
        errors.push_back({"integerBits", "must be from 0 to 64, got " + std::to_string(t.integerBits)});
    else if (t.fractionBits < 0 || t.fractionBits > 64)
        errors.push_back({"fractionBits", "must be from 0 to 64, got " + std::to_string(t.fractionBits)});
    else if (t.integerBits + t.fractionBits < 1 || t.integerBits + t.fractionBits > 64)
        errors.push_back({"fractionBits", "integerBits + fractionBits must be from 1 to 64, got " +
                                              std::to_string(t.integerBits + t.fractionBits)});
    if (t.macLanes.empty())
        errors.push_back({"macLanes", "needs at least one lane variant"});
    for (std::size_t i = 0; i < t.macLanes.size(); ++i)
        module("macLanes[" + std::to_string(i) + "]", t.macLanes[i].cost);
    module("stochasticRounding", t.stochasticRounding);
    module("preSparsity", t.preSparsity);
    module("postSparsity", t.postSparsity);
    module("fifo", t.fifo);
    module("dataflow", t.dataflow);
    module("dma", t.dma);
    if (t.softmax.empty())
        errors.push_back({"softmax", "needs at least one tile variant"});
    if (t.layerNorm.empty())
        errors.push_back({"layerNorm", "needs at least one tile variant"});
    for (std::size_t i = 0; i < t.softmax.size(); ++i)
        module("softmax[" + std::to_string(i) + "]", t.softmax[i].cost);
    for (std::size_t i = 0; i < t.layerNorm.size(); ++i)
        module("layerNorm[" + std::to_string(i) + "]", t.layerNorm[i].cost);
    auto buffer = [&](const std::string& path, const BufferTechnology& b) {
        nonNegative(path + ".areaUM2PerMB", b.areaUM2PerMB);
        nonNegative(path + ".leakagePowerMWPerMB", b.leakagePowerMWPerMB);
        nonNegative(path + ".blockEnergyNJ", b.blockEnergyNJ);
        if (b.blockElements < 1)
            errors.push_back({path + ".blockElements", "must be at least 1"});
        if (!(b.bandwidthBitsPerCycle > 0))
            errors.push_back({path + ".bandwidthBitsPerCycle", "must be above 0"});
    };
    buffer("activationBuffer", t.activationBuffer);
    buffer("weightBuffer", t.weightBuffer);
    buffer("maskBuffer", t.maskBuffer);
    if (t.mainMemories.empty())
        errors.push_back({"mainMemories", "needs at least one memory"});
    for (std::size_t i = 0; i < t.mainMemories.size(); ++i)
        nonNegative("mainMemories[" + std::to_string(i) + "].blockEnergyNJ", t.mainMemories[i].blockEnergyNJ);
    if (!(t.mainMemoryLowBandwidthBitsPerCycle > 0))
        errors.push_back({"mainMemoryBandwidth.lb", "must be above 0"});
    if (!(t.mainMemoryHighBandwidthBitsPerCycle > 0))
        errors.push_back({"mainMemoryBandwidth.hb", "must be above 0"});
    return errors;
}

} // namespace tcw

namespace tcw {

TechnologyLibrary electorTechnology14nm() {
    TechnologyLibrary t;
    t.name = "elector-14nm-700mhz";
    t.clockMHz = 700;
    t.integerBits = 4;
    t.fractionBits = 16;
    t.macLanes = {
        {1, Nonlinearity::Relu, {597.964253, 0.2756146, 0.0223711}},
        {1, Nonlinearity::Gelu, {1209.955838, 0.6705926, 0.0419121}},
        {16, Nonlinearity::Relu, {8819.484999, 4.8926, 0.3003}},
        {16, Nonlinearity::Gelu, {9418.667591, 5.1955, 0.3189685}},
    };
    t.stochasticRounding = {79.043665, 0.0216570, 0.0040125};
    t.dataflow = {75946.982008, 11.3711, 2.7312};
    t.dma = {144.636242, 0.0335287, 0.0063819};
    t.fifo = {484.379110, 0.0563909, 0.0140774};
    t.layerNorm = {
        {8, {20631.005754, 12.6646, 0.6594879}},
        {16, {81104.126482, 43.8378, 2.5753}},
        {32, {318834.6362, 151.4800, 10.03566}},
    };
    t.softmax = {
        {8, {22008.079435, 9.1386, 0.6824872}},
        {16, {87573.326116, 34.6343, 2.6696}},
        {32, {348466.9006, 131.2602298481, 10.4423}},
    };
    t.preSparsity = {6216.896914, 0.2852968, 0.1507329};
    t.postSparsity = {1181.201447, 0.2613971, 0.0324301};
    t.activationBuffer = {303305.83, 247.918667, 0.079275099, 64, 11350.98};
    t.weightBuffer = {294100.83, 210.40467, 0.0856588, 64, 11350.98};
    t.maskBuffer = {302565.0, 238.196, 0.08200675, 64, 11350.98};
    t.mainMemories = {
        {MemoryType::Rram, 16, 2, 2, 17.321165},   {MemoryType::Rram, 8, 2, 4, 32.655499},
        {MemoryType::Rram, 4, 2, 8, 69.3328008},   {MemoryType::Rram, 2, 2, 16, 149.0564671},
        {MemoryType::Rram, 32, 2, 1, 8.63281599},  {MemoryType::Rram, 1, 2, 32, 340.9690911},
        {MemoryType::Dram, 16, 2, 2, 69.00706337}, {MemoryType::Dram, 8, 2, 4, 200.2819855},
        {MemoryType::Dram, 32, 2, 1, 13.43777522}, {MemoryType::Dram, 16, 4, 1, 38.28777884},
        {MemoryType::Hbm, 32, 1, 4, 26.5569841},
    };
    t.mainMemoryBlockElements = 64;
    t.mainMemoryLowBandwidthBitsPerCycle = 785.365;
    t.mainMemoryHighBandwidthBitsPerCycle = 7853.65;
    return t;
}

} // namespace tcw
