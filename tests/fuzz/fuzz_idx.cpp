// libFuzzer target: an IDX file (plain or gzip'd, as Fashion-MNIST ships) read from a file.
#include "fuzz_support.h"
#include "train/datasets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = tcw::fuzz::scratch().write("input-idx-ubyte.gz", tcw::fuzz::text(data, size)).string();
    try {
        const tcw::train::IdxArray idx = tcw::train::readIdx(path);
        (void)idx.data.size();
    } catch (const tcw::train::DataError&) {
    }
    return 0;
}
