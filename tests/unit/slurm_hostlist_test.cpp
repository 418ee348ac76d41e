#include "core/slurm_hostlist.hpp"

#include <gtest/gtest.h>

namespace asbb {
namespace {

using Names = std::vector<std::string>;

Names expanded(const char* text) {
    auto names = expand_hostlist(text);
    EXPECT_TRUE(names) << text << ": " << (names ? "" : names.error());
    return names ? *names : Names{};
}

TEST(SlurmHostlist, ExpandsRangesListsAndProductsKeepingZeroPadding) {
    EXPECT_EQ(expanded("cpu1"), (Names{"cpu1"}));
    EXPECT_EQ(expanded("cpu[1-3]"), (Names{"cpu1", "cpu2", "cpu3"}));
    EXPECT_EQ(expanded("n[08-10],gpu1"), (Names{"n08", "n09", "n10", "gpu1"}));
    EXPECT_EQ(expanded("aws-cpu-[1,3-4]"), (Names{"aws-cpu-1", "aws-cpu-3", "aws-cpu-4"}));
    EXPECT_EQ(expanded("r[1-2]-n[01-02]"), (Names{"r1-n01", "r1-n02", "r2-n01", "r2-n02"}));
    EXPECT_EQ(expanded("queue1-dy-c5large-[1-2]"),
              (Names{"queue1-dy-c5large-1", "queue1-dy-c5large-2"}));
    EXPECT_EQ(expanded(""), Names{});
    EXPECT_EQ(expanded("None"), Names{});
}

TEST(SlurmHostlist, RefusesWhatIsNotAHostList) {
    for (const char* bad : {"cpu[1-3", "cpu1-3]", "cpu[[1]]", "cpu[3-1]", "cpu[a-b]", "cpu[]",
                            "cpu[1-]", "a,,b", ",a", "n[1-99999999]", "n[1-1000][1-1000][1-2]"}) {
        auto names = expand_hostlist(bad);
        ASSERT_FALSE(names) << bad;
        EXPECT_EQ(names.error().rfind("host list '" + std::string(bad) + "': ", 0), 0u)
            << names.error();
    }
}

}  // namespace
}  // namespace asbb
