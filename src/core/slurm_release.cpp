#include "core/slurm_release.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace asbb {

namespace {

// Reads the decimal number at the front of text (at most 4 digits: no SLURM
// release part is longer) and drops it from text.
bool take_number(std::string_view& text, int& number) {
    size_t digits = 0;
    while (digits < text.size() && digits < 5 && text[digits] >= '0' && text[digits] <= '9') {
        ++digits;
    }
    if (digits == 0 || digits > 4) return false;
    std::from_chars(text.data(), text.data() + digits, number);
    text.remove_prefix(digits);
    return true;
}

bool take_char(std::string_view& text, char c) {
    if (text.empty() || text.front() != c) return false;
    text.remove_prefix(1);
    return true;
}

}  // namespace

Expected<SlurmRelease> parse_sacct_version(std::string_view text) {
    if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    // The error quotes the first line only, so that it stays one line.
    const std::string_view first_line = text.substr(0, std::min<size_t>(text.find('\n'), 80));
    const bool cut = first_line.size() < text.size();
    auto refuse = [first_line, cut] {
        return make_error("sacct --version printed '" + std::string(first_line) +
                          (cut ? "...'" : "'") + ", not 'slurm MAJOR.MINOR.MICRO'");
    };
    // The package name: "slurm", or a distribution's name for it.
    const size_t space = text.find(' ');
    if (space == std::string_view::npos || text.substr(0, 5) != "slurm") return refuse();
    text.remove_prefix(space + 1);
    SlurmRelease release;
    if (!take_number(text, release.major) || !take_char(text, '.') ||
        !take_number(text, release.minor) || !take_char(text, '.') ||
        !take_number(text, release.micro)) {
        return refuse();
    }
    // A pre-release tag ("-0rc1") follows a dash; nothing else may follow.
    if (!text.empty() && text.front() != '-') return refuse();
    if (text.find_first_of(" \n\t") != std::string_view::npos) return refuse();
    return release;
}

std::string format_release(const SlurmRelease& release) {
    char text[32];
    std::snprintf(text, sizeof text, "%d.%02d.%d", release.major, release.minor, release.micro);
    return text;
}

Expected<std::string> sacct_data_parser_for(const SlurmRelease& release) {
    const int number = release.major * 100 + release.minor;  // 24.11 -> 2411
    if (number < 2205) {
        return make_error("sacct is SLURM " + format_release(release) +
                          "; asbb-poller --source=sacct needs 22.05 or later");
    }
    if (number < 2311) return std::string();  // 22.05, 23.02: --json takes no version
    if (number < 2405) return std::string("v0.0.40");
    if (number < 2411) return std::string("v0.0.41");
    return std::string("v0.0.42");
}

}  // namespace asbb
