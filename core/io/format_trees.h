// Internal to tcw_io (not a public header): each format read from and written to the
// document tree. Readers fill a value, using valid placeholders where a field could not be
// read, and add every error; the caller keeps the value only when there are none.
#pragma once

#include "io_types.h"
#include "tree.h"

#include <string>
#include <vector>

namespace tcw::io::detail {

// Names of enum values in enum order, for choice fields.
std::vector<std::string> headTypeNames();
std::vector<std::string> activationNames();    // gelu, relu
std::vector<std::string> nonlinearityNames();  // relu, gelu
std::vector<std::string> memoryTypeNames();    // rram, dram, hbm
std::vector<std::string> bandwidthModeNames(); // lb, hb

// Adds the errors of `more` except those at or below a path that already has an error (a
// field that could not be read gets a placeholder, whose checks would only repeat it).
void appendNewErrors(ValidationErrors& errors, const ValidationErrors& more);

// "b_i_j_k" or another permutation of b, i, j, k joined by '_' (AccelTran loop_unrolling).
bool isLoopUnrolling(std::string_view text);
inline constexpr const char* kLoopUnrollingRule = "must be a permutation of b, i, j, k joined by '_', such as b_i_j_k";

// Structural checks of design spaces (non-empty lists of distinct, positive values).
ValidationErrors validateSpace(const TransformerSpace& space);
ValidationErrors validateSpace(const AcceleratorSpace& space);

// Workbench JSON. The reader of each kind expects "schemaVersion" and "kind" to have been
// checked by the caller.
TransformerSpec readTransformerJson(const Json& root, ValidationErrors& errors);
AcceleratorFile readAcceleratorJson(const Json& root, ValidationErrors& errors);
TechnologyLibrary readTechnologyJson(const Json& root, ValidationErrors& errors);
SparsityProfile readSparsityProfileJson(const Json& root, ValidationErrors& errors);
TransformerSpace readTransformerSpaceJson(const Json& root, ValidationErrors& errors);
AcceleratorSpace readAcceleratorSpaceJson(const Json& root, ValidationErrors& errors);
CodesignPair readPairJson(const Json& root, ValidationErrors& errors);
// A target inside a pair: {"kind": "elector", "name": …, then the kind's fields}.
Target readTargetJson(const Json& root, ValidationErrors& errors);

Json transformerJson(const TransformerSpec& spec);
Json acceleratorJson(const AcceleratorFile& file);
Json technologyJson(const TechnologyLibrary& tech);
Json sparsityProfileJson(const SparsityProfile& profile);
Json transformerSpaceJson(const TransformerSpace& space);
Json acceleratorSpaceJson(const AcceleratorSpace& space);
Json pairJson(const CodesignPair& pair);
Json targetJson(const Target& target);

// FlexiBERT 2.0 model dict; `name` (the file stem) names the model.
TransformerSpec readModelDict(const Json& root, const std::string& name, ValidationErrors& errors);
Written writeModelDict(const TransformerSpec& spec);

// AccelTran accelerator config YAML.
AcceleratorFile readAcceltranConfig(const Json& root, const std::string& name, ValidationErrors& errors);
std::string writeAcceltranConfig(const AcceleratorFile& file);

// TransCODE design-space YAML.
TransformerSpace readTransformerSpaceYaml(const Json& root, const std::string& name, ValidationErrors& errors);
AcceleratorSpace readAcceleratorSpaceYaml(const Json& root, const std::string& name, ValidationErrors& errors);
Written writeTransformerSpaceYaml(const TransformerSpace& space);
Written writeAcceleratorSpaceYaml(const AcceleratorSpace& space);

// Workbench field paths in the reference formats (see fieldPathIn).
std::string modelDictPath(const std::string& workbenchPath);
std::string acceltranConfigPath(const std::string& workbenchPath);
std::string spaceYamlPath(const std::string& workbenchPath);

} // namespace tcw::io::detail
