#include <sockconf/reports/deviations.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <set>

namespace sockconf::reports {

namespace {
/// Trace lines shown for a check that points at no call: enough to see how the case ended.
constexpr std::size_t tail_lines = 6;

bool judged(status s)
{
    return s == status::pass || s == status::non_strict || s == status::informational || s == status::fail;
}

std::string join(std::vector<std::string> const& v, char const* sep)
{
    std::string s;
    for (auto const& x : v)
        s += (s.empty() ? "" : sep) + x;
    return s;
}

int level_rank(std::string const& level)
{
    return level == "MUST" ? 4 : level == "SHOULD" ? 3 : level == "MAY" ? 2 : level == "INFO" ? 1 : 0;
}

/// A step that failed and is attributed to the whole case: something the case
/// needed broke (a call threw or returned the wrong thing, a listener it waited
/// for never came), the same behaviour whatever the case goes on to test.
bool needed_step(check_result const& k, case_result const& c)
{
    return k.kind == check_kind::step && k.clauses == c.clauses;
}

/// The signature of a failing check of `c`.
std::string signature(check_result const& k, case_result const& c)
{
    auto clauses = k.clauses;
    std::sort(clauses.begin(), clauses.end());
    if (k.kind == check_kind::invariant)
        return "invariant\x1f" + k.where + "\x1f" + join(clauses, ",");
    if (needed_step(k, c))
        return "step\x1f" + k.subject + "\x1f" + k.expected_norm + "\x1f" + k.observed_norm;
    return std::string(to_string(k.kind) == "outcome" ? "outcome" : "check") + "\x1f" + join(clauses, ",") + "\x1f" +
           k.subject + "\x1f" + k.expected_norm + "\x1f" + k.observed_norm;
}

} // namespace

std::string deviation_id(std::string const& sig)
{
    std::uint32_t h = 2166136261u;
    for (unsigned char ch : sig) {
        h ^= ch;
        h *= 16777619u;
    }
    char buf[16];
    std::snprintf(buf, sizeof buf, "DEV-%08x", h);
    return buf;
}

std::string deviation::headline() const
{
    // A needed step may list many cases' clauses: the first few name it.
    auto shown = clauses;
    if (shown.size() > 3) {
        shown.resize(3);
        shown.push_back("+" + std::to_string(clauses.size() - 3) + " more");
    }
    auto const cl = shown.empty() ? std::string() : " (" + join(shown, ", ") + ")";
    if (!invariant.empty())
        return subject + " (" + invariant + (clauses.empty() ? "" : ", " + join(clauses, ", ")) + ")";
    return subject + ": expected " + expected + ", observed " + (observed.empty() ? "?" : observed.front()) + cl;
}

std::vector<deviation> deviations_of(run_report const& r)
{
    std::map<std::string, clause_info const*> clause_by_id;
    for (auto const& c : r.clauses)
        clause_by_id[c.id] = &c;
    auto const host = r.info.iut.is_object() ? r.info.iut.value("host", std::string()) : std::string();

    std::map<std::string, deviation> by_sig;
    std::vector<std::string> order; // of first sight, for a stable tie-break
    for (auto const& c : r.cases) {
        if (!judged(c.result))
            continue;
        std::set<std::string> in_this_case;
        std::set<std::vector<std::string>> clause_sets_seen;
        for (auto const& k : c.checks) {
            if (k.result != check_status::fail)
                continue;
            if (k.kind == check_kind::outcome && !k.counts)
                continue; // an outcome missed while another held, or a detail of "none held"
            // Within a case, later failing checks of the same clauses are the same behaviour seen again
            // (a fail callback never called, so success was, so the order is wrong …): the first names it.
            if (k.kind != check_kind::invariant) {
                auto set = k.clauses;
                std::sort(set.begin(), set.end());
                if (!clause_sets_seen.insert(set).second)
                    continue;
            }
            auto const sig = signature(k, c);
            auto [it, added] = by_sig.try_emplace(sig);
            auto& d = it->second;
            if (added) {
                order.push_back(sig);
                d.id = deviation_id(sig);
                d.subject = k.subject.empty() ? k.title : k.subject;
                d.expected = k.expected_norm;
                if (k.kind == check_kind::invariant)
                    d.invariant = k.where;
                for (auto const& id : k.clauses)
                    if (auto cl = clause_by_id.find(id); cl != clause_by_id.end())
                        if (auto h = cl->second->host_limits.find(host); !host.empty() && h != cl->second->host_limits.end()) {
                            d.host_limit = true;
                            d.host_limit_reason = h->second;
                        }
                d.example_case = c.id;
                d.example_where = k.where;
                for (auto seq : k.seqs)
                    for (auto const& e : c.trace)
                        if (e.is_object() && e.value("seq", std::size_t{0}) == seq)
                            d.excerpt.push_back(trace_line(e));
                // Nothing to point at (a listener never called): what did happen last.
                if (k.seqs.empty() && c.trace.is_array())
                    for (auto i = c.trace.size() > tail_lines ? c.trace.size() - tail_lines : 0; i < c.trace.size(); ++i)
                        if (c.trace[i].is_object())
                            d.excerpt.push_back(trace_line(c.trace[i]));
            }
            // Its clauses: every case's (a needed step's differ from case to case), and their strongest level.
            for (auto const& id : k.clauses) {
                if (std::find(d.clauses.begin(), d.clauses.end(), id) != d.clauses.end())
                    continue;
                d.clauses.push_back(id);
                if (auto cl = clause_by_id.find(id); cl != clause_by_id.end() && level_rank(cl->second->level) > level_rank(d.level))
                    d.level = cl->second->level;
            }
            // An invariant's variants (which API ran synchronously …) are its observations.
            for (auto const& part : [&] {
                     std::vector<std::string> parts;
                     if (k.kind != check_kind::invariant)
                         return std::vector<std::string>{k.observed_norm};
                     std::string rest = k.observed_norm;
                     for (auto at = rest.find("; "); at != std::string::npos; at = rest.find("; ")) {
                         parts.push_back(rest.substr(0, at));
                         rest = rest.substr(at + 2);
                     }
                     parts.push_back(rest);
                     return parts;
                 }())
                if (!part.empty() && d.observed.size() < 8 &&
                    std::find(d.observed.begin(), d.observed.end(), part) == d.observed.end())
                    d.observed.push_back(part);
            if (!in_this_case.insert(sig).second)
                continue;
            (k.counts ? d.cases : d.seen_in).push_back(c.id);
        }
    }
    std::vector<deviation> out;
    for (auto const& sig : order)
        out.push_back(std::move(by_sig[sig]));
    // A case where it counted once and was only seen elsewhere in it is a case it decided.
    for (auto& d : out)
        std::erase_if(d.seen_in, [&](auto const& id) { return std::find(d.cases.begin(), d.cases.end(), id) != d.cases.end(); });
    std::stable_sort(out.begin(), out.end(), [](deviation const& a, deviation const& b) {
        if (a.case_count() != b.case_count())
            return a.case_count() > b.case_count();
        return level_rank(a.level) > level_rank(b.level);
    });
    return out;
}

std::size_t failing_cases(run_report const& r)
{
    return r.count(status::fail) + r.count(status::error) + r.count(status::timeout);
}

std::vector<std::size_t> new_deviations(run_report const& r, std::vector<deviation> const& ds)
{
    std::set<std::string> unexpected;
    for (auto const& c : r.cases)
        if (c.unexpected)
            unexpected.insert(c.id);
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < ds.size(); ++i)
        if (std::any_of(ds[i].cases.begin(), ds[i].cases.end(), [&](auto const& id) { return unexpected.count(id) > 0; }))
            out.push_back(i);
    return out;
}

std::string deviations_summary(run_report const& r, std::vector<deviation> const& ds)
{
    auto const limits = static_cast<std::size_t>(std::count_if(ds.begin(), ds.end(), [](auto const& d) { return d.host_limit; }));
    auto plural = [](std::size_t n, char const* one, char const* many) {
        return std::to_string(n) + " " + (n == 1 ? one : many);
    };
    auto out = plural(failing_cases(r), "failing case", "failing cases") + ", " +
               plural(ds.size() - limits, "deviation", "deviations");
    if (limits)
        out += ", and " + plural(limits, "limit of the host", "limits of the host");
    return out;
}

} // namespace sockconf::reports
