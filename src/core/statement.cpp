#include "core/statement.hpp"

#include <set>

namespace asbb {

namespace {

int64_t available_delta(const JournalMove& m) {
    return m.allocated_delta_micro - m.spent_delta_micro - m.held_delta_micro;
}

// A move inside the window, by kind.
void count_move(const JournalMove& m, StatementFigures& f,
                std::map<std::pair<std::string, std::string>, std::set<int64_t>>& jobs) {
    if (m.allocated_delta_micro > 0) f.deposits.micro += m.allocated_delta_micro;
    if (m.allocated_delta_micro < 0) f.withdrawals.micro -= m.allocated_delta_micro;
    if (m.kind == "expire") f.expired.micro -= m.held_delta_micro;
    if (m.spent_delta_micro == 0) return;
    StatementLine& line = f.by_user_partition[{m.user_name, m.partition}];
    if (m.kind == "charge") {
        f.charges.micro += m.spent_delta_micro;
        line.charges.micro += m.spent_delta_micro;
        if (m.job_id) jobs[{m.user_name, m.partition}].insert(*m.job_id);
    } else {
        f.true_ups.micro += m.spent_delta_micro;
        line.true_ups.micro += m.spent_delta_micro;
    }
}

}  // namespace

StatementFigures statement_figures(const std::vector<JournalMove>& moves, int64_t from_s,
                                   int64_t to_s) {
    StatementFigures f;
    std::map<std::pair<std::string, std::string>, std::set<int64_t>> jobs;
    std::map<std::string, int64_t> held_by_hold;  // at the end
    for (const JournalMove& m : moves) {
        if (m.created_at >= to_s) continue;
        if (m.created_at < from_s) {
            f.opening.micro += available_delta(m);
            f.held_at_start.micro += m.held_delta_micro;
        } else {
            count_move(m, f, jobs);
        }
        f.closing.micro += available_delta(m);
        f.held_at_end.micro += m.held_delta_micro;
        if (m.hold_id) held_by_hold[*m.hold_id] += m.held_delta_micro;
    }
    for (const auto& [id, held] : held_by_hold) {
        if (held > 0) ++f.holds_open_at_end;
    }
    for (auto& [key, line] : f.by_user_partition) line.jobs = std::ssize(jobs[key]);
    return f;
}

}  // namespace asbb
