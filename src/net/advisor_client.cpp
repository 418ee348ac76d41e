#include "net/advisor_client.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "net/http_client.hpp"

namespace asbb::net {

namespace {

using Clock = std::chrono::steady_clock;

int64_t ms_left(Clock::time_point deadline) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
}

// A JSON number's exact text as micro-units: more than six decimals are
// rounded half-up once; exponents and negative values are refused (an
// advisor that writes 4.413e1 is not one asbb understands).
Expected<int64_t> decimal_text_micro(std::string text, const char* what) {
    const size_t dot = text.find('.');
    if (dot != std::string::npos && text.size() - dot - 1 > 6) {
        const bool round_up = text[dot + 7] >= '5';
        text.resize(dot + 7);
        auto value = parse_decimal_micro(text, Sign::kNonNegative, what);
        if (!value) return value;
        return round_up ? *value + 1 : *value;
    }
    return parse_decimal_micro(text, Sign::kNonNegative, what);
}

}  // namespace

std::string advisor_request_json(const AdvisorRequest& r) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    auto text = [&](const char* key, const std::string& value) {
        w.Key(key);
        w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
    };
    w.StartObject();
    text("account", r.account);
    text("partition", r.partition);
    w.Key("nodes");
    w.Int64(r.nodes);
    w.Key("cpus");
    w.Int64(r.cpus);
    text("wall_time", r.wall_time);
    w.Key("timestamp");
    w.Int64(r.timestamp_s);
    if (r.gpus > 0) {
        w.Key("gpus");
        w.Int64(r.gpus);
    }
    if (!r.memory.empty()) text("memory", r.memory);
    if (!r.job_script.empty()) text("job_script", r.job_script);
    if (!r.metadata.empty()) {
        w.Key("metadata");
        w.StartObject();
        for (const auto& [key, value] : r.metadata) text(key.c_str(), value);
        w.EndObject();
    }
    w.EndObject();
    return buffer.GetString();
}

Expected<AdvisorEstimate> parse_advisor_answer(const std::string& body) {
    rapidjson::Document doc;
    // Numbers as their text: money never passes through a double.
    doc.Parse<rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseIterativeFlag>(body.c_str(),
                                                                                      body.size());
    if (doc.HasParseError() || !doc.IsObject()) return make_error("answer is not a JSON object");
    if (auto e = doc.FindMember("error"); e != doc.MemberEnd()) {
        if (!e->value.IsString() && !e->value.IsNull()) return make_error("\"error\" is no string");
        if (e->value.IsString() && e->value.GetStringLength() > 0) {
            return make_error(std::string("advisor error: ") + e->value.GetString());
        }
    }
    auto cost = doc.FindMember("estimated_cost");
    // Numbers parsed as strings come back as strings; a real JSON string
    // would too, so require the raw text to look like a number.
    if (cost == doc.MemberEnd() || !cost->value.IsString()) {
        return make_error("no estimated_cost in the answer");
    }
    auto micro = decimal_text_micro(cost->value.GetString(), "estimated_cost");
    if (!micro) return make_error(micro.error());
    AdvisorEstimate estimate;
    estimate.estimated_cost = Money{*micro};
    if (auto c = doc.FindMember("confidence"); c != doc.MemberEnd() && c->value.IsString()) {
        auto ppm = decimal_text_micro(c->value.GetString(), "confidence");
        if (!ppm || *ppm > kMicroPerUnit) return make_error("confidence is not between 0 and 1");
        estimate.confidence_ppm = *ppm;
    }
    if (auto r = doc.FindMember("recommendation"); r != doc.MemberEnd() && r->value.IsString()) {
        estimate.recommendation = r->value.GetString();
        if (estimate.recommendation.size() > 1024) estimate.recommendation.resize(1024);
    }
    return estimate;
}

bool AdvisorClient::healthy() const {
    std::lock_guard lock(mutex_);
    return healthy_;
}

void AdvisorClient::mark_failed() {
    std::lock_guard lock(mutex_);
    healthy_ = false;
    next_probe_ = Clock::now() + std::chrono::seconds(settings_.health_interval_s);
}

Expected<AdvisorEstimate> AdvisorClient::estimate(const AdvisorRequest& request) {
    if (settings_.url.empty()) return make_error("no advisor configured");
    const auto deadline = Clock::now() + std::chrono::milliseconds(settings_.timeout_ms);
    bool probe = false;
    {
        std::lock_guard lock(mutex_);
        if (!healthy_) {
            if (Clock::now() < next_probe_)
                return make_error("advisor unhealthy (last call failed)");
            probe = true;
        }
    }
    if (probe) {
        auto health =
            http_call({"GET", settings_.url + "/health", {}, "", ms_left(deadline), 64 * 1024});
        if (!health || health->status != 200) {
            mark_failed();
            return make_error(
                "advisor health probe failed: " +
                (health ? "status " + std::to_string(health->status) : health.error()));
        }
        std::lock_guard lock(mutex_);
        healthy_ = true;
    }
    const int64_t left_ms = ms_left(deadline);
    if (left_ms <= 0) {
        mark_failed();
        return make_error("advisor timed out");
    }
    HttpCall call;
    call.method = "POST";
    call.url = settings_.url + "/api/v1/analyze";
    call.headers = {"Content-Type: application/json",
                    std::string("User-Agent: asbb/") + ASBB_VERSION, "Expect:"};
    if (!settings_.api_key.empty())
        call.headers.push_back("Authorization: Bearer " + settings_.api_key);
    call.body = advisor_request_json(request);
    call.timeout_ms = left_ms;
    call.max_response_bytes = 1024 * 1024;
    auto answer = http_call(call);
    if (!answer) {
        mark_failed();
        return make_error("advisor: " + answer.error());
    }
    if (answer->status != 200) {
        mark_failed();
        return make_error("advisor answered status " + std::to_string(answer->status));
    }
    auto parsed = parse_advisor_answer(answer->body);
    if (!parsed) mark_failed();
    return parsed;
}

}  // namespace asbb::net
