#include "db/node_map.hpp"

#include <functional>
#include <map>
#include <optional>
#include <tuple>

#include "db/chunks.hpp"

namespace asbb::db {

namespace {

using SpanKey = std::tuple<std::string, std::string, int64_t>;  // instance, node, start

// The stored end of each given span that is stored (nullopt: open).
std::map<SpanKey, std::optional<int64_t>> stored_spans(Session& session, const std::string& cluster,
                                                       const std::vector<NodeInstanceSpan>& spans) {
    std::map<SpanKey, std::optional<int64_t>> stored;
    for_chunks(spans.size(), [&](size_t first, size_t count) {
        Params params{cluster};
        for (size_t i = first; i < first + count; ++i) params.emplace_back(spans[i].instance_id);
        for (const auto& row :
             session.query("SELECT instance_id, node, start_s, end_s FROM bill_node_map"
                           " WHERE cluster = ? AND instance_id IN (" +
                               placeholders(count) + ")",
                           params)) {
            stored[{row.str(0), row.str(1), row.i64(2)}] = row.opt_i64(3);
        }
    });
    return stored;
}

enum class SpanChange { kAdd, kEnd, kNone };

SpanChange change_of(const std::map<SpanKey, std::optional<int64_t>>& stored,
                     const NodeInstanceSpan& span) {
    auto found = stored.find({span.instance_id, span.node, span.start_s});
    if (found == stored.end()) return SpanChange::kAdd;
    if (!found->second && span.end_s) return SpanChange::kEnd;
    return SpanChange::kNone;
}

void count(NodeMapLoad& load, SpanChange change) {
    if (change == SpanChange::kAdd) ++load.added;
    if (change == SpanChange::kEnd) ++load.ended;
    if (change == SpanChange::kNone) ++load.unchanged;
}

using WriteSpan = std::function<void(const NodeInstanceSpan&, SpanChange)>;

// The one walk over the spans that planning and storing share; a file may
// name one span twice, and the second is then no change.
NodeMapLoad walk_spans(Session& session, const std::string& cluster,
                       const std::vector<NodeInstanceSpan>& spans, const WriteSpan& write) {
    auto stored = stored_spans(session, cluster, spans);
    NodeMapLoad load;
    for (const auto& span : spans) {
        const SpanChange change = change_of(stored, span);
        count(load, change);
        if (change == SpanChange::kNone) continue;
        if (write) write(span, change);
        stored[{span.instance_id, span.node, span.start_s}] = span.end_s;
    }
    return load;
}

}  // namespace

NodeMapLoad plan_node_map(Session& session, const std::string& cluster,
                          const std::vector<NodeInstanceSpan>& spans) {
    return walk_spans(session, cluster, spans, nullptr);
}

NodeMapLoad store_node_map(Session& session, const std::string& cluster,
                           const std::vector<NodeInstanceSpan>& spans, const std::string& source,
                           const std::string& actor, int64_t now_s) {
    auto write = [&](const NodeInstanceSpan& span, SpanChange change) {
        if (change == SpanChange::kAdd) {
            session.exec(
                "INSERT INTO bill_node_map (cluster, instance_id, node, start_s, end_s, source,"
                " loaded_at, loaded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                {cluster, span.instance_id, span.node, span.start_s,
                 span.end_s ? Param{*span.end_s} : Param{nullptr}, source, now_s, actor});
        } else {
            session.exec(
                "UPDATE bill_node_map SET end_s = ? WHERE cluster = ? AND instance_id = ?"
                " AND node = ? AND start_s = ? AND end_s IS NULL",
                {*span.end_s, cluster, span.instance_id, span.node, span.start_s});
        }
    };
    return in_transaction(session, [&] { return walk_spans(session, cluster, spans, write); });
}

std::vector<NodeMapRow> list_node_map(Session& session, const std::string& cluster) {
    std::vector<NodeMapRow> rows;
    for (const auto& row :
         session.query("SELECT node, instance_id, start_s, end_s, source, loaded_at, loaded_by"
                       " FROM bill_node_map WHERE cluster = ? ORDER BY node, start_s, instance_id",
                       {cluster})) {
        rows.push_back({NodeInstanceSpan{row.str(0), row.str(1), row.i64(2), row.opt_i64(3)},
                        row.str(4), row.i64(5), row.str(6)});
    }
    return rows;
}

}  // namespace asbb::db
