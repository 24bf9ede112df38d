// Best value so far of one objective against trials (Qt Charts): a step line per search page,
// the objective chosen from the search's objectives. Values come as plain vectors (NaN before
// the first acceptable trial, drawn as nothing).
#pragma once

#include <QStringList>
#include <QVector>
#include <QWidget>

class QComboBox;
class QChart;
class QChartView;
class QLineSeries;
class QValueAxis;

namespace tcw::widgets {

class BestSoFarChart : public QWidget {
    Q_OBJECT

public:
    explicit BestSoFarChart(QWidget* parent = nullptr);

    struct Series {
        QString name;          // "Latency"
        QString unit;          // "ms"; values are in this unit
        QVector<double> value; // per trial, NaN while none is acceptable
    };
    void setSeries(QList<Series> series);
    void clear();
    int objectiveCount() const { return m_series.size(); }
    void showObjective(int index);
    int shownObjective() const;
    // The points drawn now: (trial number from 1, value) of the shown objective.
    QList<QPointF> drawnPoints() const;

private:
    QComboBox* m_choice;
    QChartView* m_view;
    QChart* m_chart;
    QLineSeries* m_line;
    QValueAxis* m_x;
    QValueAxis* m_y;
    QList<Series> m_series;
};

} // namespace tcw::widgets
