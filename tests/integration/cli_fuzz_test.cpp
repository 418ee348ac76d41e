// Hostile argument vectors over every verb that neither blocks nor needs
// slurmctld (issue 13): each verb's real options, one at a time given a
// hostile value (empty, blank, negative, huge, quotes, SQL, unicode, control
// characters, invalid UTF-8, 5000 bytes, impossible dates), a missing value
// or a second occurrence. Whatever the vector, asbb answers with exit status
// 0-3; a failure is one line on stderr, changes nothing in asbb's database,
// and is a usage error (2) where the value cannot be right for the slot; a
// verb that writes never succeeds with a hostile value. The vectors come
// from a seeded generator: ASBB_FUZZ_SEED=N replays another set, and every
// failure names the seed and the vector.
#include <algorithm>
#include <cstdlib>
#include <random>

#include "core/names.hpp"
#include "integration/support/cli_test.hpp"

namespace asbb::test {
namespace {

// What a slot holds, which says whether a hostile value can ever be right.
enum class Kind {
    kStrict,  // amounts, dates, counts, job ids, durations, enums: never
    kName,    // account, partition, cluster, user: "1e400" is a name
    kText,    // --description, --reason: any one-line text is fine
    kLoose,   // anything else (time limits of read verbs, paths)
};

struct Slot {
    std::string option;  // "--budget", or "" for a positional argument
    std::string good;    // a value that works
    Kind kind;
};

struct Verb {
    std::vector<std::string> words;  // "account", "deposit"
    std::vector<Slot> slots;         // in command-line order
    bool writes;
};

const std::vector<Verb>& verbs() {
    static const std::vector<Verb> kVerbs = {
        {{"account", "create"},
         {{"--name", "chem", Kind::kName},
          {"--budget", "100", Kind::kStrict},
          {"--start", "2030-01-01", Kind::kStrict},
          {"--end", "2030-12-31", Kind::kStrict},
          {"--cluster", "lab", Kind::kName},
          {"--description", "fuzz", Kind::kText}},
         true},
        {{"account", "update"},
         {{"", "proj001", Kind::kName},
          {"--budget", "5000", Kind::kStrict},
          {"--end", "2099-06-30", Kind::kStrict},
          {"--description", "fuzz", Kind::kText}},
         true},
        {{"account", "rollover"},
         {{"", "proj001", Kind::kName},
          {"--start", "2099-01-01", Kind::kStrict},
          {"--end", "2099-12-31", Kind::kStrict},
          {"--budget", "10", Kind::kStrict},
          {"--carry", "50%", Kind::kStrict},
          {"--description", "fuzz", Kind::kText}},
         true},
        {{"account", "delete"},
         {{"", "proj002", Kind::kName}, {"--cluster", "all", Kind::kName}},
         true},
        {{"account", "set-limit"},
         {{"", "proj001", Kind::kName},
          {"--partition", "aws-cpu", Kind::kName},
          {"--limit", "10", Kind::kStrict}},
         true},
        {{"account", "deposit"},
         {{"", "proj001", Kind::kName},
          {"", "10", Kind::kStrict},
          {"--reason", "fuzz", Kind::kText}},
         true},
        {{"account", "withdraw"},
         {{"", "proj001", Kind::kName},
          {"", "1", Kind::kStrict},
          {"--reason", "fuzz", Kind::kText}},
         true},
        {{"rates", "set"},
         {{"--partition", "aws-gpu", Kind::kName},
          {"--instance-type", "p3.2xlarge", Kind::kName},
          {"--node-hour", "3.06", Kind::kStrict},
          {"--default-time", "1:00:00", Kind::kStrict},
          {"--cpus-per-node", "8", Kind::kStrict},
          {"--gpus-per-node", "1", Kind::kStrict}},
         true},
        {{"rates", "delete"}, {{"--partition", "aws-cpu", Kind::kName}}, true},
        {{"rates", "import"},
         {{"--price-list",
           std::string(ASBB_SOURCE_DIR) + "/tests/fixtures/price-list/ec2-offer-excerpt.json",
           Kind::kLoose},
          {"--region", "us-east-1", Kind::kStrict}},
         true},
        {{"account", "list"}, {{"--cluster", "lab", Kind::kName}}, false},
        {{"account", "show"}, {{"", "proj001", Kind::kName}}, false},
        {{"rates", "list"}, {{"--cluster", "all", Kind::kName}}, false},
        {{"usage", "show"},
         {{"", "proj001", Kind::kName},
          {"--cluster", "lab", Kind::kName},
          {"--period", "current", Kind::kLoose}},
         false},
        {{"usage", "summary"},
         {{"--period", "current", Kind::kLoose}, {"--sort", "used", Kind::kStrict}},
         false},
        {{"transactions"},
         {{"", "proj001", Kind::kName},
          {"--last", "30d", Kind::kStrict},
          {"--type", "deposit", Kind::kStrict},
          {"--job", "42", Kind::kStrict},
          {"--user", "root", Kind::kName}},
         false},
        {{"transactions"},
         {{"", "proj001", Kind::kName},
          {"--start", "2020-01-01", Kind::kStrict},
          {"--end", "2099-01-01", Kind::kStrict}},
         false},
        {{"forecast"}, {{"", "proj001", Kind::kName}, {"--cluster", "all", Kind::kName}}, false},
        {{"holds"},
         {{"", "proj001", Kind::kName},
          {"--state", "all", Kind::kStrict},
          {"--cluster", "lab", Kind::kName}},
         false},
        {{"estimate"},
         {{"--account", "proj001", Kind::kName},
          {"--partition", "aws-cpu", Kind::kName},
          {"--nodes", "2", Kind::kStrict},
          {"--cpus", "4", Kind::kStrict},
          {"--gpus", "0", Kind::kStrict},
          {"--time", "1:00:00", Kind::kLoose}},
         false},
        {{"job-context"}, {{"--job-id", "77", Kind::kStrict}}, false},
        {{"reconcile"}, {{"", "42", Kind::kStrict}}, false},
        {{"slurm", "configure"},
         {{"--slurm-conf", "/nonexistent/slurm.conf", Kind::kLoose}},
         false},
        {{"check"}, {}, false},
        {{"token", "create"},
         {{"", "fuzz-token", Kind::kName},
          {"--role", "reader", Kind::kStrict},
          {"--accounts", "proj001", Kind::kName}},
         true},
        {{"token", "list"}, {}, false},
        {{"statement"},
         {{"", "proj001", Kind::kName}, {"--period", "2026-01-01..2099-12-31", Kind::kStrict}},
         false},
    };
    return kVerbs;
}

// None of these is a valid amount, date, count, job id, duration or enum;
// "" and " " stand for a missing value too.
const std::vector<std::string>& hostile_values() {
    static const std::vector<std::string> kValues = {
        "",
        " ",
        "   ",
        "-5",
        "-0.5",
        "-.5",
        "-0",
        "1e400",
        "99999999999999999999",
        "-99999999999999999999",
        "1.0000001",
        "0x10",
        "'",
        "\"",
        "'; DROP TABLE budget; --",
        "proj001' OR '1'='1",
        "\\",
        "%s%n%x",
        "caf\xc3\xa9\xe2\x80\x8b",
        "\xf0\x9f\x92\xb0\xf0\x9f\x92\xb0",
        "\xc2\xa0",
        "a\nb",
        "\t",
        "\r",
        "\x1b[31mred",
        "x\x7f",
        "\xc2\x85",
        "\xff\xfe\x80\x01",
        "\xc3",
        std::string(5000, 'x'),
        std::string(300, '9'),
        "2026-13-45",
        "2026-02-30",
        "0000-00-00",
        "now+99999999999999999days",
        "99999999999:00:00",
        "UNLIMITED",
        "1;2",
        "a b",
        "$(id)",
        "`id`",
        "../../etc/passwd",
    };
    return kValues;
}

bool has_control_or_bad_utf8(const std::string& value) {
    return !validate_free_text(value, std::string::npos).ok();
}

bool blank(const std::string& value) {
    return value.find_first_not_of(' ') == std::string::npos || value == "\xc2\xa0";
}

// A value a name slot may take: SLURM-style names ("1e400", "unlimited")
// are names, and --cluster= means all clusters. asbb cannot know every
// partition or instance type, so a well-formed one is a legitimate write.
bool name_like(const Slot& slot, const std::string& value) {
    if (slot.option == "--cluster" && value.empty()) return true;
    if (value.empty() || value.size() > 64 || value[0] == '-') return false;
    return std::all_of(value.begin(), value.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-';
    });
}

// How a slot is spoiled.
enum class Form { kValue, kSeparate, kMissing, kRepeated };

struct Vector {
    std::vector<std::string> args;
    bool writes = false;
    bool must_be_usage = false;  // exit 2 is the only right answer
    bool may_succeed = false;    // a legitimate success (read verb, fine text)
};

// The verb with slot `spoiled` given `value` in `form`; the others good.
Vector make_vector(const Verb& verb, size_t spoiled, const std::string& value, Form form) {
    Vector v;
    v.args = verb.words;
    v.writes = verb.writes;
    const Slot& slot = verb.slots[spoiled];
    for (size_t i = 0; i < verb.slots.size(); ++i) {
        const Slot& s = verb.slots[i];
        const std::string text = i == spoiled ? value : s.good;
        if (s.option.empty()) {
            v.args.push_back(text);
        } else if (i != spoiled || form == Form::kValue) {
            v.args.push_back(s.option + "=" + text);
        } else if (form == Form::kSeparate) {
            v.args.push_back(s.option);
            v.args.push_back(text);
        } else if (form == Form::kRepeated) {
            v.args.push_back(s.option + "=" + s.good);
            v.args.push_back(s.option + "=" + text);
        }
    }
    if (form == Form::kMissing && !slot.option.empty()) v.args.push_back(slot.option);
    const bool option_form_broken =
        !slot.option.empty() && (form == Form::kMissing || form == Form::kRepeated);
    const bool never_valid = has_control_or_bad_utf8(value) || value.size() > 4096 ||
                             slot.kind == Kind::kStrict ||
                             // a reason is mandatory, a description optional
                             (slot.option == "--reason" && blank(value)) ||
                             (slot.kind == Kind::kText && value.size() > 255);
    v.must_be_usage = option_form_broken || never_valid;
    // A positional "" or one starting with "--" is read as no argument or
    // an option: its class depends on what cxxopts makes of it.
    if (slot.option.empty() && (value.empty() || value.starts_with("--"))) {
        v.must_be_usage = option_form_broken;
    }
    v.may_succeed = !v.must_be_usage && (!verb.writes || slot.kind == Kind::kText ||
                                         (slot.kind == Kind::kName && name_like(slot, value)));
    return v;
}

std::string shown(const std::vector<std::string>& args) {
    std::string text;
    for (const auto& a : args) text += quote_input(a) + " ";
    return text;
}

class CliFuzz : public CliTest {
  protected:
    // A checksum of every table of asbb's database: CHECKSUM TABLE reads
    // every row (InnoDB keeps no live checksum), so any change shows.
    std::string database_checksum() {
        std::string tables;
        for (const auto& row : session().query(
                 "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()"
                 " AND table_type = 'BASE TABLE' ORDER BY table_name")) {
            tables += (tables.empty() ? "" : ", ") + ("`" + row.str(0) + "`");
        }
        std::string sum;
        for (const auto& row : session().query("CHECKSUM TABLE " + tables + " EXTENDED")) {
            sum += row.str(0) + "=" + row.str(1) + " ";
        }
        return sum;
    }

    void seed_ledger() {
        make_budget("proj001", 1'000'000'000);
        make_budget("proj002", 500'000'000);
        ASSERT_EQ(asbb({"rates", "set", "--partition=aws-cpu", "--instance-type=c5.large",
                        "--node-hour=0.085", "--default-time=1:00:00"})
                      .status,
                  0);
    }
};

TEST_F(CliFuzz, HostileArgumentsAreOneLineRightClassAndChangeNothing) {
    seed_ledger();
    const char* env_seed = std::getenv("ASBB_FUZZ_SEED");
    const uint32_t seed =
        env_seed ? static_cast<uint32_t>(std::strtoul(env_seed, nullptr, 10)) : 13;
    std::mt19937 random(seed);
    const auto& values = hostile_values();
    std::uniform_int_distribution<size_t> pick_value(0, values.size() - 1);
    std::uniform_int_distribution<int> pick_form(0, 9);

    int vectors = 0;
    for (const Verb& verb : verbs()) {
        if (verb.slots.empty()) {
            for (const char* extra : {"-5", "'; DROP TABLE budget; --", "--bogus=1"}) {
                auto args = verb.words;
                args.push_back(extra);
                auto result = asbb(args);
                EXPECT_EQ(result.status, 2) << "seed " << seed << ": " << shown(args);
                ++vectors;
            }
            continue;
        }
        for (size_t slot = 0; slot < verb.slots.size(); ++slot) {
            for (int round = 0; round < 6; ++round) {
                const int f = pick_form(random);
                const Form form = f < 6   ? Form::kValue
                                  : f < 8 ? Form::kSeparate
                                  : f < 9 ? Form::kRepeated
                                          : Form::kMissing;
                const Vector v = make_vector(verb, slot, values[pick_value(random)], form);
                SCOPED_TRACE("ASBB_FUZZ_SEED=" + std::to_string(seed) + ": asbb " + shown(v.args));
                const std::string before = database_checksum();
                const CliResult result = asbb(v.args);
                ++vectors;
                EXPECT_GE(result.status, 0);
                EXPECT_LE(result.status, 3);
                if (result.status == 0) {
                    EXPECT_TRUE(v.may_succeed) << "accepted: " << result.out;
                    continue;  // a legitimate write moves the baseline on
                }
                EXPECT_EQ(result.err.rfind("asbb: error: ", 0), 0u) << result.err;
                EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
                EXPECT_EQ(result.err.find("terminate called"), std::string::npos);
                if (v.must_be_usage) {
                    EXPECT_EQ(result.status, 2) << result.err;
                }
                EXPECT_EQ(database_checksum(), before) << result.err;
            }
        }
    }
    EXPECT_GE(vectors, 300);
}

}  // namespace
}  // namespace asbb::test
