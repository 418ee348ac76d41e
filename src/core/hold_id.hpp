// Hold ids: 128 bits, time-ordered (48-bit unix milliseconds, then 80 random
// bits), printed as 32 lower-case hex digits. Time order keeps InnoDB's
// clustered index append-mostly; the random part makes ids unique across
// slurmctld restarts and hosts without coordination.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/expected.hpp"

namespace asbb {

struct HoldId {
    uint64_t hi = 0;  // 48 bits of ms, then 16 random bits
    uint64_t lo = 0;  // 64 random bits

    std::string hex() const;  // 32 hex digits
    uint64_t unix_ms() const { return hi >> 16; }
    friend constexpr auto operator<=>(const HoldId&, const HoldId&) = default;
};

// Pure constructor: the caller supplies the clock and the randomness.
HoldId make_hold_id(uint64_t unix_ms, uint16_t random_hi, uint64_t random_lo);

// Accepts exactly 32 hex digits (either case).
Expected<HoldId> parse_hold_id(std::string_view text);

}  // namespace asbb

namespace asbb {

// The hold id in a job's admin_comment ("... asbb:hold=<32 hex> ..."), as the
// plugin wrote it; empty when there is none or it is malformed.
std::string hold_id_in_comment(std::string_view admin_comment);

}  // namespace asbb
