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
}

} // namespace sockconf::reports
