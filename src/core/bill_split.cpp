#include "core/bill_split.hpp"

#include <algorithm>

namespace asbb {

namespace {

// A run's part of [start_s, end_s), or nothing.
struct Clipped {
    size_t run;
    int64_t from_s;
    int64_t to_s;
    int64_t cpus;
};

std::vector<Clipped> clipped_runs(const std::vector<NodeOccupancy>* runs, int64_t start_s,
                                  int64_t end_s) {
    std::vector<Clipped> clipped;
    if (runs == nullptr) return clipped;
    for (const auto& r : *runs) {
        const int64_t from_s = std::max(r.start_s, start_s);
        const int64_t to_s = r.end_s == 0 ? end_s : std::min(r.end_s, end_s);
        if (to_s > from_s) clipped.push_back({r.run, from_s, to_s, std::max<int64_t>(1, r.cpus)});
    }
    return clipped;
}

Expected<bool> add_to(ExactAmount& sum, const ExactAmount& amount) {
    auto total = sum.plus(amount);
    if (!total) return make_error(total.error());
    sum = *total;
    return true;
}

// One piece of a line among the runs that hold the node for all of it.
Expected<bool> split_piece(const ExactAmount& piece, const std::vector<const Clipped*>& holders,
                           const std::string& node, BillSplit& split) {
    if (holders.empty()) {
        auto idle = add_to(split.idle, piece);
        return idle ? add_to(split.idle_by_node[node], piece) : idle;
    }
    int64_t cpus = 0;
    for (const Clipped* h : holders) cpus += h->cpus;
    ExactAmount rest = piece;
    for (size_t i = 0; i + 1 < holders.size(); ++i) {
        auto part = piece.share(holders[i]->cpus, cpus);
        if (!part) return make_error(part.error());
        auto left = rest.minus(*part);
        if (!left || !add_to(split.by_run[holders[i]->run], *part)) {
            return make_error("sum too large");
        }
        rest = *left;
    }
    return add_to(split.by_run[holders.back()->run], rest);
}

Expected<bool> split_line(const NodeLineCost& line, const std::vector<NodeOccupancy>* runs,
                          BillSplit& split) {
    const int64_t start_s = line.start_s;
    const int64_t end_s = line_end_s(start_s, line.end_s);
    const auto clipped = clipped_runs(runs, start_s, end_s);
    if (!clipped.empty()) ++split.lines_with_runs;
    std::vector<int64_t> cuts{start_s, end_s};
    for (const auto& c : clipped) cuts.insert(cuts.end(), {c.from_s, c.to_s});
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    ExactAmount rest = line.cost;
    for (size_t k = 0; k + 1 < cuts.size(); ++k) {
        const bool last = k + 2 == cuts.size();
        auto piece = last ? Expected<ExactAmount>(rest)
                          : line.cost.share(cuts[k + 1] - cuts[k], end_s - start_s);
        if (!piece) return make_error(piece.error());
        auto left = rest.minus(*piece);
        if (!left) return make_error(left.error());
        rest = *left;
        std::vector<const Clipped*> holders;
        for (const auto& c : clipped) {
            if (c.from_s <= cuts[k] && c.to_s >= cuts[k + 1]) holders.push_back(&c);
        }
        auto done = split_piece(*piece, holders, line.node, split);
        if (!done) return done;
    }
    return true;
}

}  // namespace

Expected<BillSplit> split_node_costs(const std::vector<NodeLineCost>& lines,
                                     const OccupancyByNode& on_node, size_t run_count) {
    BillSplit split;
    split.by_run.resize(run_count);
    for (const auto& [node, runs] : on_node) {
        for (const auto& r : runs) {
            if (r.run >= run_count) return make_error("node " + node + ": a run out of range");
        }
    }
    for (const auto& line : lines) {
        auto it = on_node.find(line.node);
        auto done = split_line(line, it == on_node.end() ? nullptr : &it->second, split);
        if (!done) return make_error("node " + line.node + ": " + done.error());
    }
    return split;
}

}  // namespace asbb
