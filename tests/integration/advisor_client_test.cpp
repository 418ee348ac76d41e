// Issue 6, acceptance 3: the burst advisor client against a local test HTTP
// server that answers as told: success, 500, a timeout, malformed JSON, a
// non-empty "error", a slow health probe. Each failure falls back to the
// rate card (report::estimate_job uses its estimate and says why), an
// unhealthy advisor is not asked again until AdvisorHealthInterval has passed
// and /health answers, and no call takes longer than AdvisorTimeout.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "db/rates.hpp"
#include "integration/support/test_db.hpp"
#include "net/advisor_client.hpp"
#include "report/job_estimate.hpp"
#include "service/http_server.hpp"

namespace asbb::test {
namespace {

using Clock = std::chrono::steady_clock;

enum class Mode { kOk, kStatus500, kSlow, kMalformed, kErrorSet, kNoCost };

// A stand-in for aws-slurm-burst-advisor, on a free loopback port.
class FakeAdvisor {
  public:
    FakeAdvisor() {
        service::ServerLimits limits;
        limits.worker_threads = 8;
        server_ = std::make_unique<service::HttpServer>(
            limits, [this](const service::HttpRequest& r) { return answer(r); });
        port_ = server_->bind("127.0.0.1", 0);
        thread_ = std::thread([this] { server_->serve(); });
    }
    ~FakeAdvisor() {
        server_->stop();
        thread_.join();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

    std::atomic<Mode> analyze_mode{Mode::kOk};
    std::atomic<bool> slow_health{false};
    std::atomic<int> analyze_calls{0};
    std::atomic<int> health_calls{0};
    std::string last_body() {
        std::lock_guard lock(mutex_);
        return last_body_;
    }
    std::string last_authorization() {
        std::lock_guard lock(mutex_);
        return last_authorization_;
    }

  private:
    service::HttpResponse answer(const service::HttpRequest& r) {
        service::HttpResponse out;
        if (r.path == "/health") {
            ++health_calls;
            if (slow_health) std::this_thread::sleep_for(std::chrono::seconds(2));
            out.body = R"({"status":"ok"})";
            return out;
        }
        if (r.path != "/api/v1/analyze" || r.method != "POST") {
            out.status = 404;
            return out;
        }
        ++analyze_calls;
        {
            std::lock_guard lock(mutex_);
            last_body_ = r.body;
            last_authorization_ = r.authorization;
        }
        switch (analyze_mode.load()) {
            case Mode::kOk:
                out.body = R"({"estimated_cost":44.13,"local_cost":52.0,"aws_cost":44.13,)"
                           R"("recommendation":"burst to aws-cpu","confidence":0.85,"error":""})";
                break;
            case Mode::kStatus500:
                out.status = 500;
                out.body = R"({"estimated_cost":1.0})";
                break;
            case Mode::kSlow:
                std::this_thread::sleep_for(std::chrono::seconds(2));
                out.body = R"({"estimated_cost":44.13,"confidence":0.85})";
                break;
            case Mode::kMalformed:
                out.body = R"({"estimated_cost":44.13,"confid)";
                break;
            case Mode::kErrorSet:
                out.body = R"({"estimated_cost":44.13,"confidence":0.85,"error":"no capacity"})";
                break;
            case Mode::kNoCost:
                out.body = R"({"confidence":0.85})";
                break;
        }
        return out;
    }

    std::unique_ptr<service::HttpServer> server_;
    std::thread thread_;
    int port_ = -1;
    std::mutex mutex_;
    std::string last_body_;
    std::string last_authorization_;
};

constexpr int64_t kTimeoutMs = 300;
// Scheduling slack on a loaded machine (and under ASan); the slow answers
// take 2 s, so a call that waited for one is still caught.
constexpr int64_t kSlackMs = 1'000;

int64_t ms_since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

net::AdvisorRequest sample_request() {
    net::AdvisorRequest r;
    r.account = "proj001";
    r.partition = "aws-cpu";
    r.nodes = 2;
    r.cpus = 16;
    r.wall_time = "04:00:00";
    r.timestamp_s = 1'694'123'456;
    r.gpus = 4;
    r.memory = "64GB";
    r.metadata = {{"k", "v"}};
    return r;
}

TEST(AdvisorClient, SuccessSendsTheOriginalBodyAndReadsTheEstimate) {
    FakeAdvisor advisor;
    net::AdvisorClient client({advisor.url(), "s3cret", kTimeoutMs, 60});
    auto estimate = client.estimate(sample_request());
    ASSERT_TRUE(estimate.ok()) << estimate.error();
    EXPECT_EQ(estimate->estimated_cost, Money{44'130'000});
    EXPECT_EQ(estimate->confidence_ppm, 850'000);
    EXPECT_EQ(estimate->recommendation, "burst to aws-cpu");
    EXPECT_EQ(advisor.last_authorization(), "Bearer s3cret");
    EXPECT_EQ(advisor.last_body(),
              R"({"account":"proj001","partition":"aws-cpu","nodes":2,"cpus":16,)"
              R"("wall_time":"04:00:00","timestamp":1694123456,"gpus":4,"memory":"64GB",)"
              R"("metadata":{"k":"v"}})");
    // Optional fields stay out when unset; no key, no Authorization.
    net::AdvisorClient anonymous({advisor.url(), "", kTimeoutMs, 60});
    net::AdvisorRequest plain = sample_request();
    plain.gpus = 0;
    plain.memory.clear();
    plain.metadata.clear();
    ASSERT_TRUE(anonymous.estimate(plain).ok());
    EXPECT_EQ(advisor.last_authorization(), "");
    EXPECT_EQ(advisor.last_body(),
              R"({"account":"proj001","partition":"aws-cpu","nodes":2,"cpus":16,)"
              R"("wall_time":"04:00:00","timestamp":1694123456})");
}

TEST(AdvisorClient, EveryFailureIsAFailureWithinTheTimeout) {
    for (Mode mode :
         {Mode::kStatus500, Mode::kSlow, Mode::kMalformed, Mode::kErrorSet, Mode::kNoCost}) {
        FakeAdvisor advisor;
        advisor.analyze_mode = mode;
        net::AdvisorClient client({advisor.url(), "", kTimeoutMs, 60});
        const auto start = Clock::now();
        auto estimate = client.estimate(sample_request());
        const int64_t took_ms = ms_since(start);
        EXPECT_FALSE(estimate.ok()) << static_cast<int>(mode);
        EXPECT_LT(took_ms, kTimeoutMs + kSlackMs) << static_cast<int>(mode);
        EXPECT_FALSE(client.healthy());
        // Unhealthy: the next call fails at once, without asking.
        const int calls = advisor.analyze_calls;
        const auto again = Clock::now();
        EXPECT_FALSE(client.estimate(sample_request()).ok());
        EXPECT_LT(ms_since(again), kSlackMs);
        EXPECT_EQ(advisor.analyze_calls, calls);
        EXPECT_EQ(advisor.health_calls, 0);
    }
}

TEST(AdvisorClient, HealthIsProbedAfterTheIntervalAndASlowProbeIsAFailure) {
    FakeAdvisor advisor;
    advisor.analyze_mode = Mode::kStatus500;
    net::AdvisorClient client({advisor.url(), "", kTimeoutMs, 1});
    EXPECT_FALSE(client.estimate(sample_request()).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(1'100));
    // Slow health: the probe and the call share one deadline.
    advisor.analyze_mode = Mode::kOk;
    advisor.slow_health = true;
    auto start = Clock::now();
    EXPECT_FALSE(client.estimate(sample_request()).ok());
    EXPECT_LT(ms_since(start), kTimeoutMs + kSlackMs);
    EXPECT_EQ(advisor.health_calls, 1);
    EXPECT_EQ(advisor.analyze_calls, 1);  // only the first, failed call
    // Healthy again: probed, then asked.
    std::this_thread::sleep_for(std::chrono::milliseconds(1'100));
    advisor.slow_health = false;
    auto estimate = client.estimate(sample_request());
    ASSERT_TRUE(estimate.ok()) << estimate.error();
    EXPECT_EQ(advisor.health_calls, 2);
    EXPECT_EQ(advisor.analyze_calls, 2);
    EXPECT_TRUE(client.healthy());
}

TEST(AdvisorClient, NobodyListening) {
    net::AdvisorClient client({"http://127.0.0.1:1", "", kTimeoutMs, 60});
    const auto start = Clock::now();
    EXPECT_FALSE(client.estimate(sample_request()).ok());
    EXPECT_LT(ms_since(start), kTimeoutMs + kSlackMs);
}

// The fallback as /budget/check and `asbb estimate` see it.
class AdvisorFallbackTest : public LedgerTest {};

TEST_F(AdvisorFallbackTest, FailuresFallBackToTheRateCard) {
    make_budget("proj001", 1'000'000'000);
    db::Rate rate;
    rate.partition = "aws-cpu";
    rate.instance_type = "c5.4xlarge";
    rate.node_hour_price = Money{680'000};  // $0.68
    db::set_rate(session(), rate, "test", now_s_);
    Config config;
    config.cluster_name = "lab";
    config.slurm_db_name = slurm_db_;
    config.budgeted_partitions = {"aws-cpu"};
    report::EstimateInput input;
    input.account = "proj001";
    input.partition = "aws-cpu";
    input.nodes = 2;
    input.cpus = 16;
    input.wall_time = "04:00:00";
    input.now_s = now_s_;
    input.actor = "test";

    FakeAdvisor advisor;
    config.advisor_url = advisor.url();
    for (Mode mode :
         {Mode::kOk, Mode::kStatus500, Mode::kSlow, Mode::kMalformed, Mode::kErrorSet}) {
        advisor.analyze_mode = mode;
        net::AdvisorClient client({advisor.url(), "", kTimeoutMs, 60});
        const auto start = Clock::now();
        auto e = report::estimate_job(session(), config, &client, input);
        ASSERT_TRUE(e.ok()) << e.error();
        EXPECT_LT(ms_since(start), kTimeoutMs + kSlackMs);
        EXPECT_TRUE(e->fits());
        if (mode == Mode::kOk) {
            EXPECT_EQ(e->source, "advisor");
            EXPECT_EQ(e->estimate, Money{44'130'000});
            EXPECT_EQ(e->hold, Money{52'956'000});  // x 1.2
        } else {
            EXPECT_EQ(e->source, "rate_card") << static_cast<int>(mode);
            EXPECT_EQ(e->estimate, Money{5'440'000});  // 2 nodes x $0.68 x 4 h
            EXPECT_EQ(e->hold, Money{6'528'000});
            EXPECT_FALSE(e->advisor_error.empty());
        }
    }
    EXPECT_EQ(count("hold"), 0);  // asked, never held
}

}  // namespace
}  // namespace asbb::test
