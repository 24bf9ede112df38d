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

compress::FormatParams paramsOf(const FpgaSpec& spec, int weightBits) {
    return {weightBits, spec.blockRows, spec.blockCols};
}

int bitsOrSpec(int weightBits, const FpgaSpec& spec) {
    if (weightBits == 0)
        return spec.weightBits;
    if (weightBits < 1 || weightBits > spec.weightBits)
        throw std::invalid_argument("weight bits " + std::to_string(weightBits) +
                                    ": allowed 1 to the target's weightBits (" + std::to_string(spec.weightBits) + ")");
    return weightBits;
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

BankLoad loadOf(const compress::MaskCounts& c, const FpgaSpec& spec, int weightBits) {
    const SparseFormat f = formatOf(spec);
    BankLoad b;
    if (c.cols == 0)
        return b;
    b.storedValues = storedValues(f, c, spec);
    b.bits = compress::formatBits(f, c, paramsOf(spec, weightBits));
    b.indexBits = b.bits - b.storedValues * std::uint64_t(weightBits);
    return b;
}

} // namespace

PrecisionBits fpgaPrecisionBits(const CompressionSpec& compression, const FpgaSpec& spec) {
    std::array<int, kTensorRoleCount> widths{};
    std::array<std::string, kTensorRoleCount> names;
    const std::string activations =
        "the fpga target's " + std::to_string(spec.activationBits) + "-bit activations (activationBits)";
    for (TensorRole role : {TensorRole::LinearInputs, TensorRole::QueryKeyValue, TensorRole::AttentionProbabilities,
                            TensorRole::FeedForwardHidden}) {
        widths[std::size_t(role)] = spec.activationBits;
        names[std::size_t(role)] = activations;
    }
    widths[std::size_t(TensorRole::Weights)] = spec.weightBits;
    names[std::size_t(TensorRole::Weights)] =
        "the fpga target's " + std::to_string(spec.weightBits) + "-bit weights (weightBits)";
    return PrecisionBits(compression, widths, SimMode::Inference, names);
}

FpgaMatrix matrixFromMask(std::string name, const compress::WeightMask& mask, const FpgaSpec& spec, int repeat,
                          int weightBits) {
    weightBits = bitsOrSpec(weightBits, spec);
    FpgaMatrix m{std::move(name), mask.rows, mask.cols, repeat, {}};
    m.weightBits = weightBits;
    for (const auto& columns : columnsPerPe(mask.cols, spec)) {
        compress::WeightMask bank(mask.rows, int(columns.size()), false);
        for (int r = 0; r < mask.rows; ++r)
            for (std::size_t j = 0; j < columns.size(); ++j)
                bank.set(r, int(j), mask.at(r, columns[j]));
        m.banks.push_back(loadOf(compress::countMask(bank, spec.blockRows, spec.blockCols), spec, weightBits));
    }
    return m;
}

FpgaMatrix matrixUniform(std::string name, int rows, int cols, double sparsity, const FpgaSpec& spec, int repeat,
                         int weightBits) {
    weightBits = bitsOrSpec(weightBits, spec);
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
    m.weightBits = weightBits;
    for (std::size_t p = 0; p < perPe.size(); ++p) {
        compress::MaskCounts c;
        c.rows = std::uint64_t(rows);
        c.cols = perPe[p].size();
        c.nnz = share[p];
        m.banks.push_back(loadOf(c, spec, weightBits));
    }
    return m;
}

std::vector<FpgaMatrix> encoderMatricesUniform(const TransformerSpec& model, double sparsity, const FpgaSpec& spec) {
    const PrecisionBits precision = fpgaPrecisionBits(model.compression, spec);
    const std::uint64_t A = std::uint64_t(spec.activationBits); // native: the layer input, outputs
    std::vector<FpgaMatrix> out;
    // Every matrix's weights at its layer's bits, its activations at their roles' bits per token.
    auto add = [&](FpgaMatrix m, std::uint64_t inBits, std::uint64_t outBits) {
        m.bitsInPerToken = inBits;
        m.bitsOutPerToken = outBits;
        out.push_back(std::move(m));
    };
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
        const int bW = precision.bits(TensorRole::Weights, l);
        const std::uint64_t bQkv = std::uint64_t(precision.bits(TensorRole::QueryKeyValue, l)),
                            bIn = std::uint64_t(precision.bits(TensorRole::LinearInputs, l)),
                            bF = std::uint64_t(precision.bits(TensorRole::FeedForwardHidden, l));
        // Q, K, V of attention heads at qkv bits; the other heads' projections stay native.
        std::uint64_t qkvOut = 0;
        for (const HeadSpec& h : layer.heads)
            qkvOut += std::uint64_t(h.dim) * (isAttentionHead(h.type) ? bQkv : A);
        for (const char* role : {"query", "key", "value"})
            add(matrixUniform(at + role, H, D, sparsity, spec, 1, bW), std::uint64_t(H) * A, qkvOut);
        // The heads' own weights, identical heads as one matrix repeated (workload.cpp's groups).
        std::map<std::pair<HeadType, int>, int> groups;
        for (const HeadSpec& h : layer.heads)
            ++groups[{h.type, h.dim}];
        for (const auto& [key, count] : groups) {
            const auto [type, d] = key;
            const std::string head = at + std::string(headTypeName(type)) + " (d " + std::to_string(d) + ") ";
            const std::uint64_t ud = std::uint64_t(d);
            if (type == HeadType::SaWma) {
                add(matrixUniform(head + "qW", d, d, 0.0, spec, count, bW), ud * bQkv, ud * bQkv);
            } else if (isConvolutionHead(type)) {
                const int k = convolutionKernelSize(type);
                add(matrixUniform(head + "kernel generator", d, k, 0.0, spec, count, bW), ud * A, std::uint64_t(k) * A);
                FpgaMatrix taps = matrixUniform(head + "depthwise taps", k, d, 0.0, spec, count, bW);
                taps.streamedIn = taps.streamedOut = d;
                add(std::move(taps), ud * A, ud * A);
            }
        }
        add(matrixUniform(at + "attention output", D, H, sparsity, spec, 1, bW), std::uint64_t(D) * bIn,
            std::uint64_t(H) * A);
        int in = H;
        std::uint64_t inBits = A; // the first reads the layer-norm output, native
        for (std::size_t i = 0; i < layer.feedForwardSizes.size(); ++i) {
            const int f = layer.feedForwardSizes[i];
            add(matrixUniform(at + "feed-forward " + std::to_string(i), in, f, sparsity, spec, 1, bW),
                std::uint64_t(in) * inBits, std::uint64_t(f) * bF);
            in = f;
            inBits = bF;
        }
        if (!layer.feedForwardSizes.empty())
            add(matrixUniform(at + "feed-forward out", in, H, sparsity, spec, 1, bW), std::uint64_t(in) * bF,
                std::uint64_t(H) * A);
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
        c.weightBits = m.weightBits ? m.weightBits : spec.weightBits;
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
        const std::uint64_t A = std::uint64_t(spec.activationBits);
        c.streamedBitsPerToken =
            (m.bitsInPerToken ? m.bitsInPerToken : std::uint64_t(m.streamedIn ? m.streamedIn : m.rows) * A) +
            (m.bitsOutPerToken ? m.bitsOutPerToken : std::uint64_t(m.streamedOut ? m.streamedOut : m.cols) * A);
        // Exact in doubles (products far below 2^53): all-native streams give what the
        // activations-times-activationBits product gave before precision existed.
        c.memorySeconds = double(tokens) * double(c.streamedBitsPerToken) / 8.0 / (spec.offChipBandwidthGBps * 1e9);
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
        int fewest = spec.weightBits, most = 0;
        for (const FpgaMatrixCost& c : r.matrices) {
            fewest = std::min(fewest, c.weightBits);
            most = std::max(most, c.weightBits);
        }
        const std::string bits = most == 0 || fewest == most ? std::to_string(most ? most : spec.weightBits)
                                                             : std::to_string(fewest) + " to " + std::to_string(most);
        r.reasons.push_back("the weights need " + mb(double(r.weightBits)) + " on chip in " + format + " at " + bits +
                            (bits == "1" ? " bit" : " bits") + ", the part has " + mb(spec.onChipMemoryBits));
    }
    return r;
}

FpgaResult evaluateFpgaModel(const FpgaSpec& spec, const TransformerSpec& model, double sparsity, std::int64_t tokens) {
    const PrecisionBits precision = fpgaPrecisionBits(model.compression, spec);
    FpgaResult r = evaluateFpga(spec, encoderMatricesUniform(model, sparsity, spec), tokens);
    for (const std::string& problem : precision.problems()) {
        r.feasible = false;
        r.reasons.push_back(problem);
    }
    return r;
}

} // namespace tcw::sim
