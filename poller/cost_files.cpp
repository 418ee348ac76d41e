#include "cost_files.hpp"

#include <rapidjson/document.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace asbb::poller {

namespace {

constexpr size_t kMaxFileBytes = 64 * 1024;

// "12.3456789" -> 12345679 micro-dollars: digits, an optional fraction, no
// sign or exponent; the seventh decimal rounds half-up.
Expected<Money> dollars_rounded(std::string_view text) {
    const size_t dot = text.find('.');
    std::string whole(text.substr(0, dot));
    std::string fraction = dot == std::string_view::npos ? "" : std::string(text.substr(dot + 1));
    auto digits = [](const std::string& s) {
        return s.find_first_not_of("0123456789") == std::string::npos;
    };
    if (whole.empty() || !digits(whole) || !digits(fraction) || whole.size() > 12) {
        return make_error("actual_cost '" + std::string(text.substr(0, 40)) +
                          "' is not a non-negative decimal number of dollars");
    }
    const bool round_up = fraction.size() > 6 && fraction[6] >= '5';
    fraction.resize(6, '0');
    int64_t units = 0;
    int64_t micro = 0;
    std::from_chars(whole.data(), whole.data() + whole.size(), units);
    std::from_chars(fraction.data(), fraction.data() + fraction.size(), micro);
    return Money{units * kMicroPerUnit + micro + (round_up ? 1 : 0)};
}

}  // namespace

Expected<CostReport> parse_cost_file(std::string_view text, const std::string& file_name) {
    rapidjson::Document doc;
    // Numbers as their text: money must not pass through a double.
    doc.Parse<rapidjson::kParseNumbersAsStringsFlag>(text.data(), text.size());
    if (doc.HasParseError() || !doc.IsObject())
        return make_error(file_name + ": not a JSON object");
    auto field = [&](const char* name) -> std::string {
        auto it = doc.FindMember(name);
        if (it == doc.MemberEnd() || !it->value.IsString()) return "";
        return std::string(it->value.GetString(), it->value.GetStringLength());
    };
    CostReport report;
    report.file_name = file_name;
    const std::string job = field("job_id");
    auto [end, ec] = std::from_chars(job.data(), job.data() + job.size(), report.job_id);
    if (job.empty() || ec != std::errc() || end != job.data() + job.size() || report.job_id <= 0) {
        return make_error(file_name + ": job_id missing or not a job id");
    }
    const std::string cost = field("actual_cost");
    if (cost.empty()) return make_error(file_name + ": actual_cost missing");
    auto actual = dollars_rounded(cost);
    if (!actual) return make_error(file_name + ": " + actual.error());
    report.actual = *actual;
    return report;
}

std::vector<CostReport> read_cost_files(const std::string& dir,
                                        std::vector<std::string>& problems) {
    std::vector<CostReport> reports;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
        const std::string name = entry.path().filename().string();
        if (!name.starts_with("job-") || !name.ends_with("-asbb-reconciliation.json")) continue;
        if (!entry.is_regular_file() || entry.file_size() > kMaxFileBytes) {
            problems.push_back(name + ": not a regular file of at most 64 KiB");
            continue;
        }
        std::ifstream file(entry.path());
        std::stringstream text;
        text << file.rdbuf();
        auto report = parse_cost_file(text.str(), name);
        if (!report) {
            problems.push_back(report.error());
            continue;
        }
        // The file's name and its job_id must agree, or neither is trusted.
        if (name != "job-" + std::to_string(report->job_id) + "-asbb-reconciliation.json") {
            problems.push_back(name + ": job_id " + std::to_string(report->job_id) +
                               " does not match the file name");
            continue;
        }
        reports.push_back(std::move(report).value());
    }
    if (error) problems.push_back("cannot read " + dir + ": " + error.message());
    return reports;
}

}  // namespace asbb::poller
