#include <sockconf/common/spec_error.hpp>
#include <sockconf/reports/merge.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace sockconf::reports {

namespace {

std::string iut_label(run_info const& i) { return i.iut.value("name", "?") + " " + i.iut.value("version", "?"); }

} // namespace

run_report merge_reports(std::vector<run_report> const& parts, std::vector<std::string> const& names)
{
    if (parts.empty())
        throw spec_error("E-MERGE-EMPTY", "", "", "no report to merge");
    auto name = [&](std::size_t i) { return i < names.size() ? names[i] : "report " + std::to_string(i + 1); };

    // An empty shard (more shards than cases) never started an IUT: its hello is
    // unknown, so the run's facts come from a part that ran cases.
    auto const first = std::find_if(parts.begin(), parts.end(), [](auto const& p) { return !p.cases.empty(); });
    auto const& lead = first == parts.end() ? parts.front() : *first;
    run_report out;
    out.info = lead.info;
    out.info.shard.clear();
    std::map<std::string, std::size_t> seen; // case id -> part
    std::map<std::string, clause_info> clauses;
    std::set<std::string> shards;
    int total_shards = 0;
    for (std::size_t p = 0; p < parts.size(); ++p) {
        auto const& info = parts[p].info;
        auto mismatch = [&](std::string const& what, std::string const& a, std::string const& b) {
            throw spec_error("E-MERGE-MISMATCH", name(p), "/run",
                             what + " \"" + b + "\" differs from " + name(static_cast<std::size_t>(&lead - parts.data())) +
                                 "'s \"" + a + "\"");
        };
        if (!parts[p].cases.empty() && iut_label(info) != iut_label(out.info))
            mismatch("IUT", iut_label(out.info), iut_label(info));
        // Shards of one run ran in one browser: two engines are two runs (report matrix).
        if (!parts[p].cases.empty() && info.engine.label() != out.info.engine.label())
            mismatch("engine", out.info.engine.label(), info.engine.label());
        if (info.profile != out.info.profile)
            mismatch("profile", out.info.profile, info.profile);
        if (info.expectations != out.info.expectations)
            mismatch("expectations file", out.info.expectations, info.expectations);
        if (!info.shard.empty()) {
            auto const sh = parse_shard(info.shard);
            if (!sh || (total_shards && sh->count != total_shards) || !shards.insert(info.shard).second)
                throw spec_error("E-MERGE-SHARDS", name(p), "/run/shard",
                                 "shard \"" + info.shard + "\" does not fit the other parts' shards");
            total_shards = sh->count;
        }
        if (!parts[p].cases.empty())
            out.info.started_at = std::min(out.info.started_at, info.started_at);
        out.info.duration_ms = std::max(out.info.duration_ms, info.duration_ms);
        out.info.interrupted = out.info.interrupted || info.interrupted;
        for (auto const& c : parts[p].cases) {
            if (auto const [it, fresh] = seen.emplace(c.id, p); !fresh)
                throw spec_error("E-MERGE-DUPLICATE", name(p), "/cases",
                                 "case " + c.id + " is also in " + name(it->second) + " (overlapping shards?)");
            out.cases.push_back(c);
        }
        for (auto const& c : parts[p].clauses)
            clauses.emplace(c.id, c);
    }
    if (total_shards && static_cast<int>(shards.size()) != total_shards) {
        std::string have;
        for (auto const& s : shards)
            have += (have.empty() ? "" : ", ") + s;
        throw spec_error("E-MERGE-SHARDS", "", "",
                         "shards " + have + " given; all " + std::to_string(total_shards) + " are needed for a full run");
    }
    std::sort(out.cases.begin(), out.cases.end(), [](auto const& a, auto const& b) { return a.id < b.id; });
    for (auto& [_, c] : clauses)
        out.clauses.push_back(std::move(c));
    return out;
}

} // namespace sockconf::reports
