// Finding a model's row in a device profile.
#include "device_rows.h"

namespace tcw::devices {

namespace {

TransformerSpec canonical(TransformerSpec model) {
    model.name.clear();
    model.canonicalize();
    return model;
}

} // namespace

bool sameStructure(const TransformerSpec& a, const TransformerSpec& b) {
    return canonical(a).layers == canonical(b).layers;
}

const ProfileRow* findRow(const DeviceProfile& profile, const TransformerSpec& model, const std::string& modelName) {
    if (!modelName.empty())
        for (const auto& row : profile.rows)
            if (row.modelName == modelName)
                return &row;
    const auto key = canonical(model).layers;
    for (const auto& row : profile.rows)
        if (canonical(row.model).layers == key)
            return &row;
    return nullptr;
}

} // namespace tcw::devices
