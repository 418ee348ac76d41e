// sacctmgr-style listings: a header, a dashed rule, aligned columns; or
// parsable output with '|' (-p keeps a trailing '|', -P does not); -n drops
// the header; format=Field%N,... picks columns and widths. Pure formatting:
// the caller supplies every cell already as text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"

namespace asbb {

enum class Align { kLeft, kRight };

struct ColumnSpec {
    std::string name;             // header text and the name used in format=
    Align align = Align::kRight;  // sacctmgr right-aligns by default
};

// kCsv (--csv): RFC 4180, comma-separated, CRLF line ends, a field quoted
// when it holds a comma, a quote or a line break (quotes doubled), for
// spreadsheets.
enum class TableMode { kTable, kParsable /* -p */, kParsable2 /* -P */, kCsv };

struct TableOptions {
    TableMode mode = TableMode::kTable;
    bool header = true;  // false with -n
};

// A chosen column: index into the available columns and an optional fixed
// width. width 0 = sized to content; a value longer than a fixed width is cut
// and its last character replaced by '+', as sacctmgr does. A negative width
// in format= ("%-12") means left-aligned.
struct ColumnChoice {
    size_t index = 0;
    int width = 0;
    bool force_left = false;
};

// Parses "Account,Budget%14,Held%-10" against the available columns
// (case-insensitive names). An unknown field is an error that lists the
// valid ones: "unknown field 'Foo' in format= (valid: Account, Budget, ...)".
Expected<std::vector<ColumnChoice>> parse_format_spec(std::string_view spec,
                                                      const std::vector<ColumnSpec>& columns);

// All columns in order, sized to content.
std::vector<ColumnChoice> default_choice(const std::vector<ColumnSpec>& columns);

// rows[i][j] is the text of available column j in row i.
std::string render_table(const std::vector<ColumnSpec>& columns,
                         const std::vector<ColumnChoice>& chosen,
                         const std::vector<std::vector<std::string>>& rows,
                         const TableOptions& options);

}  // namespace asbb
