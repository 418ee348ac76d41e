#include "core/tres_request.hpp"

#include <gtest/gtest.h>

namespace asbb {
namespace {

int64_t Gpus(const char* tres) {
    auto count = gpu_count(tres);
    EXPECT_TRUE(count.ok()) << tres << ": " << (count.ok() ? "" : count.error());
    return count.ok() ? *count : -1;
}

TEST(GpuCount, BothSpellingsOfEveryRelease) {
    // 22.05/23.02 clients write gres:, 23.11+ gres/ (and rewrite the former).
    EXPECT_EQ(Gpus("gres:gpu:2"), 2);
    EXPECT_EQ(Gpus("gres/gpu:2"), 2);
    EXPECT_EQ(Gpus("gres:gpu:v100:4"), 4);
    EXPECT_EQ(Gpus("gres/gpu:tesla:2"), 2);
    EXPECT_EQ(Gpus("gres/gpu=2"), 2);
    EXPECT_EQ(Gpus("gres:gpu=3"), 3);
    EXPECT_EQ(Gpus("gres/gpu:tesla=2"), 2);
}

TEST(GpuCount, CountDefaultsToOneAndTypesMayStartWithDigits) {
    EXPECT_EQ(Gpus("gres/gpu"), 1);
    EXPECT_EQ(Gpus("gres:gpu:a100"), 1);
    EXPECT_EQ(Gpus("gres/gpu:1g.5gb"), 1);  // a MIG profile is a type, not a count
    EXPECT_EQ(Gpus("gres/gpu:3g.20gb:2"), 2);
    EXPECT_EQ(Gpus("gres/gpu:0"), 0);
}

TEST(GpuCount, OtherEntriesAreNotGpus) {
    EXPECT_EQ(Gpus(""), 0);
    EXPECT_EQ(Gpus("cpu=4"), 0);  // 23.11+ adds one for --cpus-per-task
    EXPECT_EQ(Gpus("gres/shard:1"), 0);
    EXPECT_EQ(Gpus("gres:mps:100"), 0);
    EXPECT_EQ(Gpus("mem=4G,license/matlab=1"), 0);
    EXPECT_EQ(Gpus("cpu=4,gres/gpu:2"), 2);
    EXPECT_EQ(Gpus("gres/gpu:v100:2,gres/gpu:a100:1,gres/shard:4"), 3);
}

TEST(GpuCount, MalformedIsAnErrorNeverZero) {
    for (const char* bad :
         {",",         "gres/gpu:2,", ",gres/gpu:2",       "gres/gpu:",      "gres/gpu::2",
          "gres/gpu=", "gres/gpu=x",  "gres/gpu=2k",       "gres/gpu:a:b:2", "gres/gpu:tesla:2k",
          "gres/:2",   "gres:",       "gres/gpu 2",        "gpu:2",          "cpu",
          "=4",        "cpu=",        "gres/gpu:99999999", "gres/gpu;2",     "gres/gpu:te$la:1"}) {
        auto count = gpu_count(bad);
        EXPECT_FALSE(count.ok()) << bad << " read as " << (count.ok() ? *count : -1);
    }
    auto count = gpu_count("gres/gpu=x");
    ASSERT_FALSE(count.ok());
    EXPECT_NE(count.error().find("'gres/gpu=x'"), std::string::npos) << count.error();
}

TEST(GpuCount, TotalsAreBounded) {
    EXPECT_EQ(Gpus("gres/gpu:1000000"), kMaxGpuCount);
    EXPECT_FALSE(gpu_count("gres/gpu:1000000,gres/gpu:1").ok());
}

}  // namespace
}  // namespace asbb
