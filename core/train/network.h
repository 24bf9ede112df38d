// A FlexiBERT 2.0 transformer as the trainer builds it: the parameters that
// TransformerSpec::parameterCount counts, forward and backward for every part on oneDNN,
// with DynaProp pruning hooks. One instance per thread; buffers are sized for a maximum
// batch at construction and reused.
#pragma once

#include "batch.h"
#include "design/transformer_spec.h"
#include "sparse_backward.h"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace tcw::train {

class DynaProp;

// Sets the oneDNN (OpenMP) thread count for work started from the calling thread. Call it
// before the first forward pass: primitives are built for the count in force then.
void setComputeThreads(int threads);

// One parameter tensor inside the flat parameter vector.
struct ParamTensor {
    std::string name;        // e.g. "layers.0.heads.1.wma"
    std::int64_t offset = 0; // into parameters()
    std::int64_t rows = 0;   // [rows, cols]; biases and norms have rows == 1
    std::int64_t cols = 0;
    int layer = 0;     // encoder layer it belongs to (embeddings → 0, classifier → last)
    bool decay = true; // AdamW weight decay applies (matrices, not biases or norms)
    std::int64_t size() const { return rows * cols; }
};

// Bytes of the activations kept for the backward pass. denseBytes: all of them dense.
// compressedBytes: with compressed storage in force (setCompressSavedActivations), what is held
// (the pool's tensors plus those kept dense); otherwise an estimate, each tensor as a bitmap plus
// its non-zero values or dense, whichever is smaller. heldBytes: what the process holds for them
// (issue 20); workBytes: compressed storage's shared work buffer (one layer's pruned tensors);
// poolResidentBytes: the pool's pages that may be resident (its high-water mark, less what it
// gave back).
struct ActivationMemory {
    std::int64_t denseBytes = 0;
    std::int64_t compressedBytes = 0;
    std::int64_t heldBytes = 0;
    std::int64_t workBytes = 0;
    std::int64_t poolResidentBytes = 0;
};

struct ForwardResult {
    float loss = 0.0f; // mean cross-entropy over the batch
    int correct = 0;   // argmax(logits) == label
};

// ---- issue 15: activation hooks (activation_quantization.h, distillation.h) -------------
// Places in the forward pass where a hook sees a tensor [rows, cols]. `index` tells apart the
// tensors of one site in a layer: LinearInput 0 = the fused Q/K/V projection's input, 1 = the
// output projection's input (the heads' concatenation), 2 = the first feed-forward layer's,
// 3 = the inter-layer projection's; QueryKeyValue 3·g + 0/1/2 = Q/K/V of attention group g;
// AttentionProbabilities g; FeedForwardHidden f (the hidden activation after FF layer f);
// LayerOutput 0; Logits 0 (layer = the last layer).
enum class ActivationSite : std::uint8_t {
    LinearInput,
    QueryKeyValue,
    AttentionProbabilities,
    FeedForwardHidden,
    LayerOutput,
    Logits,
};
class ActivationHooks {
public:
    virtual ~ActivationHooks() = default;
    // May change x in place (quantize it); the network computes on with what x then holds.
    // LayerOutput and Logits must leave x unchanged (observed only).
    virtual void forward(int layer, ActivationSite site, int index, float* x, std::int64_t rows, std::int64_t cols) = 0;
    // g holds the loss gradient w.r.t. what forward left in x; the hook turns it into the
    // gradient w.r.t. what x held before (STE masks; a term may be added, e.g. a distillation
    // loss's). x is the same buffer (null for LayerOutput and Logits): a hook that changed it
    // writes the original values back, which the rest of the backward pass reads.
    virtual void backward(int layer, ActivationSite site, int index, float* g, float* x, std::int64_t rows,
                          std::int64_t cols) = 0;
};

class Network {
public:
    Network(const TransformerSpec& spec, const TaskShape& task, int maxBatchSize);
    ~Network();
    Network(const Network&) = delete;
    Network& operator=(const Network&) = delete;

    // Truncated-normal-free BERT-style init: N(0, 0.02) matrices, zero biases, unit norms.
    void initialize(std::uint64_t seed);

    std::span<float> parameters();
    std::span<const float> parameters() const;
    std::span<float> gradients();
    const std::vector<ParamTensor>& tensors() const;
    std::int64_t parameterCount() const;

    // Forward pass; keeps what backward needs. `prune` may be null (no pruning, no counts).
    // keepForBackward = false (evaluation, calibration): with compressed storage nothing is
    // saved (issue 20), and backward() refuses to run after it.
    ForwardResult forward(const Batch& batch, DynaProp* prune, bool keepForBackward = true);
    // Gradients of the mean loss of the last forward() into gradients() (overwritten).
    void backward(const Batch& batch, DynaProp* prune);

    std::span<const float> logits() const; // [B, C] of the last forward

    // Mixed precision: matmul operands in bf16 with f32 accumulation (f32 master weights,
    // f32 everything else). Off by default; the gradient checks run in f32.
    void setBf16Matmul(bool on);
    // Issue 20: keeps the pruned activations between forward and backward compressed, in a
    // pool whose resident size follows their non-zeros (activation_store.h): less memory when
    // pruning makes them sparse, the same results bit for bit. In force from the next forward
    // pass with f32 matmuls (bf16 matmuls keep dense storage). savedActivationMemory() then
    // reports what is held.
    void setCompressSavedActivations(bool on);
    ActivationMemory savedActivationMemory() const; // of the last forward

    // Issue 20: the dense layers' backward matmuls skip the zeros of sparse enough incoming
    // gradients (sparse_backward.h; Auto by default, f32 only). The counts per layer of the
    // calls since the last take: sparse or dense, and the gradients' density.
    void setSparseBackward(const SparseBackwardConfig& config);
    const SparseBackwardConfig& sparseBackward() const;
    std::vector<BackwardKernelCounts> takeBackwardKernelCounts();

    // Issue 15: hooks on activations (null: none, the default). Not with bf16 matmuls.
    void setActivationHooks(ActivationHooks* hooks);

    const TransformerSpec& spec() const;
    const TaskShape& task() const;
    int maxBatchSize() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

} // namespace tcw::train
