#include "bill/node_map_files.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>

#include "bill/cur_file.hpp"
#include "core/csv_reader.hpp"
#include "core/cur_line.hpp"
#include "util/local_time.hpp"

namespace asbb::bill {

namespace {

// CurFile's errors give the reason only: these name the file, as the
// parsers' own errors do.
class NamedFile {
  public:
    explicit NamedFile(const std::string& path) : path_(path) {
        try {
            file_.emplace(path);
        } catch (const BillFileError& e) {
            fail_file(path_, e.what());
        }
    }
    size_t read(char* buffer, size_t capacity) {
        try {
            return file_->read(buffer, capacity);
        } catch (const BillFileError& e) {
            fail_file(path_, e.what());
        }
    }

  private:
    std::string path_;
    std::optional<CurFile> file_;
};

constexpr std::string_view kAssigned = "Nodes are now configured with instances ";
constexpr size_t kMaxLogLineBytes = 1 << 20;

// "(x2) [...]": the count print_with_count puts before the list.
size_t announced_count(std::string_view text, const std::string& at) {
    size_t count = 0;
    size_t i = 2;
    if (text.substr(0, 2) != "(x")
        fail_file(at, "no (xN) count after \"" + std::string(kAssigned) + "\"");
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
        count = count * 10 + static_cast<size_t>(text[i] - '0');
        if (count > 1'000'000) fail_file(at, "an absurd node count");
    }
    if (i == 2 || i >= text.size() || text[i] != ')') fail_file(at, "a malformed (xN) count");
    return count;
}

// One resume's assignments: each "('<node>', EC2Instance(id='<id>'".
void read_assignments(std::string_view text, int64_t at_s, const std::string& at,
                      std::vector<NodeInstanceSpan>& spans) {
    const size_t count = announced_count(text, at);
    constexpr std::string_view kOpen = "('";
    constexpr std::string_view kMiddle = "', EC2Instance(id='";
    size_t found = 0;
    for (size_t pos = text.find(kOpen); pos != std::string_view::npos;
         pos = text.find(kOpen, pos)) {
        const size_t node_start = pos + kOpen.size();
        const size_t middle = text.find(kMiddle, node_start);
        if (middle == std::string_view::npos)
            fail_file(at, "an assignment without EC2Instance(id=");
        const size_t id_start = middle + kMiddle.size();
        const size_t id_end = text.find('\'', id_start);
        if (id_end == std::string_view::npos)
            fail_file(at, "an instance id without its closing quote");
        const std::string node(text.substr(node_start, middle - node_start));
        const std::string id(text.substr(id_start, id_end - id_start));
        if (!is_node_name(node)) fail_file(at, "'" + node + "' is not a SLURM node name");
        if (!is_instance_id(id)) fail_file(at, "'" + id + "' is not an EC2 instance id");
        spans.push_back({node, id, at_s, std::nullopt});
        ++found;
        pos = id_end;
    }
    if (found != count) {
        fail_file(at,
                  std::to_string(count) + " nodes announced, " + std::to_string(found) + " read");
    }
}

// "2026-11-05 03:58:01,234 - ..." in local time.
int64_t log_time(std::string_view line, const std::string& at) {
    if (line.size() < 19 || line[10] != ' ') fail_file(at, "no YYYY-MM-DD HH:MM:SS time first");
    std::string text(line.substr(0, 19));
    text[10] = 'T';
    auto when = parse_cli_instant(text, 0, DateEdge::kStartOfDay);
    if (!when) fail_file(at, "the time '" + std::string(line.substr(0, 19)) + "': " + when.error());
    return *when;
}

void read_log_line(std::string_view line, const std::string& path, int64_t line_number,
                   std::vector<NodeInstanceSpan>& spans) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const size_t marker = line.find(kAssigned);
    if (marker == std::string_view::npos) return;
    const std::string at = path + ": line " + std::to_string(line_number);
    const int64_t at_s = log_time(line, at);
    read_assignments(line.substr(marker + kAssigned.size()), at_s, at, spans);
}

}  // namespace

std::vector<NodeInstanceSpan> read_resume_log(const std::string& path) {
    NamedFile file(path);
    std::vector<NodeInstanceSpan> spans;
    std::string line;
    int64_t line_number = 1;
    char buffer[1 << 16];
    for (size_t n = file.read(buffer, sizeof buffer); n > 0; n = file.read(buffer, sizeof buffer)) {
        for (size_t i = 0; i < n; ++i) {
            if (buffer[i] != '\n') {
                line.push_back(buffer[i]);
                if (line.size() > kMaxLogLineBytes) {
                    fail_file(path,
                              "line " + std::to_string(line_number) + " is longer than 1 MiB");
                }
                continue;
            }
            read_log_line(line, path, line_number++, spans);
            line.clear();
        }
    }
    read_log_line(line, path, line_number, spans);
    if (spans.empty()) {
        fail_file(path,
                  "no \"Nodes are now configured with instances\" line: not a "
                  "ParallelCluster slurm_resume.log, or no node was resumed");
    }
    return spans;
}

namespace {

struct MapColumns {
    size_t node = 0, instance = 0, start = 0;
    std::optional<size_t> end;
};

MapColumns map_columns(const std::vector<std::string>& header, const std::string& path) {
    std::map<std::string, size_t> at;
    for (size_t i = 0; i < header.size(); ++i) at.emplace(header[i], i);
    auto column = [&](const char* name) {
        auto found = at.find(name);
        if (found == at.end()) {
            fail_file(path, std::string("line 1: no '") + name +
                                "' column (the header names node, instance_id, start, end)");
        }
        return found->second;
    };
    MapColumns columns{column("node"), column("instance_id"), column("start"), std::nullopt};
    if (at.count("end")) columns.end = at["end"];
    return columns;
}

int64_t map_time(const std::string& text, const char* what, const std::string& at) {
    auto when = parse_cur_timestamp(text);
    if (!when) fail_file(at, std::string(what) + " '" + text + "': " + when.error());
    return *when;
}

NodeInstanceSpan map_span(const MapColumns& c, const std::vector<std::string>& fields,
                          const std::string& at) {
    const size_t needed = std::max({c.node, c.instance, c.start, c.end.value_or(0)}) + 1;
    if (fields.size() < needed) fail_file(at, "fewer fields than the header");
    NodeInstanceSpan span{fields[c.node], fields[c.instance], 0, std::nullopt};
    if (!is_node_name(span.node)) fail_file(at, "'" + span.node + "' is not a SLURM node name");
    if (!is_instance_id(span.instance_id)) {
        fail_file(at, "'" + span.instance_id + "' is not an EC2 instance id");
    }
    span.start_s = map_time(fields[c.start], "start", at);
    if (c.end && !fields[*c.end].empty()) {
        span.end_s = map_time(fields[*c.end], "end", at);
        if (*span.end_s <= span.start_s) fail_file(at, "end is not after start");
    }
    return span;
}

}  // namespace

std::vector<NodeInstanceSpan> read_node_map_csv(const std::string& path) {
    NamedFile file(path);
    CsvReader reader([&](char* buffer, size_t capacity) { return file.read(buffer, capacity); });
    std::vector<std::string> fields;
    auto header = reader.next(fields);
    if (!header) fail_file(path, header.error());
    if (!*header) fail_file(path, "empty: no header line");
    const MapColumns columns = map_columns(fields, path);
    std::vector<NodeInstanceSpan> spans;
    for (;;) {
        auto more = reader.next(fields);
        if (!more) fail_file(path, more.error());
        if (!*more) break;
        if (fields.size() == 1 && fields[0].empty()) continue;  // a blank line
        spans.push_back(
            map_span(columns, fields, path + ": line " + std::to_string(reader.record_line())));
    }
    if (spans.empty()) fail_file(path, "no span after the header");
    return spans;
}

}  // namespace asbb::bill
