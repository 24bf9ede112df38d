// Breakdown series from a SimResult.
#include "breakdown_series.h"

#include "colour_map.h"
#include "op_table_model.h"

#include <QCoreApplication>

namespace tcw::models {

namespace {
QString tr(const char* text) {
    return QCoreApplication::translate("Breakdown", text);
}
} // namespace

double BarSeries::total(int category) const {
    double sum = 0;
    for (double v : values[std::size_t(category)])
        sum += v;
    return sum;
}

QString moduleLabel(ModuleClass module) {
    switch (module) {
    case ModuleClass::MacLanes:
        return tr("MAC lanes");
    case ModuleClass::Sparsity:
        return tr("Sparsity modules");
    case ModuleClass::Fifo:
        return tr("FIFOs");
    case ModuleClass::StochasticRounding:
        return tr("Stochastic rounding");
    case ModuleClass::Softmax:
        return tr("Softmax units");
    case ModuleClass::LayerNorm:
        return tr("Layer norm");
    case ModuleClass::Dataflow:
        return tr("Dataflow");
    case ModuleClass::Dma:
        return tr("DMA");
    case ModuleClass::ActivationBuffer:
        return tr("Activation buffer");
    case ModuleClass::WeightBuffer:
        return tr("Weight buffer");
    case ModuleClass::MaskBuffer:
        return tr("Mask buffer");
    case ModuleClass::MainMemory:
        return tr("Main memory");
    }
    return {};
}

QString opKindLabel(OpKind kind) {
    switch (kind) {
    case OpKind::Load:
        return tr("Loads");
    case OpKind::Store:
        return tr("Stores");
    case OpKind::Embedding:
        return tr("Embedding");
    case OpKind::MatMul:
        return tr("Matrix multiply");
    case OpKind::Convolution:
        return tr("Convolution");
    case OpKind::Softmax:
        return tr("Softmax");
    case OpKind::LayerNorm:
        return tr("Layer norm");
    case OpKind::Nonlinearity:
        return tr("Nonlinearity");
    case OpKind::Elementwise:
        return tr("Elementwise");
    case OpKind::Transform:
        return tr("DFT / DCT");
    case OpKind::HeadGroup:
        return tr("Head groups");
    case OpKind::Update:
        return tr("Weight update");
    }
    return {};
}

BarSeries energyByModule(const SimResult& r) {
    BarSeries s;
    s.title = tr("Energy by module");
    s.unit = QStringLiteral("µJ");
    s.segmentNames = {tr("dynamic"), tr("leakage")};
    s.segmentColours = {palette::series(0), palette::series(4)};
    for (int m = 0; m < kModuleClassCount; ++m) {
        const EnergyNJ& e = r.energy[std::size_t(m)];
        if (e.total() <= 0)
            continue;
        s.categories << moduleLabel(ModuleClass(m));
        s.values.push_back({e.dynamic / 1e3, e.leakage / 1e3});
    }
    return s;
}

BarSeries areaByModule(const SimResult& r) {
    BarSeries s;
    s.title = tr("Area by module");
    s.unit = QStringLiteral("mm²");
    s.segmentNames = {tr("area")};
    s.segmentColours = {palette::series(2)};
    for (int m = 0; m < kModuleClassCount; ++m) {
        if (ModuleClass(m) == ModuleClass::MainMemory || r.areaMM2[std::size_t(m)] <= 0)
            continue;
        s.categories << moduleLabel(ModuleClass(m));
        s.values.push_back({r.areaMM2[std::size_t(m)]});
    }
    return s;
}

BarSeries utilisationByModule(const SimResult& r) {
    BarSeries s;
    s.title = tr("Utilisation");
    s.unit = QStringLiteral("%");
    s.segmentNames = {tr("busy")};
    s.segmentColours = {palette::series(1)};
    s.fixedMax = 100;
    for (int m = 0; m < kModuleClassCount; ++m) {
        const bool built = r.areaMM2[std::size_t(m)] > 0 || ModuleClass(m) == ModuleClass::MainMemory;
        if (!built || (ModuleClass(m) == ModuleClass::StochasticRounding && r.mode == SimMode::Inference))
            continue;
        s.categories << moduleLabel(ModuleClass(m));
        s.values.push_back({100.0 * r.utilisation[std::size_t(m)]});
    }
    return s;
}

BarSeries latencyByOpKind(const SimResult& r) {
    BarSeries s;
    s.title = tr("Latency by op");
    s.unit = QStringLiteral("µs");
    s.segmentNames = {tr("forward"), tr("backward"), tr("update")};
    s.segmentColours = {palette::forward(), palette::backward(), palette::update()};
    const double usPerCycle = 1.0 / r.clockMHz;
    for (const OpKindCycles& row : cyclesByKind(r.ops)) {
        s.categories << opKindLabel(row.kind);
        s.values.push_back({row.cycles[0] * usPerCycle, row.cycles[1] * usPerCycle, row.cycles[2] * usPerCycle});
    }
    if (r.mode == SimMode::Inference) { // one phase: plain bars
        s.segmentNames = {tr("forward")};
        s.segmentColours.resize(1);
        for (auto& v : s.values)
            v.resize(1);
    }
    return s;
}

QString phaseSplitText(const SimResult& r) {
    double total = 0;
    for (auto c : r.cyclesByPhase)
        total += double(c);
    if (total <= 0)
        return {};
    QStringList parts;
    const char* names[] = {QT_TRANSLATE_NOOP("Breakdown", "forward"), QT_TRANSLATE_NOOP("Breakdown", "backward"),
                           QT_TRANSLATE_NOOP("Breakdown", "update")};
    for (int p = 0; p < kPhaseCount; ++p)
        if (r.cyclesByPhase[std::size_t(p)] > 0)
            parts << QStringLiteral("%1 %2 %")
                         .arg(tr(names[p]))
                         .arg(100.0 * double(r.cyclesByPhase[std::size_t(p)]) / total, 0, 'f', 0);
    return parts.join(QStringLiteral(" · "));
}

} // namespace tcw::models
