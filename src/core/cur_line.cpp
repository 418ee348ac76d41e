#include "core/cur_line.hpp"

#include <array>

#include "core/time_parse.hpp"

namespace asbb {

namespace {

struct KindName {
    std::string_view type;
    CurLineKind kind;
};

// line_item_line_item_type values from AWS's Lineitem-columns page and the
// FOCUS converter configs (../shared/notes/aws-costs.md, 1.1).
constexpr std::array<KindName, 15> kKinds = {{
    {"Usage", CurLineKind::kUsage},
    {"DiscountedUsage", CurLineKind::kUsage},
    {"SavingsPlanCoveredUsage", CurLineKind::kUsage},
    {"SavingsPlanNegation", CurLineKind::kDiscount},
    {"Credit", CurLineKind::kDiscount},
    {"Refund", CurLineKind::kDiscount},
    {"Discount", CurLineKind::kDiscount},
    {"BundledDiscount", CurLineKind::kDiscount},
    {"EdpDiscount", CurLineKind::kDiscount},
    {"PrivateRateDiscount", CurLineKind::kDiscount},
    {"Fee", CurLineKind::kFee},
    {"RIFee", CurLineKind::kFee},
    {"SavingsPlanRecurringFee", CurLineKind::kFee},
    {"SavingsPlanUpfrontFee", CurLineKind::kFee},
    {"Tax", CurLineKind::kTax},
}};

CurLineKind kind_of(std::string_view type) {
    for (const KindName& known : kKinds) {
        if (known.type == type) return known.kind;
    }
    return CurLineKind::kOther;
}

// digits at text[pos..pos+width) as a number, or -1.
int digits_at(std::string_view text, size_t pos, size_t width) {
    if (pos + width > text.size()) return -1;
    int value = 0;
    for (size_t i = pos; i < pos + width; ++i) {
        if (text[i] < '0' || text[i] > '9') return -1;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

bool is_utc_suffix(std::string_view rest) {
    return rest.empty() || rest == "Z" || rest == "+00:00" || rest == "-00:00" || rest == "+0000";
}

std::string quoted(std::string_view text) {
    return "'" + std::string(text.substr(0, 60)) + (text.size() > 60 ? "...'" : "'");
}

std::string field_at(const std::vector<std::string>& fields, const std::optional<size_t>& column) {
    return column ? fields[*column] : std::string();
}

Expected<int64_t> timestamp_field(const CurColumns& columns, const std::vector<std::string>& fields,
                                  size_t column) {
    auto parsed = parse_cur_timestamp(fields[column]);
    if (!parsed) return make_error(columns.names[column] + ": " + parsed.error());
    return parsed;
}

Expected<std::string> billing_period(const std::string& text) {
    auto start = parse_cur_timestamp(text);
    if (!start) return make_error("bill_billing_period_start_date: " + start.error());
    return text.substr(0, 7);  // the timestamp's own "YYYY-MM"
}

Expected<std::string> payer_account(const std::string& text) {
    bool digits = !text.empty() && text.size() <= 20;
    for (char c : text) digits = digits && c >= '0' && c <= '9';
    if (!digits)
        return make_error("bill_payer_account_id: " + quoted(text) + " is not an account id");
    return text;
}

}  // namespace

const char* cur_line_kind_name(CurLineKind kind) {
    switch (kind) {
        case CurLineKind::kUsage:
            return "usage";
        case CurLineKind::kDiscount:
            return "discount";
        case CurLineKind::kFee:
            return "fee";
        case CurLineKind::kTax:
            return "tax";
        case CurLineKind::kOther:
            break;
    }
    return "other";
}

bool CurLine::is_instance_hours() const {
    return kind == CurLineKind::kUsage && resource_id.starts_with("i-") &&
           (usage_type.find("BoxUsage") != std::string::npos ||
            usage_type.find("SpotUsage") != std::string::npos);
}

Expected<int64_t> parse_cur_timestamp(std::string_view text) {
    const int year = digits_at(text, 0, 4), month = digits_at(text, 5, 2),
              day = digits_at(text, 8, 2);
    if (year < 0 || month < 0 || day < 0 || text[4] != '-' || text[7] != '-') {
        return make_error(quoted(text) + " is not a timestamp (YYYY-MM-DDTHH:MM:SSZ)");
    }
    CivilTime civil{year, month, day, 0, 0, 0, true};
    size_t pos = 10;
    if (text.size() > pos && (text[pos] == 'T' || text[pos] == ' ')) {
        civil.hour = digits_at(text, pos + 1, 2);
        civil.minute = digits_at(text, pos + 4, 2);
        if (civil.hour < 0 || civil.minute < 0 || text[pos + 3] != ':') {
            return make_error(quoted(text) + " is not a timestamp (YYYY-MM-DDTHH:MM:SSZ)");
        }
        pos += 6;
        if (text.size() > pos && text[pos] == ':') {
            civil.second = digits_at(text, pos + 1, 2);
            if (civil.second < 0) return make_error(quoted(text) + " has a malformed second");
            pos += 3;
        }
        if (text.size() > pos && text[pos] == '.') {
            ++pos;
            while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
        }
    }
    if (!is_utc_suffix(text.substr(pos))) {
        return make_error(quoted(text) + " is not in UTC (AWS writes its reports in UTC)");
    }
    if (!civil_time_valid(civil)) return make_error(quoted(text) + " is not a valid date and time");
    return days_from_civil(year, month, day) * 86400 + civil.hour * 3600 + civil.minute * 60 +
           civil.second;
}

Expected<CurLine> read_cur_line(const CurColumns& columns, const std::vector<std::string>& fields) {
    if (fields.size() != columns.count) {
        return make_error(std::to_string(fields.size()) + " fields where the header has " +
                          std::to_string(columns.count));
    }
    CurLine line;
    auto period = billing_period(fields[columns.billing_period_start]);
    if (!period) return make_error(period.error());
    line.billing_period = std::move(*period);
    auto payer = payer_account(fields[columns.payer_account]);
    if (!payer) return make_error(payer.error());
    line.payer_account = std::move(*payer);
    line.line_item_type = fields[columns.line_item_type];
    line.kind = kind_of(line.line_item_type);
    auto start = timestamp_field(columns, fields, columns.usage_start);
    if (!start) return make_error(start.error());
    line.usage_start_s = line.usage_end_s = *start;
    if (columns.usage_end && !fields[*columns.usage_end].empty()) {
        auto end = timestamp_field(columns, fields, *columns.usage_end);
        if (!end) return make_error(end.error());
        if (*end < *start) return make_error("line_item_usage_end_date is before its start date");
        line.usage_end_s = *end;
    }
    const std::string& cost_text = fields[columns.unblended_cost];
    if (cost_text.empty()) return make_error("line_item_unblended_cost is blank");
    auto cost = ExactAmount::parse(cost_text);
    if (!cost)
        return make_error("line_item_unblended_cost: " + quoted(cost_text) + ": " + cost.error());
    line.cost = *cost;
    line.resource_id = field_at(fields, columns.resource_id);
    line.usage_type = field_at(fields, columns.usage_type);
    line.currency = field_at(fields, columns.currency_code);
    return line;
}

}  // namespace asbb
