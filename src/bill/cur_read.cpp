#include "bill/cur_read.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "bill/cur_file.hpp"
#include "bill/cur_manifest.hpp"
#include "bill/cur_tags.hpp"
#include "core/csv_reader.hpp"
#include "core/cur_columns.hpp"

namespace asbb::bill {

namespace {

using PeriodKey = std::pair<std::string, std::string>;  // period, payer
using Totals = std::map<PeriodKey, CurPeriodTotal>;

Expected<bool> add_sum(ExactAmount& sum, const ExactAmount& amount) {
    auto total = sum.plus(amount);
    if (!total) return make_error("the period's total leaves the range asbb sums in");
    sum = *total;
    return true;
}

// How an instance-hour line finds its node: the BillNodeTag's value when the
// line has one, else the bill map's node for its instance at that time.
struct NodeFinder {
    std::optional<CurNodeTag> tag;
    const InstanceNodeMap* map = nullptr;

    bool active() const { return tag || (map && !map->empty()); }

    Expected<std::string> node_of(const CurLine& line,
                                  const std::vector<std::string>& fields) const {
        std::string node;
        if (tag) {
            auto tagged = tag->node_of(fields);
            if (!tagged) return make_error(tagged.error());
            // A value no SLURM node can have ("Compute node 1") names no node:
            // the line is untagged, and shows in Untagged.
            if (is_node_name(*tagged)) node = *tagged;
        }
        if (node.empty() && map) {
            node = map->node_of(line.resource_id, line.usage_start_s,
                                line_end_s(line.usage_start_s, line.usage_end_s));
        }
        return node;
    }
};

// An instance-hour line, on its node when one is found.
Expected<bool> add_node_line(CurPeriodTotal& total, const CurLine& line, const NodeFinder& finder,
                             const std::vector<std::string>& fields) {
    auto node = finder.node_of(line, fields);
    if (!node) return make_error(node.error());
    if (node->empty()) return add_sum(total.untagged_instance_cost, line.cost);
    total.node_lines.push_back({*node, line.usage_start_s, line.usage_end_s, line.cost});
    return true;
}

Expected<bool> add_line(Totals& totals, const CurLine& line, const NodeFinder& finder,
                        const std::vector<std::string>& fields) {
    auto [it, added] = totals.try_emplace({line.billing_period, line.payer_account});
    CurPeriodTotal& total = it->second;
    if (added) {
        total.billing_period = line.billing_period;
        total.payer_account = line.payer_account;
    }
    ++total.lines;
    auto& by_kind = total.cost_by_kind[static_cast<size_t>(line.kind)];
    auto kind_sum = by_kind.plus(line.cost);
    auto sum = total.total.plus(line.cost);
    if (!kind_sum || !sum) return make_error("the period's total leaves the range asbb sums in");
    by_kind = *kind_sum;
    total.total = *sum;
    if (line.is_instance_hours()) {
        auto instance_sum = add_sum(total.instance_hours_cost, line.cost);
        if (!instance_sum) return instance_sum;
        ++total.instance_hours_lines;
        if (finder.active()) return add_node_line(total, line, finder, fields);
    }
    return true;
}

// One report file's lines into totals; returns its content digest.
Expected<std::string> read_file(const std::string& path, const CurReadOptions& options,
                                Totals& totals, int64_t& lines) {
    try {
        CurFile file(path);
        CsvReader reader([&](char* buffer, size_t capacity) { return file.read(buffer, capacity); },
                         options.max_line_bytes);
        std::vector<std::string> fields;
        auto header = reader.next(fields);
        if (!header) return make_error(path + ": " + header.error());
        if (!*header) return make_error(path + ": empty: no header line");
        auto columns = read_cur_header(fields);
        if (!columns) return make_error(path + ": not a Cost and Usage Report: " + columns.error());
        NodeFinder finder;
        finder.map = options.node_map;
        if (!options.node_tag.empty()) {
            auto found = CurNodeTag::for_report(*columns, options.node_tag);
            if (!found) return make_error(path + ": " + found.error());
            finder.tag = *found;
        }
        int64_t file_lines = 0;
        for (;;) {
            auto more = reader.next(fields);
            if (!more) return make_error(path + ": " + more.error());
            if (!*more) break;
            const std::string at = path + ": line " + std::to_string(reader.record_line()) + ": ";
            auto line = read_cur_line(*columns, fields);
            if (!line) return make_error(at + line.error());
            if (!line->currency.empty() && line->currency != options.currency) {
                return make_error(at + "currency " + line->currency + ", but asbb accounts in " +
                                  options.currency + " (BillCurrency)");
            }
            auto added = add_line(totals, *line, finder, fields);
            if (!added) return make_error(at + added.error());
            if (options.on_line) options.on_line(*line);
            ++file_lines;
        }
        if (file_lines == 0) return make_error(path + ": no line items after the header");
        lines += file_lines;
        return file.content_sha256();
    } catch (const BillFileError& e) {
        return make_error(path + ": " + e.what());
    }
}

// The report files the inputs stand for, manifests replaced by what they list.
Expected<std::vector<std::string>> expand_inputs(const std::vector<std::string>& inputs,
                                                 std::string& manifest_version) {
    std::vector<std::string> files;
    for (const std::string& input : inputs) {
        if (!looks_like_manifest(input)) {
            files.push_back(input);
            continue;
        }
        auto manifest = read_cur_manifest(input);
        if (!manifest) return make_error(manifest.error());
        if (!manifest->version_id.empty()) manifest_version = manifest->version_id;
        files.insert(files.end(), manifest->files.begin(), manifest->files.end());
    }
    std::vector<std::string> sorted = files;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
        return make_error(*std::adjacent_find(sorted.begin(), sorted.end()) +
                          ": given twice (a file's lines are counted once)");
    }
    return files;
}

}  // namespace

Expected<CurReading> read_cur(const std::vector<std::string>& inputs,
                              const CurReadOptions& options) {
    CurReading reading;
    auto files = expand_inputs(inputs, reading.manifest_version);
    if (!files) return make_error(files.error());
    reading.files = std::move(*files);
    Totals totals;
    std::vector<std::string> digests;
    for (const std::string& path : reading.files) {
        auto digest = read_file(path, options, totals, reading.lines);
        if (!digest) return make_error(digest.error());
        digests.push_back(std::move(*digest));
    }
    std::sort(digests.begin(), digests.end());
    if (std::adjacent_find(digests.begin(), digests.end()) != digests.end()) {
        return make_error("two of the files have the same content (a line is counted once)");
    }
    Sha256 hash;
    for (const std::string& digest : digests) hash.update(digest);
    reading.content_sha256 = lower_hex(hash.finish());
    for (auto& [key, total] : totals) reading.periods.push_back(std::move(total));
    return reading;
}

}  // namespace asbb::bill
