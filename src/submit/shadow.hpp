// EnforcePolicy=shadow: what becomes of a job the plugin would refuse.
// Under enforce it is refused. Under shadow it is accepted without a hold,
// and what enforce would have said is written down (db/shadow_refusals)
// when it was a budget's answer (a level without the money or without a
// period, a partition without a rate, a shape that cannot be sized), or
// only logged when the budget could not be asked (busy, misconfigured,
// unavailable): shadow mode never refuses a job, so a site can run asbb
// for a month before it enforces and read what enforcing would have done.
#pragma once

#include <optional>
#include <string>

#include "config/config.hpp"
#include "core/hold_plan.hpp"
#include "db/ledger.hpp"
#include "db/session.hpp"
#include "db/shadow_refusals.hpp"
#include "submit/engine.hpp"

namespace asbb::submit {

// The facts of a would-be refusal of the job whose hold plan is this:
// who, where, the hold it needed and the level that refused it (from
// result, when there was one).
db::ShadowRefusal refusal_facts(const Config& c, const SubmitInput& input,
                                const std::string& account, const HoldPlan& plan,
                                const db::HoldResult* result, int64_t now_s);

// The same for a change to a job whose hold could not grow or move: result
// names the level.
db::ShadowRefusal change_facts(const Config& c, const ModifyInput& input,
                               const std::string& account, const std::string& partition,
                               const HoldSize& size, const db::HoldResult& result, int64_t now_s);

// Under enforce: the refusal, facts.message. Under shadow: the facts are
// recorded through db (one INSERT; throws db::DbError), and the job is
// accepted without a hold.
SubmitDecision refuse_for_budget(db::Session& db, const Config& c, db::ShadowRefusal facts);

// The same for a change to a job (job_modify): under shadow the change is
// allowed, the hold keeps its size, and the facts are recorded.
ModifyDecision refuse_change_for_budget(db::Session& db, const Config& c, db::ShadowRefusal facts,
                                        std::string log);

// Under shadow, a refusal that is not a budget's answer (the database was
// busy or down, asbb.conf is wrong, an internal error) becomes an
// acceptance without a hold, said in the log; anything else is unchanged.
SubmitDecision shadow_unrecorded(const Config& c, SubmitDecision decision);
ModifyDecision shadow_unrecorded(const Config& c, ModifyDecision decision);

}  // namespace asbb::submit
