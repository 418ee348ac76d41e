#include "pass_options.hpp"

namespace asbb::poller {

PassOptions pass_options_for(const Config& config) {
    PassOptions options;
    options.cluster = config.cluster_name;
    options.slurm = {config.slurm_db_name};
    options.orphan_hold_ttl_s = config.orphan_hold_ttl_s;
    options.linked_hold_grace_s = config.linked_hold_grace_s;
    options.cost_dir = config.cost_dir;
    options.spool_dir = config.spool_dir;
    options.hold_factor_ppm = config.hold_factor_ppm;
    options.alerts = alert_options_for(config);
    return options;
}

}  // namespace asbb::poller
