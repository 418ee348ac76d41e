#include "core/cur_columns.hpp"

#include <map>

namespace asbb {

namespace {

bool is_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

struct Needed {
    const char* name;    // normalized
    const char* legacy;  // as a legacy report spells it, for the error
    size_t CurColumns::*field;
};

constexpr Needed kNeeded[] = {
    {"bill_billing_period_start_date", "bill/BillingPeriodStartDate",
     &CurColumns::billing_period_start},
    {"bill_payer_account_id", "bill/PayerAccountId", &CurColumns::payer_account},
    {"line_item_line_item_type", "lineItem/LineItemType", &CurColumns::line_item_type},
    {"line_item_usage_start_date", "lineItem/UsageStartDate", &CurColumns::usage_start},
    {"line_item_unblended_cost", "lineItem/UnblendedCost", &CurColumns::unblended_cost},
};

struct Optional {
    const char* name;
    std::optional<size_t> CurColumns::*field;
};

constexpr Optional kOptional[] = {
    {"line_item_usage_end_date", &CurColumns::usage_end},
    {"line_item_product_code", &CurColumns::product_code},
    {"line_item_usage_type", &CurColumns::usage_type},
    {"line_item_operation", &CurColumns::operation},
    {"line_item_resource_id", &CurColumns::resource_id},
    {"line_item_usage_amount", &CurColumns::usage_amount},
    {"line_item_currency_code", &CurColumns::currency_code},
    {"pricing_term", &CurColumns::pricing_term},
    {"resource_tags", &CurColumns::resource_tags},
};

}  // namespace

std::string normalize_cur_column(std::string_view name) {
    std::string spaced;
    for (char c : name) {
        if (c >= 'A' && c <= 'Z') {
            spaced += '_';
            spaced += static_cast<char>(c - 'A' + 'a');
        } else {
            spaced += is_alnum(c) ? c : '_';
        }
    }
    std::string out;
    for (char c : spaced) {
        if (c == '_' && (out.empty() || out.back() == '_')) continue;
        out += c;
    }
    while (!out.empty() && out.back() == '_') out.pop_back();
    return out;
}

std::optional<size_t> CurColumns::legacy_tag(std::string_view key) const {
    const std::string wanted = normalize_cur_column("resourceTags/user:" + std::string(key));
    for (size_t i = 0; i < names.size(); ++i) {
        if (names[i] == wanted) return i;
    }
    return std::nullopt;
}

Expected<CurColumns> read_cur_header(const std::vector<std::string>& header) {
    CurColumns columns;
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < header.size(); ++i) {
        columns.names.push_back(normalize_cur_column(header[i]));
        // The first of two columns that normalize alike wins, as in Athena.
        index.emplace(columns.names.back(), i);
    }
    columns.count = header.size();
    std::string missing;
    for (const Needed& needed : kNeeded) {
        auto it = index.find(needed.name);
        if (it == index.end()) {
            missing +=
                std::string(missing.empty() ? "" : ", ") + needed.legacy + " (" + needed.name + ")";
            continue;
        }
        columns.*needed.field = it->second;
    }
    if (!missing.empty()) return make_error("missing column " + missing);
    for (const Optional& optional : kOptional) {
        if (auto it = index.find(optional.name); it != index.end()) {
            columns.*optional.field = it->second;
        }
    }
    return columns;
}

}  // namespace asbb
