// Issue 15: the explorer's colour by precision. A model's precision in one word (f32 for every
// model stored before precision existed, wBaA for the shorthand's, mixed otherwise); designs
// of three precisions → three categories in key order, each drawn in its own series colour
// on the Pareto plot (sampled from the rendered plot), a key instead of the colour bar; the
// design table's Precision column; the explorer settings keep the choice.
#include "models/colour_map.h"
#include "models/design_table_model.h"
#include "models/design_traits.h"
#include "models/explorer_settings.h"
#include "models/precision_colours.h"
#include "plots/scatter_plot.h"

#include "../support/settings_sandbox.h"
#include "design/precision_label.h"
#include "design/precision_shorthand.h"
#include "io/formats.h"
#include "store/workspace.h"

#include <QImage>
#include <QPainter>
#include <QSet>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

using namespace tcw;

namespace {

const QString kData = QStringLiteral(TCW_SOURCE_DATA_DIR);

TransformerSpec withPrecision(const char* shorthand) {
    TransformerSpec spec = uniformTransformer(2, 64, 2, 128);
    if (std::string(shorthand) != "f32")
        applyPrecisionShorthand(shorthand, spec.compression);
    return spec;
}

} // namespace

class TestPrecisionColours : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(testing::sandboxSettings(m_settingsDir, QStringLiteral("test_precision_colours"))); }

    void labelsNameEachPrecision() {
        QCOMPARE(precisionLabel(CompressionSpec{}), std::string("f32"));
        for (const char* name : {"w1a1", "w1a8", "w2a8", "w8a8", "w1a32", "w16a16"}) {
            CompressionSpec spec;
            QVERIFY(applyPrecisionShorthand(name, spec).empty());
            QCOMPARE(precisionLabel(spec), std::string(name));
        }
        CompressionSpec layered;
        applyPrecisionShorthand("w1a8", layered);
        layered.layerPrecision.push_back({1, TensorRole::Weights, Precision{8, Quantizer::Symmetric}});
        QCOMPARE(precisionLabel(layered), std::string("mixed"));
        CompressionSpec embeddings; // quantized embeddings: not a shorthand's model
        embeddings.precision[std::size_t(TensorRole::Embeddings)] = Precision{8, Quantizer::Symmetric};
        QCOMPARE(precisionLabel(embeddings), std::string("mixed"));
        CompressionSpec asymmetric;
        asymmetric.precision[std::size_t(TensorRole::Weights)] = Precision{8, Quantizer::Asymmetric};
        QCOMPARE(precisionLabel(asymmetric), std::string("mixed"));
    }

    // Every design of the bundled example workspace was stored before precision existed: their
    // models read as f32 (the accelerators alone have no precision).
    void designsFromBeforePrecisionReadAsF32() {
        const auto workspace = store::Workspace::openReadOnly((kData + "/examples/example.tcw").toStdString());
        int models = 0;
        for (const store::DesignRecord& d : workspace.designs()) {
            QVERIFY2(d.specJson.find("compression") == std::string::npos, d.name.c_str());
            const models::DesignTraits t = models::traitsOf(d.kind, d.specJson);
            if (t.layers) {
                QCOMPARE(t.precision, QStringLiteral("f32"));
                ++models;
            } else {
                QCOMPARE(t.precision, QString());
            }
        }
        QVERIFY(models > 0);
        // And one with a precision reads as it.
        const std::string json = io::canonicalJson(io::Document{withPrecision("w1a8")});
        QCOMPARE(models::traitsOf(store::DesignKind::Transformer, json).precision, QStringLiteral("w1a8"));
    }

    void categoriesInKeyOrder() {
        const models::PrecisionCategories c = models::precisionCategories(
            {"w1a1", "f32", "", "mixed", "w8a8", "w1a8", "f32", "w2a8", "w1a8", "w16a16", "w1a32"});
        QCOMPARE(c.names, (QStringList{"f32", "w16a16", "w8a8", "w2a8", "w1a32", "w1a8", "w1a1", "mixed"}));
        QCOMPARE(c.category, (std::vector<int>{6, 0, -1, 7, 2, 5, 0, 3, 5, 1, 4}));
    }

    // Designs of three precisions → three colours on the plot, each its category's series
    // colour, and the key names them in place of the colour bar.
    void plotDrawsEachPrecisionInItsColour() {
        models::DesignTableModel model;
        std::vector<store::DesignSummary> designs;
        std::vector<models::DesignTraits> traits;
        const char* precisions[] = {"w1a1", "f32", "w1a8", "f32", "w1a1", "w1a8"};
        for (int i = 0; i < 6; ++i) {
            store::DesignSummary s;
            s.design.id = i + 1;
            s.design.name = "d" + std::to_string(i);
            s.design.kind = store::DesignKind::Transformer;
            designs.push_back(s);
            const TransformerSpec spec = withPrecision(precisions[i]);
            traits.push_back(models::traitsOf(&spec, nullptr));
        }
        model.setDesigns(designs, traits);
        std::vector<QString> labels;
        for (int i = 0; i < model.rowCount(); ++i)
            labels.push_back(model.index(i, models::DesignTableModel::PrecisionColumn).data().toString());
        QCOMPARE(labels, (std::vector<QString>{"w1a1", "f32", "w1a8", "f32", "w1a1", "w1a8"}));
        QCOMPARE(model.headerData(models::DesignTableModel::PrecisionColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Precision"));

        const models::PrecisionCategories c = models::precisionCategories(labels);
        QCOMPARE(c.names, (QStringList{"f32", "w1a8", "w1a1"}));
        widgets::ScatterPlot plot;
        plot.resize(480, 320);
        widgets::ScatterPlot::Data data;
        for (int i = 0; i < 6; ++i) {
            data.x.push_back(1 + i);
            data.y.push_back(10 - i); // lower latency, … : every point on the front
            data.colour.push_back(5);
            data.flags.push_back(widgets::ScatterPlot::Visible | widgets::ScatterPlot::Feasible |
                                 widgets::ScatterPlot::Eligible | widgets::ScatterPlot::Front);
        }
        data.category = c.category;
        data.categories = c.names;
        data.colourTitle = QStringLiteral("Precision");
        plot.setData(data);
        QImage image(plot.size(), QImage::Format_ARGB32);
        image.fill(Qt::white);
        {
            QPainter painter(&image);
            plot.render(painter, QRectF(QPointF(0, 0), QSizeF(plot.size())), true);
        }
        QSet<QRgb> colours;
        for (int i = 0; i < 6; ++i) {
            const QRgb expected = models::palette::series(c.category[std::size_t(i)]).rgb();
            QCOMPARE(plot.colourOf(i), expected);
            const QPointF at = plot.positionOf(i);
            QCOMPARE(QColor(image.pixel(at.toPoint())).rgb(), expected); // the marker's centre, drawn
            colours.insert(expected);
        }
        QCOMPARE(colours.size(), 3);
        // Three distinct colours, none of them viridis' (the value scale is not used).
        QVERIFY(!colours.contains(plot.colourScale().colour(5)));
        // The key: a swatch of each colour right of the plot.
        const QRectF plotArea = plot.plotRect();
        for (int k = 0; k < 3; ++k) {
            bool found = false;
            for (int x = int(plotArea.right()) + 10; x < plot.width() && !found; ++x)
                for (int y = int(plotArea.top()); y < int(plotArea.top()) + 80 && !found; ++y)
                    found = image.pixel(x, y) == models::palette::series(k).rgb();
            QVERIFY2(found, qPrintable(c.names[k]));
        }
        // An infeasible point stays grey whatever its precision.
        data.flags[0] = widgets::ScatterPlot::Visible;
        plot.setData(data);
        QCOMPARE(plot.colourOf(0), models::ColourScale::missingColour());
    }

    void settingsKeepTheChoice() {
        models::ExplorerSettings settings;
        settings.setColourObjective(models::Objective::Area);
        settings.setColourByPrecision(true);
        QVERIFY(settings.summary().contains(QStringLiteral("colour: Precision")));
        {
            QSettings s;
            settings.save(s);
        }
        models::ExplorerSettings again;
        QSettings s;
        again.load(s);
        QVERIFY(again.colourByPrecision());
        QCOMPARE(again.colourObjective(), models::Objective::Area); // kept for when it is switched off
        again.setColourByPrecision(false);
        again.save(s);
        models::ExplorerSettings third;
        third.load(s);
        QVERIFY(!third.colourByPrecision());
        QCOMPARE(third.colourObjective(), models::Objective::Area);
    }

private:
    QTemporaryDir m_settingsDir;
};

QTEST_MAIN(TestPrecisionColours)
#include "test_precision_colours.moc"
