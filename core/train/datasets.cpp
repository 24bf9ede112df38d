// Data set loaders (see datasets.h).
#include "datasets.h"

#include "tokenizer.h"

#include "io/safe_file.h"

#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <filesystem>
#include <map>
#include <random>
#include <sstream>

namespace tcw::train {

namespace fs = std::filesystem;

namespace {

constexpr float kFashionMean = 0.2860f; // pixel mean and deviation of Fashion-MNIST (÷255)
constexpr float kFashionStd = 0.3530f;

// Limits on what a data set may make us hold: the inflated size of one IDX file (Fashion-
// MNIST's largest is 47 MB; a gzip bomb of a few MB would otherwise inflate to gigabytes), the
// size of one IDX dimension, and the classes a TSV label may ask for.
constexpr std::uint64_t kMaxIdxBytes = 512ull << 20;
constexpr std::int64_t kMaxIdxDimension = std::int64_t(1) << 31;
constexpr std::int64_t kMaxClasses = 100'000;

// A plain or gzip-compressed file, inflated to at most kMaxIdxBytes.
std::vector<std::uint8_t> readMaybeGzip(const std::string& path) {
    const io::ReadResult file = io::readFileBounded(path, io::kMaxBinaryDataBytes, "a data file");
    if (!file.ok())
        throw DataError(path + ": " + file.error);
    const auto* in = reinterpret_cast<const Bytef*>(file.bytes.data());
    if (file.bytes.size() < 2 || in[0] != 0x1f || in[1] != 0x8b) { // not gzip: the bytes themselves
        if (file.bytes.size() > kMaxIdxBytes)
            throw DataError(path + ": is " + io::byteSizeText(file.bytes.size()) + "; the limit for an IDX file is " +
                            io::byteSizeText(kMaxIdxBytes));
        return {file.bytes.begin(), file.bytes.end()};
    }
    z_stream z{};
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) // 16: gzip header and trailer
        throw DataError(path + ": cannot start decompressing");
    z.next_in = const_cast<Bytef*>(in);
    z.avail_in = static_cast<uInt>(std::min<std::size_t>(file.bytes.size(), UINT32_MAX));
    std::vector<std::uint8_t> bytes;
    std::vector<std::uint8_t> chunk(1 << 16);
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        z.next_out = chunk.data();
        z.avail_out = static_cast<uInt>(chunk.size());
        rc = inflate(&z, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) {
            const std::string reason = z.msg ? z.msg : rc == Z_BUF_ERROR ? "the file ends early" : "corrupt data";
            inflateEnd(&z);
            throw DataError(path + ": cannot decompress (" + reason + ")");
        }
        bytes.insert(bytes.end(), chunk.begin(), chunk.end() - z.avail_out);
        if (bytes.size() > kMaxIdxBytes) {
            inflateEnd(&z);
            throw DataError(path + ": inflates to more than " + io::byteSizeText(kMaxIdxBytes) +
                            ", the limit for an IDX file");
        }
    }
    inflateEnd(&z);
    return bytes;
}

std::string readTextFile(const fs::path& path) {
    const io::ReadResult file = io::readFileBounded(path, io::kMaxTextDataBytes, "a text data file");
    if (!file.ok())
        throw DataError(path.string() + ": " + file.error);
    return file.bytes;
}

std::vector<std::string> splitTsvLine(const std::string& line) {
    std::vector<std::string> fields;
    std::string field;
    for (char c : line) {
        if (c == '\t') {
            fields.push_back(std::move(field));
            field.clear();
        } else if (c != '\r') {
            field.push_back(c);
        }
    }
    fields.push_back(std::move(field));
    return fields;
}

Dataset::Split encodeSplit(const std::vector<std::string>& texts, const std::vector<std::int32_t>& labels,
                           const Tokenizer& tokenizer, int length) {
    Dataset::Split split;
    split.count = static_cast<std::int64_t>(texts.size());
    split.tokens.reserve(texts.size() * static_cast<std::size_t>(length));
    for (const auto& text : texts) {
        const auto ids = tokenizer.encode(text, length);
        split.tokens.insert(split.tokens.end(), ids.begin(), ids.end());
    }
    split.labels = labels;
    return split;
}

} // namespace

// ---- batches -------------------------------------------------------------------------------

void Dataset::fillBatch(const Split& split, std::span<const std::int64_t> indices, Batch& batch) const {
    const int S = task.sequenceLength;
    const auto B = static_cast<int>(indices.size());
    batch.size = B;
    batch.sequenceLength = S;
    batch.labels.resize(static_cast<std::size_t>(B));
    batch.mask.resize(static_cast<std::size_t>(B) * S);
    for (int b = 0; b < B; ++b)
        batch.labels[static_cast<std::size_t>(b)] = split.labels[static_cast<std::size_t>(indices[b])];
    if (isImage()) {
        const int P = patchSide * patchSide, across = imageCols / patchSide;
        batch.tokens.clear();
        batch.patches.resize(static_cast<std::size_t>(B) * S * P);
        std::fill(batch.mask.begin(), batch.mask.end(), 1.0f);
        for (int b = 0; b < B; ++b) {
            const std::uint8_t* image = split.pixels.data() + indices[b] * imageRows * imageCols;
            float* out = batch.patches.data() + static_cast<std::int64_t>(b) * S * P;
            for (int s = 0; s < S; ++s) {
                const int r0 = (s / across) * patchSide, c0 = (s % across) * patchSide;
                for (int i = 0; i < patchSide; ++i)
                    for (int j = 0; j < patchSide; ++j) {
                        const float pixel = image[(r0 + i) * imageCols + c0 + j] / 255.0f;
                        out[s * P + i * patchSide + j] = (pixel - kFashionMean) / kFashionStd;
                    }
            }
        }
        return;
    }
    batch.patches.clear();
    batch.tokens.resize(static_cast<std::size_t>(B) * S);
    for (int b = 0; b < B; ++b) {
        const std::int32_t* src = split.tokens.data() + indices[b] * S;
        std::copy(src, src + S, batch.tokens.begin() + static_cast<std::ptrdiff_t>(b) * S);
        for (int s = 0; s < S; ++s)
            batch.mask[static_cast<std::size_t>(b) * S + s] = src[s] != Tokenizer::kPadId ? 1.0f : 0.0f;
        // A sequence of padding only still pools over its first position.
        if (std::all_of(src, src + S, [](std::int32_t t) { return t == Tokenizer::kPadId; }))
            batch.mask[static_cast<std::size_t>(b) * S] = 1.0f;
    }
}

Batch Dataset::makeBatch(const Split& split, std::span<const std::int64_t> indices) const {
    Batch batch;
    fillBatch(split, indices, batch);
    return batch;
}

// ---- Fashion-MNIST -------------------------------------------------------------------------

IdxArray readIdx(const std::string& path) {
    const auto bytes = readMaybeGzip(path);
    if (bytes.size() < 4 || bytes[0] != 0 || bytes[1] != 0 || bytes[2] != 0x08)
        throw DataError(path + ": not an IDX file of unsigned bytes (magic 0x0000080N)");
    const int rank = bytes[3];
    if (rank < 1 || rank > 4 || bytes.size() < 4u + 4u * rank)
        throw DataError(path + ": bad IDX header");
    IdxArray a;
    std::int64_t total = 1; // never above the bytes the file holds: checked before each product
    for (int i = 0; i < rank; ++i) {
        const std::size_t o = 4 + 4 * static_cast<std::size_t>(i);
        const std::int64_t dim = (std::int64_t(bytes[o]) << 24) | (std::int64_t(bytes[o + 1]) << 16) |
                                 (std::int64_t(bytes[o + 2]) << 8) | std::int64_t(bytes[o + 3]);
        if (dim >= kMaxIdxDimension)
            throw DataError(path + ": IDX dimension " + std::to_string(i) + " is " + std::to_string(dim) +
                            "; at most " + std::to_string(kMaxIdxDimension - 1));
        a.dims.push_back(dim);
        if (dim != 0 && total > static_cast<std::int64_t>(bytes.size()) / dim)
            throw DataError(path + ": the IDX header's dimensions ask for more bytes than the file holds (" +
                            std::to_string(bytes.size()) + ")");
        total *= dim;
    }
    const std::size_t header = 4 + 4 * static_cast<std::size_t>(rank);
    if (bytes.size() != header + static_cast<std::size_t>(total))
        throw DataError(path + ": payload has " + std::to_string(bytes.size() - header) + " bytes, header says " +
                        std::to_string(total));
    a.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(header), bytes.end());
    return a;
}

Dataset loadFashionMnist(const std::string& directory, int patchSide, std::int64_t maxTrain, std::int64_t maxTest) {
    if (patchSide <= 0 || 28 % patchSide != 0)
        throw DataError("Fashion-MNIST patch side must divide 28 (1, 2, 4, 7, 14, 28), got " +
                        std::to_string(patchSide));
    auto file = [&](const std::string& name) {
        for (const std::string& candidate : {name + ".gz", name}) {
            const fs::path p = fs::path(directory) / candidate;
            if (fs::exists(p))
                return p.string();
        }
        throw DataError((fs::path(directory) / (name + ".gz")).string() +
                        ": not found (install the Debian package dataset-fashion-mnist, or pass the "
                        "directory that holds the Fashion-MNIST IDX files)");
    };
    Dataset ds;
    ds.name = "fashion-mnist";
    ds.classNames = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                     "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    ds.imageRows = ds.imageCols = 28;
    ds.patchSide = patchSide;
    auto load = [&](const std::string& images, const std::string& labels, std::int64_t cap) {
        IdxArray im = readIdx(file(images));
        IdxArray lb = readIdx(file(labels));
        if (im.dims.size() != 3 || im.dims[1] != 28 || im.dims[2] != 28 || lb.dims.size() != 1 ||
            lb.dims[0] != im.dims[0])
            throw DataError(directory + ": " + images + " / " + labels + " are not matching 28×28 images and labels");
        Dataset::Split s;
        s.count = cap > 0 ? std::min(cap, im.dims[0]) : im.dims[0];
        s.pixels.assign(im.data.begin(), im.data.begin() + s.count * 28 * 28);
        for (std::int64_t i = 0; i < s.count; ++i) {
            if (lb.data[static_cast<std::size_t>(i)] > 9)
                throw DataError(directory + ": label " + std::to_string(lb.data[i]) + " outside 0..9");
            s.labels.push_back(lb.data[static_cast<std::size_t>(i)]);
        }
        return s;
    };
    ds.train = load("train-images-idx3-ubyte", "train-labels-idx1-ubyte", maxTrain);
    ds.test = load("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", maxTest);
    ds.task = fashionMnistTask(patchSide);
    return ds;
}

TaskShape fashionMnistTask(int patchSide) {
    TaskShape t;
    const int side = 28 / std::max(1, patchSide);
    t.sequenceLength = side * side;
    t.vocabularySize = 0;
    t.numClasses = 10;
    t.patchInputSize = patchSide * patchSide;
    return t;
}

// ---- GLUE-format TSV -----------------------------------------------------------------------

Dataset loadGlueTsv(const std::string& directory, const TextOptions& options) {
    struct Rows {
        std::vector<std::string> texts;
        std::vector<std::string> labels;
    };
    auto read = [&](const std::string& name) {
        const fs::path path = fs::path(directory) / name;
        std::error_code ec;
        if (!fs::exists(path, ec))
            throw DataError(path.string() + ": not found (a GLUE-format directory holds train.tsv and dev.tsv)");
        std::istringstream in(readTextFile(path));
        std::string line;
        if (!std::getline(in, line))
            throw DataError(path.string() + ": empty file (expected a header row)");
        const auto header = splitTsvLine(line);
        int labelCol = -1, textCol = -1;
        for (int i = 0; i < static_cast<int>(header.size()); ++i) {
            if (header[i] == "label")
                labelCol = i;
            if (header[i] == "sentence")
                textCol = i;
        }
        if (labelCol < 0)
            throw DataError(path.string() + ": the header has no 'label' column");
        if (textCol < 0)
            for (int i = 0; i < static_cast<int>(header.size()) && textCol < 0; ++i)
                if (i != labelCol && header[i] != "index" && header[i] != "idx")
                    textCol = i;
        if (textCol < 0)
            throw DataError(path.string() + ": the header has no text column (e.g. 'sentence')");
        Rows rows;
        int lineNumber = 1;
        while (std::getline(in, line)) {
            ++lineNumber;
            if (line.empty() || line == "\r")
                continue;
            const auto fields = splitTsvLine(line);
            if (static_cast<int>(fields.size()) <= std::max(labelCol, textCol))
                throw DataError(path.string() + ":" + std::to_string(lineNumber) + ": expected " +
                                std::to_string(header.size()) + " tab-separated fields, got " +
                                std::to_string(fields.size()));
            rows.texts.push_back(fields[static_cast<std::size_t>(textCol)]);
            rows.labels.push_back(fields[static_cast<std::size_t>(labelCol)]);
        }
        return rows;
    };
    const Rows train = read("train.tsv");
    const Rows test = read("dev.tsv");
    if (train.texts.empty())
        throw DataError(directory + "/train.tsv: no examples");
    if (test.texts.empty()) // an accuracy measured on nothing would read "0.0 %"
        throw DataError(directory + "/dev.tsv: no examples (the test split the accuracy is measured on)");
    // Labels: integers keep their value; strings are numbered in order of appearance.
    const bool numeric = std::all_of(train.labels.begin(), train.labels.end(), [](const std::string& s) {
        return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    });
    std::map<std::string, int> labelIds;
    std::vector<std::string> names;
    auto labelOf = [&](const std::string& s, const std::string& file) -> std::int32_t {
        if (numeric) {
            if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
                throw DataError(directory + "/" + file + ": label '" + io::shortened(s) +
                                "' is not an integer like the others");
            // A label is a class index: the head gets 1 + the largest, so it is bounded.
            std::int64_t value = 0;
            const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
            if (ec != std::errc() || end != s.data() + s.size() || value >= kMaxClasses)
                throw DataError(directory + "/" + file + ": label " + io::shortened(s) + " is above " +
                                std::to_string(kMaxClasses - 1) + ", the largest class index allowed");
            return static_cast<std::int32_t>(value);
        }
        const auto it = labelIds.find(s);
        if (it != labelIds.end())
            return it->second;
        if (file != "train.tsv")
            throw DataError(directory + "/" + file + ": label '" + io::shortened(s) + "' does not occur in train.tsv");
        if (static_cast<std::int64_t>(names.size()) >= kMaxClasses)
            throw DataError(directory + "/" + file + ": more than " + std::to_string(kMaxClasses) +
                            " distinct labels, the limit on classes");
        labelIds.emplace(s, static_cast<int>(names.size()));
        names.push_back(s);
        return static_cast<int>(names.size()) - 1;
    };
    std::vector<std::int32_t> trainLabels, testLabels;
    for (const auto& s : train.labels)
        trainLabels.push_back(labelOf(s, "train.tsv"));
    for (const auto& s : test.labels)
        testLabels.push_back(labelOf(s, "dev.tsv"));
    const int classes = numeric ? 1 + *std::max_element(trainLabels.begin(), trainLabels.end()) : int(names.size());
    if (numeric)
        for (int c = 0; c < classes; ++c)
            names.push_back(std::to_string(c));
    for (auto l : testLabels)
        if (l >= classes)
            throw DataError(directory + "/dev.tsv: label " + std::to_string(l) + " does not occur in train.tsv");

    const Tokenizer tokenizer = !options.vocabularyFile.empty() ? Tokenizer::fromWordPieceFile(options.vocabularyFile)
                                : options.characters
                                    ? Tokenizer::buildCharacterVocabulary(train.texts, options.maxVocabulary)
                                    : Tokenizer::buildWordVocabulary(train.texts, options.maxVocabulary);
    Dataset ds;
    ds.name = "tsv:" + directory;
    ds.classNames = names;
    ds.train = encodeSplit(train.texts, trainLabels, tokenizer, options.sequenceLength);
    ds.test = encodeSplit(test.texts, testLabels, tokenizer, options.sequenceLength);
    ds.task.sequenceLength = options.sequenceLength;
    ds.task.vocabularySize = tokenizer.vocabularySize();
    ds.task.numClasses = classes;
    return ds;
}

// ---- fortunes ------------------------------------------------------------------------------

Dataset loadFortunes(const FortunesOptions& options) {
    const std::vector<std::pair<std::string, std::string>> languages = {{"en", ""},   {"de", "de"}, {"es", "es"},
                                                                        {"it", "it"}, {"pl", "pl"}, {"ru", "ru"}};
    const std::vector<std::string> packages = {"fortunes",    "fortunes-de", "fortunes-es",
                                               "fortunes-it", "fortunes-pl", "fortunes-ru"};
    std::vector<std::string> texts;
    std::vector<std::int32_t> labels;
    for (std::size_t lang = 0; lang < languages.size(); ++lang) {
        const fs::path dir = fs::path(options.root) / languages[lang].second;
        if (!fs::is_directory(dir))
            throw DataError(dir.string() + ": not found (install the Debian package " + packages[lang] + ")");
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(dir)) {
            const auto ext = entry.path().extension().string();
            if (entry.is_symlink() || !entry.is_regular_file() || ext == ".dat" || ext == ".u8")
                continue;
            files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());
        std::int64_t kept = 0;
        for (const auto& path : files) {
            std::istringstream in(readTextFile(path));
            std::string line, record;
            auto flush = [&] {
                if (static_cast<int>(record.size()) >= options.minCharacters) {
                    texts.push_back(record);
                    labels.push_back(static_cast<std::int32_t>(lang));
                    ++kept;
                }
                record.clear();
            };
            while (std::getline(in, line)) {
                if (line == "%") {
                    flush();
                    continue;
                }
                // Collapse whitespace runs: layout says nothing about language.
                for (char c : line) {
                    const bool space = c == ' ' || c == '\t' || c == '\r';
                    if (space && (record.empty() || record.back() == ' '))
                        continue;
                    record.push_back(space ? ' ' : c);
                }
                if (!record.empty() && record.back() != ' ')
                    record.push_back(' ');
            }
            flush();
        }
        if (kept == 0)
            throw DataError(dir.string() + ": no fortune records found (install the Debian package " + packages[lang] +
                            ")");
    }
    // Seeded shuffle, then cap per class and split.
    std::vector<std::int64_t> order(texts.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = static_cast<std::int64_t>(i);
    std::mt19937_64 rng(options.seed);
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<std::int64_t> perClass(languages.size(), 0);
    std::vector<std::string> trainTexts, testTexts;
    std::vector<std::int32_t> trainLabels, testLabels;
    std::vector<std::int64_t> selected;
    for (auto i : order) {
        auto& n = perClass[static_cast<std::size_t>(labels[i])];
        if (options.maxPerClass > 0 && n >= options.maxPerClass)
            continue;
        ++n;
        selected.push_back(i);
    }
    const auto testCount = static_cast<std::size_t>(options.testFraction * static_cast<double>(selected.size()));
    for (std::size_t k = 0; k < selected.size(); ++k) {
        const auto i = static_cast<std::size_t>(selected[k]);
        auto& t = k < testCount ? testTexts : trainTexts;
        auto& l = k < testCount ? testLabels : trainLabels;
        t.push_back(texts[i]);
        l.push_back(labels[i]);
    }
    const Tokenizer tokenizer = Tokenizer::buildCharacterVocabulary(trainTexts, 512, 2);
    Dataset ds;
    ds.name = "fortunes";
    for (const auto& l : languages)
        ds.classNames.push_back(l.first);
    ds.train = encodeSplit(trainTexts, trainLabels, tokenizer, options.sequenceLength);
    ds.test = encodeSplit(testTexts, testLabels, tokenizer, options.sequenceLength);
    ds.task.sequenceLength = options.sequenceLength;
    ds.task.vocabularySize = tokenizer.vocabularySize();
    ds.task.numClasses = static_cast<int>(languages.size());
    return ds;
}

// ---- ListOps -------------------------------------------------------------------------------

namespace {
const std::vector<std::string> kListOpsTokens = {"[PAD]", "[UNK]", "[MAX", "[MIN", "[MED", "[SM", "]", "0", "1",
                                                 "2",     "3",     "4",    "5",    "6",    "7",   "8", "9"};

int listOpsNode(std::mt19937_64& rng, int depth, int maxDepth, int maxArgs, std::vector<std::string>& out) {
    std::uniform_int_distribution<int> digit(0, 9);
    if (depth >= maxDepth || (depth > 0 && std::uniform_real_distribution<double>(0, 1)(rng) < 0.3)) {
        const int v = digit(rng);
        out.push_back(std::to_string(v));
        return v;
    }
    const int op = std::uniform_int_distribution<int>(0, 3)(rng);
    out.push_back(kListOpsTokens[static_cast<std::size_t>(2 + op)]);
    const int n = std::uniform_int_distribution<int>(2, std::max(2, maxArgs))(rng);
    std::vector<int> values;
    for (int i = 0; i < n; ++i)
        values.push_back(listOpsNode(rng, depth + 1, maxDepth, maxArgs, out));
    out.push_back("]");
    std::sort(values.begin(), values.end());
    switch (op) {
    case 0:
        return values.back();
    case 1:
        return values.front();
    case 2:
        return values[values.size() / 2];
    default: {
        int sum = 0;
        for (int v : values)
            sum += v;
        return sum % 10;
    }
    }
}
} // namespace

std::pair<std::string, int> generateListOpsExpression(std::uint64_t seed, int maxDepth, int maxArguments) {
    std::mt19937_64 rng(seed);
    std::vector<std::string> tokens;
    const int value = listOpsNode(rng, 0, maxDepth, maxArguments, tokens);
    std::string text;
    for (const auto& t : tokens)
        text += (text.empty() ? "" : " ") + t;
    return {text, value};
}

TaskShape listOpsTask(const ListOpsOptions& o) {
    TaskShape t;
    t.sequenceLength = o.sequenceLength;
    t.vocabularySize = static_cast<int>(kListOpsTokens.size());
    t.numClasses = 10;
    return t;
}

Dataset makeListOps(const ListOpsOptions& o) {
    Dataset ds;
    ds.name = "listops";
    for (int c = 0; c < 10; ++c)
        ds.classNames.push_back(std::to_string(c));
    ds.task = listOpsTask(o);
    std::mt19937_64 seeds(o.seed);
    auto make = [&](std::int64_t count) {
        Dataset::Split split;
        while (split.count < count) {
            std::mt19937_64 rng(seeds());
            std::vector<std::string> tokens;
            const int value = listOpsNode(rng, 0, o.maxDepth, o.maxArguments, tokens);
            if (static_cast<int>(tokens.size()) > o.sequenceLength)
                continue; // too long for the model: draw another
            for (int s = 0; s < o.sequenceLength; ++s) {
                if (s >= static_cast<int>(tokens.size())) {
                    split.tokens.push_back(0);
                    continue;
                }
                const auto it =
                    std::find(kListOpsTokens.begin(), kListOpsTokens.end(), tokens[static_cast<std::size_t>(s)]);
                split.tokens.push_back(static_cast<std::int32_t>(it - kListOpsTokens.begin()));
            }
            split.labels.push_back(value);
            ++split.count;
        }
        return split;
    };
    ds.train = make(o.trainCount);
    ds.test = make(o.testCount);
    return ds;
}

} // namespace tcw::train
