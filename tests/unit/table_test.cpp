#include "core/table.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace asbb {
namespace {

// Account is left-aligned (names read better that way), the money columns
// keep sacctmgr's default right alignment.
std::vector<ColumnSpec> Columns() {
    return {{"Account", Align::kLeft}, {"Budget", Align::kRight}, {"Held", Align::kRight}};
}

std::vector<std::vector<std::string>> Rows() {
    return {{"proj001", "1000.00", "432.00"}, {"physics", "50000.00", "0.00"}};
}

std::string Render(const std::vector<ColumnChoice>& chosen, TableOptions options = {}) {
    return render_table(Columns(), chosen, Rows(), options);
}

std::vector<ColumnChoice> Format(std::string_view spec) {
    auto parsed = parse_format_spec(spec, Columns());
    EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error());
    return parsed.ok() ? parsed.value() : std::vector<ColumnChoice>{};
}

std::string FormatError(std::string_view spec) {
    auto parsed = parse_format_spec(spec, Columns());
    EXPECT_FALSE(parsed.ok()) << spec;
    return parsed.ok() ? "" : parsed.error();
}

TEST(Table, CsvIsRfc4180) {
    const std::vector<ColumnSpec> columns = {{"Account", Align::kLeft}, {"Descr", Align::kLeft}};
    const std::vector<std::vector<std::string>> rows = {
        {"physics", "Dept, \"A\" wing"}, {"chem", "line\nbreak"}, {"bio", "plain"}};
    EXPECT_EQ(render_table(columns, default_choice(columns), rows, {TableMode::kCsv, true}),
              "Account,Descr\r\n"
              "physics,\"Dept, \"\"A\"\" wing\"\r\n"
              "chem,\"line\nbreak\"\r\n"
              "bio,plain\r\n");
    EXPECT_EQ(render_table(columns, default_choice(columns), rows, {TableMode::kCsv, false})
                  .starts_with("physics,"),
              true);
}

TEST(Table, DefaultTableHasHeaderRuleAndTrailingSpaces) {
    EXPECT_EQ(Render(default_choice(Columns())),
              "Account   Budget   Held \n"
              "------- -------- ------ \n"
              "proj001  1000.00 432.00 \n"
              "physics 50000.00   0.00 \n");
}

TEST(Table, NoHeaderDropsHeaderAndRuleButKeepsWidths) {
    TableOptions options;
    options.header = false;
    EXPECT_EQ(Render(default_choice(Columns()), options),
              "proj001  1000.00 432.00 \n"
              "physics 50000.00   0.00 \n");
}

TEST(Table, HeaderCountsTowardWidth) {
    const std::vector<std::vector<std::string>> rows = {{"a", "1", "2"}};
    EXPECT_EQ(render_table(Columns(), default_choice(Columns()), rows, {}),
              "Account Budget Held \n"
              "------- ------ ---- \n"
              "a            1    2 \n");
}

TEST(Table, EmptyRowsStillPrintHeader) {
    EXPECT_EQ(render_table(Columns(), default_choice(Columns()), {}, {}),
              "Account Budget Held \n"
              "------- ------ ---- \n");
    TableOptions options;
    options.header = false;
    EXPECT_EQ(render_table(Columns(), default_choice(Columns()), {}, options), "");
}

TEST(Table, ParsableKeepsTrailingBar) {
    TableOptions options;
    options.mode = TableMode::kParsable;
    EXPECT_EQ(Render(default_choice(Columns()), options),
              "Account|Budget|Held|\n"
              "proj001|1000.00|432.00|\n"
              "physics|50000.00|0.00|\n");
    options.header = false;
    EXPECT_EQ(Render(default_choice(Columns()), options),
              "proj001|1000.00|432.00|\n"
              "physics|50000.00|0.00|\n");
}

TEST(Table, Parsable2HasNoTrailingBar) {
    TableOptions options;
    options.mode = TableMode::kParsable2;
    EXPECT_EQ(Render(default_choice(Columns()), options),
              "Account|Budget|Held\n"
              "proj001|1000.00|432.00\n"
              "physics|50000.00|0.00\n");
    options.header = false;
    EXPECT_EQ(Render(default_choice(Columns()), options),
              "proj001|1000.00|432.00\n"
              "physics|50000.00|0.00\n");
}

TEST(Table, ParsableIgnoresWidthsAndNeverCuts) {
    TableOptions options;
    options.mode = TableMode::kParsable2;
    EXPECT_EQ(Render(Format("Budget%3,Account%-2"), options),
              "Budget|Account\n"
              "1000.00|proj001\n"
              "50000.00|physics\n");
}

TEST(Table, EmptyCellsInParsableModes) {
    const std::vector<std::vector<std::string>> rows = {{"a", "", ""}};
    TableOptions options;
    options.mode = TableMode::kParsable;
    options.header = false;
    EXPECT_EQ(render_table(Columns(), default_choice(Columns()), rows, options), "a|||\n");
    options.mode = TableMode::kParsable2;
    EXPECT_EQ(render_table(Columns(), default_choice(Columns()), rows, options), "a||\n");
}

TEST(Table, FormatPicksAndReordersColumns) {
    EXPECT_EQ(Render(Format("held,ACCOUNT")),
              "  Held Account \n"
              "------ ------- \n"
              "432.00 proj001 \n"
              "  0.00 physics \n");
}

TEST(Table, FormatFixedWidthsPad) {
    EXPECT_EQ(Render(Format("Account%10,Budget%12")),
              "Account          Budget \n"
              "---------- ------------ \n"
              "proj001         1000.00 \n"
              "physics        50000.00 \n");
}

TEST(Table, NegativeWidthLeftAligns) {
    EXPECT_EQ(Render(Format("Budget%-10,Held")),
              "Budget       Held \n"
              "---------- ------ \n"
              "1000.00    432.00 \n"
              "50000.00     0.00 \n");
}

TEST(Table, NegativeWidthLeftAlignsEvenAfterSizing) {
    auto chosen = Format("Held%-8");
    ASSERT_EQ(chosen.size(), 1u);
    EXPECT_EQ(chosen[0].index, 2u);
    EXPECT_EQ(chosen[0].width, 8);
    EXPECT_TRUE(chosen[0].force_left);
}

TEST(Table, ForceLeftWithoutWidthSizesToContent) {
    const std::vector<ColumnChoice> chosen = {{1, 0, true}};
    EXPECT_EQ(Render(chosen),
              "Budget   \n"
              "-------- \n"
              "1000.00  \n"
              "50000.00 \n");
}

TEST(Table, LongValuesAreCutWithPlus) {
    // Budget%6: "1000.00" (7) -> "1000.+", "50000.00" (8) -> "50000+".
    EXPECT_EQ(Render(Format("Budget%6,Account%-4")),
              "Budget Acco \n"
              "------ ---- \n"
              "1000.+ pro+ \n"
              "50000+ phy+ \n");
}

TEST(Table, ValueExactlyAtWidthIsNotCut) {
    EXPECT_EQ(Render(Format("Budget%8")),
              "  Budget \n"
              "-------- \n"
              " 1000.00 \n"
              "50000.00 \n");
}

TEST(Table, WidthOneKeepsOnlyThePlus) {
    EXPECT_EQ(Render(Format("Held%1")),
              "H \n"
              "- \n"
              "+ \n"
              "+ \n");
}

TEST(Table, WidthCountsCodePointsNotBytes) {
    // U+2581..U+2588 are three bytes each in UTF-8 but one column wide.
    const std::vector<ColumnSpec> columns = {{"Month", Align::kLeft}, {"Chart", Align::kLeft}};
    const std::vector<std::vector<std::string>> rows = {{"2024-01", "\u2581\u2583\u2585\u2588"},
                                                        {"2024-02", "\u2588\u2588"}};
    EXPECT_EQ(render_table(columns, default_choice(columns), rows, {}),
              "Month   Chart \n"
              "------- ----- \n"
              "2024-01 \u2581\u2583\u2585\u2588  \n"
              "2024-02 \u2588\u2588    \n");
}

TEST(Table, CutNeverSplitsAMultiByteCharacter) {
    const std::vector<ColumnSpec> columns = {{"C", Align::kRight}};
    const std::vector<std::vector<std::string>> rows = {{"\u00e9\u00e9\u00e9\u00e9"}};
    const std::vector<ColumnChoice> chosen = {{0, 3, false}};
    EXPECT_EQ(render_table(columns, chosen, rows, {}),
              "  C \n"
              "--- \n"
              "\u00e9\u00e9+ \n");
}

TEST(Table, MalformedUtf8CountsEachByte) {
    const std::vector<ColumnSpec> columns = {{"C", Align::kRight}};
    const std::vector<std::vector<std::string>> rows = {{"\xe2\x96"}, {"abc"}};
    const std::string out = render_table(columns, default_choice(columns), rows, {});
    EXPECT_EQ(out, "  C \n--- \n \xe2\x96 \nabc \n");
}

TEST(Table, ShortRowsPrintEmptyCells) {
    const std::vector<std::vector<std::string>> rows = {{"proj001"}};
    EXPECT_EQ(render_table(Columns(), default_choice(Columns()), rows, {}),
              "Account Budget Held \n"
              "------- ------ ---- \n"
              "proj001" +
                  std::string(13, ' ') + "\n");
}

TEST(Table, ChoiceOutOfRangeIsSkipped) {
    const std::vector<ColumnChoice> chosen = {{7, 0, false}, {2, 0, false}};
    EXPECT_EQ(Render(chosen),
              "  Held \n"
              "------ \n"
              "432.00 \n"
              "  0.00 \n");
    EXPECT_EQ(Render({{9, 0, false}}), "");
}

TEST(Table, DuplicateFieldsAreAllowed) {
    TableOptions options;
    options.mode = TableMode::kParsable2;
    options.header = false;
    EXPECT_EQ(Render(Format("Held,held"), options), "432.00|432.00\n0.00|0.00\n");
}

TEST(TableFormat, SpacesAroundItemsAreIgnored) {
    auto chosen = Format(" Account , Budget%5 ");
    ASSERT_EQ(chosen.size(), 2u);
    EXPECT_EQ(chosen[0].index, 0u);
    EXPECT_EQ(chosen[1].index, 1u);
    EXPECT_EQ(chosen[1].width, 5);
    EXPECT_FALSE(chosen[1].force_left);
}

TEST(TableFormat, MaxWidthIsAccepted) {
    auto chosen = Format("Budget%1000,Held%-1000");
    ASSERT_EQ(chosen.size(), 2u);
    EXPECT_EQ(chosen[0].width, 1000);
    EXPECT_EQ(chosen[1].width, 1000);
    EXPECT_TRUE(chosen[1].force_left);
}

TEST(TableFormat, UnknownFieldListsValidNamesInOrder) {
    EXPECT_EQ(FormatError("Account,Foo"),
              "unknown field 'Foo' in format= (valid: Account, Budget, Held)");
    // No prefix matching: a near miss is still unknown.
    EXPECT_EQ(FormatError("Acc"), "unknown field 'Acc' in format= (valid: Account, Budget, Held)");
}

TEST(TableFormat, EmptySpecIsAnError) {
    EXPECT_EQ(FormatError(""), "empty format= (valid: Account, Budget, Held)");
    EXPECT_EQ(FormatError("  "), "empty format= (valid: Account, Budget, Held)");
}

TEST(TableFormat, EmptyItemIsAnError) {
    EXPECT_EQ(FormatError("Account,,Budget"), "empty field in format= 'Account,,Budget'");
    EXPECT_EQ(FormatError("Account,"), "empty field in format= 'Account,'");
    EXPECT_EQ(FormatError(",Account"), "empty field in format= ',Account'");
}

TEST(TableFormat, MissingNameIsAnError) {
    EXPECT_EQ(FormatError("%5"),
              "missing field name before '%5' in format= (valid: Account, Budget, Held)");
}

TEST(TableFormat, BadWidthsAreErrors) {
    const std::string want = " in format= (want 1 to 1000, negative for left-aligned)";
    EXPECT_EQ(FormatError("Budget%x"), "bad width 'x' for field 'Budget'" + want);
    EXPECT_EQ(FormatError("Budget%0"), "bad width '0' for field 'Budget'" + want);
    EXPECT_EQ(FormatError("Budget%-0"), "bad width '-0' for field 'Budget'" + want);
    EXPECT_EQ(FormatError("Budget%9999"), "bad width '9999' for field 'Budget'" + want);
    EXPECT_EQ(FormatError("Budget%1001"), "bad width '1001' for field 'Budget'" + want);
    EXPECT_EQ(FormatError("Budget%99999999999999999999"),
              "bad width '99999999999999999999' for field 'Budget'" + want);
    EXPECT_EQ(FormatError("Budget%"), "bad width '' for field 'Budget'" + want);
    EXPECT_EQ(FormatError("Budget%-"), "bad width '-' for field 'Budget'" + want);
    EXPECT_EQ(FormatError("Budget%+5"), "bad width '+5' for field 'Budget'" + want);
    EXPECT_EQ(FormatError("Budget%5%5"), "bad width '5%5' for field 'Budget'" + want);
    EXPECT_EQ(FormatError("Budget%1 2"), "bad width '1 2' for field 'Budget'" + want);
}

}  // namespace
}  // namespace asbb
