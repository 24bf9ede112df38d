// AccelTran / ELECTOR accelerator configs (YAML, docs/acceltran-fast.md §1.2 and §7.4): read
// with every field required, as the reference reads them; written in the reference's layout
// (top-level fields separated by blank lines, strings single-quoted, Python-style booleans).
#include "field_codec.h"
#include "format_trees.h"

#include <utility>

namespace tcw::io::detail {

namespace {

template <typename T> void assignIf(T& target, const std::optional<T>& value) {
    if (value)
        target = *value;
}

struct Scheduler {
    bool computeTiled = true;
    std::optional<int> computeBatch;
};

Scheduler readScheduler(const Json& node, ValidationErrors& errors) {
    Scheduler s;
    ObjectReader r(node, "scheduler", errors, {"compute_ops", "memory_ops"});
    if (!r.isObject())
        return s;
    if (const Json* c = r.required("compute_ops")) {
        ObjectReader cr(*c, r.path("compute_ops"), errors, {"tiled", "batch_size"});
        assignIf(s.computeTiled, cr.boolean("tiled"));
        s.computeBatch = cr.integer("batch_size");
        if (s.computeBatch && *s.computeBatch < 1) {
            errors.push_back({cr.path("batch_size"), "must be at least 1, got " + std::to_string(*s.computeBatch)});
            s.computeBatch.reset();
        }
    }
    if (const Json* m = r.required("memory_ops")) {
        // The reference runs only untiled memory ops, one at a time (docs/acceltran-fast.md §8).
        ObjectReader mr(*m, r.path("memory_ops"), errors, {"tiled", "batch_size"});
        if (auto tiled = mr.boolean("tiled"); tiled && *tiled)
            errors.push_back({mr.path("tiled"), "must be False: the reference simulator has untiled memory ops only"});
        if (auto batch = mr.integer("batch_size"); batch && *batch != 1)
            errors.push_back({mr.path("batch_size"), "must be 1: the reference simulator issues one memory op at a "
                                                     "time, got " +
                                                         std::to_string(*batch)});
    }
    return s;
}

} // namespace

AcceleratorFile readAcceltranConfig(const Json& root, const std::string& name, ValidationErrors& errors) {
    AcceleratorFile file;
    AcceleratorSpec& a = file.spec;
    a.name = name;
    const auto fields = electorFields();
    const auto known = topLevelKeys(fields, FieldKeys::Reference, {"loop_unrolling", "scheduler"});
    ObjectReader r(root, "", errors, known);
    const std::vector<bool> present = readFields(r, fields, FieldKeys::Reference, a);
    const auto tileX = findField(fieldsOf(TargetKind::Elector), "tile.tileX");
    const auto tileY = findField(fieldsOf(TargetKind::Elector), "tile.tileY");
    if (present[*tileX] && present[*tileY] && a.tileX != a.tileY)
        errors.push_back({"tile.tile_y", "must equal tile.tile_x (" + std::to_string(a.tileX) + "), got " +
                                             std::to_string(a.tileY) + ": the reference needs square tiles"});
    if (auto loop = r.string("loop_unrolling")) {
        if (isLoopUnrolling(*loop))
            file.acceltran.loopUnrolling = *loop;
        else
            errors.push_back({"loop_unrolling", "'" + *loop + "' " + kLoopUnrollingRule});
    }
    if (const Json* s = r.required("scheduler")) {
        const Scheduler scheduler = readScheduler(*s, errors);
        file.acceltran.computeOpsTiled = scheduler.computeTiled;
        // Kept only when it differs from what TransCODE derives (⌊pe / 4⌋), so a later change
        // of the PE count derives it afresh.
        if (scheduler.computeBatch && *scheduler.computeBatch != AcceleratorSpec::derivedComputeOpsPerCycle(a.peCount))
            a.computeOpsPerCycle = *scheduler.computeBatch;
    }
    ValidationErrors checks = validate(a);
    for (auto& e : checks)
        e.path = acceltranConfigPath(e.path);
    appendNewErrors(errors, checks);
    return file;
}

std::string writeAcceltranConfig(const AcceleratorFile& file) {
    const AcceleratorSpec& a = file.spec;
    const AcceltranExtras& x = file.acceltran;
    auto pyBool = [](bool b) { return std::string(b ? "True" : "False"); };
    std::vector<YamlEntry> entries;
    for (const auto& f : electorFields()) {
        if (f.info.referenceKey.empty())
            continue;
        const double value = f.get(a);
        const std::string text = f.info.type == FieldType::Choice    ? yamlQuoted(f.info.valueText(value))
                                 : f.info.type == FieldType::Integer ? std::to_string(std::llround(value))
                                                                     : numberText(value);
        entries.push_back({f.info.referencePosition, std::string(f.info.referenceKey), text});
    }
    // The reference-only fields, at their places in the reference layout: loop unrolling
    // between the mask buffer and the main memory, the scheduler last.
    entries.push_back({110, "loop_unrolling", yamlQuoted(x.loopUnrolling)});
    entries.push_back({1000, "scheduler.compute_ops.tiled", pyBool(x.computeOpsTiled)});
    entries.push_back({1001, "scheduler.compute_ops.batch_size", std::to_string(a.effectiveComputeOpsPerCycle())});
    entries.push_back({1002, "scheduler.memory_ops.tiled", "False"});
    entries.push_back({1003, "scheduler.memory_ops.batch_size", "1"});
    return "# Accelerator configuration in the AccelTran / ELECTOR layout\n" + yamlLayout(std::move(entries));
}

std::string acceltranConfigPath(const std::string& path) {
    // computeOpsPerCycle has no reference key of its own in the table: the reference states the
    // effective batch inside its scheduler section (read and written above), the workbench
    // field holds 0 for "derived from the PE count".
    if (path == "computeOpsPerCycle")
        return "scheduler.compute_ops.batch_size";
    return referencePath(fieldsOf(TargetKind::Elector), path);
}

} // namespace tcw::io::detail
