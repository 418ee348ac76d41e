// EC2 On-Demand prices from AWS's Price List, as an admin downloads it: the
// bulk offer file (offers/v1.0/aws/AmazonEC2/current/REGION/index.json) or
// the output of `aws pricing get-products --service-code AmazonEC2`, whose
// PriceList holds each product as a JSON string to parse a second time.
//
// A node-hour of a SLURM node is one hour of its instance running Linux with
// shared tenancy and no pre-installed software, bought On-Demand: the
// product whose attributes say exactly that (productFamily "Compute
// Instance", operatingSystem Linux, tenancy Shared, preInstalledSw NA,
// licenseModel "No License required", capacitystatus Used, marketoption
// OnDemand where given) in the region, and its price dimension in "Hrs".
// The bulk file is read as a stream: a regional file of several hundred MB
// needs memory for its EC2 products' few attributes, not for the file.
#pragma once

#include <cstddef>
#include <map>
#include <string>

#include "core/exact_amount.hpp"

namespace asbb::bill {

struct InstancePrice {
    ExactAmount hourly;  // in the currency asked for, exact as the file writes it
    std::string sku;     // the product's, for the admin to look up
};

struct PriceListReading {
    std::string format;                                     // "offer file" or "get-products"
    std::map<std::string, InstancePrice> by_instance_type;  // in the region asked for
    size_t products = 0;  // products in the file, of any kind and region
};

// Reads path; region is a region code ("us-east-1"), currency the
// pricePerUnit key ("USD"). Throws BillFileError naming the file and what
// is wrong: not JSON, not EC2's price list, no product of the region with a
// price in that currency, or two different prices for one instance type.
PriceListReading read_price_list(const std::string& path, const std::string& region,
                                 const std::string& currency);

}  // namespace asbb::bill
