// Reading the codesign module's own JSON files (pruning records, device catalogues): the file
// through the bounded reader (size-limited, never blocks on a FIFO or device), parse errors
// and wrong fields as std::invalid_argument naming the file and the field ("catalogue.json:
// targets[2].cost: must be a number in [0, 1e+12]"). Internal to tcw_codesign.
#pragma once

#include "io/safe_file.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <string>

namespace tcw::codesign {

class JsonFields {
public:
    using Json = nlohmann::ordered_json; // as the files are written: keys in order

    explicit JsonFields(std::string file) : m_file(std::move(file)) {}

    // The whole file as JSON; `what` names the file's kind in the size-limit message.
    Json parseFile(const std::filesystem::path& path, std::string_view what) const {
        const io::ReadResult read = io::readFileBounded(path, io::kMaxDocumentBytes, what);
        if (!read.ok())
            fail("(file)", read.error);
        try {
            return Json::parse(read.bytes);
        } catch (const nlohmann::json::exception& e) { // parse errors and numbers out of range alike
            fail("(file)", std::string("is not JSON (") + e.what() + ")");
        }
    }

    [[noreturn]] void fail(const std::string& field, const std::string& what) const {
        throw std::invalid_argument(m_file + ": " + field + ": " + what);
    }
    const Json& at(const Json& j, const std::string& key, const std::string& path) const {
        if (!j.is_object() || !j.contains(key))
            fail(path + key, "is missing");
        return j.at(key);
    }
    std::string text(const Json& j, const std::string& key, const std::string& path) const {
        const Json& v = at(j, key, path);
        if (!v.is_string())
            fail(path + key, "must be a string");
        return v.get<std::string>();
    }
    std::string nonEmptyText(const Json& j, const std::string& key, const std::string& path) const {
        const Json& v = at(j, key, path);
        if (!v.is_string() || v.get<std::string>().empty())
            fail(path + key, "must be a non-empty string");
        return v.get<std::string>();
    }
    std::int64_t integer(const Json& j, const std::string& key, const std::string& path, std::int64_t min) const {
        const Json& v = at(j, key, path);
        if (!v.is_number_integer() || v.get<std::int64_t>() < min)
            fail(path + key, "must be an integer ≥ " + std::to_string(min));
        return v.get<std::int64_t>();
    }
    double number(const Json& v, const std::string& field, double min, double max) const {
        if (!v.is_number() || v.get<double>() < min || v.get<double>() > max) {
            std::ostringstream range;
            range << "must be a number in [" << min << ", " << max << "]";
            fail(field, range.str());
        }
        return v.get<double>();
    }

private:
    std::string m_file;
};

} // namespace tcw::codesign
