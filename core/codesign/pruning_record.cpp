// pruning.json: the pruning record of a run folder (pruning_record.h).
#include "pruning_record.h"

#include "json_fields.h"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace tcw::codesign {

namespace {

using Json = nlohmann::ordered_json;

Json bitsJson(const compress::FormatSizes& sizes) {
    Json bits = Json::object();
    for (auto f : compress::allSparseFormats())
        bits[std::string(compress::sparseFormatName(f))] = sizes.of(f);
    return bits;
}

Json patternJson(const PruningPattern& pattern) {
    Json stages = Json::array();
    for (const auto& s : pattern.stages)
        stages.push_back({{"level", pruningLevelName(s.level)},
                          {"ratio", s.ratio},
                          {"balance", balanceRuleName(s.balance)},
                          {"criterion", pruningCriterionName(s.criterion)},
                          {"blockRows", s.blockRows},
                          {"blockCols", s.blockCols}});
    return stages;
}

using Reader = JsonFields;

PruningStage readStage(const Reader& r, const Json& j, const std::string& path) {
    PruningStage s;
    const auto level = pruningLevelFromName(r.text(j, "level", path));
    const auto balance = balanceRuleFromName(r.text(j, "balance", path));
    const auto criterion = pruningCriterionFromName(r.text(j, "criterion", path));
    if (!level)
        r.fail(path + "level", "must be one of layer, head, block, row, column, vector, element");
    if (!balance)
        r.fail(path + "balance", "must be one of none, perRow, perBlock, perPeGroup");
    if (!criterion)
        r.fail(path + "criterion", "must be one of l1, l2, magnitude, taylor");
    const Json& ratio = r.at(j, "ratio", path);
    if (!ratio.is_number() || ratio.get<double>() < 0 || ratio.get<double>() >= 1)
        r.fail(path + "ratio", "must be a number in [0, 1)");
    s.level = *level;
    s.balance = *balance;
    s.criterion = *criterion;
    s.ratio = ratio.get<double>();
    s.blockRows = int(r.integer(j, "blockRows", path, 0));
    s.blockCols = int(r.integer(j, "blockCols", path, 0));
    return s;
}

} // namespace

compress::FormatParams formatParamsOf(const TransformerSpec& model, int valueBits) {
    compress::FormatParams p;
    p.valueBits = valueBits;
    for (const auto& pattern : model.compression.pruning)
        for (const auto& s : pattern.stages)
            if (s.level == PruningLevel::Block) {
                p.blockRows = s.blockRows;
                p.blockCols = s.blockCols;
                return p;
            }
    return p;
}

PruningRecord makePruningRecord(const TransformerSpec& model, const std::string& dataName,
                                const train::PruningPlan& plan, const std::vector<train::WeightPruning::Pruned>& masks,
                                const compress::FormatParams& format) {
    PruningRecord r;
    r.model = model.name;
    r.data = dataName;
    r.plan = plan;
    r.format = format;
    for (const auto& m : masks)
        r.matrices.push_back({m.tensor, m.matrix, m.layer, m.mask.rows, m.mask.cols, m.offset,
                              model.compression.of(m.matrix),
                              compress::countMask(m.mask, format.blockRows, format.blockCols)});
    return r;
}

std::string pruningRecordJson(const PruningRecord& record) {
    Json matrices = Json::array();
    compress::FormatSizes total;
    std::uint64_t weights = 0, kept = 0;
    for (const auto& m : record.matrices) {
        const auto sizes = compress::formatSizes(m.counts, record.format);
        for (std::size_t f = 0; f < compress::kSparseFormatCount; ++f)
            total.bits[f] += sizes.bits[f];
        const std::uint64_t n = m.counts.rows * m.counts.cols;
        weights += n;
        kept += m.counts.nnz;
        matrices.push_back({{"tensor", m.tensor},
                            {"matrix", weightMatrixName(m.matrix)},
                            {"layer", m.layer},
                            {"rows", m.rows},
                            {"cols", m.cols},
                            {"offset", m.offset},
                            {"pattern", patternJson(m.pattern)},
                            {"kept", m.counts.nnz},
                            {"sparsity", n ? 1.0 - double(m.counts.nnz) / double(n) : 0.0},
                            {"keptBlocks", m.counts.keptBlocks},
                            {"keptBlockColumns", m.counts.keptBlockColumns},
                            {"format", compress::sparseFormatName(sizes.smallest)},
                            {"formatBits", sizes.of(sizes.smallest)},
                            {"bits", bitsJson(sizes)}});
    }
    const Json j = {{"schemaVersion", 1},
                    {"kind", "pruning"},
                    {"model", record.model},
                    {"data", record.data},
                    {"schedule",
                     {{"name", train::pruneScheduleName(record.plan.schedule)},
                      {"startStep", record.plan.startStep},
                      {"endStep", record.plan.endStep},
                      {"rounds", record.plan.rounds}}},
                    {"format",
                     {{"valueBits", record.format.valueBits},
                      {"blockRows", record.format.blockRows},
                      {"blockCols", record.format.blockCols}}},
                    {"matrices", matrices},
                    {"totals",
                     {{"weights", weights},
                      {"kept", kept},
                      {"sparsity", weights ? 1.0 - double(kept) / double(weights) : 0.0},
                      {"bits", bitsJson(total)}}}};
    return j.dump(2) + "\n";
}

PruningRecord readPruningRecord(const std::filesystem::path& path) {
    const Reader r(path.string());
    const Json j = r.parseFile(path, "a pruning record");
    if (r.text(j, "kind", "") != "pruning")
        r.fail("kind", "must be \"pruning\"");
    if (r.integer(j, "schemaVersion", "", 1) != 1)
        r.fail("schemaVersion", "must be 1");
    PruningRecord rec;
    rec.model = r.text(j, "model", "");
    rec.data = r.text(j, "data", "");
    const Json& schedule = r.at(j, "schedule", "");
    const auto name = train::pruneScheduleFromName(r.text(schedule, "name", "schedule."));
    if (!name)
        r.fail("schedule.name", "must be one of oneshot, gradual, iterative");
    rec.plan.schedule = *name;
    rec.plan.startStep = r.integer(schedule, "startStep", "schedule.", 0);
    rec.plan.endStep = r.integer(schedule, "endStep", "schedule.", 0);
    rec.plan.rounds = int(r.integer(schedule, "rounds", "schedule.", 1));
    const Json& format = r.at(j, "format", "");
    rec.format.valueBits = int(r.integer(format, "valueBits", "format.", 1));
    rec.format.blockRows = int(r.integer(format, "blockRows", "format.", 1));
    rec.format.blockCols = int(r.integer(format, "blockCols", "format.", 1));
    if (rec.format.valueBits > 32)
        r.fail("format.valueBits", "must be 1 to 32");
    const Json& matrices = r.at(j, "matrices", "");
    if (!matrices.is_array())
        r.fail("matrices", "must be an array");
    for (std::size_t i = 0; i < matrices.size(); ++i) {
        const Json& m = matrices[i];
        const std::string at = "matrices[" + std::to_string(i) + "].";
        PrunedMatrixRecord p;
        p.tensor = r.text(m, "tensor", at);
        const auto matrix = weightMatrixFromName(r.text(m, "matrix", at));
        if (!matrix)
            r.fail(at + "matrix", "must be query, key, value, attentionOutput, feedForward, embedding or classifier");
        p.matrix = *matrix;
        p.layer = int(r.integer(m, "layer", at, 0));
        p.rows = r.integer(m, "rows", at, 1);
        p.cols = r.integer(m, "cols", at, 1);
        p.offset = r.integer(m, "offset", at, 0);
        const Json& stages = r.at(m, "pattern", at);
        if (!stages.is_array())
            r.fail(at + "pattern", "must be an array of stages");
        for (std::size_t s = 0; s < stages.size(); ++s)
            p.pattern.stages.push_back(readStage(r, stages[s], at + "pattern[" + std::to_string(s) + "]."));
        p.counts.rows = std::uint64_t(p.rows);
        p.counts.cols = std::uint64_t(p.cols);
        p.counts.nnz = std::uint64_t(r.integer(m, "kept", at, 0));
        p.counts.keptBlocks = std::uint64_t(r.integer(m, "keptBlocks", at, 0));
        p.counts.keptBlockColumns = std::uint64_t(r.integer(m, "keptBlockColumns", at, 0));
        rec.matrices.push_back(std::move(p));
    }
    return rec;
}

void recountFromParameters(PruningRecord& record, const std::vector<float>& parameters, const std::string& source) {
    for (auto& m : record.matrices) {
        const std::uint64_t n = std::uint64_t(m.rows) * std::uint64_t(m.cols);
        if (std::uint64_t(m.offset) + n > parameters.size())
            throw std::invalid_argument(source + ": matrix " + m.tensor + " (" + std::to_string(m.rows) + "×" +
                                        std::to_string(m.cols) + " at offset " + std::to_string(m.offset) +
                                        ") lies outside its " + std::to_string(parameters.size()) + " parameters");
        compress::WeightMask mask(int(m.rows), int(m.cols), false);
        for (std::uint64_t i = 0; i < n; ++i)
            mask.keep[i] = parameters[std::size_t(m.offset) + i] != 0.0F ? 1 : 0;
        m.counts = compress::countMask(mask, record.format.blockRows, record.format.blockCols);
    }
}

} // namespace tcw::codesign
