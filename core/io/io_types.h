// Types shared by every reader and writer of the io module: which kind of document a file
// holds, which format it is in, and the errors of one file (each with a field path).
#pragma once

#include "design/accelerator_spec.h"
#include "design/design_space.h"
#include "design/sparsity_profile.h"
#include "design/technology_library.h"
#include "design/transformer_spec.h"
#include "design/validation.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace tcw::io {

// What a document describes. The names are the "kind" values of the workbench JSON formats.
enum class DocumentKind {
    Transformer,
    Accelerator,
    Technology,
    SparsityProfile,
    TransformerSpace,
    AcceleratorSpace,
    Pair, // "pair": a co-design, one transformer and one accelerator
};
std::string_view documentKindName(DocumentKind kind); // "transformer", "acceleratorSpace", ...
std::optional<DocumentKind> documentKindFromName(std::string_view name);

// How a document is written down.
enum class FileFormat {
    WorkbenchJson,      // ours: JSON with "schemaVersion" and "kind"
    ModelDict,          // FlexiBERT 2.0 model dict JSON {"l", "o", "h", "f"}
    AcceltranConfig,    // AccelTran / ELECTOR accelerator config YAML
    TranscodeSpaceYaml, // TransCODE design_space_{transformer,accelerator}.yaml layout
};
std::string_view fileFormatName(FileFormat format); // "workbench JSON", "FlexiBERT 2.0 model dict", ...

// The schema version this workbench writes and the newest it reads.
inline constexpr int kSchemaVersion = 1;

// Fields of an AccelTran config that AcceleratorSpec does not model (no cost model reads
// them). By default they are derived as TransCODE derives them (docs/acceltran-fast.md §7.2);
// a reference file with other values keeps them here, so reference → workbench → reference
// gives the same document.
struct AcceltranExtras {
    std::string loopUnrolling = "b_i_j_k";  // a permutation of b, i, j, k
    bool computeOpsTiled = true;            // scheduler.compute_ops.tiled
    std::optional<int> computeOpsBatchSize; // scheduler.compute_ops.batch_size; empty: max(1, ⌊pe / 4⌋)

    bool operator==(const AcceltranExtras&) const = default;

    bool isDerived() const { return loopUnrolling == "b_i_j_k" && computeOpsTiled && !computeOpsBatchSize; }
    int computeOpsBatchSizeFor(const AcceleratorSpec& spec) const {
        return computeOpsBatchSize ? *computeOpsBatchSize : std::max(1, spec.peCount / 4);
    }
};

// An accelerator as a file holds it: the design plus the reference-only fields.
struct AcceleratorFile {
    AcceleratorSpec spec;
    AcceltranExtras acceltran;

    bool operator==(const AcceleratorFile&) const = default;
};

// A co-design: the transformer and the accelerator that runs it, under one name. The
// workspace stores co-designs (kind "pair") in the canonical text of canonicalJson().
struct CodesignPair {
    std::string name;
    TransformerSpec transformer;
    AcceleratorSpec accelerator;

    bool operator==(const CodesignPair&) const = default;
};

// Any document the io module reads or writes.
using Document = std::variant<TransformerSpec, AcceleratorFile, TechnologyLibrary, SparsityProfile, TransformerSpace,
                              AcceleratorSpace, CodesignPair>;
DocumentKind documentKind(const Document& document);

// Everything wrong with one file: its name and every error found, each with a field path.
struct FileErrors {
    std::string file;
    ValidationErrors errors;

    bool ok() const { return errors.empty(); }
    // One line per error: "FILE: path: message" (or "FILE: message" without a path).
    std::string toString() const;
};

// The outcome of reading one file: a value, or the errors that prevented building it.
template <typename T> struct Loaded {
    std::optional<T> value;
    FileFormat format = FileFormat::WorkbenchJson; // the format the file was read as
    FileErrors errors;

    bool ok() const { return value.has_value(); }
    explicit operator bool() const { return ok(); }
    const T& operator*() const { return *value; }
    const T* operator->() const { return &*value; }
};

// The outcome of writing a document to text: the text, or why the format cannot hold it.
struct Written {
    std::string text;
    ValidationErrors errors;

    bool ok() const { return errors.empty(); }
};

} // namespace tcw::io
