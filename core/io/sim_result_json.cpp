// SimResult → JSON.
#include "sim_result_json.h"

#include <nlohmann/json.hpp>

namespace tcw::io {

std::string simResultJson(const SimResult& r, int indent) {
    using nlohmann::ordered_json;
    ordered_json j;
    j["schemaVersion"] = 1;
    j["kind"] = "simResult";
    j["costModel"] = costModelName(r.costModel);
    j["mode"] = simModeName(r.mode);
    j["feasible"] = r.feasible;
    j["infeasibleReasons"] = r.infeasibleReasons;
    j["cycles"] = r.cycles;
    j["clockMHz"] = r.clockMHz;
    j["latencySeconds"] = r.latencySeconds();
    j["energyNJ"] = {{"dynamic", r.dynamicEnergyNJ()}, {"leakage", r.leakageEnergyNJ()}, {"total", r.totalEnergyNJ()}};
    j["areaMM2"] = r.totalAreaMM2();
    j["peakPowerMW"] = r.peakPowerMW;
    j["averagePowerMW"] = r.averagePowerMW();
    ordered_json modules = ordered_json::object();
    for (int m = 0; m < kModuleClassCount; ++m) {
        const auto mc = static_cast<ModuleClass>(m);
        modules[std::string(moduleClassName(mc))] = {{"areaMM2", r.areaMM2[m]},
                                                     {"dynamicEnergyNJ", r.energy[m].dynamic},
                                                     {"leakageEnergyNJ", r.energy[m].leakage},
                                                     {"utilisation", r.utilisation[m]}};
    }
    j["modules"] = modules;
    ordered_json phases = ordered_json::object();
    for (int p = 0; p < kPhaseCount; ++p)
        phases[std::string(phaseName(static_cast<Phase>(p)))] = {{"cycles", r.cyclesByPhase[p]},
                                                                 {"dynamicEnergyNJ", r.energyByPhaseNJ[p]}};
    j["phases"] = phases;
    ordered_json ops = ordered_json::array();
    for (const auto& op : r.ops)
        ops.push_back({{"name", op.name},
                       {"kind", opKindName(op.kind)},
                       {"phase", phaseName(op.phase)},
                       {"layer", op.layer},
                       {"cycles", op.cycles},
                       {"computeCycles", op.computeCycles},
                       {"memoryCycles", op.memoryCycles},
                       {"bufferCycles", op.bufferCycles},
                       {"bound", boundName(op.bound)},
                       {"macs", op.macs},
                       {"mainMemoryBytes", op.mainMemoryBytes},
                       {"bufferBytes", op.bufferBytes},
                       {"dynamicEnergyNJ", op.dynamicEnergyNJ}});
    j["ops"] = ops;
    return j.dump(indent);
}

} // namespace tcw::io
