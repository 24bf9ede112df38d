// tcw model-size: a model's stored size at a precision, with its breakdown (issue 15): encoder
// weights at their bits, one 32-bit scale per quantized matrix, embeddings (token table or
// patch projection) and classifier at their roles' bits, and what stays 32-bit float (biases,
// norms, positions). core/design/model_size.h does the counting.
#include "commands.h"

#include "design/model_size.h"
#include "design/precision_shorthand.h"
#include "io/files.h"

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

namespace tcw::cli {

namespace {

struct ModelSizeOptions {
    std::string model;
    std::string precision; // empty: the model's own CompressionSpec
    TaskShape task{};
};

int runModelSize(const ModelSizeOptions& o, const std::filesystem::path& dataDir) {
    TransformerSpec spec;
    try {
        spec = loadTrainableModel(o.model, dataDir);
    } catch (const std::exception& e) {
        std::cerr << "--model: " << e.what() << "\n";
        return 2;
    }
    if (!o.precision.empty() && o.precision != "f32") {
        if (const std::string error = applyPrecisionShorthand(o.precision, spec.compression); !error.empty()) {
            std::cerr << "--precision: " << error << "\n";
            return 2;
        }
    } else if (o.precision == "f32") {
        spec.compression.precision = {};
        spec.compression.layerPrecision.clear();
    }
    const ModelSize size = modelSize(spec, o.task);
    std::printf("%s, %d layers; task: %d tokens, %s, %d classes\n", spec.name.empty() ? "model" : spec.name.c_str(),
                spec.layerCount(), o.task.sequenceLength,
                o.task.patchInputSize > 0 ? ("patch input " + std::to_string(o.task.patchInputSize)).c_str()
                                          : ("vocabulary " + std::to_string(o.task.vocabularySize)).c_str(),
                o.task.numClasses);
    for (const std::string& line : describeCompression(spec.compression))
        std::printf("  %s\n", line.c_str());
    std::printf("\n  %-36s %12s %8s %14s %8s\n", "part", "values", "bits", "bytes", "share");
    for (const ModelSizeItem& item : size.items)
        std::printf("  %-36s %12lld %8.3g %14.0f %7.1f%%\n", item.part.c_str(), static_cast<long long>(item.values),
                    item.bits, item.bytes, size.totalBytes > 0 ? 100.0 * item.bytes / size.totalBytes : 0.0);
    std::printf("  %-36s %12s %8s %14.0f   (%.4g MB, MB = 10^6 bytes)\n", "total", "", "", size.totalBytes,
                size.totalBytes / 1e6);
    return 0;
}

} // namespace

void addModelSizeCommand(CLI::App& app, CommandContext& context) {
    auto o = std::make_shared<ModelSizeOptions>();
    o->task.sequenceLength = 128;
    o->task.vocabularySize = 30522;
    o->task.numClasses = 2;
    auto* cmd = app.add_subcommand("model-size", "A model's stored size at a precision, with what stays 32-bit "
                                                 "(encoder weights, scales, embeddings, classifier, biases/norms).");
    cmd->add_option("--model", o->model, "a model: preset name or file")->required();
    cmd->add_option("--precision", o->precision,
                    "f32, w1, w1a1, w2a8, w8a8, … as tcw train --precision (default: the model's own)");
    cmd->add_option("--seq", o->task.sequenceLength, "tokens (learned positions are stored)")
        ->check(CLI::Range(1, 1 << 20))
        ->capture_default_str();
    cmd->add_option("--vocab", o->task.vocabularySize, "token table rows")
        ->check(CLI::Range(0, 1 << 26))
        ->capture_default_str();
    cmd->add_option("--classes", o->task.numClasses, "classifier outputs")
        ->check(CLI::Range(1, 1 << 20))
        ->capture_default_str();
    cmd->add_option("--patch-input", o->task.patchInputSize,
                    "values per image patch (49 for Fashion-MNIST with patch 7): a patch projection instead of "
                    "the token table")
        ->check(CLI::Range(0, 1 << 20));
    cmd->footer("Examples:\n"
                "  tcw model-size --model bert-base --precision w1\n"
                "  tcw model-size --model vit-fashion-mnist --precision w1a1 --seq 16 --classes 10 --patch-input 49");
    cmd->callback([o, &context] { context.exitCode = runModelSize(*o, io::findDataDir(context.executablePath)); });
}

} // namespace tcw::cli
