#include "core/table.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/ascii.hpp"
#include "core/split.hpp"

namespace asbb {

namespace {

// Widths count code points, not bytes: the forecast chart draws with unicode
// block characters (3 bytes each in UTF-8) and they must line up with ASCII
// cells. Bytes that do not form a valid sequence count as one each, so a
// malformed cell still gets a width instead of breaking the layout.
size_t sequence_length(std::string_view text, size_t pos) {
    const auto lead = static_cast<unsigned char>(text[pos]);
    size_t len = 1;
    if ((lead & 0xE0) == 0xC0) {
        len = 2;
    } else if ((lead & 0xF0) == 0xE0) {
        len = 3;
    } else if ((lead & 0xF8) == 0xF0) {
        len = 4;
    }
    if (pos + len > text.size()) {
        return 1;
    }
    for (size_t i = 1; i < len; ++i) {
        if ((static_cast<unsigned char>(text[pos + i]) & 0xC0) != 0x80) {
            return 1;
        }
    }
    return len;
}

size_t code_points(std::string_view text) {
    size_t count = 0;
    for (size_t pos = 0; pos < text.size(); pos += sequence_length(text, pos)) {
        ++count;
    }
    return count;
}

// The first n code points of text (all of it when shorter); never splits a
// multi-byte sequence.
std::string_view first_code_points(std::string_view text, size_t n) {
    size_t pos = 0;
    for (size_t taken = 0; taken < n && pos < text.size(); ++taken) {
        pos += sequence_length(text, pos);
    }
    return text.substr(0, pos);
}

std::string_view trim_spaces(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

std::string valid_names(const std::vector<ColumnSpec>& columns) {
    std::string out;
    for (const auto& column : columns) {
        if (!out.empty()) {
            out += ", ";
        }
        out += column.name;
    }
    return out;
}

// Widths above this are refused: no terminal is that wide, and the cap keeps
// a typo such as "%10000000" from allocating a huge line.
constexpr int kMaxWidth = 1000;

// "14" or "-14" -> width and alignment; false on anything else.
bool parse_width(std::string_view text, int& width, bool& left) {
    left = false;
    if (!text.empty() && text.front() == '-') {
        left = true;
        text.remove_prefix(1);
    }
    if (text.empty() || text.size() > 4) {
        return false;
    }
    int value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') {
            return false;
        }
        value = value * 10 + (c - '0');
    }
    if (value < 1 || value > kMaxWidth) {
        return false;
    }
    width = value;
    return true;
}

const std::string& cell_of(const std::vector<std::string>& row, size_t index) {
    static const std::string kEmpty;
    return index < row.size() ? row[index] : kEmpty;
}

// Pads or cuts text to exactly width code points. Cut cells end in '+' so a
// reader knows the value is longer (sacctmgr's print_fields does the same);
// headers are cut plainly, as sacctmgr does.
std::string fit(std::string_view text, size_t width, bool left, bool mark_cut) {
    const size_t len = code_points(text);
    std::string out;
    if (len > width) {
        if (mark_cut) {
            out = std::string(first_code_points(text, width == 0 ? 0 : width - 1));
            if (width > 0) {
                out += '+';
            }
        } else {
            out = std::string(first_code_points(text, width));
        }
        return out;
    }
    const std::string padding(width - len, ' ');
    if (left) {
        out.append(text);
        out += padding;
    } else {
        out = padding;
        out.append(text);
    }
    return out;
}

struct Placed {
    const ColumnSpec* spec;
    size_t index;
    size_t width;
    bool left;
};

}  // namespace

Expected<std::vector<ColumnChoice>> parse_format_spec(std::string_view spec,
                                                      const std::vector<ColumnSpec>& columns) {
    const std::string valid = valid_names(columns);
    if (trim_spaces(spec).empty()) {
        return make_error("empty format= (valid: " + valid + ")");
    }
    std::vector<ColumnChoice> chosen;
    for (std::string_view raw : split_on(spec)) {
        const std::string_view item = trim_spaces(raw);
        if (item.empty()) {
            return make_error("empty field in format= '" + std::string(spec) + "'");
        }
        const size_t percent = item.find('%');
        const std::string_view name = trim_spaces(item.substr(0, percent));
        if (name.empty()) {
            return make_error("missing field name before '" + std::string(item) +
                              "' in format= (valid: " + valid + ")");
        }
        ColumnChoice choice;
        bool found = false;
        for (size_t i = 0; i < columns.size(); ++i) {
            if (equals_ignore_case(name, columns[i].name)) {
                choice.index = i;
                found = true;
                break;
            }
        }
        if (!found) {
            return make_error("unknown field '" + std::string(name) +
                              "' in format= (valid: " + valid + ")");
        }
        if (percent != std::string_view::npos) {
            const std::string_view width_text = item.substr(percent + 1);
            if (!parse_width(width_text, choice.width, choice.force_left)) {
                return make_error("bad width '" + std::string(width_text) + "' for field '" +
                                  std::string(name) + "' in format= (want 1 to " +
                                  std::to_string(kMaxWidth) + ", negative for left-aligned)");
            }
        }
        chosen.push_back(choice);
    }
    return chosen;
}

std::vector<ColumnChoice> default_choice(const std::vector<ColumnSpec>& columns) {
    std::vector<ColumnChoice> chosen;
    chosen.reserve(columns.size());
    for (size_t i = 0; i < columns.size(); ++i) {
        chosen.push_back(ColumnChoice{i, 0, false});
    }
    return chosen;
}

namespace {

// RFC 4180: quoted when it holds a separator, a quote or a line break.
std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) {
        quoted += c;
        if (c == '"') quoted += '"';
    }
    return quoted + "\"";
}

}  // namespace

std::string render_table(const std::vector<ColumnSpec>& columns,
                         const std::vector<ColumnChoice>& chosen,
                         const std::vector<std::vector<std::string>>& rows,
                         const TableOptions& options) {
    // A choice pointing past the available columns is a caller bug; it is
    // skipped rather than crashing a listing.
    std::vector<Placed> placed;
    for (const auto& choice : chosen) {
        if (choice.index >= columns.size()) {
            continue;
        }
        const ColumnSpec& spec = columns[choice.index];
        size_t width = 0;
        if (choice.width > 0) {
            width = static_cast<size_t>(choice.width);
        } else {
            // The header counts even with -n so that a column keeps the same
            // width with and without it (scripts cut by position).
            width = code_points(spec.name);
            for (const auto& row : rows) {
                width = std::max(width, code_points(cell_of(row, choice.index)));
            }
        }
        placed.push_back(
            Placed{&spec, choice.index, width, choice.force_left || spec.align == Align::kLeft});
    }
    if (placed.empty()) {
        return {};
    }

    std::string out;
    if (options.mode != TableMode::kTable) {
        // Parsable output is never padded or cut: it is read by programs.
        const bool csv = options.mode == TableMode::kCsv;
        const bool trailing = options.mode == TableMode::kParsable;
        auto emit = [&](auto&& text_of) {
            for (size_t i = 0; i < placed.size(); ++i) {
                if (i > 0) {
                    out += csv ? ',' : '|';
                }
                out += csv ? csv_field(text_of(placed[i])) : text_of(placed[i]);
            }
            if (trailing) {
                out += '|';
            }
            out += csv ? "\r\n" : "\n";
        };
        if (options.header) {
            emit([](const Placed& p) -> const std::string& { return p.spec->name; });
        }
        for (const auto& row : rows) {
            emit([&row](const Placed& p) -> const std::string& { return cell_of(row, p.index); });
        }
        return out;
    }

    // sacctmgr prints a space after every column, the last one included, so
    // each line ends in a space; kept for byte-compatible output.
    if (options.header) {
        for (const auto& p : placed) {
            out += fit(p.spec->name, p.width, p.left, /*mark_cut=*/false);
            out += ' ';
        }
        out += '\n';
        for (const auto& p : placed) {
            out.append(p.width, '-');
            out += ' ';
        }
        out += '\n';
    }
    for (const auto& row : rows) {
        for (const auto& p : placed) {
            out += fit(cell_of(row, p.index), p.width, p.left, /*mark_cut=*/true);
            out += ' ';
        }
        out += '\n';
    }
    return out;
}

}  // namespace asbb
