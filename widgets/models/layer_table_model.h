// The transformer editor's per-layer table: hidden size, heads (count, kinds, width) and the
// feed-forward stack of each layer. Editing a cell does not change the model by itself: it
// asks (editRequested) for the whole new specification, which the editor applies through an
// undoable command; setSpec() then brings the table in line.
#pragma once

#include "design/transformer_spec.h"

#include <QAbstractTableModel>

#include <optional>
#include <vector>

namespace tcw::models {

// "2×sa_sdp, 1×c_9": a layer's heads grouped by kind, in canonical order.
QString headsText(const std::vector<HeadSpec>& heads);
// Reads "2×sa_sdp, c_9" (also "2x", "2*", spaces or commas between groups) into head kinds;
// nothing, with a message in *error, for unknown kinds or counts below one.
std::optional<std::vector<HeadType>> parseHeads(const QString& text, QString* error);
// "1024, 512" ↔ {1024, 512}.
QString feedForwardText(const std::vector<int>& sizes);
std::optional<std::vector<int>> parseFeedForward(const QString& text, QString* error);
// A layer with its heads replaced by `kinds`, each ⌊hidden / count⌋ wide (FlexiBERT 2.0).
LayerSpec withHeads(LayerSpec layer, const std::vector<HeadType>& kinds);

class LayerTableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { LayerColumn, HiddenColumn, HeadsColumn, HeadDimColumn, FeedForwardColumn, ColumnCount };

    explicit LayerTableModel(QObject* parent = nullptr);

    void setSpec(const TransformerSpec& spec);
    const TransformerSpec& spec() const { return m_spec; }
    // Allowed hidden sizes (the design space's) offered by the editor; empty: any.
    void setHiddenSizeChoices(const std::vector<int>& sizes) { m_hiddenChoices = sizes; }
    const std::vector<int>& hiddenSizeChoices() const { return m_hiddenChoices; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

    // The specification after an edit of one cell, or nothing (with *error) when the value
    // cannot be read. Used by setData and by tests.
    std::optional<TransformerSpec> edited(int row, int column, const QVariant& value, QString* error) const;

signals:
    // field: a merge key for the undo stack (row × columns + column).
    void editRequested(const tcw::TransformerSpec& spec, const QString& description, int field);
    void editRejected(const QString& message);

private:
    TransformerSpec m_spec;
    std::vector<int> m_hiddenChoices;
};

} // namespace tcw::models
