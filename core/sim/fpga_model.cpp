// The fpga target's cost model (fpga_model.h, docs/simulator.md "FPGA").
#include "fpga_model.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <stdexcept>

namespace tcw::sim {

using compress::SparseFormat;

namespace {

SparseFormat formatOf(const FpgaSpec& spec) {
    const auto choices = fpgaFields()[11].info.choices;
    if (fpgaFields()[11].info.name != "weightFormat" || choices.size() != compress::kSparseFormatCount)
        throw std::logic_error("fpga_spec.cpp's format list is out of step with sparse_format.h");
    const auto f = SparseFormat(spec.weightFormat);
    if (choices[std::size_t(spec.weightFormat)].name != compress::sparseFormatName(f))
        throw std::logic_error("fpga_spec.cpp's format names differ from sparse_format.h's");
    return f;
}

compress::FormatParams paramsOf(const FpgaSpec& spec) {
    return {spec.weightBits, spec.blockRows, spec.blockCols};
}

// The columns of PE p: bands of blockCols columns, band b to PE b mod P.
std::vector<std::vector<int>> columnsPerPe(int cols, const FpgaSpec& spec) {
    std::vector<std::vector<int>> out(std::size_t(spec.peCount));
    for (int c = 0; c < cols; ++c)
        out[std::size_t((c / spec.blockCols) % spec.peCount)].push_back(c);
    return out;
}

std::uint64_t storedValues(SparseFormat f, const compress::MaskCounts& c, const FpgaSpec& spec) {
    switch (f) {
    case SparseFormat::Dense:
        return c.rows * c.cols;
    case SparseFormat::Bitmap:
    case SparseFormat::Csr:
    case SparseFormat::CbrStyle:
        return c.nnz;
    case SparseFormat::Bcsr:
        return c.keptBlocks * std::uint64_t(spec.blockRows) * std::uint64_t(spec.blockCols);
    case SparseFormat::TwoLevel:
        return c.keptBlockColumns * std::uint64_t(spec.blockRows);
    }
    return 0;
}

BankLoad loadOf(const compress::MaskCounts& c, const FpgaSpec& spec) {
    const SparseFormat f = formatOf(spec);
    BankLoad b;
    if (c.cols == 0)
        return b;
    b.storedValues = storedValues(f, c, spec);
    b.bits = compress::formatBits(f, c, paramsOf(spec));
    b.indexBits = b.bits - b.storedValues * std::uint64_t(spec.weightBits);
    return b;
}

} // namespace

FpgaMatrix matrixFromMask(std::string name, const compress::WeightMask& mask, const FpgaSpec& spec, int repeat) {
    FpgaMatrix m{std::move(name), mask.rows, mask.cols, repeat, {}};
    for (const auto& columns : columnsPerPe(mask.cols, spec)) {
        compress::WeightMask bank(mask.rows, int(columns.size()), false);
        for (int r = 0; r < mask.rows; ++r)
            for (std::size_t j = 0; j < columns.size(); ++j)
                bank.set(r, int(j), mask.at(r, columns[j]));
        m.banks.push_back(loadOf(compress::countMask(bank, spec.blockRows, spec.blockCols), spec));
    }
    return m;
}

FpgaMatrix matrixUniform(std::string name, int rows, int cols, double sparsity, const FpgaSpec& spec, int repeat) {
    const SparseFormat f = formatOf(spec);
    if (f != SparseFormat::Dense && f != SparseFormat::Bitmap && f != SparseFormat::Csr)
        throw std::invalid_argument("weightFormat '" + std::string(compress::sparseFormatName(f)) +
                                    "': its size depends on where the kept weights are; give a mask "
                                    "(dense, bitmap and csr need only the count)");
    if (!(sparsity >= 0 && sparsity < 1))
        throw std::invalid_argument("sparsity must be at least 0 and below 1, got " + std::to_string(sparsity));
    const std::uint64_t total = std::uint64_t(rows) * std::uint64_t(cols);
    const std::uint64_t kept = total - std::uint64_t(std::llround(sparsity * double(total)));
    const auto perPe = columnsPerPe(cols, spec);
    // Largest remainder: bank p gets kept · cols_p / cols, the leftover one by one.
    std::vector<std::uint64_t> share(perPe.size());
    std::vector<std::pair<std::uint64_t, std::size_t>> remainders;
    std::uint64_t given = 0;
    for (std::size_t p = 0; p < perPe.size(); ++p) {
        const std::uint64_t num = kept * std::uint64_t(perPe[p].size());
        share[p] = num / std::uint64_t(cols);
        given += share[p];
        remainders.emplace_back(num % std::uint64_t(cols), p);
    }
    std::stable_sort(remainders.begin(), remainders.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t k = 0; given < kept; ++k, ++given)
        ++share[remainders[k].second];
    FpgaMatrix m{std::move(name), rows, cols, repeat, {}};
    for (std::size_t p = 0; p < perPe.size(); ++p) {
        compress::MaskCounts c;
        c.rows = std::uint64_t(rows);
        c.cols = perPe[p].size();
        c.nnz = share[p];
        m.banks.push_back(loadOf(c, spec));
    }
    return m;
}

std::vector<FpgaMatrix> encoderMatricesUniform(const TransformerSpec& model, double sparsity, const FpgaSpec& spec) {
    std::vector<FpgaMatrix> out;
    for (int l = 0; l < model.layerCount(); ++l) {
        const LayerSpec& layer = model.layers[std::size_t(l)];
        for (const HeadSpec& h : layer.heads)
            if (isTransformHead(h.type))
                throw std::invalid_argument("layers[" + std::to_string(l) + "].heads: the fpga model covers '" +
                                            std::string(headTypeName(HeadType::SaSdp)) + "', '" +
                                            std::string(headTypeName(HeadType::SaWma)) +
                                            "' and convolution heads, not '" + std::string(headTypeName(h.type)) + "'");
        const int H = layer.hiddenSize, D = layer.headDimTotal();
        const std::string at = "layer " + std::to_string(l) + " ";
        for (const char* role : {"query", "key", "value"})
            out.push_back(matrixUniform(at + role, H, D, sparsity, spec));
        // The heads' own weights, identical heads as one matrix repeated (workload.cpp's groups).
        std::map<std::pair<HeadType, int>, int> groups;
        for (const HeadSpec& h : layer.heads)
            ++groups[{h.type, h.dim}];
        for (const auto& [key, count] : groups) {
            const auto [type, d] = key;
            const std::string head = at + std::string(headTypeName(type)) + " (d " + std::to_string(d) + ") ";
            if (type == HeadType::SaWma) {
                out.push_back(matrixUniform(head + "qW", d, d, 0.0, spec, count));
            } else if (isConvolutionHead(type)) {
                const int k = convolutionKernelSize(type);
                out.push_back(matrixUniform(head + "kernel generator", d, k, 0.0, spec, count));
                FpgaMatrix taps = matrixUniform(head + "depthwise taps", k, d, 0.0, spec, count);
                taps.streamedIn = taps.streamedOut = d;
                out.push_back(std::move(taps));
            }
        }
        out.push_back(matrixUniform(at + "attention output", D, H, sparsity, spec));
        int in = H;
        for (std::size_t i = 0; i < layer.feedForwardSizes.size(); ++i) {
            out.push_back(
                matrixUniform(at + "feed-forward " + std::to_string(i), in, layer.feedForwardSizes[i], sparsity, spec));
            in = layer.feedForwardSizes[i];
        }
        if (!layer.feedForwardSizes.empty())
            out.push_back(matrixUniform(at + "feed-forward out", in, H, sparsity, spec));
    }
    return out;
}

FpgaResult evaluateFpga(const FpgaSpec& spec, const std::vector<FpgaMatrix>& matrices, std::int64_t tokens) {
    FpgaResult r;
    for (const ValidationError& e : validate(spec))
        r.reasons.push_back(e.path + ": " + e.message);
    if (!r.reasons.empty()) {
        r.feasible = false;
        return r;
    }
    r.dspUsed = spec.peCount * spec.macsPerPe * spec.dspPerMac;
    r.lutsUsed = std::int64_t(spec.peCount) * spec.lutsPerPe;
    const std::uint64_t passes = std::uint64_t((tokens + spec.macsPerPe - 1) / spec.macsPerPe);
    const double hz = spec.clockMHz * 1e6;
    std::vector<std::uint64_t> bankTotals(std::size_t(spec.peCount), 0);
    double busiestSum = 0, meanSum = 0;
    for (const FpgaMatrix& m : matrices) {
        if (m.banks.size() != std::size_t(spec.peCount))
            throw std::invalid_argument("matrix '" + m.name + "' was dealt to " + std::to_string(m.banks.size()) +
                                        " PEs, the spec has " + std::to_string(spec.peCount));
        FpgaMatrixCost c;
        c.name = m.name;
        double sum = 0;
        for (std::size_t p = 0; p < m.banks.size(); ++p) {
            const BankLoad& b = m.banks[p];
            const std::uint64_t decode =
                (b.indexBits + std::uint64_t(spec.decodeBitsPerCycle) - 1) / std::uint64_t(spec.decodeBitsPerCycle);
            const std::uint64_t cycles = passes * std::max(b.storedValues, decode);
            c.busiestCycles = std::max(c.busiestCycles, cycles);
            sum += double(cycles);
            c.bits += b.bits * std::uint64_t(m.repeat);
            bankTotals[p] += b.bits * std::uint64_t(m.repeat);
        }
        c.meanCycles = sum / double(spec.peCount);
        c.computeSeconds = double(c.busiestCycles) / hz;
        c.memorySeconds = double(tokens) *
                          double((m.streamedIn ? m.streamedIn : m.rows) + (m.streamedOut ? m.streamedOut : m.cols)) *
                          spec.activationBits / 8.0 / (spec.offChipBandwidthGBps * 1e9);
        c.seconds = std::max(c.computeSeconds, c.memorySeconds);
        r.weightBits += c.bits;
        r.latencySeconds += c.seconds * m.repeat;
        busiestSum += double(c.busiestCycles) * m.repeat;
        meanSum += c.meanCycles * m.repeat;
        r.matrices.push_back(std::move(c));
    }
    r.imbalance = meanSum > 0 ? busiestSum / meanSum : 1;
    r.fullestBankBits = bankTotals.empty() ? 0 : *std::max_element(bankTotals.begin(), bankTotals.end());
    auto mb = [](double bits) {
        char text[48];
        std::snprintf(text, sizeof text, "%.1f MB", bits / 8e6);
        return std::string(text);
    };
    const std::string format(compress::sparseFormatLabel(formatOf(spec)));
    if (double(r.weightBits) > spec.onChipMemoryBits) {
        r.feasible = false;
        r.reasons.push_back("the weights need " + mb(double(r.weightBits)) + " on chip in " + format + " at " +
                            std::to_string(spec.weightBits) + " bits, the part has " + mb(spec.onChipMemoryBits));
    }
    return r;
}

} // namespace tcw::sim
