#include "core/slurm_conf_text.hpp"

#include <algorithm>
#include <cctype>

namespace asbb {

namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
        text.remove_suffix(1);
    }
    return text;
}

bool equal_ci(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const size_t end = text.find('\n');
        lines.push_back(text.substr(0, end));
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
    return lines;
}

// The value when LINE sets KEY ("Key=Value", comment after '#' ignored).
std::optional<std::string_view> value_on_line(std::string_view line, std::string_view key) {
    line = trim(line.substr(0, line.find('#')));
    const size_t equals = line.find('=');
    if (equals == std::string_view::npos || !equal_ci(trim(line.substr(0, equals)), key)) {
        return std::nullopt;
    }
    return trim(line.substr(equals + 1));
}

constexpr std::string_view kKey = "JobSubmitPlugins";
constexpr std::string_view kPlugin = "budget";

}  // namespace

std::optional<std::string> slurm_conf_value(std::string_view text, std::string_view key) {
    std::optional<std::string> value;
    for (std::string_view line : lines_of(text)) {
        if (auto found = value_on_line(line, key)) value = std::string(*found);
    }
    return value;
}

std::vector<std::string> split_plugin_list(std::string_view value) {
    std::vector<std::string> plugins;
    while (true) {
        const size_t comma = value.find(',');
        const std::string_view item = trim(value.substr(0, comma));
        if (!item.empty()) plugins.emplace_back(item);
        if (comma == std::string_view::npos) break;
        value.remove_prefix(comma + 1);
    }
    return plugins;
}

SlurmConfEdit enable_budget_plugin(std::string_view text) {
    std::vector<std::string_view> lines = lines_of(text);
    std::optional<size_t> last;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (value_on_line(lines[i], kKey)) last = i;
    }
    SlurmConfEdit edit;
    std::vector<std::string> plugins;
    if (last) plugins = split_plugin_list(*value_on_line(lines[*last], kKey));
    // SLURM takes "job_submit/budget" and "budget" alike.
    const bool present = std::any_of(plugins.begin(), plugins.end(), [](const std::string& p) {
        return equal_ci(p, kPlugin) || equal_ci(p, "job_submit/budget");
    });
    if (!present) plugins.emplace_back(kPlugin);
    edit.line = std::string(kKey) + "=";
    for (size_t i = 0; i < plugins.size(); ++i) edit.line += (i == 0 ? "" : ",") + plugins[i];
    if (present) {
        edit.text = std::string(text);
        return edit;
    }
    edit.changed = true;
    std::string out;
    for (size_t i = 0; i < lines.size(); ++i) {
        out += last && i == *last ? std::string_view(edit.line) : lines[i];
        out += '\n';
    }
    // lines_of drops the empty piece after a final newline; a file without a
    // final newline gets one, which SLURM does not mind.
    if (!last) out += edit.line + "\n";
    edit.text = out;
    return edit;
}

}  // namespace asbb
