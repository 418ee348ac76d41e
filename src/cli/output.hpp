// Printing a listing the sacctmgr way (table, -n, -p, -P, format=) or as
// JSON. Cells keep their type until printed so that money is shown with
// cents in tables and exactly in parsable and JSON output.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <variant>
#include <vector>

#include "cli/context.hpp"
#include "core/money.hpp"
#include "core/table.hpp"

namespace asbb::cli {

using Cell = std::variant<std::monostate, std::string, int64_t, Money>;

struct Listing {
    std::vector<ColumnSpec> columns;
    std::vector<std::vector<Cell>> rows;
};

// Prints the listing in the form the context's output options ask for. An
// unknown field in format= is a usage error listing the valid fields.
void print_listing(Context& context, const Listing& listing);

// Several listings as one JSON object of arrays ({"budgets": [...], ...});
// format= applies to the first one.
void print_json_object(Context& context,
                       const std::vector<std::pair<std::string, Listing>>& listings);

// JSON key for a column name: "Available" -> "available", "Used%" -> "used_pct".
std::string json_key(const std::string& column_name);

}  // namespace asbb::cli
