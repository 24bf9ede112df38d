// The Editors dock's pages until the interactive editors arrive: the selected design's
// accelerator or transformer specification, read-only, as the workspace stores it (JSON).
#pragma once

#include "store/records.h"

#include <QWidget>

#include <optional>

class QLabel;
class QPlainTextEdit;
class QStackedWidget;

namespace tcw::widgets {

class EmptyStateWidget;

class DesignSpecView : public QWidget {
    Q_OBJECT

public:
    // part: which specification this page shows (Transformer or Accelerator).
    explicit DesignSpecView(store::DesignKind part, QWidget* parent = nullptr);

    // Shows the part of the design that this page is for: the whole spec of a design of
    // that kind, or the "transformer" / "accelerator" member of a co-design.
    void setDesign(const std::optional<store::DesignRecord>& design);
    bool showsSpec() const;
    QString specText() const;

private:
    store::DesignKind m_part;
    QStackedWidget* m_stack;
    EmptyStateWidget* m_empty;
    QLabel* m_caption;
    QPlainTextEdit* m_text;
};

} // namespace tcw::widgets
