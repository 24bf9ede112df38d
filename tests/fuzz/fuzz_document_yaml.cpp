// libFuzzer target: every YAML document the workbench reads: AccelTran / ELECTOR accelerator
// configs and TransCODE design-space YAML (transformer and accelerator spaces), then every
// writer that can hold what was read.
#include "fuzz_support.h"
#include "io/formats.h"

using namespace tcw::io;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Loaded<Document> loaded = parseDocument(tcw::fuzz::text(data, size), Syntax::Yaml, "fuzz.yaml");
    if (!loaded)
        return 0;
    (void)loaded.errors.toString();
    (void)canonicalJson(*loaded);
    const DocumentKind kind = documentKind(*loaded);
    for (FileFormat format : {FileFormat::WorkbenchJson, FileFormat::ModelDict, FileFormat::AcceltranConfig,
                              FileFormat::TranscodeSpaceYaml})
        if (formatHolds(format, kind))
            (void)formatDocument(*loaded, format);
    return 0;
}
