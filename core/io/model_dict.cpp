// FlexiBERT 2.0 model dicts {"l": L, "o": [[head strings] per layer], "h": [hidden per
// layer], "f": [[FF sizes] per layer]} (docs/formats.md, docs/acceltran-fast.md §1.1), read
// strictly: the reference ignores list entries past layer L, but keeping them is
// impossible, so they are an error rather than silently dropped.
#include "format_trees.h"

#include <regex>

namespace tcw::io::detail {

namespace {

// One list per layer, exactly `layers` of them. A wrong count goes to `countErrors`, added
// after the checks of the entries (it must not hide their errors, as a placeholder would).
const Json* perLayerList(ObjectReader& r, std::string_view key, int layers, ValidationErrors& errors,
                         ValidationErrors& countErrors) {
    const Json* list = r.required(key);
    if (!list || !expectArray(*list, r.path(key), errors))
        return nullptr;
    if (layers >= 1 && static_cast<int>(list->size()) != layers) {
        const bool extra = static_cast<int>(list->size()) > layers;
        countErrors.push_back(
            {r.path(key),
             "has " + std::to_string(list->size()) + " entries for l = " + std::to_string(layers) + " layers; " +
                 (extra ? "remove the extra entries (the reference ignores them)" : "one entry per layer is needed")});
    }
    return list;
}

std::string headRule() {
    return "is not a head string TYPE_DIM with TYPE one of " +
           joinValues(headTypeNames(), [](const std::string& s) { return s; }) + " and DIM a whole number";
}

} // namespace

TransformerSpec readModelDict(const Json& root, const std::string& name, ValidationErrors& errors) {
    TransformerSpec spec;
    spec.name = name;
    ObjectReader r(root, "", errors, {"l", "o", "h", "f"});
    int layers = 0;
    if (auto l = r.integer("l")) {
        if (*l < 1 || *l > TransformerSpec::kMaxLayers) // the count sizes the model before its lists are read
            errors.push_back(
                {"l", "must be 1 to " + std::to_string(TransformerSpec::kMaxLayers) + ", got " + std::to_string(*l)});
        else
            layers = *l;
    }
    ValidationErrors countErrors;
    const Json* o = perLayerList(r, "o", layers, errors, countErrors);
    const Json* h = perLayerList(r, "h", layers, errors, countErrors);
    const Json* f = perLayerList(r, "f", layers, errors, countErrors);
    for (int l = 0; l < layers; ++l) {
        LayerSpec layer;
        const auto at = static_cast<std::size_t>(l);
        if (h && at < h->size())
            if (auto hidden = readInt((*h)[at], indexPath("h", at), errors))
                layer.hiddenSize = *hidden;
        if (o && at < o->size() && expectArray((*o)[at], indexPath("o", at), errors)) {
            const Json& heads = (*o)[at];
            for (std::size_t i = 0; i < heads.size(); ++i) {
                const std::string path = indexPath(indexPath("o", at), i);
                HeadSpec head{HeadType::SaSdp, std::max(1, layer.hiddenSize / static_cast<int>(heads.size()))};
                if (auto text = readString(heads[i], path, errors)) {
                    if (auto parsed = headFromString(*text))
                        head = *parsed;
                    else
                        errors.push_back({path, "'" + *text + "' " + headRule()});
                }
                layer.heads.push_back(head);
            }
        }
        if (f && at < f->size())
            if (auto sizes = readIntList((*f)[at], indexPath("f", at), errors))
                layer.feedForwardSizes = *sizes;
        spec.layers.push_back(std::move(layer));
    }
    ValidationErrors checks = validate(spec);
    for (auto& e : checks)
        e.path = modelDictPath(e.path);
    appendNewErrors(errors, checks);
    errors.insert(errors.end(), countErrors.begin(), countErrors.end());
    return spec;
}

Written writeModelDict(const TransformerSpec& spec) {
    Written out;
    if (spec.activation != Activation::Gelu)
        out.errors.push_back({"activation", "'" + std::string(activationName(spec.activation)) +
                                                "' cannot be written: a FlexiBERT 2.0 model dict has no activation "
                                                "field (its models use gelu)"});
    if (!spec.compression.isDefault())
        out.errors.push_back({"compression", "cannot be written: a FlexiBERT 2.0 model dict describes dense 32-bit "
                                             "float models only; use the workbench JSON"});
    if (!out.errors.empty())
        return out;
    Json j = Json::object();
    j["l"] = spec.layerCount();
    Json o = Json::array(), h = Json::array(), f = Json::array();
    for (const auto& layer : spec.layers) {
        Json heads = Json::array();
        for (const auto& head : layer.heads)
            heads.push_back(headString(head));
        o.push_back(std::move(heads));
        h.push_back(layer.hiddenSize);
        Json ff = Json::array();
        for (int size : layer.feedForwardSizes)
            ff.push_back(size);
        f.push_back(std::move(ff));
    }
    j["o"] = std::move(o);
    j["h"] = std::move(h);
    j["f"] = std::move(f);
    // One line with Python's json.dumps separators: the reference tools write dicts that way.
    out.text = compactJson(j) + "\n";
    return out;
}

std::string modelDictPath(const std::string& path) {
    static const std::regex head(R"(^layers\[(\d+)\]\.heads\[(\d+)\](\..*)?$)");
    static const std::regex heads(R"(^layers\[(\d+)\]\.heads$)");
    static const std::regex hidden(R"(^layers\[(\d+)\]\.hiddenSize$)");
    static const std::regex ff(R"(^layers\[(\d+)\]\.feedForward(.*)$)");
    std::smatch m;
    if (std::regex_match(path, m, head))
        return "o[" + m[1].str() + "][" + m[2].str() + "]";
    if (std::regex_match(path, m, heads))
        return "o[" + m[1].str() + "]";
    if (std::regex_match(path, m, hidden))
        return "h[" + m[1].str() + "]";
    if (std::regex_match(path, m, ff))
        return "f[" + m[1].str() + "]" + m[2].str();
    if (path == "layers")
        return "l";
    return path;
}

} // namespace tcw::io::detail
