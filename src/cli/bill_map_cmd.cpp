// asbb bill map --resume-log=FILE | --csv=FILE [--dry-run], and asbb bill
// map show: the node-to-instance spans that let bill import place an
// instance's hours on its SLURM node when the bill carries no tag naming
// the node (bill/node_map_files.hpp for the files, core/instance_node_map
// for how a span is used). Spans belong to ClusterName's cluster.
#include <ostream>
#include <set>

#include "bill/cur_file.hpp"
#include "bill/node_map_files.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "db/node_map.hpp"
#include "util/local_time.hpp"

namespace asbb::cli {

namespace {

constexpr const char* kMapUsage =
    "usage: asbb bill map --resume-log=FILE|--csv=FILE [--dry-run]\n"
    "       asbb bill map show";

constexpr size_t kMaxSourceChars = 255;

std::vector<NodeInstanceSpan> read_spans(const std::optional<std::string>& resume_log,
                                         const std::optional<std::string>& csv) {
    try {
        return resume_log ? bill::read_resume_log(*resume_log) : bill::read_node_map_csv(*csv);
    } catch (const bill::BillFileError& e) {
        user_error(e.what());
    }
}

// The file's name as the map keeps it: its last path part, at most 255 bytes.
std::string source_name(const std::string& path) {
    std::string name = path.substr(path.rfind('/') + 1);
    if (name.size() > kMaxSourceChars) name.resize(kMaxSourceChars);
    return name;
}

int64_t distinct(const std::vector<NodeInstanceSpan>& spans, bool nodes) {
    std::set<std::string> names;
    for (const auto& span : spans) names.insert(nodes ? span.node : span.instance_id);
    return static_cast<int64_t>(names.size());
}

int load_command(Context& context, const ParsedOptions& parsed) {
    const auto resume_log = optional_value(parsed, "resume-log");
    const auto csv = optional_value(parsed, "csv");
    if (resume_log.has_value() == csv.has_value()) {
        usage_error("give one of --resume-log=FILE and --csv=FILE");
    }
    const std::string& path = resume_log ? *resume_log : *csv;
    const auto spans = read_spans(resume_log, csv);
    const std::string& cluster = context.config().cluster_name;
    const bool dry_run = parsed.count("dry-run") > 0;
    const db::NodeMapLoad load =
        dry_run ? db::plan_node_map(context.session(), cluster, spans)
                : db::store_node_map(context.session(), cluster, spans, source_name(path),
                                     context.actor, context.now_s);
    Listing listing;
    listing.columns = {{"Cluster", Align::kLeft},
                       {"File", Align::kLeft},
                       {"Spans"},
                       {"Nodes"},
                       {"Instances"},
                       {"Added"},
                       {"Ended"},
                       {"Unchanged"},
                       {"Action", Align::kLeft}};
    listing.rows.push_back({cluster, source_name(path), static_cast<int64_t>(spans.size()),
                            distinct(spans, true), distinct(spans, false), load.added, load.ended,
                            load.unchanged, std::string(dry_run ? "would load" : "loaded")});
    print_listing(context, listing);
    return kExitOk;
}

int show_map_command(Context& context) {
    Listing listing;
    listing.columns = {{"Node", Align::kLeft},   {"InstanceID", Align::kLeft},
                       {"Start", Align::kLeft},  {"End", Align::kLeft},
                       {"Source", Align::kLeft}, {"Loaded", Align::kLeft},
                       {"By", Align::kLeft}};
    for (const auto& row : db::list_node_map(context.session(), context.config().cluster_name)) {
        const auto& span = row.span;
        listing.rows.push_back({span.node, span.instance_id, format_local_datetime(span.start_s),
                                span.end_s ? format_local_datetime(*span.end_s) : std::string(),
                                row.source, format_local_datetime(row.loaded_at_s), row.loaded_by});
    }
    print_listing(context, listing);
    return kExitOk;
}

}  // namespace

int bill_map_command(Context& context, const Args& args) {
    auto options = command_options("asbb bill map",
                                   "Load which EC2 instance each SLURM node was, and when, from "
                                   "ParallelCluster's slurm_resume.log or a CSV");
    options.add_options()("resume-log", "ParallelCluster's slurm_resume.log (plain or .gz)",
                          OptionArg::kValue)(
        "csv", "a CSV with node,instance_id,start[,end] (UTC times)", OptionArg::kValue)(
        "dry-run", "read and check the file, print what would change, write nothing");
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 1);
    if (wants_help(context, options, parsed)) return kExitOk;
    if (!positional.empty()) {
        if (positional[0] != "show") usage_error(kMapUsage);
        if (parsed.count("resume-log") || parsed.count("csv") || parsed.count("dry-run")) {
            usage_error("asbb bill map show takes no option but the listing's");
        }
        return show_map_command(context);
    }
    return load_command(context, parsed);
}

}  // namespace asbb::cli
