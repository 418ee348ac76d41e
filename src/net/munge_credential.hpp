// MUNGE credentials (libmunge): how the asbb service learns who is calling,
// and how the CLI proves who it runs as. munged checks a credential's TTL and
// refuses a replayed one; the service only has to act on the answer.
#pragma once

#include <cstdint>
#include <string>

#include "core/expected.hpp"

namespace asbb::net {

enum class MungeStatus {
    kOk,
    kMissing,      // no credential at all
    kInvalid,      // forged, damaged, from another realm or key
    kExpired,      // older than its TTL
    kReplayed,     // decoded before: each credential is good for one request
    kUnavailable,  // munged could not be asked (socket, timeout)
};

struct MungeIdentity {
    MungeStatus status = MungeStatus::kMissing;
    uint32_t uid = 0;
    uint32_t gid = 0;
    std::string message;  // munge_strerror's text when status is not kOk
};

// Decodes a credential with munged at socket_path ("" = libmunge's default).
MungeIdentity decode_munge_credential(const std::string& credential,
                                      const std::string& socket_path);

// A new credential for this process's uid; ttl_s 0 = munged's default.
Expected<std::string> encode_munge_credential(const std::string& socket_path, int ttl_s = 0);

}  // namespace asbb::net
