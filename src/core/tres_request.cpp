#include "core/tres_request.hpp"

#include <charconv>
#include <string>
#include <vector>

#include "core/ascii.hpp"

namespace asbb {

namespace {

bool name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
}

bool is_name(std::string_view text) {
    if (text.empty()) return false;
    for (char c : text) {
        if (!name_char(c)) return false;
    }
    return true;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    size_t start = 0;
    for (;;) {
        const size_t end = text.find(separator, start);
        parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) return parts;
        start = end + 1;
    }
}

Error bad_entry(std::string_view entry, std::string_view why) {
    return make_error("cannot read the TRES request '" + std::string(entry.substr(0, 64)) +
                      "': " + std::string(why));
}

// The count of a gres entry after its name: "" (one), "=N", ":N", ":TYPE",
// ":TYPE:N" or ":TYPE=N".
Expected<int64_t> gres_count(std::string_view entry, std::string_view rest) {
    std::string_view spec = rest;
    std::string_view count_text;
    if (const size_t equals = rest.find('='); equals != std::string_view::npos) {
        spec = rest.substr(0, equals);
        count_text = rest.substr(equals + 1);
        if (!all_ascii_digits(count_text))
            return bad_entry(entry, "the count after '=' is not a number");
    }
    std::vector<std::string_view> fields;
    if (!spec.empty()) {
        if (spec.front() != ':') return bad_entry(entry, "expected ':' or '=' after the name");
        fields = split(spec.substr(1), ':');
    }
    if (count_text.empty() && !fields.empty() && all_ascii_digits(fields.back())) {
        count_text = fields.back();
        fields.pop_back();
    }
    if (fields.size() > 1)
        return bad_entry(entry, "more than one type or a count that is not a number");
    if (!fields.empty() && !is_name(fields.front())) return bad_entry(entry, "invalid type");
    if (count_text.empty()) return int64_t{1};  // as SLURM: no count means one
    int64_t count = 0;
    const auto [end, ec] =
        std::from_chars(count_text.data(), count_text.data() + count_text.size(), count);
    if (ec != std::errc() || end != count_text.data() + count_text.size() || count > kMaxGpuCount) {
        return bad_entry(entry, "count out of range");
    }
    return count;
}

// GPUs of one entry (0 for anything that is not a gpu), or why it is malformed.
Expected<int64_t> entry_gpus(std::string_view entry) {
    if (entry.empty()) return bad_entry(entry, "empty entry");
    if (entry.starts_with("gres:") || entry.starts_with("gres/")) {
        const std::string_view after = entry.substr(5);
        const size_t end = after.find_first_of(":=");
        const std::string_view name = after.substr(0, end);
        if (!is_name(name)) return bad_entry(entry, "invalid GRES name");
        auto count = gres_count(entry, end == std::string_view::npos ? "" : after.substr(end));
        if (!count) return count;
        return name == "gpu" ? *count : int64_t{0};
    }
    // TYPE[/NAME]=VALUE (cpu=4, mem=4G, license/matlab=1): shape only.
    const size_t equals = entry.find('=');
    if (equals == std::string_view::npos || equals == 0 || equals + 1 == entry.size()) {
        return bad_entry(entry, "expected gres:NAME, gres/NAME or TYPE=VALUE");
    }
    for (char c : entry) {
        if (!name_char(c) && c != '/' && c != '=') return bad_entry(entry, "invalid character");
    }
    return int64_t{0};
}

}  // namespace

Expected<int64_t> gpu_count(std::string_view tres) {
    if (tres.empty()) return int64_t{0};
    int64_t total = 0;
    for (std::string_view entry : split(tres, ',')) {
        auto gpus = entry_gpus(entry);
        if (!gpus) return gpus;
        total += *gpus;
        if (total > kMaxGpuCount) return bad_entry(tres, "more GPUs than any job could use");
    }
    return total;
}

}  // namespace asbb
