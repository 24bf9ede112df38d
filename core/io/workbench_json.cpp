// The workbench's own JSON formats: one per document kind, each with "schemaVersion" and
// "kind". Field names are the design types' names (with units), so a validation path such
// as "layers[2].heads[0].type" is also the path of the field in the file.
#include "field_codec.h"
#include "format_trees.h"

namespace tcw::io::detail {

namespace {

Activation activationAt(std::size_t index) {
    return index == 0 ? Activation::Gelu : Activation::Relu;
}
Nonlinearity nonlinearityAt(std::size_t index) {
    return index == 0 ? Nonlinearity::Relu : Nonlinearity::Gelu;
}
MemoryType memoryTypeAt(std::size_t index) {
    return index == 0 ? MemoryType::Rram : index == 1 ? MemoryType::Dram : MemoryType::Hbm;
}

Json header(std::string_view kind) {
    Json j = Json::object();
    j["schemaVersion"] = kSchemaVersion;
    j["kind"] = kind;
    return j;
}

Json intList(const std::vector<int>& values) {
    Json j = Json::array();
    for (int v : values)
        j.push_back(v);
    return j;
}

Json mbList(const std::vector<double>& values) {
    Json j = Json::array();
    for (double v : values)
        j.push_back(numberJson(v));
    return j;
}

template <typename T> void assignIf(T& target, const std::optional<T>& value) {
    if (value)
        target = *value;
}

// ---------------------------------------------------------------- transformer

HeadSpec readHead(const Json& node, const std::string& path, int defaultDim, ValidationErrors& errors) {
    HeadSpec head{HeadType::SaSdp, defaultDim};
    ObjectReader r(node, path, errors, {"type", "dim"});
    if (auto t = r.choice("type", headTypeNames()))
        head.type = kAllHeadTypes[*t];
    assignIf(head.dim, r.integer("dim", defaultDim));
    return head;
}

LayerSpec readLayer(const Json& node, const std::string& path, ValidationErrors& errors) {
    LayerSpec layer;
    ObjectReader r(node, path, errors, {"hiddenSize", "heads", "feedForward"});
    if (!r.isObject())
        return layer;
    assignIf(layer.hiddenSize, r.integer("hiddenSize"));
    if (const Json* heads = r.required("heads"); heads && expectArray(*heads, r.path("heads"), errors)) {
        const int defaultDim = heads->empty() ? 1 : std::max(1, layer.hiddenSize / static_cast<int>(heads->size()));
        for (std::size_t h = 0; h < heads->size(); ++h)
            layer.heads.push_back(readHead((*heads)[h], indexPath(r.path("heads"), h), defaultDim, errors));
    }
    if (const Json* ff = r.required("feedForward"))
        assignIf(layer.feedForwardSizes, readIntList(*ff, r.path("feedForward"), errors));
    return layer;
}

// ---------------------------------------------------------------- compression

template <typename E, std::size_t N> std::vector<std::string> enumNames(std::string_view (*nameOf)(E)) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < N; ++i)
        names.emplace_back(nameOf(E(i)));
    return names;
}

// {"bits": 8, "quantizer": "symmetric"} (also the tail of a layerPrecision entry).
void readPrecision(ObjectReader& r, Precision& p) {
    assignIf(p.bits, r.integer("bits"));
    if (auto q = r.choice("quantizer", enumNames<Quantizer, kQuantizerCount>(quantizerName)))
        p.quantizer = Quantizer(*q);
}

void putPrecision(Json& j, const Precision& p) {
    j["bits"] = p.bits;
    j["quantizer"] = quantizerName(p.quantizer);
}

PruningStage readStage(const Json& node, const std::string& path, ValidationErrors& errors) {
    PruningStage s;
    ObjectReader r(node, path, errors, {"level", "ratio", "balance", "criterion", "blockRows", "blockCols"});
    if (!r.isObject())
        return s;
    if (auto l = r.choice("level", enumNames<PruningLevel, kPruningLevelCount>(pruningLevelName)))
        s.level = PruningLevel(*l);
    assignIf(s.ratio, r.number("ratio"));
    if (auto b = r.choice("balance", enumNames<BalanceRule, kBalanceRuleCount>(balanceRuleName), 0))
        s.balance = BalanceRule(*b);
    if (auto c = r.choice("criterion", enumNames<PruningCriterion, kPruningCriterionCount>(pruningCriterionName), 0))
        s.criterion = PruningCriterion(*c);
    assignIf(s.blockRows, r.integer("blockRows", 0));
    assignIf(s.blockCols, r.integer("blockCols", 0));
    return s;
}

// "compression": {"precision": {role: {bits, quantizer}, …}, "layerPrecision": [{layer, role,
// bits, quantizer}], "pruning": {matrix: [stage, …]}}; every part optional (default dense f32).
CompressionSpec readCompression(const Json& node, const std::string& path, ValidationErrors& errors) {
    CompressionSpec c;
    ObjectReader r(node, path, errors, {"precision", "layerPrecision", "pruning"});
    if (!r.isObject())
        return c;
    const auto roles = enumNames<TensorRole, kTensorRoleCount>(tensorRoleName);
    if (const Json* p = r.find("precision")) {
        std::vector<std::string_view> keys(roles.begin(), roles.end());
        ObjectReader pr(*p, r.path("precision"), errors, keys);
        for (std::size_t i = 0; pr.isObject() && i < roles.size(); ++i)
            if (const Json* role = pr.find(roles[i])) {
                ObjectReader q(*role, pr.path(roles[i]), errors, {"bits", "quantizer"});
                if (q.isObject())
                    readPrecision(q, c.precision[i]);
            }
    }
    if (const Json* list = r.find("layerPrecision"); list && expectArray(*list, r.path("layerPrecision"), errors))
        for (std::size_t i = 0; i < list->size(); ++i) {
            PrecisionOverride o;
            ObjectReader q((*list)[i], indexPath(r.path("layerPrecision"), i), errors,
                           {"layer", "role", "bits", "quantizer"});
            if (q.isObject()) {
                assignIf(o.layer, q.integer("layer"));
                if (auto role = q.choice("role", roles))
                    o.role = TensorRole(*role);
                readPrecision(q, o.precision);
            }
            c.layerPrecision.push_back(o);
        }
    if (const Json* p = r.find("pruning")) {
        const auto matrices = enumNames<WeightMatrix, kWeightMatrixCount>(weightMatrixName);
        std::vector<std::string_view> keys(matrices.begin(), matrices.end());
        ObjectReader pr(*p, r.path("pruning"), errors, keys);
        for (std::size_t m = 0; pr.isObject() && m < matrices.size(); ++m)
            if (const Json* stages = pr.find(matrices[m]); stages && expectArray(*stages, pr.path(matrices[m]), errors))
                for (std::size_t i = 0; i < stages->size(); ++i)
                    c.pruning[m].stages.push_back(readStage((*stages)[i], indexPath(pr.path(matrices[m]), i), errors));
    }
    return c;
}

Json compressionJson(const CompressionSpec& c) {
    Json j = Json::object();
    Json precision = Json::object();
    for (std::size_t r = 0; r < kTensorRoleCount; ++r) {
        Json p = Json::object();
        putPrecision(p, c.precision[r]);
        precision[std::string(tensorRoleName(TensorRole(r)))] = std::move(p);
    }
    j["precision"] = std::move(precision);
    if (!c.layerPrecision.empty()) {
        Json list = Json::array();
        for (const auto& o : c.layerPrecision) {
            Json e = Json::object();
            e["layer"] = o.layer;
            e["role"] = tensorRoleName(o.role);
            putPrecision(e, o.precision);
            list.push_back(std::move(e));
        }
        j["layerPrecision"] = std::move(list);
    }
    Json pruning = Json::object();
    for (std::size_t m = 0; m < kWeightMatrixCount; ++m) {
        if (c.pruning[m].isDense())
            continue;
        Json stages = Json::array();
        for (const auto& s : c.pruning[m].stages) {
            Json e = Json::object();
            e["level"] = pruningLevelName(s.level);
            e["ratio"] = numberJson(s.ratio);
            e["balance"] = balanceRuleName(s.balance);
            e["criterion"] = pruningCriterionName(s.criterion);
            if (s.level == PruningLevel::Block || s.blockRows != 0 || s.blockCols != 0) {
                e["blockRows"] = s.blockRows;
                e["blockCols"] = s.blockCols;
            }
            stages.push_back(std::move(e));
        }
        pruning[std::string(weightMatrixName(WeightMatrix(m)))] = std::move(stages);
    }
    if (!pruning.empty())
        j["pruning"] = std::move(pruning);
    return j;
}

// ---------------------------------------------------------------- accelerator

// One entry of a space's list of memories: the elector table's mainMemory section.
MainMemorySpec readMainMemory(const Json& node, const std::string& path, ValidationErrors& errors) {
    AcceleratorSpec a;
    readSection(node, path, errors, electorFields(), "mainMemory", a);
    return a.mainMemory;
}

Json mainMemoryJson(const MainMemorySpec& m) {
    AcceleratorSpec a;
    a.mainMemory = m;
    return sectionJson(electorFields(), "mainMemory", a);
}

// `computeOpsPerCycle` receives the legacy "computeOpsBatchSize" (files written before the
// scheduler's compute batch became a field of the design); it is left alone when absent.
AcceltranExtras readExtras(const Json& node, const std::string& path, int& computeOpsPerCycle,
                           ValidationErrors& errors) {
    AcceltranExtras x;
    ObjectReader r(node, path, errors, {"loopUnrolling", "computeOpsTiled", "computeOpsBatchSize"});
    if (!r.isObject())
        return x;
    if (auto loop = r.string("loopUnrolling", x.loopUnrolling)) {
        if (isLoopUnrolling(*loop))
            x.loopUnrolling = *loop;
        else
            errors.push_back({r.path("loopUnrolling"), "'" + *loop + "' " + kLoopUnrollingRule});
    }
    assignIf(x.computeOpsTiled, r.boolean("computeOpsTiled", true));
    if (r.has("computeOpsBatchSize")) {
        const std::optional<int> batch = r.integer("computeOpsBatchSize");
        if (batch && *batch < 1)
            errors.push_back({r.path("computeOpsBatchSize"), "must be at least 1, got " + std::to_string(*batch)});
        else if (batch)
            computeOpsPerCycle = *batch;
    }
    return x;
}

// ---------------------------------------------------------------- technology

ModuleCost readCost(ObjectReader& r) {
    ModuleCost c;
    assignIf(c.areaUM2, r.number("areaUM2"));
    assignIf(c.dynamicPowerMW, r.number("dynamicPowerMW"));
    assignIf(c.leakagePowerMW, r.number("leakagePowerMW"));
    return c;
}

void putCost(Json& j, const ModuleCost& c) {
    j["areaUM2"] = numberJson(c.areaUM2);
    j["dynamicPowerMW"] = numberJson(c.dynamicPowerMW);
    j["leakagePowerMW"] = numberJson(c.leakagePowerMW);
}

ModuleCost readModule(ObjectReader& parent, std::string_view key, ValidationErrors& errors) {
    const Json* node = parent.required(key);
    if (!node)
        return {};
    ObjectReader r(*node, parent.path(key), errors, {"areaUM2", "dynamicPowerMW", "leakagePowerMW"});
    return r.isObject() ? readCost(r) : ModuleCost{};
}

std::vector<TileVariant> readTileVariants(ObjectReader& parent, std::string_view key, ValidationErrors& errors) {
    std::vector<TileVariant> out;
    const Json* list = parent.required(key);
    if (!list || !expectArray(*list, parent.path(key), errors))
        return out;
    for (std::size_t i = 0; i < list->size(); ++i) {
        TileVariant v;
        const std::string path = indexPath(parent.path(key), i);
        ObjectReader r((*list)[i], path, errors, {"tileX", "areaUM2", "dynamicPowerMW", "leakagePowerMW"});
        if (r.isObject()) {
            assignIf(v.tileX, r.integer("tileX"));
            v.cost = readCost(r);
            for (const auto& earlier : out)
                if (earlier.tileX == v.tileX)
                    errors.push_back({r.path("tileX"), "repeats tile width " + std::to_string(v.tileX)});
        }
        out.push_back(v);
    }
    return out;
}

BufferTechnology readBuffer(ObjectReader& parent, std::string_view key, ValidationErrors& errors) {
    BufferTechnology b;
    const Json* node = parent.required(key);
    if (!node)
        return b;
    ObjectReader r(*node, parent.path(key), errors,
                   {"areaUM2PerMB", "leakagePowerMWPerMB", "blockEnergyNJ", "blockElements", "bandwidthBitsPerCycle"});
    if (!r.isObject())
        return b;
    assignIf(b.areaUM2PerMB, r.number("areaUM2PerMB"));
    assignIf(b.leakagePowerMWPerMB, r.number("leakagePowerMWPerMB"));
    assignIf(b.blockEnergyNJ, r.number("blockEnergyNJ"));
    assignIf(b.blockElements, r.integer("blockElements"));
    assignIf(b.bandwidthBitsPerCycle, r.number("bandwidthBitsPerCycle"));
    return b;
}

Json bufferJson(const BufferTechnology& b) {
    Json j = Json::object();
    j["areaUM2PerMB"] = numberJson(b.areaUM2PerMB);
    j["leakagePowerMWPerMB"] = numberJson(b.leakagePowerMWPerMB);
    j["blockEnergyNJ"] = numberJson(b.blockEnergyNJ);
    j["blockElements"] = b.blockElements;
    j["bandwidthBitsPerCycle"] = numberJson(b.bandwidthBitsPerCycle);
    return j;
}

} // namespace

// ---------------------------------------------------------------- readers

TransformerSpec readTransformerJson(const Json& root, ValidationErrors& errors) {
    TransformerSpec spec;
    ObjectReader r(root, "", errors, {"schemaVersion", "kind", "name", "activation", "layers", "compression"});
    assignIf(spec.name, r.string("name", ""));
    if (auto a = r.choice("activation", activationNames(), 0))
        spec.activation = activationAt(*a);
    if (const Json* layers = r.required("layers"); layers && expectArray(*layers, "layers", errors))
        for (std::size_t l = 0; l < layers->size(); ++l)
            spec.layers.push_back(readLayer((*layers)[l], indexPath("layers", l), errors));
    if (const Json* c = r.find("compression"))
        spec.compression = readCompression(*c, "compression", errors);
    appendNewErrors(errors, validate(spec));
    return spec;
}

AcceleratorFile readAcceleratorJson(const Json& root, ValidationErrors& errors) {
    AcceleratorFile file;
    AcceleratorSpec& a = file.spec;
    const auto fields = electorFields();
    const auto known = topLevelKeys(fields, FieldKeys::Workbench, {"schemaVersion", "kind", "name", "acceltran"});
    ObjectReader r(root, "", errors, known);
    assignIf(a.name, r.string("name", ""));
    readFields(r, fields, FieldKeys::Workbench, a);
    if (const Json* x = r.find("acceltran"))
        file.acceltran = readExtras(*x, "acceltran", a.computeOpsPerCycle, errors);
    appendNewErrors(errors, validate(a));
    return file;
}

TechnologyLibrary readTechnologyJson(const Json& root, ValidationErrors& errors) {
    TechnologyLibrary t;
    ObjectReader r(root, "", errors,
                   {"schemaVersion",
                    "kind",
                    "name",
                    "clockMHz",
                    "integerBits",
                    "fractionBits",
                    "macLanes",
                    "stochasticRounding",
                    "preSparsity",
                    "postSparsity",
                    "fifo",
                    "dataflow",
                    "dma",
                    "softmax",
                    "layerNorm",
                    "activationBuffer",
                    "weightBuffer",
                    "maskBuffer",
                    "mainMemoryBlockElements",
                    "mainMemoryBandwidthBitsPerCycle",
                    "mainMemories"});
    assignIf(t.name, r.string("name", ""));
    assignIf(t.clockMHz, r.number("clockMHz"));
    assignIf(t.integerBits, r.integer("integerBits"));
    assignIf(t.fractionBits, r.integer("fractionBits"));
    if (const Json* lanes = r.required("macLanes"); lanes && expectArray(*lanes, "macLanes", errors)) {
        for (std::size_t i = 0; i < lanes->size(); ++i) {
            MacLaneVariant v;
            ObjectReader l((*lanes)[i], indexPath("macLanes", i), errors,
                           {"macsPerLane", "nonlinearity", "areaUM2", "dynamicPowerMW", "leakagePowerMW"});
            if (l.isObject()) {
                assignIf(v.macsPerLane, l.integer("macsPerLane"));
                if (auto n = l.choice("nonlinearity", nonlinearityNames()))
                    v.nonlinearity = nonlinearityAt(*n);
                v.cost = readCost(l);
                if (t.macLane(v.macsPerLane, v.nonlinearity))
                    errors.push_back({l.path(), "repeats the lane with " + std::to_string(v.macsPerLane) +
                                                    " MACs and " + std::string(nonlinearityName(v.nonlinearity))});
            }
            t.macLanes.push_back(v);
        }
    }
    t.stochasticRounding = readModule(r, "stochasticRounding", errors);
    t.preSparsity = readModule(r, "preSparsity", errors);
    t.postSparsity = readModule(r, "postSparsity", errors);
    t.fifo = readModule(r, "fifo", errors);
    t.dataflow = readModule(r, "dataflow", errors);
    t.dma = readModule(r, "dma", errors);
    t.softmax = readTileVariants(r, "softmax", errors);
    t.layerNorm = readTileVariants(r, "layerNorm", errors);
    t.activationBuffer = readBuffer(r, "activationBuffer", errors);
    t.weightBuffer = readBuffer(r, "weightBuffer", errors);
    t.maskBuffer = readBuffer(r, "maskBuffer", errors);
    assignIf(t.mainMemoryBlockElements, r.integer("mainMemoryBlockElements"));
    if (t.mainMemoryBlockElements < 1)
        errors.push_back({"mainMemoryBlockElements", "must be at least 1"});
    if (const Json* bw = r.required("mainMemoryBandwidthBitsPerCycle")) {
        ObjectReader b(*bw, "mainMemoryBandwidthBitsPerCycle", errors, {"lb", "hb"});
        if (b.isObject()) {
            assignIf(t.mainMemoryLowBandwidthBitsPerCycle, b.number("lb"));
            assignIf(t.mainMemoryHighBandwidthBitsPerCycle, b.number("hb"));
        }
    }
    if (const Json* mems = r.required("mainMemories"); mems && expectArray(*mems, "mainMemories", errors)) {
        for (std::size_t i = 0; i < mems->size(); ++i) {
            MainMemoryTechnology m;
            ObjectReader mr((*mems)[i], indexPath("mainMemories", i), errors,
                            {"type", "banks", "ranks", "channels", "blockEnergyNJ"});
            if (mr.isObject()) {
                if (auto type = mr.choice("type", memoryTypeNames()))
                    m.type = memoryTypeAt(*type);
                assignIf(m.banks, mr.integer("banks"));
                assignIf(m.ranks, mr.integer("ranks"));
                assignIf(m.channels, mr.integer("channels"));
                assignIf(m.blockEnergyNJ, mr.number("blockEnergyNJ"));
                for (const auto& earlier : t.mainMemories)
                    if (earlier.key() == m.key())
                        errors.push_back({mr.path(), "repeats main memory " + m.key()});
            }
            t.mainMemories.push_back(m);
        }
    }
    ValidationErrors checks = validate(t);
    for (auto& e : checks)
        if (e.path.rfind("mainMemoryBandwidth.", 0) == 0)
            e.path = "mainMemoryBandwidthBitsPerCycle." + e.path.substr(20);
    appendNewErrors(errors, checks);
    return t;
}

SparsityProfile readSparsityProfileJson(const Json& root, ValidationErrors& errors) {
    SparsityProfile p;
    ObjectReader r(root, "", errors, {"schemaVersion", "kind", "source", "layers"});
    assignIf(p.source, r.string("source", ""));
    if (const Json* layers = r.required("layers"); layers && expectArray(*layers, "layers", errors)) {
        for (std::size_t i = 0; i < layers->size(); ++i) {
            LayerSparsity s;
            ObjectReader l((*layers)[i], indexPath("layers", i), errors,
                           {"activation", "weight", "activationGradient", "weightGradient", "bits",
                            "activationBeforeQuantizer", "weightBeforeQuantizer"});
            if (l.isObject()) {
                assignIf(s.activation, l.number("activation"));
                assignIf(s.weight, l.number("weight"));
                assignIf(s.activationGradient, l.number("activationGradient"));
                assignIf(s.weightGradient, l.number("weightGradient"));
                // Issue 15: bits per tensor (absent: 32-bit float, as files before them meant)
                // and the zeros before the quantizers (absent: none acted).
                l.read("activationBeforeQuantizer", s.activationBeforeQuantizer);
                l.read("weightBeforeQuantizer", s.weightBeforeQuantizer);
                if (const Json* bits = l.object("bits")) {
                    ObjectReader b(*bits, l.path("bits"), errors,
                                   {"weights", "linearInputs", "qkv", "attentionProbabilities", "ffnHidden"});
                    b.read("weights", s.bits.weights);
                    b.read("linearInputs", s.bits.linearInputs);
                    b.read("qkv", s.bits.queryKeyValue);
                    b.read("attentionProbabilities", s.bits.attentionProbabilities);
                    b.read("ffnHidden", s.bits.feedForwardHidden);
                }
            }
            p.layers.push_back(s);
        }
    }
    appendNewErrors(errors, validate(p));
    return p;
}

TransformerSpace readTransformerSpaceJson(const Json& root, ValidationErrors& errors) {
    TransformerSpace s;
    ObjectReader r(root, "", errors,
                   {"schemaVersion", "kind", "name", "layerCounts", "hiddenSizes", "headCounts", "headTypes",
                    "feedForwardSizes", "feedForwardDepths", "activation"});
    assignIf(s.name, r.string("name", ""));
    auto ints = [&](std::string_view key, std::vector<int>& target) {
        if (const Json* v = r.required(key))
            assignIf(target, readIntList(*v, r.path(key), errors));
    };
    ints("layerCounts", s.layerCounts);
    ints("hiddenSizes", s.hiddenSizes);
    ints("headCounts", s.headCounts);
    if (const Json* types = r.required("headTypes"); types && expectArray(*types, "headTypes", errors))
        for (std::size_t i = 0; i < types->size(); ++i)
            if (auto t = readChoice((*types)[i], indexPath("headTypes", i), errors, headTypeNames()))
                s.headTypes.push_back(kAllHeadTypes[*t]);
    ints("feedForwardSizes", s.feedForwardSizes);
    ints("feedForwardDepths", s.feedForwardDepths);
    if (auto a = r.choice("activation", activationNames(), 0))
        s.activation = activationAt(*a);
    appendNewErrors(errors, validateSpace(s));
    return s;
}

AcceleratorSpace readAcceleratorSpaceJson(const Json& root, ValidationErrors& errors) {
    AcceleratorSpace s;
    ObjectReader r(root, "", errors,
                   {"schemaVersion", "kind", "name", "tileB", "tileX", "nonlinearities", "peCounts", "lanesPerPe",
                    "macsPerLane", "softmaxPerPe", "batchSizes", "activationBufferMB", "weightBufferMB", "maskBufferMB",
                    "mainMemories"});
    assignIf(s.name, r.string("name", ""));
    auto ints = [&](std::string_view key, std::vector<int>& target) {
        if (const Json* v = r.required(key))
            assignIf(target, readIntList(*v, r.path(key), errors));
    };
    auto sizes = [&](std::string_view key, std::vector<double>& target) {
        if (const Json* v = r.required(key))
            assignIf(target, readNumberList(*v, r.path(key), errors));
    };
    ints("tileB", s.tileB);
    ints("tileX", s.tileX);
    if (const Json* n = r.required("nonlinearities"); n && expectArray(*n, "nonlinearities", errors))
        for (std::size_t i = 0; i < n->size(); ++i)
            if (auto v = readChoice((*n)[i], indexPath("nonlinearities", i), errors, nonlinearityNames()))
                s.nonlinearities.push_back(nonlinearityAt(*v));
    ints("peCounts", s.peCounts);
    ints("lanesPerPe", s.lanesPerPe);
    ints("macsPerLane", s.macsPerLane);
    ints("softmaxPerPe", s.softmaxPerPe);
    ints("batchSizes", s.batchSizes);
    sizes("activationBufferMB", s.activationBufferMB);
    sizes("weightBufferMB", s.weightBufferMB);
    sizes("maskBufferMB", s.maskBufferMB);
    if (const Json* m = r.required("mainMemories"); m && expectArray(*m, "mainMemories", errors))
        for (std::size_t i = 0; i < m->size(); ++i)
            s.mainMemories.push_back(readMainMemory((*m)[i], indexPath("mainMemories", i), errors));
    appendNewErrors(errors, validateSpace(s));
    return s;
}

namespace {
// Reads one member of a pair ("transformer" or "accelerator") with its own reader; its errors
// get the member's name in front of their paths.
template <typename Read>
auto readPairMember(ObjectReader& r, std::string_view key, std::string_view kind, Read read, ValidationErrors& errors) {
    ValidationErrors inner;
    decltype(read(Json(), inner)) value{};
    const Json* node = r.required(key);
    if (!node)
        return value;
    if (!node->is_object()) {
        errors.push_back({std::string(key), "must be an object (a " + std::string(kind) + "), got " + describe(*node)});
        return value;
    }
    if (const auto k = node->find("kind"); k != node->end() && !(k->is_string() && k->get<std::string>() == kind))
        inner.push_back({"kind", "must be '" + std::string(kind) + "' inside a pair, got " + describe(*k)});
    // A member may repeat its document's header; a version this workbench does not write is an
    // error here as it is at the top level.
    if (const auto v = node->find("schemaVersion");
        v != node->end() && !(v->is_number_integer() && v->get<std::int64_t>() == kSchemaVersion))
        inner.push_back({"schemaVersion", "must be " + std::to_string(kSchemaVersion) +
                                              " (the version this workbench reads), got " + describe(*v)});
    value = read(*node, inner);
    for (ValidationError& e : inner)
        errors.push_back({e.path.empty() ? std::string(key) : fieldPath(std::string(key), e.path), e.message});
    return value;
}
} // namespace

Target readTargetJson(const Json& root, ValidationErrors& errors) {
    std::vector<std::string> kinds;
    for (TargetKind k : allTargetKinds())
        kinds.emplace_back(targetKindName(k));
    if (!root.is_object()) {
        errors.push_back({"", "must be an object (a target), got " + describe(root)});
        return {};
    }
    const auto kindNode = root.find("kind");
    if (kindNode == root.end()) {
        errors.push_back({"kind", "required field is missing; one of " + joinValues(kinds, [](auto& k) { return k; })});
        return {};
    }
    const auto kind = readChoice(*kindNode, "kind", errors, kinds);
    if (!kind)
        return {};
    // One case per kind: its descriptor table read from the object, then its own checks.
    switch (allTargetKinds()[*kind]) {
    case TargetKind::Elector: {
        AcceleratorSpec a;
        ObjectReader r(root, "", errors, topLevelKeys(electorFields(), FieldKeys::Workbench, {"kind", "name"}));
        assignIf(a.name, r.string("name", ""));
        readFields(r, electorFields(), FieldKeys::Workbench, a);
        appendNewErrors(errors, validate(a));
        return Target(std::move(a));
    }
    case TargetKind::Fpga: {
        FpgaSpec f;
        // "sources": where each number comes from (the data files' presets); read, not kept.
        ObjectReader r(root, "", errors, topLevelKeys(fpgaFields(), FieldKeys::Workbench, {"kind", "name", "sources"}));
        assignIf(f.name, r.string("name", ""));
        if (const auto sources = root.find("sources"); sources != root.end()) {
            if (!sources->is_object())
                errors.push_back(
                    {"sources", "must be an object of field name → source text, got " + describe(*sources)});
            else
                for (const auto& [key, text] : sources->items())
                    if (!text.is_string() || !findField(fieldsOf(TargetKind::Fpga), key))
                        errors.push_back({"sources." + key, "must name a field of an fpga target and give its "
                                                            "source as text"});
        }
        readFields(r, fpgaFields(), FieldKeys::Workbench, f);
        appendNewErrors(errors, validate(f));
        return Target(std::move(f));
    }
    case TargetKind::Bat: { // issue 15
        BatSpec b;
        ObjectReader r(root, "", errors, topLevelKeys(batFields(), FieldKeys::Workbench, {"kind", "name"}));
        assignIf(b.name, r.string("name", ""));
        readFields(r, batFields(), FieldKeys::Workbench, b);
        appendNewErrors(errors, validate(b));
        return Target(std::move(b));
    }
    case TargetKind::Device: { // {"kind": "device", "name": …, "device": PROFILE_ID} (docs/devices.md)
        DeviceTarget d;
        ObjectReader r(root, "", errors, {"kind", "name", "device"});
        if (auto device = r.string("device"))
            d.device = *device;
        assignIf(d.name, r.string("name", d.device));
        appendNewErrors(errors, validate(d));
        return Target(std::move(d));
    }
    }
    return {};
}

CodesignPair readPairJson(const Json& root, ValidationErrors& errors) {
    CodesignPair pair;
    ObjectReader r(root, "", errors, {"schemaVersion", "kind", "name", "transformer", "target", "accelerator"});
    assignIf(pair.name, r.string("name", ""));
    pair.transformer = readPairMember(r, "transformer", "transformer", readTransformerJson, errors);
    if (r.has("target") && r.has("accelerator")) {
        errors.push_back({"accelerator", "a pair has one target: give \"target\" (or, as files before targets "
                                         "did, \"accelerator\"), not both"});
    } else if (r.has("accelerator")) {
        // Files written before targets: the accelerator is an elector target. Reference-only
        // accelerator fields (AcceltranExtras) have no place in a pair: the derived values
        // apply, as for every design the search writes.
        pair.target = readPairMember(
            r, "accelerator", "accelerator",
            [](const Json& node, ValidationErrors& e) { return Target(readAcceleratorJson(node, e).spec); }, errors);
    } else if (const Json* node = r.required("target")) {
        ValidationErrors inner;
        pair.target = readTargetJson(*node, inner);
        for (ValidationError& e : inner)
            errors.push_back({e.path.empty() ? std::string("target") : fieldPath("target", e.path), e.message});
        // Issue 15: a bat target in a pair is what a union search (tcw search --targets
        // elector,bat) stores for its bat trials; the explorer shows it by kind and edits
        // elector pairs only (models::partsOf).
    }
    return pair;
}

// ---------------------------------------------------------------- writers

Json transformerJson(const TransformerSpec& spec) {
    Json j = header("transformer");
    j["name"] = spec.name;
    j["activation"] = activationName(spec.activation);
    Json layers = Json::array();
    for (const auto& layer : spec.layers) {
        Json l = Json::object();
        l["hiddenSize"] = layer.hiddenSize;
        Json heads = Json::array();
        for (const auto& h : layer.heads) {
            Json head = Json::object();
            head["type"] = headTypeName(h.type);
            head["dim"] = h.dim;
            heads.push_back(std::move(head));
        }
        l["heads"] = std::move(heads);
        l["feedForward"] = intList(layer.feedForwardSizes);
        layers.push_back(std::move(l));
    }
    j["layers"] = std::move(layers);
    if (!spec.compression.isDefault()) // dense f32 is not written: older files round-trip byte for byte
        j["compression"] = compressionJson(spec.compression);
    return j;
}

Json acceleratorJson(const AcceleratorFile& file) {
    const AcceleratorSpec& a = file.spec;
    Json j = header("accelerator");
    j["name"] = a.name;
    writeFields(j, electorFields(), a);
    const AcceltranExtras& x = file.acceltran;
    if (!x.isDerived()) {
        Json extras = Json::object();
        if (x.loopUnrolling != AcceltranExtras{}.loopUnrolling)
            extras["loopUnrolling"] = x.loopUnrolling;
        if (!x.computeOpsTiled)
            extras["computeOpsTiled"] = false;
        j["acceltran"] = std::move(extras);
    }
    return j;
}

Json technologyJson(const TechnologyLibrary& t) {
    Json j = header("technology");
    j["name"] = t.name;
    j["clockMHz"] = numberJson(t.clockMHz);
    j["integerBits"] = t.integerBits;
    j["fractionBits"] = t.fractionBits;
    Json lanes = Json::array();
    for (const auto& v : t.macLanes) {
        Json l = Json::object();
        l["macsPerLane"] = v.macsPerLane;
        l["nonlinearity"] = nonlinearityName(v.nonlinearity);
        putCost(l, v.cost);
        lanes.push_back(std::move(l));
    }
    j["macLanes"] = std::move(lanes);
    auto module = [&](const char* key, const ModuleCost& c) {
        Json m = Json::object();
        putCost(m, c);
        j[key] = std::move(m);
    };
    module("stochasticRounding", t.stochasticRounding);
    module("preSparsity", t.preSparsity);
    module("postSparsity", t.postSparsity);
    module("fifo", t.fifo);
    module("dataflow", t.dataflow);
    module("dma", t.dma);
    auto tiles = [&](const char* key, const std::vector<TileVariant>& variants) {
        Json list = Json::array();
        for (const auto& v : variants) {
            Json e = Json::object();
            e["tileX"] = v.tileX;
            putCost(e, v.cost);
            list.push_back(std::move(e));
        }
        j[key] = std::move(list);
    };
    tiles("softmax", t.softmax);
    tiles("layerNorm", t.layerNorm);
    j["activationBuffer"] = bufferJson(t.activationBuffer);
    j["weightBuffer"] = bufferJson(t.weightBuffer);
    j["maskBuffer"] = bufferJson(t.maskBuffer);
    j["mainMemoryBlockElements"] = t.mainMemoryBlockElements;
    Json bw = Json::object();
    bw["lb"] = numberJson(t.mainMemoryLowBandwidthBitsPerCycle);
    bw["hb"] = numberJson(t.mainMemoryHighBandwidthBitsPerCycle);
    j["mainMemoryBandwidthBitsPerCycle"] = std::move(bw);
    Json mems = Json::array();
    for (const auto& m : t.mainMemories) {
        Json e = Json::object();
        e["type"] = memoryTypeName(m.type);
        e["banks"] = m.banks;
        e["ranks"] = m.ranks;
        e["channels"] = m.channels;
        e["blockEnergyNJ"] = numberJson(m.blockEnergyNJ);
        mems.push_back(std::move(e));
    }
    j["mainMemories"] = std::move(mems);
    return j;
}

Json sparsityProfileJson(const SparsityProfile& p) {
    Json j = header("sparsityProfile");
    j["source"] = p.source;
    Json layers = Json::array();
    for (const auto& s : p.layers) {
        Json l = Json::object();
        l["activation"] = numberJson(s.activation);
        l["weight"] = numberJson(s.weight);
        l["activationGradient"] = numberJson(s.activationGradient);
        l["weightGradient"] = numberJson(s.weightGradient);
        // Issue 15: written where they say something (an f32 profile reads as it did before).
        if (!s.bits.allFloat())
            l["bits"] = Json{{"weights", s.bits.weights},
                             {"linearInputs", s.bits.linearInputs},
                             {"qkv", s.bits.queryKeyValue},
                             {"attentionProbabilities", s.bits.attentionProbabilities},
                             {"ffnHidden", s.bits.feedForwardHidden}};
        if (s.activationBeforeQuantizer)
            l["activationBeforeQuantizer"] = numberJson(*s.activationBeforeQuantizer);
        if (s.weightBeforeQuantizer)
            l["weightBeforeQuantizer"] = numberJson(*s.weightBeforeQuantizer);
        layers.push_back(std::move(l));
    }
    j["layers"] = std::move(layers);
    return j;
}

Json transformerSpaceJson(const TransformerSpace& s) {
    Json j = header("transformerSpace");
    j["name"] = s.name;
    j["layerCounts"] = intList(s.layerCounts);
    j["hiddenSizes"] = intList(s.hiddenSizes);
    j["headCounts"] = intList(s.headCounts);
    Json types = Json::array();
    for (HeadType t : s.headTypes)
        types.push_back(headTypeName(t));
    j["headTypes"] = std::move(types);
    j["feedForwardSizes"] = intList(s.feedForwardSizes);
    j["feedForwardDepths"] = intList(s.feedForwardDepths);
    j["activation"] = activationName(s.activation);
    return j;
}

Json acceleratorSpaceJson(const AcceleratorSpace& s) {
    Json j = header("acceleratorSpace");
    j["name"] = s.name;
    j["tileB"] = intList(s.tileB);
    j["tileX"] = intList(s.tileX);
    Json nl = Json::array();
    for (Nonlinearity n : s.nonlinearities)
        nl.push_back(nonlinearityName(n));
    j["nonlinearities"] = std::move(nl);
    j["peCounts"] = intList(s.peCounts);
    j["lanesPerPe"] = intList(s.lanesPerPe);
    j["macsPerLane"] = intList(s.macsPerLane);
    j["softmaxPerPe"] = intList(s.softmaxPerPe);
    j["batchSizes"] = intList(s.batchSizes);
    j["activationBufferMB"] = mbList(s.activationBufferMB);
    j["weightBufferMB"] = mbList(s.weightBufferMB);
    j["maskBufferMB"] = mbList(s.maskBufferMB);
    Json mems = Json::array();
    for (const auto& m : s.mainMemories)
        mems.push_back(mainMemoryJson(m));
    j["mainMemories"] = std::move(mems);
    return j;
}

Json targetJson(const Target& target) {
    Json j = Json::object();
    j["kind"] = targetKindName(target.kind());
    j["name"] = target.name();
    std::visit(
        [&](const auto& spec) {
            if constexpr (std::is_same_v<std::decay_t<decltype(spec)>, AcceleratorSpec>)
                writeFields(j, electorFields(), spec);
            else if constexpr (std::is_same_v<std::decay_t<decltype(spec)>, FpgaSpec>)
                writeFields(j, fpgaFields(), spec);
            else if constexpr (std::is_same_v<std::decay_t<decltype(spec)>, BatSpec>)
                writeFields(j, batFields(), spec); // issue 15
            else
                j["device"] = spec.device;
        },
        target.spec);
    return j;
}

Json pairJson(const CodesignPair& pair) {
    Json j = header("pair");
    j["name"] = pair.name;
    j["transformer"] = transformerJson(pair.transformer);
    j["target"] = targetJson(pair.target);
    return j;
}

} // namespace tcw::io::detail
