#include "cli/remote.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <ostream>

#include "cli/context.hpp"
#include "net/http_client.hpp"
#include "net/munge_credential.hpp"

namespace asbb::cli {

namespace {

// Read verbs that check the caller's rights (Context::require / may).
// Add a verb here only once it does.
const std::vector<std::vector<std::string>> kRemoteVerbs = {
    {"account", "show"}, {"account", "list"},  {"job-context"}, {"estimate"},
    {"usage", "show"},   {"transactions"},     {"forecast"},    {"holds"},
    {"explain"},         {"shadow", "report"}, {"alerts"},
};

bool is_global_option(const std::string& arg) {
    return arg == "-n" || arg == "--noheader" || arg == "-p" || arg == "--parsable" ||
           arg == "-P" || arg == "--parsable2" || arg == "--json" || arg == "--csv" ||
           arg.rfind("format=", 0) == 0 || arg.rfind("FORMAT=", 0) == 0 ||
           arg.rfind("Format=", 0) == 0;
}

std::string json_of_args(const std::vector<std::string>& args) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("args");
    w.StartArray();
    for (const auto& a : args) w.String(a.c_str(), static_cast<rapidjson::SizeType>(a.size()));
    w.EndArray();
    w.EndObject();
    return buffer.GetString();
}

}  // namespace

bool remote_capable(const std::vector<std::string>& args) {
    std::vector<std::string> words;
    for (const auto& a : args) {
        if (!is_global_option(a)) words.push_back(a);
    }
    for (const auto& verb : kRemoteVerbs) {
        if (words.size() >= verb.size() && std::equal(verb.begin(), verb.end(), words.begin())) {
            return true;
        }
    }
    return false;
}

std::optional<std::string> remote_service_url(const std::vector<std::string>& verb_args,
                                              const std::string& config_path,
                                              const std::string& service_option) {
    if (!remote_capable(verb_args)) return std::nullopt;
    for (const auto& arg : verb_args) {
        if (arg == "-h" || arg == "--help") return std::nullopt;  // help is local
    }
    if (!service_option.empty()) return service_option;
    // Through the service when the user may not read the config (it holds
    // database credentials), or when there is none where it is looked for
    // by default (a login node without asbb.conf). A config named on the
    // command line or in $ASBB_CONF that is missing is a mistake to report.
    const char* env = std::getenv("ASBB_CONF");
    const bool named = !config_path.empty() || (env != nullptr && *env != '\0');
    const std::string path = config_path.empty() ? default_config_path() : config_path;
    if (::access(path.c_str(), R_OK) == 0) return std::nullopt;
    if (errno != EACCES && !(errno == ENOENT && !named)) return std::nullopt;
    const char* url = std::getenv("ASBB_SERVICE_URL");
    return std::string(url != nullptr && *url != '\0' ? url : "http://127.0.0.1:8080");
}

int run_remote(const std::string& url, const std::vector<std::string>& args, std::ostream& out,
               std::ostream& err) {
    const char* socket = std::getenv("ASBB_MUNGE_SOCKET");
    auto credential = net::encode_munge_credential(socket != nullptr ? socket : "");
    if (!credential) {
        err << "asbb: error: cannot get a MUNGE credential for the asbb service: "
            << credential.error() << "\n";
        return kExitDbUnavailable;
    }
    net::HttpCall call;
    call.method = "POST";
    call.url = url + "/api/v1/cli";
    call.headers = {"Content-Type: application/json",
                    "Expect:", "Authorization: MUNGE " + *credential};
    call.body = json_of_args(args);
    call.timeout_ms = 60'000;
    auto answer = net::http_call(call);
    if (!answer) {
        err << "asbb: error: cannot reach the asbb service at " << url << ": " << answer.error()
            << "\n";
        return kExitDbUnavailable;
    }
    rapidjson::Document doc;
    doc.Parse(answer->body.c_str(), answer->body.size());
    if (doc.HasParseError() || !doc.IsObject()) {
        err << "asbb: error: the asbb service at " << url << " answered status " << answer->status
            << " with no JSON\n";
        return kExitUserError;
    }
    if (answer->status != 200) {
        auto e = doc.FindMember("error");
        err << "asbb: error: the asbb service refused: "
            << (e != doc.MemberEnd() && e->value.IsString()
                    ? e->value.GetString()
                    : "status " + std::to_string(answer->status))
            << "\n";
        return answer->status == 503 ? kExitDbUnavailable : kExitUserError;
    }
    auto text = [&](const char* key) -> std::string {
        auto m = doc.FindMember(key);
        return m != doc.MemberEnd() && m->value.IsString()
                   ? std::string(m->value.GetString(), m->value.GetStringLength())
                   : std::string();
    };
    out << text("stdout");
    err << text("stderr");
    auto status = doc.FindMember("status");
    return status != doc.MemberEnd() && status->value.IsInt() ? status->value.GetInt()
                                                              : kExitUserError;
}

}  // namespace asbb::cli
