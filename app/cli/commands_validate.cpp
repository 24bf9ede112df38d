// tcw validate: checks design files (any kind, any supported format) and, with --space,
// their membership in design spaces; prints every error with its file and field path.
#include "commands.h"

#include "io/files.h"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace tcw::cli {

namespace {

struct ValidateOptions {
    std::vector<std::string> files;
    std::vector<std::string> spaces;
};

struct NamedSpaces {
    std::vector<TransformerSpace> transformer;
    std::vector<AcceleratorSpace> accelerator;
};

// Membership of a transformer or accelerator in the spaces of its kind; paths in the file's format.
ValidationErrors checkMembership(const io::Document& document, io::FileFormat format, const NamedSpaces& spaces,
                                 std::vector<std::string>& checkedSpaces) {
    ValidationErrors errors;
    auto add = [&](const ValidationErrors& found, const std::string& spaceName) {
        checkedSpaces.push_back(spaceName);
        for (const auto& e : found)
            errors.push_back({io::fieldPathIn(format, e.path), e.message});
    };
    if (const auto* spec = std::get_if<TransformerSpec>(&document))
        for (const auto& space : spaces.transformer)
            add(space.check(*spec), space.name);
    if (const auto* file = std::get_if<io::AcceleratorFile>(&document))
        for (const auto& space : spaces.accelerator)
            add(space.check(file->spec), space.name);
    return errors;
}

int runValidate(const ValidateOptions& options, const std::filesystem::path& dataDir) {
    NamedSpaces spaces;
    for (const auto& name : options.spaces) {
        auto space = io::resolveSpace(name, dataDir);
        if (!space) {
            space.errors.file = name;
            std::cout << space.errors.toString() << "\n";
            return 2;
        }
        if (auto* t = std::get_if<TransformerSpace>(&*space.value))
            spaces.transformer.push_back(*t);
        else
            spaces.accelerator.push_back(std::get<AcceleratorSpace>(*space.value));
    }
    int exitCode = 0;
    for (const auto& file : options.files) {
        auto document = io::resolveDocument(file, dataDir);
        document.errors.file = file;
        if (!document) {
            std::cout << document.errors.toString() << "\n";
            exitCode = 1;
            continue;
        }
        std::vector<std::string> checked;
        const io::FileErrors membership{file, checkMembership(*document.value, document.format, spaces, checked)};
        if (!membership.ok()) {
            std::cout << membership.toString() << "\n";
            exitCode = 1;
            continue;
        }
        std::cout << "ok  " << file << " (" << io::documentKindName(io::documentKind(*document.value)) << ", "
                  << io::fileFormatName(document.format) << ")";
        if (!checked.empty())
            std::cout << " in space" << (checked.size() > 1 ? "s " : " ")
                      << joinValues(checked, [](const std::string& s) { return s; });
        std::cout << "\n";
    }
    return exitCode;
}

} // namespace

void addValidateCommand(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<ValidateOptions>();
    CLI::App* command = app.add_subcommand(
        "validate", "Check design files: transformers, accelerators, technology tables, sparsity profiles and "
                    "design spaces, in the workbench's JSON or the reference formats (FlexiBERT 2.0 model dicts, "
                    "AccelTran config YAML, TransCODE design-space YAML). The kind and format are detected from "
                    "the content. Prints 'ok  FILE (kind, format)' or every error as 'FILE: field.path: message'.");
    command
        ->add_option("FILE", options->files,
                     "Files to check; a preset name (bert-tiny, edge, flexibert2, elector-14nm-700mhz, ...) stands "
                     "for the bundled file")
        ->required();
    command
        ->add_option("--space", options->spaces,
                     "Also check that each transformer / accelerator lies in this design space (a name such as "
                     "flexibert2, laptop, elector, or a space file); repeat for several")
        ->type_name("NAME|FILE")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    command->footer("Exit status: 0 if every file is valid, 1 if any is not, 2 if a --space cannot be read.\n"
                    "Examples:\n"
                    "  tcw validate bert-tiny edge\n"
                    "  tcw validate my_model.json --space flexibert2\n"
                    "  tcw validate config_tiny.yaml --space elector");
    command->callback(
        [options, &context] { context.exitCode = runValidate(*options, io::findDataDir(context.executablePath)); });
}

} // namespace tcw::cli
