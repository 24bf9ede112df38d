// tcw simulate --target fpga:… (commands_fpga.h).
#include "commands_fpga.h"

#include "io/safe_file.h"
#include "io/target_json.h"
#include "sim/fpga_model.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <numeric>
#include <optional>
#include <stdexcept>

namespace tcw::cli {

namespace fs = std::filesystem;

namespace {

// A path (a folder part, a .json ending or an existing file) is read; otherwise the name of a
// target under <data>/targets. Prints the error and returns nothing when it cannot be read.
std::optional<FpgaSpec> resolveFpga(const std::string& target, const fs::path& dataDir) {
    std::error_code ec;
    const bool isPath = target.find('/') != std::string::npos || fs::path(target).extension() == ".json" ||
                        fs::is_regular_file(target, ec);
    const fs::path file = isPath ? fs::path(target) : dataDir / "targets" / (target + ".json");
    if (!isPath && !fs::is_regular_file(file, ec)) {
        std::string names;
        for (const auto& entry : fs::directory_iterator(dataDir / "targets", ec))
            if (entry.path().extension() == ".json" && entry.path().stem() != "example-catalogue")
                names += (names.empty() ? "" : ", ") + entry.path().stem().string();
        std::cerr << "--target fpga:" << io::shortened(target) << ": not an fpga target under "
                  << (dataDir / "targets").string() << "; the targets there are " << (names.empty() ? "(none)" : names)
                  << ", or give a file\n";
        return std::nullopt;
    }
    const io::ReadResult text = io::readFileBounded(file, io::kMaxDocumentBytes, "a target file");
    if (!text.ok()) {
        std::cerr << file.string() << ": " << text.error << "\n";
        return std::nullopt;
    }
    const io::ParsedTarget parsed = io::parseTargetJson(text.bytes);
    if (!parsed.target) {
        for (const auto& e : parsed.errors)
            std::cerr << file.string() << ": " << e.toString() << "\n";
        return std::nullopt;
    }
    if (!parsed.target->fpga()) {
        std::cerr << file.string() << ": kind: holds " << targetKindName(parsed.target->kind())
                  << " target; --target fpga: needs an fpga target\n";
        return std::nullopt;
    }
    return *parsed.target->fpga();
}

std::string microseconds(double s) {
    char text[32];
    if (s >= 1e-3)
        std::snprintf(text, sizeof text, "%.4g ms", s * 1e3);
    else
        std::snprintf(text, sizeof text, "%.4g µs", s * 1e6);
    return text;
}

std::string megabytes(double bits) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3f MB", bits / 8e6);
    return text;
}

} // namespace

int simulateOnFpga(const TransformerSpec& model, const std::string& target, int tokens, double weightSparsity,
                   const fs::path& dataDir, bool json) {
    const auto spec = resolveFpga(target, dataDir);
    if (!spec)
        return 2;
    sim::FpgaResult r;
    try {
        r = sim::evaluateFpgaModel(*spec, model, weightSparsity, tokens);
    } catch (const std::invalid_argument& e) {
        std::cerr << "tcw simulate --target fpga:" << io::shortened(target) << ": " << e.what() << "\n";
        return 2;
    }
    const std::string format(compress::sparseFormatLabel(compress::SparseFormat(spec->weightFormat)));
    if (json) {
        nlohmann::ordered_json j;
        j["schemaVersion"] = 1;
        j["kind"] = "fpgaResult";
        j["model"] = model.name;
        j["target"] = spec->name;
        j["tokens"] = tokens;
        j["weightSparsity"] = weightSparsity;
        j["feasible"] = r.feasible;
        j["reasons"] = r.reasons;
        j["latencySeconds"] = r.latencySeconds;
        j["weightBits"] = r.weightBits;
        j["fullestBankBits"] = r.fullestBankBits;
        j["onChipMemoryBits"] = spec->onChipMemoryBits;
        j["imbalance"] = r.imbalance;
        j["dspUsed"] = r.dspUsed;
        j["lutsUsed"] = r.lutsUsed;
        j["precision"] = describeCompression(model.compression);
        auto& rows = j["matrices"] = nlohmann::ordered_json::array();
        for (const auto& m : r.matrices)
            rows.push_back({{"name", m.name},
                            {"weightBits", m.weightBits},
                            {"bits", m.bits},
                            {"busiestCycles", m.busiestCycles},
                            {"streamedBitsPerToken", m.streamedBitsPerToken},
                            {"computeSeconds", m.computeSeconds},
                            {"memorySeconds", m.memorySeconds},
                            {"seconds", m.seconds}});
        std::cout << j.dump(2) << "\n";
        return r.feasible ? 0 : 1;
    }
    std::printf("%s on %s: fpga, inference, %d tokens, weights %g %% pruned in %s\n",
                model.name.empty() ? "model" : model.name.c_str(), spec->name.c_str(), tokens, 100 * weightSparsity,
                format.c_str());
    const auto precision = describeCompression(model.compression);
    for (std::size_t i = 0; i < precision.size(); ++i)
        std::printf("  %-13s %s\n", i == 0 ? "precision" : "", precision[i].c_str());
    std::printf("  %-13s weights at most %d bits, activations at most %d bits (the target's widths; float roles take "
                "them)\n",
                "", spec->weightBits, spec->activationBits);
    if (!r.feasible) {
        std::printf("  INFEASIBLE\n");
        for (const auto& reason : r.reasons)
            std::printf("    %s\n", reason.c_str());
        if (r.matrices.empty())
            return 1;
        std::printf("  (numbers below ignore the infeasibility)\n");
    }
    std::printf("  latency       %s (the weight matrices; softmax, layer norm and GELU not modelled)\n",
                microseconds(r.latencySeconds).c_str());
    std::printf("  on chip       %s of %s (fullest PE bank %s)\n", megabytes(double(r.weightBits)).c_str(),
                megabytes(spec->onChipMemoryBits).c_str(), megabytes(double(r.fullestBankBits)).c_str());
    std::printf("  resources     %d of %d DSPs, %lld of %d LUTs, PE imbalance %.3f\n", r.dspUsed, spec->dspSlices,
                static_cast<long long>(r.lutsUsed), spec->luts, r.imbalance);
    std::vector<std::size_t> order(r.matrices.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](auto a, auto b) { return r.matrices[a].seconds > r.matrices[b].seconds; });
    const std::size_t rows = std::min<std::size_t>(order.size(), 6);
    std::printf("\n  %-32s %6s %12s %10s %12s %12s %-7s\n", "matrix (slowest first)", "w bits", "on chip KB",
                "act bits", "compute", "off-chip", "bound");
    for (std::size_t k = 0; k < rows; ++k) {
        const auto& m = r.matrices[order[k]];
        std::printf("  %-32s %6d %12.1f %10llu %12s %12s %-7s\n", m.name.c_str(), m.weightBits, double(m.bits) / 8e3,
                    static_cast<unsigned long long>(m.streamedBitsPerToken), microseconds(m.computeSeconds).c_str(),
                    microseconds(m.memorySeconds).c_str(), m.memorySeconds > m.computeSeconds ? "memory" : "compute");
    }
    if (rows < order.size())
        std::printf("  … %zu more matrices (--json lists every one)\n", order.size() - rows);
    return r.feasible ? 0 : 1;
}

} // namespace tcw::cli
