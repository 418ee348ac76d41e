// Spot price history as `aws ec2 describe-spot-price-history` writes it:
// {"SpotPriceHistory": [{"AvailabilityZone", "InstanceType",
// "ProductDescription", "SpotPrice" (a string, per hour), "Timestamp"}]}.
// Each entry is a price change in one zone; the price holds until the next.
// Only Linux/UNIX entries are read (a SLURM node runs Linux; "(Amazon VPC)"
// is the same product under its EC2-Classic-era name).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/exact_amount.hpp"

namespace asbb::bill {

struct SpotPriceChange {
    std::string instance_type;
    std::string availability_zone;
    int64_t changed_at_s = 0;
    ExactAmount price;  // per hour, exact as written
};

struct SpotHistory {
    std::vector<SpotPriceChange> changes;  // the Linux/UNIX ones, in the file's order
    size_t other_products = 0;             // Windows, SUSE, Red Hat: not read
};

// Throws BillFileError naming the file, the entry and what is wrong: not
// JSON, no SpotPriceHistory list, an entry without one of the fields or with
// a bad price, time, type or zone, or no Linux/UNIX entry at all.
SpotHistory read_spot_history(const std::string& path);

}  // namespace asbb::bill
