// JSON for the service: requests are parsed by a SAX handler into a small
// tree that keeps numbers as their exact text (money never passes through a
// double), refuses nesting deeper than kMaxDepth, duplicate keys and invalid
// UTF-8; replies are written with RapidJSON's writer, money as exact decimal
// numbers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/expected.hpp"
#include "core/money.hpp"
#include "util/json_out.hpp"

namespace asbb::service {

inline constexpr int kMaxJsonDepth = 16;

struct JsonValue {
    enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
    Kind kind = Kind::kNull;
    bool boolean = false;
    std::string text;  // a number's exact text, or a string
    std::vector<JsonValue> items;
    std::vector<std::pair<std::string, JsonValue>> members;

    const JsonValue* find(const std::string& key) const;
};

Expected<JsonValue> parse_json(const std::string& body);

// Typed access to a request object; every failure is "FIELD: problem".
class JsonFields {
  public:
    explicit JsonFields(const JsonValue& object) : object_(object) {}
    std::optional<std::string> text(const std::string& key, size_t max_len = 1024) const;
    std::string required_text(const std::string& key, size_t max_len = 1024) const;
    std::optional<int64_t> integer(const std::string& key, int64_t lo, int64_t hi) const;
    std::optional<Money> money(const std::string& key) const;
    std::optional<bool> boolean(const std::string& key) const;
    // An object of string values (job_details, metadata).
    std::vector<std::pair<std::string, std::string>> string_map(const std::string& key) const;

  private:
    const JsonValue& object_;
};

// The reply writer (util/json_out.hpp), shared with the plugin's spool.
using JsonOut = asbb::JsonOut;

}  // namespace asbb::service
