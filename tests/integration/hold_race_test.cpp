// Acceptance: 64 threads race to place holds against a 3-level tree whose
// budgets fit exactly K holds; exactly K succeed, no level ever goes below
// zero, and the journal and balances agree. 20 seeds; each seed picks the
// level that binds (leaf, parent, root or a partition limit), K and the hold
// amount, so every level is the binding one in some runs.
#include <atomic>
#include <random>
#include <thread>

#include "db/check.hpp"
#include "integration/support/test_db.hpp"
#include "util/identity.hpp"

namespace asbb::test {
namespace {

constexpr int kThreads = 64;

enum class Binding { kLeaf, kParent, kRoot, kPartitionLimit };

struct RaceOutcome {
    int placed = 0;
    int refused = 0;
    int errors = 0;
    std::string first_error;  // shown when errors is not zero
};

class HoldRaceTest : public LedgerTest, public ::testing::WithParamInterface<int> {};

TEST_P(HoldRaceTest, ExactlyKHoldsSucceedAtEveryLevel) {
    const int seed = GetParam();
    std::mt19937_64 random(static_cast<uint64_t>(seed));
    const auto binding = static_cast<Binding>(seed % 4);
    const int k = std::uniform_int_distribution<int>(5, 40)(random);
    const int64_t amount = std::uniform_int_distribution<int64_t>(1, 50'000'000)(random);
    const int64_t exact = k * amount;
    const int64_t roomy = 1000 * amount;  // never binds
    SCOPED_TRACE("seed " + std::to_string(seed) + ", K " + std::to_string(k) + ", amount " +
                 std::to_string(amount) + " micro, binding level " + std::to_string(seed % 4));

    // root < physics + chem and physics < proj001 + proj002, as the issue asks;
    // the binding level holds exactly K, the others more.
    std::vector<std::string> targets;
    int64_t proj001 = 0, proj002 = 0, chem = 0, physics = 0, root = 0;
    switch (binding) {
        case Binding::kLeaf:  // only proj001 is asked; its own budget binds
            proj001 = exact, proj002 = roomy, physics = exact + amount, chem = roomy;
            root = exact + 2 * amount;
            targets = {"proj001"};
            break;
        case Binding::kParent:  // both projects asked; physics binds
            proj001 = exact, proj002 = exact, physics = exact, chem = roomy, root = exact + amount;
            targets = {"proj001", "proj002"};
            break;
        case Binding::kRoot:  // the whole tree asked; root binds
            proj001 = exact, proj002 = exact, physics = exact, chem = exact, root = exact;
            targets = {"proj001", "proj002", "chem"};
            break;
        case Binding::kPartitionLimit:  // proj001's limit on aws-gpu binds
            proj001 = roomy, proj002 = roomy, physics = roomy, chem = roomy, root = roomy;
            targets = {"proj001"};
            break;
    }
    const int64_t root_id = make_budget("root", root);
    const int64_t physics_id = make_budget("physics", physics);
    const int64_t proj001_id = make_budget("proj001", proj001);
    const int64_t proj002_id = make_budget("proj002", proj002);
    const int64_t chem_id = make_budget("chem", chem);
    const std::string partition = binding == Binding::kPartitionLimit ? "aws-gpu" : "aws-cpu";
    if (binding == Binding::kPartitionLimit) make_limit(proj001_id, "aws-gpu", exact);

    // More attempts than could ever succeed, spread over the targets.
    const int attempts_total = 3 * k + kThreads;
    std::atomic<int> next_attempt{0};
    std::vector<RaceOutcome> outcomes(kThreads);
    std::vector<std::thread> threads;
    std::atomic<bool> go{false};
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            auto session = connect();
            while (!go.load()) std::this_thread::yield();
            for (int i = next_attempt++; i < attempts_total; i = next_attempt++) {
                db::HoldRequest request = hold_request(
                    targets[static_cast<size_t>(i) % targets.size()], amount, partition);
                try {
                    auto result = db::place_hold(*session, slurm(), request);
                    if (result.outcome == db::HoldOutcome::kPlaced) {
                        ++outcomes[t].placed;
                    } else if (result.outcome == db::HoldOutcome::kInsufficient) {
                        ++outcomes[t].refused;
                    } else {
                        ++outcomes[t].errors;
                        if (outcomes[t].first_error.empty()) {
                            outcomes[t].first_error =
                                "outcome " + std::to_string(static_cast<int>(result.outcome));
                        }
                    }
                } catch (const std::exception& e) {
                    ++outcomes[t].errors;
                    if (outcomes[t].first_error.empty()) outcomes[t].first_error = e.what();
                }
            }
        });
    }
    go = true;
    for (auto& thread : threads) thread.join();

    RaceOutcome total;
    for (const auto& o : outcomes) {
        total.placed += o.placed;
        total.refused += o.refused;
        total.errors += o.errors;
        if (total.first_error.empty()) total.first_error = o.first_error;
    }
    EXPECT_EQ(total.errors, 0) << total.first_error;
    EXPECT_EQ(total.placed, k);
    EXPECT_EQ(total.placed + total.refused, attempts_total);

    // Every level holds what was placed under it, never more than it has.
    for (int64_t id : {root_id, physics_id, proj001_id, proj002_id, chem_id}) {
        EXPECT_GE(
            scalar("SELECT allocated_micro - spent_micro - held_micro FROM budget WHERE id = ?",
                   {id}),
            0)
            << "budget " << id;
    }
    EXPECT_EQ(scalar("SELECT held_micro FROM budget WHERE id = ?", {root_id}), exact);
    const int64_t binding_id = binding == Binding::kLeaf     ? proj001_id
                               : binding == Binding::kParent ? physics_id
                                                             : root_id;
    EXPECT_EQ(scalar("SELECT held_micro FROM budget WHERE id = ?", {binding_id}), exact);
    if (binding == Binding::kPartitionLimit) {
        EXPECT_EQ(
            scalar("SELECT held_micro FROM partition_limit WHERE budget_id = ?", {proj001_id}),
            exact);
    }
    // Each leaf holds exactly the holds placed on its account.
    for (const auto& [account, id] : {std::pair<std::string, int64_t>{"proj001", proj001_id},
                                      {"proj002", proj002_id},
                                      {"chem", chem_id}}) {
        EXPECT_EQ(
            scalar("SELECT held_micro FROM budget WHERE id = ?", {id}),
            scalar("SELECT COALESCE(SUM(amount_micro), 0) FROM hold WHERE account = ?", {account}))
            << account;
    }
    EXPECT_EQ(count("hold"), k);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind = 'hold'"), k);
    auto mismatches = db::check_ledger(session());
    EXPECT_TRUE(mismatches.empty())
        << mismatches.size() << " mismatches, first: "
        << (mismatches.empty()
                ? ""
                : mismatches[0].table + " " + mismatches[0].id + " " + mismatches[0].field);
}

INSTANTIATE_TEST_SUITE_P(Seeds, HoldRaceTest, ::testing::Range(1, 21));

}  // namespace
}  // namespace asbb::test
