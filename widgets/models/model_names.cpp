#include "model_names.h"

#include <QCoreApplication>
#include <QStringList>

#include <algorithm>
#include <map>

namespace tcw::models {

namespace {

QString range(int lo, int hi) {
    return lo == hi ? QString::number(lo) : QStringLiteral("%1–%2").arg(lo).arg(hi);
}

QString tr(const char* text) {
    return QCoreApplication::translate("ModelNames", text);
}

} // namespace

QString architectureSummary(const TransformerSpec& spec) {
    if (spec.layers.empty())
        return tr("no layers");
    int hLo = spec.layers.front().hiddenSize, hHi = hLo;
    int aLo = int(spec.layers.front().heads.size()), aHi = aLo;
    int fCountLo = int(spec.layers.front().feedForwardSizes.size()), fCountHi = fCountLo;
    int fLo = -1, fHi = -1;
    for (const LayerSpec& l : spec.layers) {
        hLo = std::min(hLo, l.hiddenSize);
        hHi = std::max(hHi, l.hiddenSize);
        aLo = std::min(aLo, int(l.heads.size()));
        aHi = std::max(aHi, int(l.heads.size()));
        fCountLo = std::min(fCountLo, int(l.feedForwardSizes.size()));
        fCountHi = std::max(fCountHi, int(l.feedForwardSizes.size()));
        for (int f : l.feedForwardSizes) {
            fLo = fLo < 0 ? f : std::min(fLo, f);
            fHi = std::max(fHi, f);
        }
    }
    QStringList parts;
    parts << (spec.layers.size() == 1 ? tr("1 layer") : tr("%1 layers").arg(spec.layers.size()));
    parts << tr("hidden %1").arg(range(hLo, hHi));
    parts << (aLo == 1 && aHi == 1 ? tr("1 head") : tr("%1 heads").arg(range(aLo, aHi)));
    if (fLo > 0)
        parts << (fCountLo == 1 && fCountHi == 1 ? tr("FF %1").arg(range(fLo, fHi))
                                                 : tr("FF %1 × %2").arg(range(fCountLo, fCountHi), range(fLo, fHi)));
    return parts.join(QStringLiteral(" · "));
}

bool isHashName(const QString& name) {
    if (name.size() < 32)
        return false;
    return std::all_of(name.begin(), name.end(), [](QChar c) {
        return (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || (c >= QLatin1Char('a') && c <= QLatin1Char('f')) ||
               (c >= QLatin1Char('A') && c <= QLatin1Char('F'));
    });
}

QString compactArchitecture(const TransformerSpec& spec) {
    if (spec.layers.empty())
        return tr("no layers");
    int hLo = spec.layers.front().hiddenSize, hHi = hLo;
    int aLo = int(spec.layers.front().heads.size()), aHi = aLo;
    for (const LayerSpec& l : spec.layers) {
        hLo = std::min(hLo, l.hiddenSize);
        hHi = std::max(hHi, l.hiddenSize);
        aLo = std::min(aLo, int(l.heads.size()));
        aHi = std::max(aHi, int(l.heads.size()));
    }
    return QStringLiteral("L%1 · H%2 · A%3").arg(spec.layers.size()).arg(range(hLo, hHi), range(aLo, aHi));
}

QString displayModelName(const QString& name, const TransformerSpec& spec) {
    if (!isHashName(name) || spec.layers.empty())
        return name;
    return QStringLiteral("%1 (%2)").arg(compactArchitecture(spec), name.left(6));
}

QString modelNameToolTip(const QString& name, const TransformerSpec& spec) {
    QStringList lines;
    lines << (isHashName(name) ? tr("Model %1 (EdgeTran's hash of its architecture)").arg(name) : name);
    if (spec.layers.empty())
        return lines.join(QLatin1Char('\n'));
    lines << architectureSummary(spec);
    for (std::size_t i = 0; i < spec.layers.size(); ++i) {
        const LayerSpec& l = spec.layers[i];
        std::map<std::string, int> heads;
        for (const HeadSpec& h : l.heads)
            ++heads[std::string(headTypeName(h.type))];
        QStringList h;
        for (const auto& [type, count] : heads)
            h << QStringLiteral("%1×%2").arg(count).arg(QString::fromStdString(type));
        QStringList ff;
        for (int f : l.feedForwardSizes)
            ff << QString::number(f);
        lines << tr("L%1: hidden %2, heads %3, FF %4")
                     .arg(i + 1)
                     .arg(l.hiddenSize)
                     .arg(h.join(QStringLiteral(" ")), ff.join(QStringLiteral("→")));
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace tcw::models
