#include "service/json.hpp"

#include <rapidjson/reader.h>

#include <charconv>

#include "service/handler.hpp"

namespace asbb::service {

namespace {

// Builds the tree; returning false stops the parse (too deep, duplicate key).
class TreeBuilder {
  public:
    JsonValue root;
    std::string problem;

    bool Null() { return put(JsonValue{}) != nullptr; }
    bool Bool(bool b) {
        JsonValue v;
        v.kind = JsonValue::Kind::kBool;
        v.boolean = b;
        return put(std::move(v)) != nullptr;
    }
    bool RawNumber(const char* str, rapidjson::SizeType length, bool) {
        JsonValue v;
        v.kind = JsonValue::Kind::kNumber;
        v.text.assign(str, length);
        return put(std::move(v)) != nullptr;
    }
    bool String(const char* str, rapidjson::SizeType length, bool) {
        JsonValue v;
        v.kind = JsonValue::Kind::kString;
        v.text.assign(str, length);
        return put(std::move(v)) != nullptr;
    }
    bool StartObject() { return open(JsonValue::Kind::kObject); }
    bool Key(const char* str, rapidjson::SizeType length, bool) {
        std::string key(str, length);
        for (const auto& [existing, value] : stack_.back()->members) {
            if (existing == key) {
                problem = "duplicate key \"" + key + "\"";
                return false;
            }
        }
        pending_key_ = std::move(key);
        return true;
    }
    bool EndObject(rapidjson::SizeType) { return close(); }
    bool StartArray() { return open(JsonValue::Kind::kArray); }
    bool EndArray(rapidjson::SizeType) { return close(); }
    // Unused with kParseNumbersAsStringsFlag.
    bool Int(int) { return false; }
    bool Uint(unsigned) { return false; }
    bool Int64(int64_t) { return false; }
    bool Uint64(uint64_t) { return false; }
    bool Double(double) { return false; }

  private:
    JsonValue* put(JsonValue value) {
        if (stack_.empty()) {
            root = std::move(value);
            return &root;
        }
        JsonValue* parent = stack_.back();
        if (parent->kind == JsonValue::Kind::kArray) {
            parent->items.push_back(std::move(value));
            return &parent->items.back();
        }
        parent->members.emplace_back(std::move(pending_key_), std::move(value));
        return &parent->members.back().second;
    }
    bool open(JsonValue::Kind kind) {
        if (stack_.size() >= static_cast<size_t>(kMaxJsonDepth)) {
            problem = "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
            return false;
        }
        JsonValue v;
        v.kind = kind;
        stack_.push_back(put(std::move(v)));
        return true;
    }
    bool close() {
        stack_.pop_back();
        return true;
    }

    std::vector<JsonValue*> stack_;
    std::string pending_key_;
};

}  // namespace

const JsonValue* JsonValue::find(const std::string& key) const {
    for (const auto& [name, value] : members) {
        if (name == key) return &value;
    }
    return nullptr;
}

Expected<JsonValue> parse_json(const std::string& body) {
    TreeBuilder builder;
    rapidjson::Reader reader;
    rapidjson::StringStream stream(body.c_str());
    // Iterative: no recursion, whatever the input. The text must be exactly
    // the body: a NUL inside it would end the parse early.
    if (body.find('\0') != std::string::npos) return make_error("NUL byte in the body");
    constexpr unsigned kFlags = rapidjson::kParseIterativeFlag |
                                rapidjson::kParseNumbersAsStringsFlag |
                                rapidjson::kParseValidateEncodingFlag;
    auto result = reader.Parse<kFlags>(stream, builder);
    if (!result) {
        if (!builder.problem.empty()) return make_error(builder.problem);
        return make_error("not valid JSON (at byte " + std::to_string(result.Offset()) + ")");
    }
    return std::move(builder.root);
}

std::optional<std::string> JsonFields::text(const std::string& key, size_t max_len) const {
    const JsonValue* v = object_.find(key);
    if (v == nullptr || v->kind == JsonValue::Kind::kNull) return std::nullopt;
    if (v->kind != JsonValue::Kind::kString) bad_request(key + ": must be a string");
    if (v->text.size() > max_len) {
        bad_request(key + ": longer than " + std::to_string(max_len) + " bytes");
    }
    return v->text;
}

std::string JsonFields::required_text(const std::string& key, size_t max_len) const {
    auto value = text(key, max_len);
    if (!value || value->empty()) bad_request(key + ": required");
    return *value;
}

std::optional<int64_t> JsonFields::integer(const std::string& key, int64_t lo, int64_t hi) const {
    const JsonValue* v = object_.find(key);
    if (v == nullptr || v->kind == JsonValue::Kind::kNull) return std::nullopt;
    int64_t value = 0;
    const char* end = v->text.data() + v->text.size();
    auto [ptr, ec] = std::from_chars(v->text.data(), end, value);
    if (v->kind != JsonValue::Kind::kNumber || ec != std::errc() || ptr != end) {
        bad_request(key + ": must be a whole number");
    }
    if (value < lo || value > hi) {
        bad_request(key + ": must be from " + std::to_string(lo) + " to " + std::to_string(hi));
    }
    return value;
}

std::optional<Money> JsonFields::money(const std::string& key) const {
    const JsonValue* v = object_.find(key);
    if (v == nullptr || v->kind == JsonValue::Kind::kNull) return std::nullopt;
    // A number, or a string holding one (asbb's own JSON writes amounts as
    // strings in listings).
    if (v->kind != JsonValue::Kind::kNumber && v->kind != JsonValue::Kind::kString) {
        bad_request(key + ": must be an amount in dollars");
    }
    auto amount = parse_money(v->text);
    if (!amount) bad_request(key + ": " + amount.error());
    if (amount->micro > kMaxAmountMicro) {
        bad_request(key + ": more than " + format_money_exact(Money{kMaxAmountMicro}));
    }
    return *amount;
}

std::optional<bool> JsonFields::boolean(const std::string& key) const {
    const JsonValue* v = object_.find(key);
    if (v == nullptr || v->kind == JsonValue::Kind::kNull) return std::nullopt;
    if (v->kind != JsonValue::Kind::kBool) bad_request(key + ": must be true or false");
    return v->boolean;
}

std::vector<std::pair<std::string, std::string>> JsonFields::string_map(
    const std::string& key) const {
    std::vector<std::pair<std::string, std::string>> out;
    const JsonValue* v = object_.find(key);
    if (v == nullptr || v->kind == JsonValue::Kind::kNull) return out;
    if (v->kind != JsonValue::Kind::kObject) bad_request(key + ": must be an object of strings");
    for (const auto& [name, value] : v->members) {
        if (value.kind != JsonValue::Kind::kString) {
            bad_request(key + "." + name + ": must be a string");
        }
        out.emplace_back(name, value.text);
    }
    return out;
}

}  // namespace asbb::service
