// bill::read_price_list on the two layouts AWS publishes EC2 prices in (the
// bulk offer file and `aws pricing get-products` output, fixtures in
// tests/fixtures/price-list), and on files it must refuse.
#include "bill/price_list.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "bill/cur_file.hpp"
#include "unit/file_test.hpp"

namespace asbb::bill {
namespace {

const std::string kFixtures = std::string(ASBB_SOURCE_DIR) + "/tests/fixtures/price-list/";

std::map<std::string, std::string> prices_of(const PriceListReading& reading) {
    std::map<std::string, std::string> prices;
    for (const auto& [type, price] : reading.by_instance_type) prices[type] = price.hourly.text();
    return prices;
}

// Only the Linux, shared-tenancy, no-software On-Demand hour of each type
// in the region: not Windows, a capacity reservation, another region,
// dedicated tenancy, SQL Server, data transfer or a Reserved term.
const std::map<std::string, std::string> kUsEast1 = {
    {"c5.large", "0.085"}, {"g4dn.xlarge", "0.526"}, {"p3.2xlarge", "3.06"}};

TEST(PriceList, OfferFileGivesTheLinuxOnDemandHourOfEachTypeInTheRegion) {
    const auto reading = read_price_list(kFixtures + "ec2-offer-excerpt.json", "us-east-1", "USD");
    EXPECT_EQ(reading.format, "offer file");
    EXPECT_EQ(reading.products, 9u);
    EXPECT_EQ(prices_of(reading), kUsEast1);
    EXPECT_EQ(reading.by_instance_type.at("c5.large").sku, "A2WVEVTYHFZ4KC6A");
}

TEST(PriceList, GetProductsOutputIsParsedTwiceToTheSamePrices) {
    const auto reading = read_price_list(kFixtures + "get-products.json", "us-east-1", "USD");
    EXPECT_EQ(reading.format, "get-products");
    EXPECT_EQ(reading.products, 9u);
    EXPECT_EQ(prices_of(reading), kUsEast1);
    EXPECT_EQ(reading.by_instance_type.at("p3.2xlarge").sku, "F4BZQ3N8U9K7WP2X");
}

TEST(PriceList, AnotherRegionGivesItsOwnPrices) {
    const auto reading = read_price_list(kFixtures + "ec2-offer-excerpt.json", "us-west-2", "USD");
    EXPECT_EQ(prices_of(reading), (std::map<std::string, std::string>{{"c5.large", "0.09"}}));
}

class PriceListRefuses : public test::FileTest {
  protected:
    std::string write(const std::string& text) { return FileTest::write("prices.json", text); }
    // The one-line message of the BillFileError that reading path throws.
    std::string refusal(const std::string& path, const std::string& region = "us-east-1",
                        const std::string& currency = "USD") {
        try {
            read_price_list(path, region, currency);
        } catch (const BillFileError& e) {
            const std::string message = e.what();
            EXPECT_EQ(message.find('\n'), std::string::npos) << message;
            EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
            return message;
        }
        ADD_FAILURE() << path << " was read";
        return "";
    }
};

TEST_F(PriceListRefuses, AFileThatIsNotJson) {
    EXPECT_NE(refusal(write("SKU,OfferTermCode\nx,y\n")).find("not JSON"), std::string::npos);
    EXPECT_NE(refusal(write("{\"products\": {\"A\": ")).find("not JSON"), std::string::npos);
    EXPECT_NE(refusal(dir_ + "/absent.json").find("cannot open"), std::string::npos);
}

TEST_F(PriceListRefuses, JsonThatIsNotAPriceList) {
    EXPECT_NE(refusal(write("{\"SpotPriceHistory\": []}")).find("not an AWS Price List"),
              std::string::npos);
    EXPECT_NE(refusal(write("{\"offerCode\": \"AmazonS3\", \"products\": {\"X\": {\"sku\": "
                            "\"X\"}}}"))
                  .find("the price list of AmazonS3"),
              std::string::npos);
    EXPECT_NE(refusal(write("{\"PriceList\": [\"{not json\"]}")).find("PriceList[0] is not"),
              std::string::npos);
    EXPECT_NE(refusal(write("{\"FormatVersion\": \"aws_v1\", \"NextToken\": \"abc\", "
                            "\"PriceList\": []}"))
                  .find("one page of get-products output"),
              std::string::npos);
}

TEST_F(PriceListRefuses, ARegionOrCurrencyWithNoPrice) {
    const std::string offer = kFixtures + "ec2-offer-excerpt.json";
    EXPECT_NE(refusal(offer, "eu-west-1")
                  .find("no On-Demand Linux instance price in USD for "
                        "region eu-west-1 among its 9 products"),
              std::string::npos);
    EXPECT_NE(refusal(offer, "us-east-1", "CNY").find("its prices are in USD"), std::string::npos);
}

TEST_F(PriceListRefuses, TwoDifferentPricesForOneInstanceType) {
    std::ifstream in(kFixtures + "ec2-offer-excerpt.json");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // The capacity-reservation product, made to look like a second Linux
    // On-Demand c5.large with another price: asbb cannot tell which to use.
    const auto at = text.find("\"UnusedCapacityReservation\"");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, 27, "\"Used\"");
    const auto price = text.find("\"0.0850000000\"", text.find("\"C3Q8U4WBDRTQX8RV.JRTCKXETXF\""));
    ASSERT_NE(price, std::string::npos);
    text.replace(price, 14, "\"0.0860000000\"");
    const std::string message = refusal(write(text));
    EXPECT_NE(message.find("two On-Demand Linux prices for c5.large"), std::string::npos)
        << message;
}

}  // namespace
}  // namespace asbb::bill
