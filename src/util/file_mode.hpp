// OS helpers for files whose owner and mode matter because they hold secrets
// (asbb.conf holds database credentials, like slurmdbd.conf).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/expected.hpp"

namespace asbb {

struct FileSnapshot {
    uint32_t mode = 0;  // permission bits only (st_mode & 07777)
    uint32_t uid = 0;   // owner
    std::string content;
};

// Opens path once and takes both the metadata (fstat) and the content from
// that one descriptor, so the mode and owner checked are those of the bytes
// read even if the path is replaced in between. Reads at most max_bytes; a
// caller that wants to notice an oversized file asks for one byte more than
// it accepts. Refuses anything but a regular file (a FIFO would block, a
// device could be endless). Errors: "cannot read <path>: <reason>".
Expected<FileSnapshot> read_regular_file(const std::string& path, size_t max_bytes);

// Permission bits as ls and chmod show them: 0644 -> "644", 04755 -> "4755".
std::string format_file_mode(uint32_t mode);

// The uid of a user from the passwd database, nullopt when there is no such
// user. Uses getpwnam_r: the plugin runs inside multi-threaded slurmctld.
std::optional<uint32_t> lookup_user_uid(const std::string& name);

}  // namespace asbb
