// One seed's run of the model test (tests/integration/ledger_model_test.cpp):
// random operations from a seeded generator, each done on the real ledger
// and on the reference model (ledger_model.hpp), then every outcome and
// balance compared.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>

#include "db/session.hpp"
#include "db/slurm_tree.hpp"
#include "integration/support/ledger_model.hpp"

namespace asbb::test {

// How often each operation had each outcome, over all seeds: the test
// prints it, so that a run shows it exercised refusals, overruns and the rest.
using Tally = std::map<std::string, int64_t>;

// One seed's run: the operations, each done on both sides, then compared.
class ModelRun {
  public:
    ModelRun(db::Session& session, db::SlurmDbName slurm, uint64_t seed, int64_t now_s,
             Tally& tally)
        : session_(session),
          slurm_(std::move(slurm)),
          seed_(seed),
          rng_(seed),
          now_s_(now_s),
          tally_(tally) {}

    // The first divergence, or nothing.
    std::optional<std::string> run(int steps);

  private:
    int64_t pick(int64_t lo, int64_t hi) {
        return lo + static_cast<int64_t>(rng_() % static_cast<uint64_t>(hi - lo + 1));
    }
    bool chance(int percent) { return pick(1, 100) <= percent; }
    std::string pick_account();
    std::string pick_partition() { return chance(50) ? "aws-cpu" : "aws-gpu"; }
    JobShape pick_shape() { return {pick(1, 3), pick(60, 4 * 3600), pick(1, 2)}; }
    ModelHold* pick_hold(int open_percent);
    size_t pick_budget() {
        return static_cast<size_t>(pick(0, int64_t(model_.budgets.size()) - 1));
    }

    void setup();
    void make_budget(const std::string& account, int64_t allocation_micro);
    void step();
    void place();
    void resize();
    void move();
    void link();
    void charge();
    void release(db::ReleaseKind kind);
    void deposit();
    void withdraw();
    void update_allocation();
    void update_period();
    void set_limit();
    void true_up();
    void teardown();

    db::HoldRequest request_for(const std::string& account, const std::string& partition,
                                const JobShape& shape, int64_t price_micro, int64_t factor_ppm);
    void expect(bool ok, const std::string& what);
    void note(const std::string& what) { ++tally_[what]; }
    template <class T>
    void expect_eq(const T& model, const T& database, const std::string& what) {
        if (model == database) return;
        std::ostringstream text;
        text << what << ": model " << model << ", database " << database;
        expect(false, text.str());
    }
    void compare_balances();
    void compare_holds();
    void check_ledger();
    std::string id_list(size_t count) const;

    db::Session& session_;
    db::SlurmDbName slurm_;
    uint64_t seed_;
    std::mt19937_64 rng_;
    int64_t now_s_;
    Tally& tally_;
    LedgerModel model_;
    int step_no_ = 0;
    std::string op_;  // the operation of this step, for the report
    std::optional<std::string> divergence_;
    std::vector<int64_t> charged_rows_;
    int64_t next_job_row_ = 0;
};

}  // namespace asbb::test
