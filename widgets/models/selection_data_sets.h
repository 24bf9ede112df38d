// The data sets the Selection view costs a model for (the names `tcw select-device --data`
// takes, plus "text": a BERT-style text task at a sequence length the user sets). Here, in
// the models library, so that lessons check a step's "data" against the same list the view
// offers (widgets/panels/device_selection_page.h gives each its task shape).
#pragma once

#include <QStringList>

namespace tcw::models {

inline QStringList selectionDataSets() {
    return {QStringLiteral("text"), QStringLiteral("fashion-mnist"), QStringLiteral("listops")};
}

} // namespace tcw::models
