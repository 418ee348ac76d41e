#include "integration/support/finance_history.hpp"

#include <cstdlib>
#include <ctime>

#include "db/budgets.hpp"
#include "util/identity.hpp"
#include "util/local_time.hpp"

namespace asbb::test {

void use_finance_clock() {
    setenv("TZ", kFinanceTimeZone, 1);
    tzset();
    setenv("ASBB_NOW", std::to_string(local_instant(kFinanceNowLocal)).c_str(), 1);
}

int64_t local_instant(const std::string& text) {
    auto instant = parse_cli_instant(text, 0, DateEdge::kStartOfDay);
    if (!instant) throw std::runtime_error(instant.error());
    return *instant;
}

namespace {

int64_t create(db::Session& session, const db::SlurmDbName& slurm, const std::string& account,
               int64_t dollars) {
    db::NewBudget budget;
    budget.account = account;
    budget.period_start = local_instant("2026-11-01T00:00");
    budget.period_end = local_instant("2026-12-01T00:00");
    budget.allocation = Money{dollars * kMicroPerUnit};
    budget.actor = "root";
    budget.now_s = local_instant("2026-11-01T09:00");
    auto id = db::create_budget(session, slurm, budget);
    if (!id) throw std::runtime_error(id.error());
    return *id;
}

std::string hold(db::Session& session, const db::SlurmDbName& slurm, const std::string& when,
                 const std::string& user, const std::string& partition, int64_t micro) {
    db::HoldRequest request;
    request.id = new_hold_id();
    request.cluster = "lab";
    request.account = "proj001";
    request.partition = partition;
    request.user_name = user;
    request.shape = JobShape{1, 3600, 1};
    request.node_hour_price = Money{micro};
    request.hold_factor_ppm = kPpm;
    request.size = HoldSize{Money{micro}, Money{micro}};
    request.now_s = local_instant(when);
    request.actor = "plugin";
    auto result = db::place_hold(session, slurm, request);
    if (result.outcome != db::HoldOutcome::kPlaced) throw std::runtime_error("hold refused");
    return request.id.hex();
}

void link(db::Session& session, const std::string& hold_id, int64_t job_id,
          const std::string& when) {
    if (!db::link_hold(session, hold_id, "lab", job_id, local_instant(when))) {
        throw std::runtime_error("link refused");
    }
}

void charge(db::Session& session, const std::string& hold_id, int64_t job_id, int64_t job_db_inx,
            int64_t micro, const std::string& when) {
    db::ChargeRequest request;
    request.hold_id = hold_id;
    request.actual = Money{micro};
    request.cluster = "lab";
    request.job_id = job_id;
    request.job_db_inx = job_db_inx;
    request.reason = "job " + std::to_string(job_id) + " finished";
    request.actor = "poller";
    request.now_s = local_instant(when);
    db::in_transaction(session, [&] { db::charge_hold(session, request); });
}

}  // namespace

int64_t write_finance_history(db::Session& session, const db::SlurmDbName& slurm) {
    const int64_t budget = create(session, slurm, "proj001", 1000);
    create(session, slurm, "physics", 5000);

    const std::string h1 =
        hold(session, slurm, "2026-11-02T10:00", "alice", "aws-cpu", 120'000'000);
    link(session, h1, 101, "2026-11-02T10:05");
    charge(session, h1, 101, 1, 100'500'000, "2026-11-03T08:15");

    db::in_transaction(session, [&] {
        db::deposit(session, budget, Money{250'000'000}, "grant supplement", "finance",
                    local_instant("2026-11-05T12:00"));
    });

    const std::string h2 = hold(session, slurm, "2026-11-06T23:45", "bob", "aws-gpu", 300'000'000);
    link(session, h2, 102, "2026-11-06T23:50");
    charge(session, h2, 102, 2, 210'250'000, "2026-11-07T00:10");

    const std::string h3 = hold(session, slurm, "2026-11-08T09:00", "alice", "aws-cpu", 50'000'000);
    db::in_transaction(session, [&] {
        db::release_hold(session, h3, db::ReleaseKind::kExpire, "orphan hold", "poller",
                         local_instant("2026-11-09T09:00"));
    });
    db::in_transaction(session, [&] {
        db::adjust_spent(session, h1, Money{-500'000}, "cost report", "poller",
                         local_instant("2026-11-09T10:00"));
    });
    db::in_transaction(session, [&] {
        auto done = db::withdraw(session, budget, Money{100'000'000}, "returned to faculty",
                                 "finance", local_instant("2026-11-10T15:00"));
        if (!done) throw std::runtime_error(done.error());
    });

    const std::string h4 = hold(session, slurm, "2026-11-10T16:00", "alice", "aws-cpu", 80'000'000);
    link(session, h4, 103, "2026-11-10T16:30");
    return budget;
}

}  // namespace asbb::test
