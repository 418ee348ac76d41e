// Editing slurm.conf for `asbb slurm configure`: one line changes, nothing
// else does.
#include "core/slurm_conf_text.hpp"

#include <gtest/gtest.h>

namespace asbb {
namespace {

TEST(SlurmConfText, ValueIsTheLastUncommentedLineCaseInsensitive) {
    const std::string conf =
        "ClusterName=lab\n#PluginDir=/nope\npluginDIR=/a:/b  # two dirs\nPluginDir = /c \n";
    EXPECT_EQ(slurm_conf_value(conf, "PluginDir"), "/c");
    EXPECT_EQ(slurm_conf_value(conf, "ClusterName"), "lab");
    EXPECT_EQ(slurm_conf_value(conf, "JobSubmitPlugins"), std::nullopt);
}

TEST(SlurmConfText, SplitsPluginLists) {
    EXPECT_EQ(split_plugin_list("lua, budget,,pbs"),
              (std::vector<std::string>{"lua", "budget", "pbs"}));
    EXPECT_TRUE(split_plugin_list("").empty());
}

TEST(SlurmConfText, AddsALineWhenThereIsNone) {
    auto edit = enable_budget_plugin("ClusterName=lab\n# JobSubmitPlugins=lua\n");
    EXPECT_TRUE(edit.changed);
    EXPECT_EQ(edit.line, "JobSubmitPlugins=budget");
    EXPECT_EQ(edit.text, "ClusterName=lab\n# JobSubmitPlugins=lua\nJobSubmitPlugins=budget\n");
}

TEST(SlurmConfText, AppendsToAnExistingListKeepingEverythingElse) {
    auto edit = enable_budget_plugin("A=1\njobsubmitplugins=lua,pbs # ours\nB=2");
    EXPECT_TRUE(edit.changed);
    EXPECT_EQ(edit.line, "JobSubmitPlugins=lua,pbs,budget");
    EXPECT_EQ(edit.text, "A=1\nJobSubmitPlugins=lua,pbs,budget\nB=2\n");
}

TEST(SlurmConfText, AlreadyEnabledChangesNothing) {
    for (const std::string conf :
         {"JobSubmitPlugins=budget\n", "JobSubmitPlugins=lua,job_submit/budget\n"}) {
        auto edit = enable_budget_plugin(conf);
        EXPECT_FALSE(edit.changed) << conf;
        EXPECT_EQ(edit.text, conf);
    }
}

TEST(SlurmConfText, OnlyTheLastOfTwoLinesIsEdited) {
    auto edit = enable_budget_plugin("JobSubmitPlugins=lua\nX=1\nJobSubmitPlugins=pbs\n");
    EXPECT_EQ(edit.text, "JobSubmitPlugins=lua\nX=1\nJobSubmitPlugins=pbs,budget\n");
}

}  // namespace
}  // namespace asbb
