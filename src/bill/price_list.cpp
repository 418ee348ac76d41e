#include "bill/price_list.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/filereadstream.h>
#include <rapidjson/reader.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "bill/cur_file.hpp"

namespace asbb::bill {

namespace {

using Path = std::span<const std::string>;
using LeafFn = std::function<void(Path keys, std::string_view value)>;

// Hands every string value to a callback with the keys that lead to it
// ("[]" for an array element), so that a document of any size is read
// without building it.
class PathReader : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, PathReader> {
  public:
    explicit PathReader(LeafFn on_leaf) : on_leaf_(std::move(on_leaf)) {}

    bool StartObject() { return push(""); }
    bool Key(const char* text, rapidjson::SizeType length, bool) {
        keys_.back().assign(text, length);
        return true;
    }
    bool EndObject(rapidjson::SizeType) { return pop(); }
    bool StartArray() { return push("[]"); }
    bool EndArray(rapidjson::SizeType) { return pop(); }
    bool String(const char* text, rapidjson::SizeType length, bool) {
        on_leaf_(Path(keys_), std::string_view(text, length));
        return true;
    }
    bool Default() { return true; }  // numbers, booleans, null: nothing asbb reads

  private:
    bool push(const char* key) {
        keys_.emplace_back(key);
        return true;
    }
    bool pop() {
        keys_.pop_back();
        return true;
    }
    LeafFn on_leaf_;
    std::vector<std::string> keys_;
};

// The attributes that say whether a product is a Linux On-Demand hour.
struct Product {
    std::string sku, family, instance_type, region, os, tenancy, software, license, capacity,
        market;
};

struct Dimension {
    std::string product_id, unit;
    std::optional<std::string> price;  // in the currency asked for
};

// What the file says, gathered from either layout under one product id
// (the SKU in the offer file; "PriceList[N]" in get-products output).
struct Gathered {
    std::string currency;
    std::string offer_code;
    bool saw_products = false;
    bool saw_price_list = false;
    bool more_pages = false;  // get-products' NextToken: this file is one page
    std::map<std::string, Product> products;
    std::map<std::string, Dimension> dimensions;  // by rate code, unique in a file
    std::string other_currency;                   // one seen instead of currency, if any

    void product_field(const std::string& id, Path rest, std::string_view value);
    void on_demand_field(const std::string& id, Path rest, std::string_view value);
};

void Gathered::product_field(const std::string& id, Path rest, std::string_view value) {
    Product& product = products[id];
    if (rest.size() == 1 && rest[0] == "sku") product.sku = value;
    if (rest.size() == 1 && rest[0] == "productFamily") product.family = value;
    if (rest.size() != 2 || rest[0] != "attributes") return;
    static const std::map<std::string_view, std::string Product::*> kWanted = {
        {"instanceType", &Product::instance_type}, {"regionCode", &Product::region},
        {"operatingSystem", &Product::os},         {"tenancy", &Product::tenancy},
        {"preInstalledSw", &Product::software},    {"licenseModel", &Product::license},
        {"capacitystatus", &Product::capacity},    {"marketoption", &Product::market}};
    if (auto found = kWanted.find(rest[1]); found != kWanted.end()) {
        product.*(found->second) = value;
    }
}

// rest: TERM, "priceDimensions", RATE, "unit" | "pricePerUnit", CURRENCY.
void Gathered::on_demand_field(const std::string& id, Path rest, std::string_view value) {
    if (rest.size() < 4 || rest[1] != "priceDimensions") return;
    Dimension& dimension = dimensions[rest[2]];
    dimension.product_id = id;
    if (rest.size() == 4 && rest[3] == "unit") dimension.unit = value;
    if (rest.size() == 5 && rest[3] == "pricePerUnit") {
        if (rest[4] == currency) {
            dimension.price = std::string(value);
        } else {
            other_currency = rest[4];
        }
    }
}

// One get-products PriceList element: a product's own JSON document.
void gather_product_document(Gathered& gathered, const std::string& path, size_t index,
                             std::string_view document) {
    const std::string id = "PriceList[" + std::to_string(index) + "]";
    PathReader handler([&](Path keys, std::string_view value) {
        if (keys.size() == 1 && keys[0] == "serviceCode") gathered.offer_code = value;
        if (keys.size() > 1 && keys[0] == "product")
            gathered.product_field(id, keys.subspan(1), value);
        if (keys.size() > 2 && keys[0] == "terms" && keys[1] == "OnDemand") {
            gathered.on_demand_field(id, keys.subspan(2), value);
        }
    });
    const std::string text(document);
    rapidjson::StringStream stream(text.c_str());
    rapidjson::Reader reader;
    if (!reader.Parse(stream, handler)) {
        fail_file(path, id + " is not a JSON document (" +
                            rapidjson::GetParseError_En(reader.GetParseErrorCode()) + " at byte " +
                            std::to_string(reader.GetErrorOffset()) + ")");
    }
}

void gather_file(Gathered& gathered, const std::string& path) {
    std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!file) fail_file(path, std::string("cannot open: ") + std::strerror(errno));
    size_t elements = 0;
    PathReader handler([&](Path keys, std::string_view value) {
        if (keys.size() == 1 && keys[0] == "offerCode") gathered.offer_code = value;
        if (keys.size() == 1 && keys[0] == "NextToken" && !value.empty()) {
            gathered.more_pages = true;
        }
        if (keys.size() > 2 && keys[0] == "products") {
            gathered.saw_products = true;
            gathered.product_field(keys[1], keys.subspan(2), value);
        }
        if (keys.size() > 3 && keys[0] == "terms" && keys[1] == "OnDemand") {
            gathered.on_demand_field(keys[2], keys.subspan(3), value);
        }
        if (keys.size() == 2 && keys[0] == "PriceList" && keys[1] == "[]") {
            gathered.saw_price_list = true;
            gather_product_document(gathered, path, elements++, value);
        }
    });
    char buffer[1 << 16];
    rapidjson::FileReadStream stream(file.get(), buffer, sizeof buffer);
    rapidjson::Reader reader;
    if (!reader.Parse(stream, handler)) {
        fail_file(path, std::string("not JSON (") +
                            rapidjson::GetParseError_En(reader.GetParseErrorCode()) + " at byte " +
                            std::to_string(reader.GetErrorOffset()) + ")");
    }
    if (std::ferror(file.get()))
        fail_file(path, std::string("cannot read: ") + std::strerror(errno));
}

// A product whose hour is what a SLURM node costs. Attributes an older file
// lacks (capacitystatus, marketoption) do not exclude it; a missing
// regionCode does, since the region cannot then be told.
bool is_node_hour(const Product& product, const std::string& region) {
    return product.family == "Compute Instance" && !product.instance_type.empty() &&
           product.region == region && product.os == "Linux" && product.tenancy == "Shared" &&
           product.software == "NA" &&
           (product.license.empty() || product.license == "No License required") &&
           (product.capacity.empty() || product.capacity == "Used") &&
           (product.market.empty() || product.market == "OnDemand");
}

void add_price(PriceListReading& reading, const std::string& path, const Product& product,
               const std::string& price_text) {
    auto hourly = ExactAmount::parse(price_text);
    if (!hourly)
        fail_file(path,
                  "product " + product.sku + ": price '" + price_text + "': " + hourly.error());
    auto [entry, added] = reading.by_instance_type.try_emplace(product.instance_type,
                                                               InstancePrice{*hourly, product.sku});
    if (!added && !(entry->second.hourly == *hourly)) {
        fail_file(path, "two On-Demand Linux prices for " + product.instance_type + ": " +
                            entry->second.hourly.text() + " (product " + entry->second.sku +
                            ") and " + hourly->text() + " (product " + product.sku + ")");
    }
}

PriceListReading join(const Gathered& gathered, const std::string& path,
                      const std::string& region) {
    PriceListReading reading;
    reading.format = gathered.saw_price_list ? "get-products" : "offer file";
    reading.products = gathered.products.size();
    for (const auto& [rate_code, dimension] : gathered.dimensions) {
        if (dimension.unit != "Hrs" || !dimension.price) continue;
        auto product = gathered.products.find(dimension.product_id);
        if (product == gathered.products.end()) continue;
        Product named = product->second;
        if (named.sku.empty()) named.sku = dimension.product_id;
        if (is_node_hour(named, region)) add_price(reading, path, named, *dimension.price);
    }
    return reading;
}

}  // namespace

PriceListReading read_price_list(const std::string& path, const std::string& region,
                                 const std::string& currency) {
    Gathered gathered;
    gathered.currency = currency;
    gather_file(gathered, path);
    if (gathered.more_pages) {
        // A page leaves out the prices on the others: each type it lacks
        // would be reported as not in the price list.
        fail_file(path,
                  "one page of get-products output (it has a NextToken): give the whole "
                  "answer, without --max-items or --no-paginate");
    }
    if (!gathered.saw_products && !gathered.saw_price_list) {
        fail_file(path,
                  "not an AWS Price List (neither an offer file's \"products\" nor "
                  "get-products' \"PriceList\")");
    }
    if (!gathered.offer_code.empty() && gathered.offer_code != "AmazonEC2") {
        fail_file(path, "the price list of " + gathered.offer_code + ", not of AmazonEC2");
    }
    PriceListReading reading = join(gathered, path, region);
    if (reading.by_instance_type.empty()) {
        std::string reason = "no On-Demand Linux instance price in " + currency + " for region " +
                             region + " among its " + std::to_string(reading.products) +
                             " products";
        if (!gathered.other_currency.empty()) {
            reason += " (its prices are in " + gathered.other_currency + ": see BillCurrency)";
        }
        fail_file(path, reason);
    }
    return reading;
}

}  // namespace asbb::bill
