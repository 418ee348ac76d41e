// Which SLURM release sacct belongs to, and which of its JSON formats
// (data_parser plugins) asbb-poller asks it for. Pure: the caller runs
// `sacct --version` and hands in what it printed.
#pragma once

#include <string>
#include <string_view>

#include "core/expected.hpp"

namespace asbb {

struct SlurmRelease {
    int major = 0;  // 24 for 24.11.5
    int minor = 0;  // 11
    int micro = 0;  // 5
};

// What `sacct --version` prints: "slurm 22.05.8", "slurm-wlm 24.11.5" (Debian
// names the package), "slurm 25.05.0-0rc1"; one trailing newline or none.
// Anything else is an error: asbb-poller cannot choose a format without it.
Expected<SlurmRelease> parse_sacct_version(std::string_view text);

// "24.11.5": the release as SLURM writes it (two-digit minor).
std::string format_release(const SlurmRelease& release);

// The data_parser asbb-poller asks for with `sacct --json=<it>`, or "" for
// plain `--json` on 22.05 and 23.02, which take no version (22.05 prints
// openapi/dbv0.0.38, 23.02 data_parser/v0.0.39). From 23.11 the version is
// pinned because the default changes with each release (and 24.11's
// DataParserParameters= can change it per site), and 26.05's default
// v0.0.45 leaves association.account empty:
//   23.11 -> v0.0.40, 24.05 -> v0.0.41, 24.11 and later -> v0.0.42
// (24.11, 25.05, 25.11 and 26.05 all ship v0.0.42). Releases before 22.05
// are an error.
Expected<std::string> sacct_data_parser_for(const SlurmRelease& release);

}  // namespace asbb
