// libFuzzer target: a GLUE-format TSV data set. The input is train.tsv, a NUL byte, then
// dev.tsv (without a NUL both files get the whole input); the first byte's low bit picks a
// character or a word vocabulary. A batch of the first training examples is built from it.
#include "fuzz_support.h"
#include "train/datasets.h"

#include <algorithm>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = tcw::fuzz::text(data, size);
    const std::size_t nul = input.find('\0');
    const std::string_view train = input.substr(0, nul);
    const std::string_view dev = nul == std::string_view::npos ? input : input.substr(nul + 1);
    const auto& dir = tcw::fuzz::scratch();
    dir.write("train.tsv", train);
    dir.write("dev.tsv", dev);
    tcw::train::TextOptions options;
    options.sequenceLength = 16;
    options.maxVocabulary = 64;
    options.characters = size > 0 && (data[0] & 1) != 0;
    try {
        const tcw::train::Dataset set = tcw::train::loadGlueTsv(dir.path().string(), options);
        std::vector<std::int64_t> indices;
        for (std::int64_t i = 0; i < std::min<std::int64_t>(set.train.count, 4); ++i)
            indices.push_back(i);
        if (!indices.empty())
            (void)set.makeBatch(set.train, indices);
    } catch (const tcw::train::DataError&) {
    }
    return 0;
}
