// Design spaces in the TransCODE layout (jha-lab/transcode
// surrogate_modeling/design_space/design_space_{transformer,accelerator}.yaml): plain lists
// of allowed values under the reference's key names. The layout has no name (the file stem
// is the name), no activation (gelu), no tile_y of its own (it repeats tile_x) and no memory
// mode (derived from the type), and it groups head types and memories by kind; a space the
// layout cannot hold is reported, not written approximately.
#include "format_trees.h"

#include <algorithm>
#include <utility>

namespace tcw::io::detail {

namespace {

const std::pair<const char*, const char*> kSpaceFieldNames[] = {
    {"layerCounts", "encoder_layers"},
    {"hiddenSizes", "hidden_size"},
    {"headCounts", "num_heads"},
    {"headTypes", "operation_parameters"},
    {"feedForwardSizes", "feed-forward_hidden"},
    {"feedForwardDepths", "number_of_feed-forward_stacks"},
    {"tileB", "tile.tile_b"},
    {"tileX", "tile.tile_x"},
    {"nonlinearities", "non_linearity"},
    {"peCounts", "pe"},
    {"lanesPerPe", "lanes_per_pe"},
    {"macsPerLane", "mac_per_lane"},
    {"softmaxPerPe", "softmax_per_pe"},
    {"batchSizes", "batch_size"},
    {"activationBufferMB", "activation_buffer_size"},
    {"weightBufferMB", "weight_buffer_size"},
    {"maskBufferMB", "mask_buffer_size"},
    {"mainMemories", "main_memory_config"},
};

// "sa" of "sa_sdp", "c" of "c_13".
std::string headKind(HeadType t) {
    const std::string_view name = headTypeName(t);
    return std::string(name.substr(0, name.find('_')));
}
std::string headParameter(HeadType t) {
    const std::string_view name = headTypeName(t);
    return std::string(name.substr(name.find('_') + 1));
}

void readInts(ObjectReader& r, std::string_view key, std::vector<int>& target) {
    if (const Json* v = r.required(key))
        if (auto list = readIntList(*v, r.path(key), r.errors()))
            target = *list;
}

void readSizes(ObjectReader& r, std::string_view key, std::vector<double>& target) {
    if (const Json* v = r.required(key))
        if (auto list = readNumberList(*v, r.path(key), r.errors()))
            target = *list;
}

void mapSpacePaths(ValidationErrors& checks) {
    for (auto& e : checks)
        e.path = spaceYamlPath(e.path);
}

void writeList(std::string& out, const std::string& indent, const std::vector<std::string>& items) {
    for (const auto& item : items)
        out += indent + "- " + item + "\n";
}

std::vector<std::string> texts(const std::vector<int>& values) {
    std::vector<std::string> out;
    for (int v : values)
        out.push_back(std::to_string(v));
    return out;
}

std::vector<std::string> texts(const std::vector<double>& values) {
    std::vector<std::string> out;
    for (double v : values)
        out.push_back(numberText(v));
    return out;
}

// Groups items by a key in order of first appearance; false if that reorders them.
template <typename T, typename KeyFn>
bool groupByKind(const std::vector<T>& items, KeyFn kindOf,
                 std::vector<std::pair<std::string, std::vector<T>>>& groups) {
    for (const T& item : items) {
        const std::string kind = kindOf(item);
        auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == kind; });
        if (it == groups.end()) {
            groups.push_back({kind, {}});
            it = groups.end() - 1;
        }
        it->second.push_back(item);
    }
    std::vector<T> regrouped;
    for (const auto& g : groups)
        regrouped.insert(regrouped.end(), g.second.begin(), g.second.end());
    return regrouped == items;
}

} // namespace

// ---------------------------------------------------------------- transformer space

TransformerSpace readTransformerSpaceYaml(const Json& root, const std::string& name, ValidationErrors& errors) {
    TransformerSpace s;
    s.name = name;
    ObjectReader r(root, "", errors,
                   {"hidden_size", "num_heads", "encoder_layers", "operation_types", "number_of_feed-forward_stacks",
                    "feed-forward_hidden", "operation_parameters"});
    readInts(r, "hidden_size", s.hiddenSizes);
    readInts(r, "num_heads", s.headCounts);
    readInts(r, "encoder_layers", s.layerCounts);
    readInts(r, "number_of_feed-forward_stacks", s.feedForwardDepths);
    readInts(r, "feed-forward_hidden", s.feedForwardSizes);

    std::vector<std::string> kinds;
    if (const Json* types = r.required("operation_types"); types && expectArray(*types, "operation_types", errors)) {
        for (std::size_t i = 0; i < types->size(); ++i)
            if (auto kind = readChoice((*types)[i], indexPath("operation_types", i), errors, {"sa", "l", "c"}))
                kinds.push_back(std::vector<std::string>{"sa", "l", "c"}[*kind]);
    }
    const Json* params = r.required("operation_parameters");
    if (params && !params->is_object()) {
        errors.push_back({"operation_parameters",
                          "must be a mapping from operation type to its parameters, got " + describe(*params)});
        params = nullptr;
    }
    if (params) {
        for (const auto& [key, value] : params->items())
            if (std::find(kinds.begin(), kinds.end(), key) == kinds.end())
                errors.push_back({"operation_parameters." + key,
                                  "is not listed in operation_types (" +
                                      joinValues(kinds, [](const std::string& k) { return k; }) + ")"});
        for (const auto& kind : kinds) {
            const std::string path = "operation_parameters." + kind;
            const auto it = params->find(kind);
            if (it == params->end()) {
                errors.push_back({path, "required field is missing (the parameters of operation type " + kind + ")"});
                continue;
            }
            if (!expectArray(*it, path, errors))
                continue;
            for (std::size_t i = 0; i < it->size(); ++i) {
                const Json& p = (*it)[i];
                std::string text;
                if (p.is_string())
                    text = p.get<std::string>();
                else if (p.is_number_integer() || p.is_number_unsigned())
                    text = std::to_string(p.get<std::int64_t>());
                else {
                    errors.push_back({indexPath(path, i), "must be a name or a kernel size, got " + describe(p)});
                    continue;
                }
                const std::string type = kind + "_" + text;
                if (auto t = headTypeFromName(type))
                    s.headTypes.push_back(*t);
                else
                    errors.push_back(
                        {indexPath(path, i), "'" + type + "' is not one of " +
                                                 joinValues(headTypeNames(), [](const std::string& n) { return n; })});
            }
        }
    }
    ValidationErrors checks = validateSpace(s);
    mapSpacePaths(checks);
    appendNewErrors(errors, checks);
    return s;
}

Written writeTransformerSpaceYaml(const TransformerSpace& s) {
    Written out;
    std::vector<std::pair<std::string, std::vector<HeadType>>> groups;
    if (!groupByKind(s.headTypes, headKind, groups))
        out.errors.push_back(
            {"headTypes", "the order " +
                              joinValues(s.headTypes, [](HeadType t) { return std::string(headTypeName(t)); }) +
                              " cannot be written in the TransCODE layout, which lists head types grouped by kind "
                              "(sa, l, c); order them by kind (this changes the encoding's head indices)"});
    if (s.activation != Activation::Gelu)
        out.errors.push_back({"activation", "'" + std::string(activationName(s.activation)) +
                                                "' cannot be written: the TransCODE layout has no activation (gelu)"});
    if (!out.ok())
        return out;
    std::string& t = out.text;
    t = "# Transformer design space in the TransCODE layout (FlexiBERT 2.0)\n\n";
    t += "hidden_size:\n";
    writeList(t, "  ", texts(s.hiddenSizes));
    t += "num_heads:\n";
    writeList(t, "  ", texts(s.headCounts));
    t += "encoder_layers:\n";
    writeList(t, "  ", texts(s.layerCounts));
    t += "operation_types:\n";
    for (const auto& g : groups)
        t += "  - " + g.first + "\n";
    t += "number_of_feed-forward_stacks:\n";
    writeList(t, "  ", texts(s.feedForwardDepths));
    t += "feed-forward_hidden:\n";
    writeList(t, "  ", texts(s.feedForwardSizes));
    t += "operation_parameters:\n";
    for (const auto& [kind, types] : groups) {
        t += "  " + kind + ":\n";
        for (HeadType h : types)
            t += "    - " + headParameter(h) + "\n";
    }
    return out;
}

// ---------------------------------------------------------------- accelerator space

AcceleratorSpace readAcceleratorSpaceYaml(const Json& root, const std::string& name, ValidationErrors& errors) {
    AcceleratorSpace s;
    s.name = name;
    ObjectReader r(root, "", errors,
                   {"tile", "non_linearity", "pe", "lanes_per_pe", "mac_per_lane", "softmax_per_pe", "batch_size",
                    "activation_buffer_size", "weight_buffer_size", "mask_buffer_size", "main_memory_config"});
    if (const Json* tile = r.required("tile")) {
        ObjectReader t(*tile, "tile", errors, {"tile_b", "tile_x", "tile_y"});
        readInts(t, "tile_b", s.tileB);
        readInts(t, "tile_x", s.tileX);
        std::vector<int> tileY;
        if (t.has("tile_x")) {
            readInts(t, "tile_y", tileY);
            if (t.has("tile_y") && t.find("tile_y")->is_array() && tileY != s.tileX)
                errors.push_back({"tile.tile_y", "must list the same values as tile.tile_x (" +
                                                     joinValues(s.tileX, [](int v) { return std::to_string(v); }) +
                                                     "): tiles are square, tile_y = tile_x"});
        }
    }
    if (const Json* n = r.required("non_linearity"); n && expectArray(*n, "non_linearity", errors))
        for (std::size_t i = 0; i < n->size(); ++i)
            if (auto v = readChoice((*n)[i], indexPath("non_linearity", i), errors, nonlinearityNames()))
                s.nonlinearities.push_back(*v == 0 ? Nonlinearity::Relu : Nonlinearity::Gelu);
    readInts(r, "pe", s.peCounts);
    readInts(r, "lanes_per_pe", s.lanesPerPe);
    readInts(r, "mac_per_lane", s.macsPerLane);
    readInts(r, "softmax_per_pe", s.softmaxPerPe);
    readInts(r, "batch_size", s.batchSizes);
    readSizes(r, "activation_buffer_size", s.activationBufferMB);
    readSizes(r, "weight_buffer_size", s.weightBufferMB);
    readSizes(r, "mask_buffer_size", s.maskBufferMB);
    if (const Json* mem = r.required("main_memory_config")) {
        ObjectReader m(*mem, "main_memory_config", errors, {"rram", "dram", "hbm"});
        if (m.isObject()) {
            for (const auto& [key, list] : mem->items()) {
                const auto type = memoryTypeFromName(key);
                if (!type || !expectArray(list, m.path(key), errors))
                    continue;
                for (std::size_t i = 0; i < list.size(); ++i) {
                    MainMemorySpec spec;
                    spec.type = *type;
                    spec.mode = MainMemorySpec::defaultMode(*type);
                    ObjectReader e(list[i], indexPath(m.path(key), i), errors, {"banks", "ranks", "channels"});
                    if (!e.isObject())
                        continue;
                    const auto banks = e.integer("banks"), ranks = e.integer("ranks"), channels = e.integer("channels");
                    if (!banks || !ranks || !channels)
                        continue;
                    spec.banks = *banks;
                    spec.ranks = *ranks;
                    spec.channels = *channels;
                    s.mainMemories.push_back(spec);
                }
            }
        }
    }
    ValidationErrors checks = validateSpace(s);
    mapSpacePaths(checks);
    appendNewErrors(errors, checks);
    return s;
}

Written writeAcceleratorSpaceYaml(const AcceleratorSpace& s) {
    Written out;
    std::vector<std::pair<std::string, std::vector<MainMemorySpec>>> groups;
    if (!groupByKind(
            s.mainMemories, [](const MainMemorySpec& m) { return std::string(memoryTypeName(m.type)); }, groups))
        out.errors.push_back(
            {"mainMemories", "the order " +
                                 joinValues(s.mainMemories, [](const MainMemorySpec& m) { return m.key(); }) +
                                 " cannot be written in the TransCODE layout, which lists memories grouped by type; "
                                 "order them by type (this changes the encoding's memory indices)"});
    for (std::size_t i = 0; i < s.mainMemories.size(); ++i) {
        const auto& m = s.mainMemories[i];
        if (m.mode != MainMemorySpec::defaultMode(m.type))
            out.errors.push_back({indexPath("mainMemories", i) + ".mode",
                                  "'" + std::string(bandwidthModeName(m.mode)) + "' for " + m.key() +
                                      " cannot be written: the TransCODE layout derives the mode from the type (" +
                                      std::string(bandwidthModeName(MainMemorySpec::defaultMode(m.type))) + ")"});
    }
    if (!out.ok())
        return out;
    std::string& t = out.text;
    t = "# Accelerator design space in the TransCODE layout (ELECTOR)\n";
    t += "\ntile:\n";
    t += "  tile_b:\n";
    writeList(t, "    ", texts(s.tileB));
    t += "  tile_x:\n";
    writeList(t, "    ", texts(s.tileX));
    t += "  tile_y:\n";
    writeList(t, "    ", texts(s.tileX));
    t += "\nnon_linearity:\n";
    for (Nonlinearity n : s.nonlinearities)
        t += "  - " + yamlQuoted(nonlinearityName(n)) + "\n";
    auto section = [&t](const char* key, const std::vector<std::string>& values) {
        t += "\n" + std::string(key) + "\n";
        writeList(t, "  ", values);
    };
    section("pe:", texts(s.peCounts));
    section("lanes_per_pe:", texts(s.lanesPerPe));
    section("mac_per_lane:", texts(s.macsPerLane));
    section("softmax_per_pe:", texts(s.softmaxPerPe));
    section("batch_size:", texts(s.batchSizes));
    section("activation_buffer_size: # MB", texts(s.activationBufferMB));
    section("weight_buffer_size: # MB", texts(s.weightBufferMB));
    section("mask_buffer_size: # MB", texts(s.maskBufferMB));
    t += "\nmain_memory_config:\n";
    for (const auto& [type, memories] : groups) {
        t += "  " + type + ":\n";
        for (const auto& m : memories) {
            t += "    - banks: " + std::to_string(m.banks) + "\n";
            t += "      ranks: " + std::to_string(m.ranks) + "\n";
            t += "      channels: " + std::to_string(m.channels) + "\n";
        }
    }
    return out;
}

std::string spaceYamlPath(const std::string& path) {
    for (const auto& [ours, theirs] : kSpaceFieldNames) {
        const std::string prefix = ours;
        if (path.compare(0, prefix.size(), prefix) != 0)
            continue;
        const std::string rest = path.substr(prefix.size());
        if (!rest.empty() && rest[0] != '[' && rest[0] != '.')
            continue;
        // Head types and memories are grouped by kind in the layout: their indices differ.
        if (prefix == "headTypes" || prefix == "mainMemories")
            return theirs;
        return theirs + rest;
    }
    return path;
}

} // namespace tcw::io::detail
