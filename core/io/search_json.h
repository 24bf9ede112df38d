// The co-design search's documents as JSON text: its configuration (stored with the search,
// read back on resume), accuracy tables (the bundled FlexiBERT 2.0 GLUE table and tables
// users import), co-design pairs (the workspace's "pair" designs), and the small JSON values
// of trials and training runs.
#pragma once

#include "io_types.h"

#include "search/accuracy.h"
#include "search/optimizer.h"
#include "search/search_config.h"

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tcw::io {

// {"source": …, "models": [{"hash"|"name": …, "model": <model dict or workbench transformer>,
//   "glue"|"accuracy": number, numeric string or null}, …]}. Every entry's errors, with paths.
Loaded<search::AccuracyTable> parseAccuracyTable(std::string_view text, const std::string& file);
Loaded<search::AccuracyTable> loadAccuracyTable(const std::filesystem::path& path);
// A file path is itself; a name is <dataDir>/accuracy/<name>.json.
std::filesystem::path accuracyTablePath(std::string_view nameOrPath, const std::filesystem::path& dataDir);
std::vector<std::string> accuracyTableNames(const std::filesystem::path& dataDir);

// Search configuration (schemaVersion 1, kind "searchConfig"); doubles round-trip exactly.
std::string searchConfigJson(const search::SearchConfig& config);
Loaded<search::SearchConfig> parseSearchConfig(std::string_view text, const std::string& file);

// A BAT-class design space (issue 15, data/spaces/bat.yaml): `name`, `fields` as a list of
// {field: a bat field's name, values: [allowed values]}, and optionally `energy` (the
// sim/bat_energy.h table, our own modelling; absent entries keep the derived defaults).
Loaded<search::BatSpace> parseBatSpace(std::string_view yamlText, const std::string& file);
// A bundled name (data/spaces/NAME.yaml) or a file.
Loaded<search::BatSpace> resolveBatSpace(std::string_view nameOrPath, const std::filesystem::path& dataDir);

// {"schemaVersion":1,"kind":"pair","name":…,"transformer":{…},"target":{"kind":"elector",…}} on one line
// (canonical: equal pairs give equal text, hence equal design hashes).
std::string pairJson(const TransformerSpec& model, const AcceleratorSpec& accelerator, const std::string& name);
// The same for a pair with a target of any kind (a union search's bat trials, issue 15).
std::string pairJson(const TransformerSpec& model, const Target& target, const std::string& name);

std::string intListJson(std::span<const int> values);
std::string numberListJson(std::span<const double> values);
std::optional<std::vector<int>> parseIntListJson(std::string_view text);

// A trial's proposal details: {"origin": …, "predicted": …, "predictedStdDev": …}.
std::string proposalJson(const search::Proposal& proposal);
// Fills origin and predictions from proposalJson text (the candidate comes from elsewhere).
bool readProposalJson(std::string_view text, search::Proposal& proposal);

// Training runs behind trained accuracies (their curves: record_json.h).
// What identifies a trained accuracy: model, data set, thresholds, budget, seed (the cache key).
std::string trainingKeyJson(const TransformerSpec& model, const search::TrainingSettings& settings);
std::string sparsityProfileText(const SparsityProfile& profile);

} // namespace tcw::io
