#include "integration/support/usage_history.hpp"

#include <cstdlib>
#include <ctime>

#include "db/ledger.hpp"

namespace asbb::test {

namespace {

int64_t hold_time_s(int n) {
    switch (n) {
        case 0:
            return 1748736000;  // 2025-06-01
        case 1:
            return 1772359200;  // 2026-03-01T10:00
        case 2:
            return 1773480600;  // 2026-03-14T09:30
        case 3:
            return 1773100800;  // 2026-03-10
        case 4:
            return 1773572400;  // 2026-03-15T11:00
        case 5:
            return 1772668800;  // 2026-03-05
        case 6:
            return 1773273600;  // 2026-03-12
        default:
            return 1773518400;  // h7: 2026-03-14T20:00
    }
}

}  // namespace

std::string UsageHistoryTest::hold_id(int n) {
    return make_hold_id(static_cast<uint64_t>(hold_time_s(n)) * 1000, 0, static_cast<uint64_t>(n))
        .hex();
}

void UsageHistoryTest::SetUp() {
    fix_clock("UTC", kUsageNow);
    CliTest::SetUp();

    auto must = [&](std::vector<std::string> args) {
        auto result = asbb(args);
        ASSERT_EQ(result.status, 0) << args[1] << ": " << result.err;
    };
    auto create = [&](const std::string& name, const std::string& amount, const std::string& start,
                      const std::string& end) {
        must({"account", "create", "--name=" + name, "--budget=" + amount, "--start=" + start,
              "--end=" + end});
    };
    create("root", "100000", "2026-01-01", "2026-12-31");
    create("physics", "50000", "2026-01-01", "2026-12-31");
    create("proj001", "20000", "2026-01-01", "2026-12-31");
    create("chem", "5000", "2026-01-01", "2026-12-31");
    create("root", "80000", "2025-01-01", "2025-12-31");
    create("physics", "40000", "2025-01-01", "2025-12-31");
    must({"account", "set-limit", "physics", "--partition=aws-gpu", "--limit=10000"});
    must({"account", "set-limit", "proj001", "--partition=aws-gpu", "--limit=1000"});

    place(0, "proj002", "aws-cpu", "bob", hold_time_s(0), 1'000'000'000, 1'200'000'000);
    place(1, "proj001", "aws-cpu", "alice", hold_time_s(1), 100'000'000, 120'000'000);
    place(5, "physics", "aws-cpu", "dave", hold_time_s(5), 10'000'000, 12'000'000);
    place(3, "proj002", "aws-gpu", "bob", hold_time_s(3), 200'000'000, 240'000'000);
    place(6, "chem", "aws-cpu", "carol", hold_time_s(6), 50'000'000, 60'000'000);
    place(2, "proj001", "aws-gpu", "alice", hold_time_s(2), 500'000'000, 600'000'000);
    place(7, "chem", "aws-cpu", "carol", hold_time_s(7), 20'000'000, 24'000'000);
    place(4, "proj002", "aws-cpu", "bob", hold_time_s(4), 30'000'000, 36'000'000);

    auto link = [&](int n, int64_t job_id) {
        ASSERT_TRUE(db::link_hold(session(), hold_id(n), "lab", job_id, hold_time_s(n)));
    };
    link(0, 50);
    link(1, 101);
    link(2, 102);
    link(3, 103);
    link(7, 104);
    auto charge = [&](int n, int64_t actual_micro, int64_t job_id, int64_t inx, int64_t at_s,
                      bool final_charge) {
        db::ChargeRequest request;
        request.hold_id = hold_id(n);
        request.actual = Money{actual_micro};
        request.cluster = "lab";
        request.job_id = job_id;
        request.job_db_inx = inx;
        request.final_charge = final_charge;
        request.reason = "job ended";
        request.actor = "test";
        request.now_s = at_s;
        db::in_transaction(session(), [&] { db::charge_hold(session(), request); });
    };
    charge(0, 999'990'000, 50, 1, 1748822400, true);
    charge(1, 80'500'000, 101, 2, 1772438400, true);
    charge(3, 150'250'000, 103, 3, 1773208800, true);
    charge(7, 5'000'001, 104, 4, 1773550000, false);
    auto end = [&](int n, db::ReleaseKind kind, int64_t at_s) {
        db::in_transaction(session(), [&] {
            ASSERT_TRUE(db::release_hold(session(), hold_id(n), kind, "test", "test", at_s).done);
        });
    };
    end(5, db::ReleaseKind::kExpire, 1772755200);
    end(6, db::ReleaseKind::kRelease, 1773360000);
}

void UsageHistoryTest::TearDown() {
    LedgerTest::TearDown();
    restore_clock();
}

void UsageHistoryTest::place(int n, const std::string& account, const std::string& partition,
                             const std::string& user, int64_t at_s, int64_t estimate_micro,
                             int64_t amount_micro) {
    db::HoldRequest request = hold_request(account, amount_micro, partition);
    request.id = *parse_hold_id(hold_id(n));
    request.user_name = user;
    request.size = HoldSize{Money{estimate_micro}, Money{amount_micro}};
    request.now_s = at_s;
    auto result = db::place_hold(session(), slurm(), request);
    ASSERT_EQ(result.outcome, db::HoldOutcome::kPlaced) << "h" << n;
}

}  // namespace asbb::test
