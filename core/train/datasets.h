// Data sets for the trainer: Fashion-MNIST (gzip'd IDX, as image patches), GLUE-format TSV
// text classification, six-language fortunes (language identification) and a synthetic
// ListOps generator. Loaders throw DataError with a message naming the file and, for
// missing data, the Debian package to install.
#pragma once

#include "batch.h"
#include "design/transformer_spec.h"

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace tcw::train {

struct DataError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Dataset {
    // One split: text as token ids [count, S] (0 = padding) or images as pixels
    // [count, rows, cols], with labels [count].
    struct Split {
        std::int64_t count = 0;
        std::vector<std::int32_t> tokens;
        std::vector<std::uint8_t> pixels;
        std::vector<std::int32_t> labels;
    };

    std::string name;
    TaskShape task; // sequence length, vocabulary, classes, patch size (images)
    std::vector<std::string> classNames;
    Split train, test;
    // Images: geometry of the patches (patchSide² values per token, row-major patches).
    int imageRows = 0, imageCols = 0, patchSide = 0;

    bool isImage() const { return patchSide > 0; }
    // The examples at `indices` of a split as a batch (images normalised, padding masked).
    Batch makeBatch(const Split& split, std::span<const std::int64_t> indices) const;
    // Same, into an existing batch (reuses its buffers).
    void fillBatch(const Split& split, std::span<const std::int64_t> indices, Batch& batch) const;
};

// Fashion-MNIST from `directory` ({train,t10k}-{images-idx3,labels-idx1}-ubyte.gz);
// patchSide 4 → 49 tokens of 16 values, 7 → 16 tokens of 49. maxTrain/maxTest cap the
// split sizes (0 = all).
Dataset loadFashionMnist(const std::string& directory, int patchSide, std::int64_t maxTrain = 0,
                         std::int64_t maxTest = 0);
inline constexpr const char* kFashionMnistDefaultDir = "/usr/share/datasets/fashion-mnist";

// Reads an IDX file (optionally gzip'd): dims and the raw uint8 payload.
struct IdxArray {
    std::vector<std::int64_t> dims;
    std::vector<std::uint8_t> data;
};
IdxArray readIdx(const std::string& path);

struct TextOptions {
    int sequenceLength = 64;
    int maxVocabulary = 8000;
    std::string vocabularyFile; // WordPiece vocab.txt; empty = build from the training split
    bool characters = false;    // character instead of word vocabulary (when building)
};

// GLUE-format TSV: DIR/train.tsv and DIR/dev.tsv (test split) with a header row naming a
// text column ("sentence", else the first non-label column) and a "label" column. Labels
// are integers or strings (mapped in order of first appearance in train).
Dataset loadGlueTsv(const std::string& directory, const TextOptions& options);

// Language identification on the six Debian fortunes packages under `root`
// (/usr/share/games/fortunes: English at the top, de/ es/ it/ pl/ ru/): records between '%'
// lines, character vocabulary, a seeded split. maxPerClass caps each language (0 = all).
struct FortunesOptions {
    std::string root = "/usr/share/games/fortunes";
    int sequenceLength = 128;
    std::int64_t maxPerClass = 0;
    double testFraction = 0.1;
    std::uint64_t seed = 1;
    int minCharacters = 20; // shorter records are skipped (they carry little language)
};
Dataset loadFortunes(const FortunesOptions& options);

// Synthetic ListOps: nested [MAX, [MIN, [MED, [SM (sum mod 10) over digits; the label is
// the expression's value 0–9. Seeded: the same options give the same data.
struct ListOpsOptions {
    std::int64_t trainCount = 2000;
    std::int64_t testCount = 500;
    int maxDepth = 3;
    int maxArguments = 4;
    int sequenceLength = 64;
    std::uint64_t seed = 1;
};
Dataset makeListOps(const ListOpsOptions& options);
// The task shapes of the built-in data sets without loading them (what the simulator costs a
// model for: codesign::taskShapeFor, the Selection view); equal to the loaded data set's task.
TaskShape listOpsTask(const ListOpsOptions& options = {});
TaskShape fashionMnistTask(int patchSide);
// One expression as text ("[MAX 3 [MIN 4 1 ] 2 ]") and its value.
std::pair<std::string, int> generateListOpsExpression(std::uint64_t seed, int maxDepth, int maxArguments);

} // namespace tcw::train
