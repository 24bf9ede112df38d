// The device library's view of a device profile: the one value type (profile/device_profile.h,
// written and read by io/device_profile_json.h) and the look-up of a model's row in it.
#pragma once

#include "io/device_profile_json.h"
#include "profile/device_profile.h"

#include <string>

namespace tcw::devices {

using profile::DeviceProfile;
using profile::ProfileRow;
using LoadedProfile = io::Loaded<DeviceProfile>;

// The row of this model: the same model name (EdgeTran's graph hash, or the name `tcw profile`
// gave it), or, when the name is empty or unknown, the same structure (heads compared in
// canonical order).
const ProfileRow* findRow(const DeviceProfile& profile, const TransformerSpec& model,
                          const std::string& modelName = {});

// Two models are the same design when their layers match with each layer's heads sorted
// (the order of heads in a layer changes no cost).
bool sameStructure(const TransformerSpec& a, const TransformerSpec& b);

} // namespace tcw::devices
