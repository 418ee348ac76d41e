#include "bill/spot_history.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <fstream>
#include <sstream>

#include "bill/cur_file.hpp"
#include "core/ascii.hpp"
#include "core/cur_line.hpp"

namespace asbb::bill {

namespace {

// describe-spot-price-history covers 90 days: even every type in every zone
// of a region stays far below this.
constexpr size_t kMaxFileBytes = 256u << 20;

// Instance types and zones as AWS names them: [a-z0-9.-] (and capitals in
// a few old types), nothing that could mislead a listing or a log.
bool plain_name(const std::string& text, size_t max_bytes) {
    if (text.empty() || text.size() > max_bytes) return false;
    for (char c : text) {
        if (!is_ascii_lower(c) && !is_ascii_upper(c) && !is_ascii_digit(c) && c != '.' &&
            c != '-' && c != '_') {
            return false;
        }
    }
    return true;
}

std::string text_field(const rapidjson::Value& entry, const char* name, const std::string& path,
                       const std::string& where) {
    auto found = entry.FindMember(name);
    if (found == entry.MemberEnd() || !found->value.IsString()) {
        fail_file(path, where + " has no " + name + " string");
    }
    return std::string(found->value.GetString(), found->value.GetStringLength());
}

SpotPriceChange read_change(const rapidjson::Value& entry, const std::string& path,
                            const std::string& where) {
    SpotPriceChange change;
    change.instance_type = text_field(entry, "InstanceType", path, where);
    change.availability_zone = text_field(entry, "AvailabilityZone", path, where);
    if (!plain_name(change.instance_type, 64)) fail_file(path, where + ": bad InstanceType");
    if (!plain_name(change.availability_zone, 32))
        fail_file(path, where + ": bad AvailabilityZone");
    const std::string price_text = text_field(entry, "SpotPrice", path, where);
    auto price = ExactAmount::parse(price_text);
    if (!price) fail_file(path, where + ": SpotPrice '" + price_text + "': " + price.error());
    if (price_text[0] == '-' && !price->is_zero()) {
        fail_file(path, where + ": SpotPrice '" + price_text + "' is negative");
    }
    change.price = *price;
    const std::string time_text = text_field(entry, "Timestamp", path, where);
    auto at = parse_cur_timestamp(time_text);
    if (!at) fail_file(path, where + ": Timestamp '" + time_text + "': " + at.error());
    change.changed_at_s = *at;
    return change;
}

std::string file_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail_file(path, "cannot open");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) fail_file(path, "cannot read");
    std::string bytes = std::move(text).str();
    if (bytes.size() > kMaxFileBytes)
        fail_file(path, "larger than 256 MiB: not a Spot price history");
    return bytes;
}

}  // namespace

SpotHistory read_spot_history(const std::string& path) {
    const std::string text = file_text(path);
    rapidjson::Document document;
    document.Parse(text.c_str(), text.size());
    if (document.HasParseError()) {
        fail_file(path, std::string("not JSON (") +
                            rapidjson::GetParseError_En(document.GetParseError()) + " at byte " +
                            std::to_string(document.GetErrorOffset()) + ")");
    }
    if (!document.IsObject() || !document.HasMember("SpotPriceHistory") ||
        !document["SpotPriceHistory"].IsArray()) {
        fail_file(path, "not a Spot price history (no \"SpotPriceHistory\" list)");
    }
    if (auto token = document.FindMember("NextToken"); token != document.MemberEnd() &&
                                                       token->value.IsString() &&
                                                       token->value.GetStringLength() > 0) {
        // A page of the history may lack the highest price of the window.
        fail_file(path,
                  "one page of describe-spot-price-history output (it has a NextToken): give "
                  "the whole answer, without --max-items or --no-paginate");
    }
    SpotHistory history;
    const auto& entries = document["SpotPriceHistory"];
    for (rapidjson::SizeType i = 0; i < entries.Size(); ++i) {
        const std::string where = "SpotPriceHistory[" + std::to_string(i) + "]";
        if (!entries[i].IsObject()) fail_file(path, where + " is not an object");
        const std::string product = text_field(entries[i], "ProductDescription", path, where);
        if (product != "Linux/UNIX" && product != "Linux/UNIX (Amazon VPC)") {
            ++history.other_products;
            continue;
        }
        history.changes.push_back(read_change(entries[i], path, where));
    }
    if (history.changes.empty()) {
        fail_file(path, "no Linux/UNIX Spot price among its " + std::to_string(entries.Size()) +
                            " entries");
    }
    return history;
}

}  // namespace asbb::bill
