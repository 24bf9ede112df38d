// The target dimension of a co-design search over a UNION of target kinds (issue 15 Done-when
// 6, issue 14 "mixed with accelerator spaces"): a categorical choice of kind (elector | bat |
// device)
// plus each kind's own parameters, and a model-wide precision chosen from a list (issue 15:
// precision as a search dimension). A candidate's target part is
//   [kind level, precision level, bat field levels …, device level (only with devices)]
// (levels are indices into the lists below); the elector part stays the 12 raw TransCODE
// values. Unused parts are canonical: a bat or device candidate's elector values are the
// space's first ones, an elector or device candidate's bat levels are 0, a non-device
// candidate's device level is 0.
#pragma once

#include "design/bat_target.h"
#include "design/compression_spec.h"
#include "design/target.h"
#include "sim/bat_energy.h"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tcw::search {

// A BAT-class design space: allowed values of some of the bat kind's fields (by their name in
// fieldsOf(TargetKind::Bat)); the others keep BatSpec's defaults. Shipped as data/spaces/bat.yaml.
struct BatSpace {
    std::string name = "bat";
    std::vector<std::string> fields;         // "engine.peCount", … (each a bat field, once)
    std::vector<std::vector<double>> values; // per field, allowed values (≥ 1, each within bounds)
    BatEnergyTable energy;                   // our own modelling; the file may override it

    bool operator==(const BatSpace&) const = default;

    int length() const { return static_cast<int>(fields.size()); }
    // The spec at these levels (one per field, clamped); named "b<levels>".
    BatSpec decode(std::span<const int> levels) const;
    // Problems (unknown or repeated field, empty list, value out of the field's bounds), each
    // naming the field and what is allowed; empty when usable.
    std::vector<std::string> check() const;
};

// The same space as data/spaces/bat.yaml ships (tests and defaults).
BatSpace defaultBatSpace();

// A precision of the search's list: "f32" (every role 32-bit float) or a `tcw train
// --precision` shorthand (w1a1, w1a8, w2a8, w8a8, w1, …). Applies it to the model-wide roles
// of spec (embeddings and classifier stay float); returns an error naming what is allowed.
std::string applySearchPrecision(std::string_view name, CompressionSpec& spec);

// What a search's target dimension holds; empty kinds and precisions: the search has no
// target part (an elector-only search, as every search before issue 15).
struct TargetUnion {
    std::vector<TargetKind> kinds;       // elector, bat and/or device, each once, in the user's order
    std::vector<std::string> precisions; // model-wide precisions; empty: the model's own (f32)
    BatSpace bat;
    // Issue 14 (mixed search): the measured devices when kinds holds TargetKind::Device, by
    // device profile id; a device candidate's target part ends with its index into this list.
    std::vector<std::string> devices;
    // Set when the search was stored under the per-sequence rule (objective_units.h): its
    // trials' objective values, hypervolumes and box are per sequence for every kind. A union
    // search stored before the rule lacks it (its ELECTOR objectives are per batch); resuming
    // one is refused (codesign::SearchSession::resume). Stored as "objectiveUnits".
    bool objectivesPerSequence = false;

    bool operator==(const TargetUnion&) const = default;
    bool empty() const { return kinds.empty() && precisions.empty(); }
    bool has(TargetKind k) const;
    // Kind and precision entries, then the bat fields' levels, then (with devices) the device level.
    int length() const { return empty() ? 0 : 2 + bat.length() + (has(TargetKind::Device) ? 1 : 0); }
};

// "elector,bat" → the kinds; an error naming the allowed kinds otherwise. Issue 14: with
// deviceSet given, a last item "devices:…" (all the text from it on: "devices:edgetran",
// "devices:gpu_m1-pro,cpu_rpi") adds TargetKind::Device and is copied to *deviceSet for the
// device library to resolve (core/devices/device_library.h); without it devices are refused.
std::optional<std::vector<TargetKind>> parseTargetKinds(std::string_view text, std::string* error,
                                                        std::string* deviceSet = nullptr);

} // namespace tcw::search
