#include "cli/live_jobs_source.hpp"

#include <utility>

namespace asbb::cli {

namespace {

LiveJobsSource& source() {
    static LiveJobsSource installed;
    return installed;
}

}  // namespace

void set_live_jobs_source(LiveJobsSource replacement) {
    source() = std::move(replacement);
}

Expected<std::vector<poller::LiveJob>> load_live_jobs_for_cli() {
    if (!source()) return make_error(std::string("asbb was built without libslurm"));
    return source()();
}

}  // namespace asbb::cli
