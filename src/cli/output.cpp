#include "cli/output.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <cctype>
#include <ostream>

namespace asbb::cli {

namespace {

std::string cell_text(const Cell& cell, bool exact) {
    if (const auto* text = std::get_if<std::string>(&cell)) return *text;
    if (const auto* number = std::get_if<int64_t>(&cell)) return std::to_string(*number);
    if (const auto* money = std::get_if<Money>(&cell)) {
        return exact ? format_money_exact(*money) : format_money_cents(*money);
    }
    return "";
}

using JsonWriter = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void write_rows(JsonWriter& writer, const Listing& listing,
                const std::vector<ColumnChoice>& chosen) {
    writer.StartArray();
    for (const auto& row : listing.rows) {
        writer.StartObject();
        for (const auto& choice : chosen) {
            const std::string key = json_key(listing.columns[choice.index].name);
            writer.Key(key.c_str(), static_cast<rapidjson::SizeType>(key.size()));
            const Cell& cell = row[choice.index];
            if (std::holds_alternative<std::monostate>(cell)) {
                writer.Null();
            } else if (const auto* number = std::get_if<int64_t>(&cell)) {
                writer.Int64(*number);
            } else {
                // Money travels as an exact decimal string: a JSON number
                // would be read as a binary float by most consumers.
                const std::string text = cell_text(cell, true);
                writer.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
            }
        }
        writer.EndObject();
    }
    writer.EndArray();
}

std::vector<ColumnChoice> chosen_columns(Context& context, const Listing& listing) {
    if (!context.output.format) return default_choice(listing.columns);
    auto parsed = parse_format_spec(*context.output.format, listing.columns);
    if (!parsed) usage_error(parsed.error());
    return std::move(parsed).value();
}

void write_json(Context& context, const Listing& listing, const std::vector<ColumnChoice>& chosen) {
    rapidjson::StringBuffer buffer;
    JsonWriter writer(buffer);
    writer.SetIndent(' ', 2);
    write_rows(writer, listing, chosen);
    context.out << buffer.GetString() << '\n';
}

}  // namespace

std::string json_key(const std::string& column_name) {
    std::string key;
    char previous = 0;
    for (char c : column_name) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '%') {
            key += key.empty() || key.back() == '_' ? "pct" : "_pct";
        } else if (std::isupper(u)) {
            // "HoldID" -> "hold_id": a word starts where lower case turns upper.
            const auto p = static_cast<unsigned char>(previous);
            if (!key.empty() && (std::islower(p) || std::isdigit(p))) key += '_';
            key += static_cast<char>(std::tolower(u));
        } else if (std::isalnum(u)) {
            key += c;
        } else if (!key.empty() && key.back() != '_') {
            key += '_';
        }
        previous = c;
    }
    return key;
}

void print_json_object(Context& context,
                       const std::vector<std::pair<std::string, Listing>>& listings) {
    rapidjson::StringBuffer buffer;
    JsonWriter writer(buffer);
    writer.SetIndent(' ', 2);
    writer.StartObject();
    for (size_t i = 0; i < listings.size(); ++i) {
        const auto& [name, listing] = listings[i];
        writer.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
        write_rows(writer, listing,
                   i == 0 ? chosen_columns(context, listing) : default_choice(listing.columns));
    }
    writer.EndObject();
    context.out << buffer.GetString() << '\n';
}

void print_listing(Context& context, const Listing& listing) {
    const std::vector<ColumnChoice> chosen = chosen_columns(context, listing);
    if (context.output.json) {
        write_json(context, listing, chosen);
        return;
    }
    const bool exact = context.output.mode != TableMode::kTable;
    std::vector<std::vector<std::string>> text_rows;
    text_rows.reserve(listing.rows.size());
    for (const auto& row : listing.rows) {
        std::vector<std::string> texts;
        texts.reserve(row.size());
        for (const auto& cell : row) texts.push_back(cell_text(cell, exact));
        text_rows.push_back(std::move(texts));
    }
    TableOptions options{context.output.mode, context.output.header};
    context.out << render_table(listing.columns, chosen, text_rows, options);
}

}  // namespace asbb::cli
