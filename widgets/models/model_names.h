// A model as people read it (issue 14): EdgeTran names its models by a 32-digit hash of their
// architecture, which says nothing in a table. These name a model by its shape — layers, hidden
// sizes, heads, feed-forward widths — and keep the hash for the tooltip.
#pragma once

#include "design/transformer_spec.h"

#include <QString>

namespace tcw::models {

// "6 layers · hidden 256–768 · 8–12 heads · FF 1–3 × 256–3072": ranges where layers differ.
QString architectureSummary(const TransformerSpec& spec);

// Whether a model name is a hash (32 or more hex digits), not a name a person gave.
bool isHashName(const QString& name);

// BERT's notation: "L6 · H256–768 · A8–12" (layers, hidden sizes, heads per layer; ranges
// where layers differ).
QString compactArchitecture(const TransformerSpec& spec);

// What a device row calls its model: a hash name becomes the compact architecture with the
// hash's first six digits ("L6 · H256–768 · A8–12 (081cb1)", so two models of one shape stay
// apart); other names are kept.
QString displayModelName(const QString& name, const TransformerSpec& spec);

// The tooltip: the full name, the summary and each layer (hidden size, heads by type, FF sizes).
QString modelNameToolTip(const QString& name, const TransformerSpec& spec);

} // namespace tcw::models
