// Reading and editing slurm.conf as text, for `asbb slurm configure`. Only
// the lines asbb cares about are touched; every other byte of the file is
// kept, comments included, so the admin's diff shows one line.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asbb {

// The value of KEY on its last uncommented line (SLURM keys are case
// insensitive and, for keys given twice, the last one wins), if any.
// "PluginDir=/a:/b # note" gives "/a:/b".
std::optional<std::string> slurm_conf_value(std::string_view text, std::string_view key);

// The comma-separated list, as SLURM splits it.
std::vector<std::string> split_plugin_list(std::string_view value);

struct SlurmConfEdit {
    bool changed = false;
    std::string text;  // the whole new file
    std::string line;  // the JobSubmitPlugins line it should have
};

// slurm.conf with "budget" in JobSubmitPlugins: added to the end of an
// existing list (other job_submit plugins keep their order and run first),
// or as a new line at the end of the file. Unchanged when already there.
SlurmConfEdit enable_budget_plugin(std::string_view text);

}  // namespace asbb
