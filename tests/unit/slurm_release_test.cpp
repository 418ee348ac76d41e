// Which sacct --json format asbb-poller asks each SLURM release for
// (notes: slurm-versions.md §6), from what `sacct --version` prints.
#include "core/slurm_release.hpp"

#include <gtest/gtest.h>

namespace asbb {
namespace {

std::string parser_for(std::string_view version_text) {
    auto release = parse_sacct_version(version_text);
    if (!release) return "error: " + release.error();
    auto parser = sacct_data_parser_for(*release);
    return parser ? *parser : "error: " + parser.error();
}

TEST(SlurmRelease, ReadsWhatSacctVersionPrints) {
    auto debian = parse_sacct_version("slurm-wlm 24.11.5\n");
    ASSERT_TRUE(debian) << debian.error();
    EXPECT_EQ(debian->major, 24);
    EXPECT_EQ(debian->minor, 11);
    EXPECT_EQ(debian->micro, 5);
    EXPECT_EQ(format_release(*debian), "24.11.5");

    auto upstream = parse_sacct_version("slurm 22.05.8");
    ASSERT_TRUE(upstream) << upstream.error();
    EXPECT_EQ(format_release(*upstream), "22.05.8");

    auto candidate = parse_sacct_version("slurm 25.05.0-0rc1\n");
    ASSERT_TRUE(candidate) << candidate.error();
    EXPECT_EQ(format_release(*candidate), "25.05.0");
}

TEST(SlurmRelease, AnythingElseIsAnError) {
    for (const char* text :
         {"", "\n", "slurm", "slurm 24.11", "slurm 24.11.x", "sacct: error: x",
          "slurm 24.11.5 extra", "slurm 24.11.5\n\n", "munge 0.5.15", "slurm 123456.11.5"}) {
        EXPECT_FALSE(parse_sacct_version(text)) << "'" << text << "'";
    }
    EXPECT_EQ(parse_sacct_version("sacct: error: x").error(),
              "sacct --version printed 'sacct: error: x', not 'slurm MAJOR.MINOR.MICRO'");
    // One line, whatever sacct printed.
    EXPECT_EQ(parse_sacct_version("garbage\n").error(),
              "sacct --version printed 'garbage', not 'slurm MAJOR.MINOR.MICRO'");
    EXPECT_EQ(parse_sacct_version("slurm 24.11.5\nmore\n").error(),
              "sacct --version printed 'slurm 24.11.5...', not 'slurm MAJOR.MINOR.MICRO'");
}

TEST(SlurmRelease, PinsTheDataParserWhereSacctTakesOne) {
    EXPECT_EQ(parser_for("slurm 22.05.8"), "");  // --json takes no version
    EXPECT_EQ(parser_for("slurm 23.02.7"), "");
    EXPECT_EQ(parser_for("slurm 23.11.10"), "v0.0.40");
    EXPECT_EQ(parser_for("slurm 24.05.8"), "v0.0.41");
    EXPECT_EQ(parser_for("slurm-wlm 24.11.5"), "v0.0.42");
    EXPECT_EQ(parser_for("slurm 25.05.3"), "v0.0.42");
    EXPECT_EQ(parser_for("slurm 25.11.1"), "v0.0.42");
    EXPECT_EQ(parser_for("slurm-wlm 26.05.5"), "v0.0.42");  // its default v0.0.45 has no account
    EXPECT_EQ(parser_for("slurm 21.08.8"),
              "error: sacct is SLURM 21.08.8; asbb-poller --source=sacct needs 22.05 or later");
}

}  // namespace
}  // namespace asbb
