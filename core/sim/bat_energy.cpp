// BAT-class energy, area and peak power: our own modelling (bat_energy.h).
#include "bat_energy.h"

#include <cmath>

namespace tcw {

BatEnergy batEnergy(const BatResult& r, const BatSpec& t, const BatEnergyTable& e) {
    const double slots = double(t.peCount) * double(t.lanesPerPe) * double(t.bitsPerLane);
    const double weightMB = t.weightBufferMB, activationMB = t.activationBufferKB / 1024.0;
    double engineCycles = 0, unitOutputs = 0, macOutputs = 0;
    for (const BatSegment& s : r.segments)
        for (const BatStage& st : s.stages) {
            const double cycles = double(st.cyclesPerBlock) * double(s.blocks);
            if (st.name == "engine")
                engineCycles += cycles;
            else if (st.name == "softmax")
                unitOutputs += cycles * t.softmaxUnits;
            else if (st.name == "layer norm")
                unitOutputs += cycles * t.layerNormUnits;
            else if (st.name == "scale")
                macOutputs += cycles * t.scaleUnits;
            else if (st.name == "activation")
                macOutputs += cycles * t.activationUnits;
        }
    BatEnergy out;
    const double pj = engineCycles * slots * e.engineFJPerBitProduct * 1e-3 + unitOutputs * e.unitPJPerOutput +
                      macOutputs * e.macPJPerOutput +
                      r.weightBytes * e.bufferPJPerByteAt1MB * std::sqrt(std::max(weightMB, 1e-9)) +
                      2.0 * r.keyValueBytes * e.bufferPJPerByteAt1MB * std::sqrt(std::max(activationMB, 1e-9));
    out.dynamicNJ = pj * 1e-3;
    const double leakageMW =
        slots * e.engineLeakageUWPerBitSlot * 1e-3 + (weightMB + activationMB) * e.bufferLeakageMWPerMB;
    const double seconds = double(r.cycles) / (t.clockMHz * 1e6);
    out.leakageNJ = leakageMW * 1e-3 * seconds * 1e9;
    const double units = double(t.softmaxUnits) + double(t.layerNormUnits);
    const double macs = double(t.scaleUnits) + double(t.activationUnits);
    out.areaMM2 = (slots * e.engineUM2PerBitSlot + units * e.unitUM2PerOutput + macs * e.macUM2PerOutput +
                   (weightMB + activationMB) * e.bufferUM2PerMB) *
                  1e-6;
    const double pjPerCycle =
        slots * e.engineFJPerBitProduct * 1e-3 + units * e.unitPJPerOutput + macs * e.macPJPerOutput;
    out.peakPowerMW = pjPerCycle * 1e-12 * t.clockMHz * 1e6 * 1e3 + leakageMW;
    return out;
}

} // namespace tcw
