// A budget made (or its period moved) after money was already committed in
// its subtree: the holds placed in its period by its account's jobs and
// those of every account below it, before it existed, count against it as
// if it had existed when they were placed. Without this, a $15 budget made
// on a parent whose child already held $9.79 would let the subtree commit
// $17.13 against it (issue 12, item 6).
//
// Such a hold is attached to the budget as one more of its levels (a
// hold_level row, at its place in the account's path, with the budget's
// partition limit for the hold's partition if it has one), so that every
// journal row of the hold, past and future, moves the budget too; the
// budget's held and spent take what the hold holds and was charged, which
// keeps `asbb check`'s sums exact. A hold counts against at most one budget
// of an account: one already on a budget of this account is left alone
// (a rollover's old period keeps its holds).
#pragma once

#include <cstdint>
#include <string>

#include "core/money.hpp"
#include "db/session.hpp"
#include "db/slurm_tree.hpp"

namespace asbb::db {

struct Commitments {
    int64_t holds = 0;  // attached
    Money held;         // what they hold now
    Money spent;        // what they were charged
};

// Inside the caller's transaction, after the budget row was written (its
// insert or period change bumped the ledger generation, which waits for
// every hold in flight and makes later ones plan again with this budget).
// Writes one journal row on the budget that names the figures when it
// attached any.
Commitments attach_commitments(Session& session, const SlurmDbName& slurm, int64_t budget_id,
                               const std::string& actor, int64_t now_s);

}  // namespace asbb::db
