#include "core/csv_reader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

namespace asbb {
namespace {

// A source handing the text out in pieces of chunk bytes, so that records
// straddle the reader's refills.
CsvReader::Source source_of(std::string text, size_t chunk = 3) {
    auto offset = std::make_shared<size_t>(0);
    return [text = std::move(text), offset, chunk](char* buffer, size_t capacity) {
        const size_t n = std::min({chunk, capacity, text.size() - *offset});
        std::memcpy(buffer, text.data() + *offset, n);
        *offset += n;
        return n;
    };
}

std::vector<std::vector<std::string>> read_all(const std::string& text, size_t limit = 1 << 20) {
    CsvReader reader(source_of(text), limit);
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> fields;
    for (;;) {
        auto more = reader.next(fields);
        EXPECT_TRUE(more.ok()) << (more.ok() ? "" : more.error());
        if (!more.ok() || !*more) break;
        records.push_back(fields);
    }
    return records;
}

std::string first_error(const std::string& text, size_t limit = 1 << 20) {
    CsvReader reader(source_of(text), limit);
    std::vector<std::string> fields;
    for (;;) {
        auto more = reader.next(fields);
        if (!more.ok()) return more.error();
        if (!*more) return "no error";
    }
}

using Records = std::vector<std::vector<std::string>>;

TEST(CsvReader, ReadsQuotedCommasDoubledQuotesAndLineBreaksInQuotes) {
    EXPECT_EQ(read_all("\xEF\xBB\xBFidentity/LineItemId,bill/BillingEntity\r\n"
                       "a1,\"Amazon Web Services Canada, Inc.\"\r\n"
                       "a2,\"say \"\"hi\"\"\"\r\n"
                       "a3,\"two\nlines\"\n"
                       "a4,,\n"),
              (Records{{"identity/LineItemId", "bill/BillingEntity"},
                       {"a1", "Amazon Web Services Canada, Inc."},
                       {"a2", "say \"hi\""},
                       {"a3", "two\nlines"},
                       {"a4", "", ""}}));
    EXPECT_EQ(read_all("x,y"), (Records{{"x", "y"}}));  // no line end at the end
    EXPECT_EQ(read_all(""), Records{});
}

TEST(CsvReader, CountsLinesAcrossQuotedLineBreaks) {
    CsvReader reader(source_of("h\n\"a\nb\"\nc\n"));
    std::vector<std::string> fields;
    ASSERT_TRUE(*reader.next(fields));
    EXPECT_EQ(reader.record_line(), 1);
    ASSERT_TRUE(*reader.next(fields));
    EXPECT_EQ(reader.record_line(), 2);
    ASSERT_TRUE(*reader.next(fields));
    EXPECT_EQ(reader.record_line(), 4);
    EXPECT_FALSE(*reader.next(fields));
}

TEST(CsvReader, MalformedInputIsAnErrorNamingTheLine) {
    EXPECT_EQ(first_error("h\n\"open\n"),
              "line 2: quoted field still open at the end of the input");
    EXPECT_EQ(first_error("h\n\"a\"b\n"), "line 2: text after a quoted field's closing quote");
    EXPECT_EQ(first_error("h\n" + std::string(100, 'x') + "\n", 64),
              "line 2: record longer than 64 bytes");
    EXPECT_EQ(first_error("\xEF\xBB"
                          "x\n"),
              "line 1: malformed byte order mark");
}

}  // namespace
}  // namespace asbb
