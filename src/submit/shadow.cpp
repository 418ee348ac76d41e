#include "submit/shadow.hpp"

namespace asbb::submit {

namespace {

bool shadow(const Config& c) {
    return c.enforce_policy == EnforcePolicy::kShadow;
}

const char* kShadowLog = "EnforcePolicy=shadow: accepted without a hold; enforce would refuse: ";

}  // namespace

db::ShadowRefusal refusal_facts(const Config& c, const SubmitInput& input,
                                const std::string& account, const HoldPlan& plan,
                                const db::HoldResult* result, int64_t now_s) {
    db::ShadowRefusal facts;
    facts.created_at_s = now_s;
    facts.cluster = c.cluster_name;
    facts.account = account;
    // kNoRate names its partition in detail and prices none.
    facts.partition = !plan.partition.empty()                ? plan.partition
                      : plan.outcome == PlanOutcome::kNoRate ? plan.detail
                                                             : input.partition;
    facts.user_name = input.user_name;
    facts.uid = int64_t{input.uid};
    facts.needed = plan.size.hold;
    if (result != nullptr && result->shortfall) {
        facts.level = result->shortfall;
        facts.level_had_period = result->outcome != db::HoldOutcome::kNoActivePeriod;
    }
    return facts;
}

db::ShadowRefusal change_facts(const Config& c, const ModifyInput& input,
                               const std::string& account, const std::string& partition,
                               const HoldSize& size, const db::HoldResult& result, int64_t now_s) {
    db::ShadowRefusal facts;
    facts.created_at_s = now_s;
    facts.cluster = c.cluster_name;
    facts.account = account;
    facts.partition = partition;
    facts.job_id = input.job_id;
    facts.needed = size.hold;
    facts.level = result.shortfall;
    facts.level_had_period = result.outcome != db::HoldOutcome::kNoActivePeriod;
    return facts;
}

SubmitDecision refuse_for_budget(db::Session& db, const Config& c, db::ShadowRefusal facts) {
    if (!shadow(c)) return {SubmitDecision::Verdict::kReject, std::move(facts.message), "", ""};
    db::record_shadow_refusal(db, facts);
    const std::string level =
        facts.level ? " (level " + facts.level->account +
                          (facts.level->partition.empty() ? "" : "/" + facts.level->partition) + ")"
                    : "";
    return {SubmitDecision::Verdict::kShadowAccept, facts.message, "",
            kShadowLog + facts.message + level + " [recorded]"};
}

ModifyDecision refuse_change_for_budget(db::Session& db, const Config& c, db::ShadowRefusal facts,
                                        std::string log) {
    if (!shadow(c)) return {false, std::move(facts.message), std::move(log)};
    db::record_shadow_refusal(db, facts);
    return {true, "",
            "EnforcePolicy=shadow: change allowed, the hold keeps its size; enforce would "
            "refuse: " +
                log + " [recorded]"};
}

SubmitDecision shadow_unrecorded(const Config& c, SubmitDecision decision) {
    if (!shadow(c) || decision.verdict != SubmitDecision::Verdict::kReject) return decision;
    std::string log = kShadowLog + decision.message;
    if (!decision.log.empty()) log += " (" + decision.log + ")";
    return {SubmitDecision::Verdict::kShadowAccept, std::move(decision.message), "",
            std::move(log) + " [not recorded]"};
}

ModifyDecision shadow_unrecorded(const Config& c, ModifyDecision decision) {
    if (!shadow(c) || decision.allow) return decision;
    return {true, "",
            "EnforcePolicy=shadow: change allowed unchecked; enforce would refuse: " +
                decision.message + (decision.log.empty() ? "" : " (" + decision.log + ")") +
                " [not recorded]"};
}

}  // namespace asbb::submit
