// SHA-256 (FIPS 180-4) of a byte string, as lowercase hex: the content hash of stored designs,
// so identical specs are found without comparing their text.
#pragma once

#include <string>
#include <string_view>

namespace tcw::store {

std::string sha256Hex(std::string_view data);

} // namespace tcw::store
