// SHA-256 (FIPS 180-4). API token secrets are stored only as their SHA-256,
// so a copy of the database (or a reader of its general query log) cannot
// use them; a bill import is known by the digest of its files' bytes. Written here rather
// than taken from OpenSSL because asbb links no crypto library and needs
// nothing else from one; tests/unit/sha256_test.cpp checks it against the
// FIPS 180-2 example vectors and coreutils' sha256sum. Pure.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace asbb {

using Sha256Digest = std::array<uint8_t, 32>;

Sha256Digest sha256(std::string_view data);

// The same digest of data given in pieces (a bill file as it is read).
class Sha256 {
  public:
    using State = std::array<uint32_t, 8>;
    Sha256();
    void update(std::string_view data);
    Sha256Digest finish();  // once

  private:
    State state_;
    std::array<uint8_t, 64> pending_{};  // bytes short of a whole block
    size_t pending_bytes_ = 0;
    uint64_t total_bytes_ = 0;
};

// The digest as 64 lowercase hex digits.
std::string sha256_hex(std::string_view data);

// Bytes as lowercase hex digits, two per byte (digests, token secrets).
std::string lower_hex(std::span<const uint8_t> bytes);

}  // namespace asbb
