#include <iostream>

#include "cli/cli.hpp"
#ifdef ASBB_HAVE_LIBSLURM
#include "cli/live_jobs_source.hpp"
#endif

int main(int argc, char** argv) {
#ifdef ASBB_HAVE_LIBSLURM
    // reconcile and recover ask slurmctld which jobs are live.
    asbb::cli::set_live_jobs_source(asbb::poller::load_live_jobs);
#endif
    std::vector<std::string> args(argv + 1, argv + argc);
    return asbb::cli::run(args, std::cout, std::cerr);
}
