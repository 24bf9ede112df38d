// tcw convert: rewrites a design file in another format (workbench JSON ↔ FlexiBERT 2.0
// model dict, workbench JSON ↔ AccelTran config YAML, TransCODE design-space YAML ↔ JSON).
#include "commands.h"

#include "io/files.h"
#include "io/formats.h"

#include <iostream>
#include <memory>
#include <optional>
#include <string>

namespace tcw::cli {

namespace {

struct ConvertOptions {
    std::string input;
    std::string output;
    std::string to;     // "", "ours" or "reference"
    bool force = false; // replace an existing OUT (never IN itself)
};

int runConvert(const ConvertOptions& options, const std::filesystem::path& dataDir) {
    io::WriteOptions writeOptions;
    writeOptions.overwrite = options.force;
    writeOptions.inputs = {options.input};
    if (const std::string why = io::checkWritable(options.output, writeOptions); !why.empty()) {
        std::cerr << options.output << ": " << why << "\n";
        return 2;
    }
    auto document = io::resolveDocument(options.input, dataDir);
    document.errors.file = options.input;
    if (!document) {
        std::cerr << document.errors.toString() << "\n";
        return 1;
    }
    const io::DocumentKind kind = io::documentKind(*document.value);
    std::optional<bool> reference;
    if (!options.to.empty())
        reference = options.to == "reference";
    const io::FormatChoice choice = io::chooseFormat(kind, options.output, reference);
    if (!choice.format) {
        std::cerr << options.output << ": " << choice.error << "\n";
        return 2;
    }
    // What is written must read back: a document the output format cannot hold faithfully is
    // refused here rather than written as a file that validate would reject.
    const io::Written written = io::formatDocument(*document.value, *choice.format);
    if (!written.ok()) {
        std::cerr << io::FileErrors{options.output, written.errors}.toString() << "\n";
        return 1;
    }
    const auto syntax = io::syntaxForPath(options.output).value_or(io::Syntax::Json);
    if (const auto back = io::parseDocument(written.text, syntax, options.output); !back) {
        std::cerr << options.output << ": not written: the converted document would not read back:\n"
                  << back.errors.toString() << "\n";
        return 1;
    }
    const io::FileErrors saved = io::writeTextFile(options.output, written.text, writeOptions);
    if (!saved.ok()) {
        std::cerr << saved.toString() << "\n";
        return 1;
    }
    std::cout << "wrote " << options.output << " (" << io::documentKindName(kind) << ", "
              << io::fileFormatName(*choice.format) << ") from " << options.input << " ("
              << io::fileFormatName(document.format) << ")\n";
    return 0;
}

} // namespace

void addConvertCommand(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<ConvertOptions>();
    CLI::App* command = app.add_subcommand(
        "convert", "Convert a design file between the workbench's JSON and the reference tools' formats. The "
                   "input's kind and format are detected; the output format follows OUT's extension and --to: "
                   ".json → workbench JSON (or, with --to reference, a FlexiBERT 2.0 model dict for a "
                   "transformer); .yaml/.yml → AccelTran config (accelerators) or TransCODE design-space layout "
                   "(spaces). The input is validated first; nothing is written if it has errors or the output "
                   "format cannot hold it.");
    command
        ->add_option("IN", options->input,
                     "Input file, or a preset name (bert-tiny, edge, server, flexibert2, elector, laptop, ...)")
        ->required();
    command->add_option("OUT", options->output, "Output file (.json, .yaml or .yml); an existing one only with --force")
        ->required();
    command->add_flag("--force", options->force, "replace an existing OUT (never IN, a workspace or a read-only file)");
    command
        ->add_option("--to", options->to,
                     "ours: the workbench's JSON; reference: the reference tools' format (default: by OUT's "
                     "extension, .json → ours, .yaml → reference)")
        ->check(CLI::IsMember({"ours", "reference"}));
    command->footer("Exit status: 0 written, 1 the input is invalid or the format cannot hold it, 2 no format fits "
                    "OUT or OUT may not be written.\n"
                    "Examples:\n"
                    "  tcw convert model_dict.json model.json                 # model dict → workbench JSON\n"
                    "  tcw convert bert-tiny bert-tiny-dict.json --to reference\n"
                    "  tcw convert edge edge.yaml                              # → AccelTran config YAML\n"
                    "  tcw convert config_tiny.yaml tiny.json                  # AccelTran YAML → workbench JSON\n"
                    "  tcw convert flexibert2 flexibert2.json                  # space YAML → workbench JSON");
    command->callback(
        [options, &context] { context.exitCode = runConvert(*options, io::findDataDir(context.executablePath)); });
}

} // namespace tcw::cli
