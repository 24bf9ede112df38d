// Log panel: a level-filtered table over the log model.
#include "log_panel.h"

#include "models/log_model.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace tcw::widgets {

namespace {
// QtMsgType is not ordered by severity (QtInfoMsg = 4): rank it.
int severity(QtMsgType type) {
    switch (type) {
    case QtDebugMsg:
        return 0;
    case QtInfoMsg:
        return 1;
    case QtWarningMsg:
        return 2;
    case QtCriticalMsg:
        return 3;
    case QtFatalMsg:
        return 4;
    }
    return 0;
}
} // namespace

class LogPanel::LevelFilter : public QSortFilterProxyModel {
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setMinimum(QtMsgType type) {
        m_minimum = severity(type);
        invalidateRowsFilter();
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override {
        const auto type = QtMsgType(sourceModel()->index(row, 0, parent).data(models::LogModel::TypeRole).toInt());
        return severity(type) >= m_minimum;
    }

private:
    int m_minimum = 0;
};

LogPanel::LogPanel(models::LogModel* model, QWidget* parent)
    : QWidget(parent), m_model(model), m_view(new QTableView(this)), m_level(new QComboBox(this)),
      m_filter(new LevelFilter(this)) {
    m_filter->setSourceModel(model);
    m_view->setModel(m_filter);
    m_view->setObjectName(QStringLiteral("logView"));
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 4);
    m_view->setShowGrid(false);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    auto* header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setStretchLastSection(true);
    const int digitWidth = m_view->fontMetrics().horizontalAdvance(QStringLiteral("00:00:00.000  "));
    header->resizeSection(models::LogModel::TimeColumn, digitWidth);
    header->resizeSection(models::LogModel::LevelColumn,
                          m_view->fontMetrics().horizontalAdvance(QStringLiteral("warning  ")) + 8);
    header->resizeSection(models::LogModel::CategoryColumn,
                          m_view->fontMetrics().horizontalAdvance(QStringLiteral("tcw.workspace  ")) + 8);

    m_level->addItem(tr("All messages"), int(QtDebugMsg));
    m_level->addItem(tr("Information and above"), int(QtInfoMsg));
    m_level->addItem(tr("Warnings and errors"), int(QtWarningMsg));
    m_level->setCurrentIndex(1);
    m_level->setToolTip(tr("Which messages to show, by severity"));
    setMinimumLevel(QtInfoMsg);
    connect(m_level, &QComboBox::currentIndexChanged, this,
            [this] { setMinimumLevel(QtMsgType(m_level->currentData().toInt())); });

    auto* copy = new QToolButton(this);
    copy->setText(tr("Copy All"));
    copy->setToolTip(tr("Copy every message (whatever the filter) to the clipboard"));
    connect(copy, &QToolButton::clicked, this, &LogPanel::copyAll);
    auto* clear = new QToolButton(this);
    clear->setText(tr("Clear"));
    clear->setToolTip(tr("Remove every message from the log"));
    connect(clear, &QToolButton::clicked, model, &models::LogModel::clear);

    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Show:"), this));
    bar->addWidget(m_level);
    bar->addStretch();
    bar->addWidget(copy);
    bar->addWidget(clear);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(m_view);

    // Follow new messages while the view is at the end; leave it where the user scrolled to.
    connect(m_filter, &QAbstractItemModel::rowsAboutToBeInserted, this, [this] {
        const QScrollBar* scrollBar = m_view->verticalScrollBar();
        m_view->setProperty("followEnd", scrollBar->value() == scrollBar->maximum());
    });
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, [this] {
        if (m_view->property("followEnd").toBool())
            m_view->scrollToBottom();
    });
}

int LogPanel::visibleRowCount() const {
    return m_filter->rowCount();
}

void LogPanel::setMinimumLevel(QtMsgType type) {
    m_filter->setMinimum(type);
}

void LogPanel::copyAll() {
    QApplication::clipboard()->setText(m_model->toPlainText());
}

} // namespace tcw::widgets
