// oneDNN primitives for the trainer, cached per shape. oneDNN errors (a bug or an
// unsupported shape) surface as dnnl::error exceptions, caught at the trainer's boundary.
#include "dnnl_context.h"

#include <cstring>

namespace tcw::train {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

namespace {
enum Op : std::int64_t { OpMatmul = 1 };

memory::desc viewDesc(const MatView& m) {
    return memory::desc({m.batch, m.rows, m.cols}, dt::f32, {m.batchStride, m.rowStride, m.colStride});
}

} // namespace

std::size_t DnnlContext::KeyHash::operator()(const Key& k) const noexcept {
    std::uint64_t h = 1469598103934665603ull;
    for (auto x : k.v) {
        h ^= static_cast<std::uint64_t>(x);
        h *= 1099511628211ull;
    }
    return static_cast<std::size_t>(h);
}

DnnlContext::DnnlContext() : m_engine(dnnl::engine::kind::cpu, 0), m_stream(m_engine) {}
DnnlContext::~DnnlContext() = default;

DnnlContext::Entry& DnnlContext::cached(const Key& key, const std::function<Entry()>& build) {
    auto it = m_cache.find(key);
    if (it == m_cache.end())
        it = m_cache.emplace(key, build()).first;
    return it->second;
}

void DnnlContext::run(Entry& entry, std::initializer_list<std::pair<int, const void*>> handles) {
    for (const auto& [arg, ptr] : handles)
        entry.args.at(arg).set_data_handle(const_cast<void*>(ptr));
    entry.primitive.execute(m_stream, entry.args);
    m_stream.wait();
}

void DnnlContext::matmul(const MatView& a, const MatView& b, const MatView& c, const float* bias, float alpha,
                         bool accumulate, unsigned stable) {
    matmulImpl(a, b, c, bias, alpha, accumulate, stable, nullptr);
}

void DnnlContext::matmulTimes(const MatView& a, const MatView& b, const MatView& c, const float* m, unsigned stable) {
    matmulImpl(a, b, c, nullptr, 1.0f, false, stable, m);
}

dnnl::primitive_attr DnnlContext::matmulAttr(const MatView& c, float alpha, bool accumulate, bool multiply) {
    dnnl::primitive_attr attr;
    if (alpha != 1.0f)
        attr.set_output_scales(0, {alpha});
    if (accumulate || multiply) {
        dnnl::post_ops ops;
        if (accumulate)
            ops.append_sum(1.0f);
        if (multiply)
            ops.append_binary(dnnl::algorithm::binary_mul, viewDesc(c));
        attr.set_post_ops(ops);
    }
    return attr;
}

// The multiplier of matmulTimes is the first (only) post-op.
constexpr int kArgMultiplier = DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1;

void DnnlContext::matmulImpl(const MatView& a, const MatView& b, const MatView& c, const float* bias, float alpha,
                             bool accumulate, unsigned stable, const float* multiplyBy) {
    Key key;
    key.v = {OpMatmul,
             a.batch,
             a.rows,
             a.cols,
             a.batchStride,
             a.rowStride,
             a.colStride,
             b.batch,
             b.rows,
             b.cols,
             b.batchStride,
             b.rowStride,
             b.colStride,
             c.batch,
             c.rows,
             c.cols,
             c.batchStride,
             c.rowStride,
             c.colStride,
             bias != nullptr,
             accumulate,
             0,
             0,
             0,
             multiplyBy != nullptr};
    std::int64_t alphaBits = 0;
    static_assert(sizeof(float) <= sizeof(alphaBits));
    std::memcpy(&alphaBits, &alpha, sizeof(float));
    key.v[21] = alphaBits;
    key.v[22] = m_bf16Matmul ? 1 : 0;
    if (m_bf16Matmul) {
        key.v[23] = stable;
        matmulBf16(key, a, b, c, bias, alpha, accumulate, stable, multiplyBy);
        return;
    }
    Entry& e = cached(key, [&] {
        const dnnl::primitive_attr attr = matmulAttr(c, alpha, accumulate, multiplyBy != nullptr);
        const auto aMd = viewDesc(a), bMd = viewDesc(b), cMd = viewDesc(c);
        const memory::desc biasMd({1, 1, c.cols}, dt::f32, {c.cols, c.cols, 1});
        auto desc = bias ? dnnl::matmul::desc(aMd, bMd, biasMd, cMd) : dnnl::matmul::desc(aMd, bMd, cMd);
        dnnl::matmul::primitive_desc pd(desc, attr, m_engine);
        Entry entry;
        entry.primitive = dnnl::matmul(pd);
        entry.args.emplace(DNNL_ARG_SRC, memory(aMd, m_engine, DNNL_MEMORY_NONE));
        entry.args.emplace(DNNL_ARG_WEIGHTS, memory(bMd, m_engine, DNNL_MEMORY_NONE));
        entry.args.emplace(DNNL_ARG_DST, memory(cMd, m_engine, DNNL_MEMORY_NONE));
        if (bias)
            entry.args.emplace(DNNL_ARG_BIAS, memory(biasMd, m_engine, DNNL_MEMORY_NONE));
        if (multiplyBy)
            entry.args.emplace(kArgMultiplier, memory(cMd, m_engine, DNNL_MEMORY_NONE));
        return entry;
    });
    if (bias)
        e.args.at(DNNL_ARG_BIAS).set_data_handle(const_cast<float*>(bias));
    if (multiplyBy)
        e.args.at(kArgMultiplier).set_data_handle(const_cast<float*>(multiplyBy));
    run(e, {{DNNL_ARG_SRC, a.data}, {DNNL_ARG_WEIGHTS, b.data}, {DNNL_ARG_DST, c.data}});
}

namespace {
std::int64_t extentOf(const MatView& v) { // elements from v.data to its last element
    return (v.batch - 1) * v.batchStride + (v.rows - 1) * v.rowStride + (v.cols - 1) * v.colStride + 1;
}

} // namespace

void DnnlContext::invalidateBf16Cache() {
    for (auto& [key, copy] : m_bf16Copies)
        copy.valid = false;
    for (Bf16Block& block : m_bf16Blocks)
        block.copy.valid = false;
}

void DnnlContext::forgetBf16(const MatView& v) {
    const auto it = m_bf16Copies.find({v.data, extentOf(v)});
    if (it != m_bf16Copies.end())
        it->second.valid = false;
    for (Bf16Block& block : m_bf16Blocks)
        if (v.data >= block.base && v.data < block.base + block.count)
            block.copy.valid = false;
}

void DnnlContext::convertBf16Together(const float* base, std::int64_t count) {
    for (const Bf16Block& block : m_bf16Blocks)
        if (block.base == base && block.count == count)
            return;
    Bf16Block block;
    block.base = base;
    block.count = count;
    m_bf16Blocks.push_back(std::move(block));
}

void DnnlContext::allocate(Bf16Copy& copy, std::int64_t count) {
    if (!copy.data.empty())
        return;
    copy.data.resize(static_cast<std::size_t>(count));
    const memory::desc f32Md({count}, dt::f32, tag::a), bf16Md({count}, dt::bf16, tag::a);
    copy.from = memory(f32Md, m_engine, DNNL_MEMORY_NONE);
    copy.to = memory(bf16Md, m_engine, copy.data.data());
    copy.convert = dnnl::reorder(copy.from, copy.to);
}

std::uint16_t* DnnlContext::bf16Output(const MatView& v) {
    if (!m_bf16Matmul)
        return nullptr;
    const std::int64_t extent = extentOf(v);
    Bf16Copy& copy = m_bf16Copies[{v.data, extent}];
    allocate(copy, extent);
    copy.valid = true;
    return copy.data.data();
}

void DnnlContext::convert(Bf16Copy& copy, const float* from, std::int64_t count) {
    allocate(copy, count);
    copy.from.set_data_handle(const_cast<float*>(from));
    copy.convert.execute(m_stream, {{DNNL_ARG_FROM, copy.from}, {DNNL_ARG_TO, copy.to}});
    copy.valid = true;
}

const std::uint16_t* DnnlContext::bf16Storage(const MatView& v) {
    const std::int64_t extent = extentOf(v);
    for (Bf16Block& block : m_bf16Blocks)
        if (v.data >= block.base && v.data + extent <= block.base + block.count) {
            if (!block.copy.valid)
                convert(block.copy, block.base, block.count);
            return block.copy.data.data() + (v.data - block.base);
        }
    Bf16Copy& copy = m_bf16Copies[{v.data, extent}];
    if (!copy.valid)
        convert(copy, v.data, extent);
    return copy.data.data();
}

void DnnlContext::matmulBf16(const Key& key, const MatView& a, const MatView& b, const MatView& c, const float* bias,
                             float alpha, bool accumulate, unsigned stable, const float* multiplyBy) {
    const bool stableA = (stable & StableA) != 0, stableB = (stable & StableB) != 0;
    Entry& e = cached(key, [&] {
        const dnnl::primitive_attr attr = matmulAttr(c, alpha, accumulate, multiplyBy != nullptr);
        // Stable operands keep their strides (a converted copy of the same storage); the
        // others are converted into a dense buffer by a reorder at every call.
        auto bfView = [](const MatView& m) {
            return memory::desc({m.batch, m.rows, m.cols}, dt::bf16, {m.batchStride, m.rowStride, m.colStride});
        };
        const memory::desc aBf = stableA ? bfView(a) : memory::desc({a.batch, a.rows, a.cols}, dt::bf16, tag::abc);
        const memory::desc bBf = stableB ? bfView(b) : memory::desc({b.batch, b.rows, b.cols}, dt::bf16, tag::abc);
        const auto cMd = viewDesc(c);
        const memory::desc biasMd({1, 1, c.cols}, dt::f32, {c.cols, c.cols, 1});
        auto desc = bias ? dnnl::matmul::desc(aBf, bBf, biasMd, cMd) : dnnl::matmul::desc(aBf, bBf, cMd);
        dnnl::matmul::primitive_desc pd(desc, attr, m_engine);
        Entry entry;
        entry.primitive = dnnl::matmul(pd);
        if (stableA) {
            entry.args.emplace(DNNL_ARG_SRC, memory(aBf, m_engine, DNNL_MEMORY_NONE));
        } else {
            entry.aF32 = memory(viewDesc(a), m_engine, DNNL_MEMORY_NONE);
            entry.aBf16 = memory(aBf, m_engine); // owned buffer, allocated once per shape
            entry.convertA = dnnl::reorder(entry.aF32, entry.aBf16);
            entry.args.emplace(DNNL_ARG_SRC, entry.aBf16);
        }
        if (stableB) {
            entry.args.emplace(DNNL_ARG_WEIGHTS, memory(bBf, m_engine, DNNL_MEMORY_NONE));
        } else {
            entry.bF32 = memory(viewDesc(b), m_engine, DNNL_MEMORY_NONE);
            entry.bBf16 = memory(bBf, m_engine);
            entry.convertB = dnnl::reorder(entry.bF32, entry.bBf16);
            entry.args.emplace(DNNL_ARG_WEIGHTS, entry.bBf16);
        }
        entry.args.emplace(DNNL_ARG_DST, memory(cMd, m_engine, DNNL_MEMORY_NONE));
        if (bias)
            entry.args.emplace(DNNL_ARG_BIAS, memory(biasMd, m_engine, DNNL_MEMORY_NONE));
        if (multiplyBy)
            entry.args.emplace(kArgMultiplier, memory(cMd, m_engine, DNNL_MEMORY_NONE));
        return entry;
    });
    if (multiplyBy)
        e.args.at(kArgMultiplier).set_data_handle(const_cast<float*>(multiplyBy));
    if (stableA) {
        e.args.at(DNNL_ARG_SRC).set_data_handle(const_cast<std::uint16_t*>(bf16Storage(a)));
    } else {
        e.aF32.set_data_handle(const_cast<float*>(a.data));
        e.convertA.execute(m_stream, {{DNNL_ARG_FROM, e.aF32}, {DNNL_ARG_TO, e.aBf16}});
    }
    if (stableB) {
        e.args.at(DNNL_ARG_WEIGHTS).set_data_handle(const_cast<std::uint16_t*>(bf16Storage(b)));
    } else {
        e.bF32.set_data_handle(const_cast<float*>(b.data));
        e.convertB.execute(m_stream, {{DNNL_ARG_FROM, e.bF32}, {DNNL_ARG_TO, e.bBf16}});
    }
    if (bias)
        run(e, {{DNNL_ARG_DST, c.data}, {DNNL_ARG_BIAS, bias}});
    else
        run(e, {{DNNL_ARG_DST, c.data}});
}

} // namespace tcw::train
