// libFuzzer target: a training checkpoint read from a file and resumed into a small trainer
// (every length and count is checked against the model before use), then one step trained
// from it.
#include "fuzz_support.h"
#include "fuzz_tiny_trainer.h"
#include "train/checkpoint.h"

#include <stdexcept>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = tcw::fuzz::scratch().write("checkpoint.bin", tcw::fuzz::text(data, size)).string();
    try {
        (void)tcw::train::loadCheckpoint(path);
    } catch (const std::runtime_error&) {
        return 0; // refused with a message: what a bad checkpoint should get
    }
    tcw::train::Trainer& trainer = tcw::fuzz::tinyTrainer();
    try {
        trainer.loadCheckpoint(path);
    } catch (const std::runtime_error&) {
        return 0;
    }
    (void)trainer.trainStep();
    return 0;
}
