#include <sockconf/reports/deviations.hpp>
#include <sockconf/reports/diff.hpp>
#include <sockconf/reports/markdown_writer.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace sockconf::reports {

std::size_t report_diff::count(change_kind k) const
{
    return static_cast<std::size_t>(std::count_if(changes.begin(), changes.end(), [&](auto const& c) { return c.kind == k; }));
}

std::size_t report_diff::count(deviation_change_kind k) const
{
    return static_cast<std::size_t>(
        std::count_if(deviations.begin(), deviations.end(), [&](auto const& c) { return c.kind == k; }));
}

namespace {

std::vector<std::string> cases_of(deviation const& d)
{
    auto out = d.cases;
    out.insert(out.end(), d.seen_in.begin(), d.seen_in.end());
    return out;
}

bool judged(status s)
{
    return s == status::pass || s == status::non_strict || s == status::informational || s == status::fail;
}

void diff_deviations(run_report const& a, run_report const& b, report_diff& d)
{
    auto const before = deviations_of(a), after = deviations_of(b);
    std::map<std::string, deviation const*> in_a, in_b;
    for (auto const& x : before) in_a[x.id] = &x;
    for (auto const& x : after) in_b[x.id] = &x;
    std::map<std::string, status> status_in_b;
    for (auto const& c : b.cases)
        status_in_b[c.id] = c.result;
    for (auto const& x : after) {
        if (in_a.count(x.id)) {
            ++d.deviations_unchanged;
            continue;
        }
        d.deviations.push_back({x.id, deviation_change_kind::added, x.level, x.headline(), x.host_limit, cases_of(x), {}});
    }
    for (auto const& x : before) {
        if (in_b.count(x.id))
            continue;
        deviation_change c{x.id, deviation_change_kind::fixed, x.level, x.headline(), x.host_limit, cases_of(x), {}};
        for (auto const& id : c.cases)
            if (auto it = status_in_b.find(id); it == status_in_b.end() || !judged(it->second))
                c.not_judged.push_back(id);
        if (!c.not_judged.empty())
            c.kind = deviation_change_kind::not_judged;
        d.deviations.push_back(std::move(c));
    }
    std::stable_sort(d.deviations.begin(), d.deviations.end(), [](auto const& x, auto const& y) { return x.kind < y.kind; });
}

} // namespace

report_diff diff_reports(run_report const& a, run_report const& b)
{
    std::map<std::string, case_result const*> before, after;
    for (auto const& c : a.cases) before[c.id] = &c;
    for (auto const& c : b.cases) after[c.id] = &c;

    report_diff d;
    for (auto const& [id, bc] : after) {
        auto const it = before.find(id);
        if (it == before.end()) {
            d.changes.push_back({id, conforming(bc->result) ? change_kind::added : change_kind::new_failure,
                                 std::nullopt, bc->result, bc->message});
            continue;
        }
        auto const* ac = it->second;
        if (ac->result == bc->result) {
            ++d.unchanged;
            continue;
        }
        auto const was = conforming(ac->result), is = conforming(bc->result);
        auto const kind = was == is ? change_kind::changed : is ? change_kind::fix : change_kind::new_failure;
        d.changes.push_back({id, kind, ac->result, bc->result, bc->message});
    }
    for (auto const& [id, ac] : before)
        if (!after.count(id))
            d.changes.push_back({id, change_kind::removed, ac->result, std::nullopt, ac->message});
    std::stable_sort(d.changes.begin(), d.changes.end(), [](auto const& x, auto const& y) {
        return std::tie(x.kind, x.id) < std::tie(y.kind, y.id);
    });
    diff_deviations(a, b, d);
    return d;
}

void write_diff_markdown(report_diff const& d, std::string const& a_name, std::string const& b_name, std::ostream& out)
{
    static constexpr char const* titles[] = {"New failures", "Fixed", "Changed status", "Added cases", "Removed cases"};
    out << fmt::format("# sockconf report diff\n\n`{}` → `{}`: {} new failure(s), {} fixed, {} changed, {} added, "
                       "{} removed, {} unchanged\n",
                       md_escape(a_name), md_escape(b_name), d.count(change_kind::new_failure), d.count(change_kind::fix),
                       d.count(change_kind::changed), d.count(change_kind::added), d.count(change_kind::removed),
                       d.unchanged);
    auto name = [](std::optional<status> s) { return s ? std::string(to_string(*s)) : std::string("—"); };
    for (int k = 0; k <= static_cast<int>(change_kind::removed); ++k) {
        auto const kind = static_cast<change_kind>(k);
        if (!d.count(kind))
            continue;
        out << fmt::format("\n## {}\n\n| case | before | after | message |\n|---|---|---|---|\n", titles[k]);
        for (auto const& c : d.changes)
            if (c.kind == kind)
                out << fmt::format("| {} | {} | {} | {} |\n", md_escape(c.id), name(c.before), name(c.after),
                                   md_escape(c.message));
    }

    out << fmt::format("\nDeviations: {} new, {} fixed, {} no longer seen but not judged, {} in both\n",
                       d.count(deviation_change_kind::added), d.count(deviation_change_kind::fixed),
                       d.count(deviation_change_kind::not_judged), d.deviations_unchanged);
    static constexpr char const* dev_titles[] = {
        "New deviations", "Fixed deviations",
        "Deviations not seen in B, whose cases B did not judge (absent, SKIP, UNIMPLEMENTED, ERROR or TIMEOUT)"};
    auto cases = [](std::vector<std::string> const& ids) {
        std::string out;
        for (std::size_t i = 0; i < ids.size() && i < 5; ++i)
            out += (out.empty() ? "" : ", ") + md_escape(ids[i]);
        return ids.size() > 5 ? out + fmt::format(" … ({} in all)", ids.size()) : out;
    };
    for (int k = 0; k <= static_cast<int>(deviation_change_kind::not_judged); ++k) {
        auto const kind = static_cast<deviation_change_kind>(k);
        if (!d.count(kind))
            continue;
        out << fmt::format("\n## {}\n\n| deviation | level | headline | cases |\n|---|---|---|---|\n", dev_titles[k]);
        for (auto const& c : d.deviations)
            if (c.kind == kind)
                out << fmt::format("| {} | {} | {}{} | {} |\n", md_escape(c.id), md_escape(c.level), md_escape(c.headline),
                                   c.host_limit ? " (limit of the host)" : "",
                                   kind == deviation_change_kind::not_judged ? cases(c.cases) + "; not judged: " + cases(c.not_judged)
                                                                             : cases(c.cases));
    }
}

} // namespace sockconf::reports
