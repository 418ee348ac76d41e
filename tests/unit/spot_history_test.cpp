// bill::read_spot_history on describe-spot-price-history output (fixture in
// tests/fixtures/spot-history) and on files it must refuse.
#include "bill/spot_history.hpp"

#include <gtest/gtest.h>

#include "bill/cur_file.hpp"
#include "unit/file_test.hpp"

namespace asbb::bill {
namespace {

TEST(SpotHistory, ReadsTheLinuxChangesWithTheirZonesAndTimes) {
    const auto history = read_spot_history(std::string(ASBB_SOURCE_DIR) +
                                           "/tests/fixtures/spot-history/"
                                           "describe-spot-price-history.json");
    ASSERT_EQ(history.changes.size(), 9u);
    EXPECT_EQ(history.other_products, 2u);  // Windows, SUSE
    const auto& first = history.changes.front();
    EXPECT_EQ(first.instance_type, "c5.large");
    EXPECT_EQ(first.availability_zone, "us-east-1a");
    EXPECT_EQ(first.changed_at_s, 1'796'094'000);  // 2026-12-01T03:00:00+00:00
    EXPECT_EQ(first.price.text(), "0.034");
    // "(Amazon VPC)" is the same Linux product; ".000Z" the same time form.
    EXPECT_EQ(history.changes[3].availability_zone, "us-east-1c");
    EXPECT_EQ(history.changes[3].changed_at_s, 1'795'651'200);  // 2026-11-26T00:00:00Z
}

class SpotHistoryRefuses : public test::FileTest {
  protected:
    // The one-line message for a file with this text.
    std::string refusal(const std::string& text) {
        const std::string path = write("history.json", text);
        try {
            read_spot_history(path);
        } catch (const BillFileError& e) {
            const std::string message = e.what();
            EXPECT_EQ(message.find('\n'), std::string::npos) << message;
            EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
            return message;
        }
        ADD_FAILURE() << text << " was read";
        return "";
    }
    static std::string entry(const std::string& fields) {
        return "{\"SpotPriceHistory\": [{" + fields + "}]}";
    }
};

const std::string kGood =
    "\"AvailabilityZone\": \"us-east-1a\", \"InstanceType\": \"c5.large\", "
    "\"ProductDescription\": \"Linux/UNIX\", ";

TEST_F(SpotHistoryRefuses, EachBadFileOrEntry) {
    const std::string time = ", \"Timestamp\": \"2026-11-20T00:00:00+00:00\"";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"Timestamp,SpotPrice\n", "not JSON"},
        {"{\"PriceList\": []}", "no \"SpotPriceHistory\" list"},
        {"{\"SpotPriceHistory\": [], \"NextToken\": \"abc\"}", "one page of"},
        {"{\"SpotPriceHistory\": [7]}", "SpotPriceHistory[0] is not an object"},
        {entry(kGood + "\"Timestamp\": \"2026-11-20T00:00:00Z\""), "has no SpotPrice string"},
        {entry(kGood + "\"SpotPrice\": 0.04" + time), "has no SpotPrice string"},
        {entry(kGood + "\"SpotPrice\": \"-0.04\"" + time), "is negative"},
        {entry(kGood + "\"SpotPrice\": \"4 cents\"" + time), "SpotPrice '4 cents'"},
        {entry(kGood + "\"SpotPrice\": \"0.04\", \"Timestamp\": \"yesterday\""),
         "Timestamp 'yesterday'"},
        {entry("\"AvailabilityZone\": \"us-east-1a\", \"InstanceType\": \"c5.large'; --\", "
               "\"ProductDescription\": \"Linux/UNIX\", \"SpotPrice\": \"0.04\"" +
               time),
         "bad InstanceType"},
        {entry("\"AvailabilityZone\": \"us-east-1a\", \"InstanceType\": \"c5.large\", "
               "\"ProductDescription\": \"Windows\", \"SpotPrice\": \"0.04\"" +
               time),
         "no Linux/UNIX Spot price among its 1 entries"},
    };
    for (const auto& [text, needle] : cases) {
        EXPECT_NE(refusal(text).find(needle), std::string::npos)
            << text << " (wanted " << needle << ")";
    }
}

}  // namespace
}  // namespace asbb::bill
