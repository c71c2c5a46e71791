#include <sockconf/reports/deviations.hpp>
#include <sockconf/reports/markdown_writer.hpp>
#include <sockconf/reports/summary_writer.hpp>

#include "detail/checks.hpp"
#include "detail/markdown_parts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace sockconf::reports {

namespace {

using detail::md_id;

/// New deviations shown in full, and rows of a table, before the rest is left to
/// report.md: GitHub drops a step's summary over 1 MiB, and a deviation in full
/// (clauses, folded case lists, an example trace) takes up to a few KiB.
constexpr std::size_t full_deviations_max = 50;
constexpr std::size_t table_rows_max = 200;

constexpr status all_statuses[] = {status::pass,  status::non_strict, status::informational, status::unimplemented,
                                   status::fail,  status::error,      status::timeout,       status::skip};

std::string verdict(run_report const& r)
{
    if (r.info.interrupted)
        return fmt::format("interrupted, {} unexpected result(s)", r.unexpected());
    if (r.unexpected())
        return fmt::format("{} unexpected result(s)", r.unexpected());
    return r.info.expectations.empty() ? "every case conforming" : "every result as expected";
}

/// One table row per status that occurred: | PASS | FAIL | … | over | 3 | 1 | … |.
void write_counts(run_report const& r, std::ostream& out)
{
    std::string head = "|", rule = "|", row = "|";
    for (auto s : all_statuses)
        if (auto const n = r.count(s)) {
            head += fmt::format(" {} |", to_string(s));
            rule += " ---: |";
            row += fmt::format(" {} |", n);
        }
    if (r.cases.empty())
        return;
    out << head << "\n" << rule << "\n" << row << "\n\n";
}

void write_more(std::size_t shown, std::size_t total, std::ostream& out)
{
    if (total > shown)
        out << fmt::format("… and {} more in report.md.\n\n", total - shown);
}

/// The unexpected results that no new deviation decided: an unexpected pass
/// (the expectations need updating), an ERROR or TIMEOUT (nothing was judged).
std::vector<case_result const*> unexplained(run_report const& r, std::vector<deviation> const& ds,
                                            std::vector<std::size_t> const& fresh)
{
    std::set<std::string> decided;
    for (auto i : fresh)
        decided.insert(ds[i].cases.begin(), ds[i].cases.end());
    std::vector<case_result const*> out;
    for (auto const& c : r.cases)
        if (c.unexpected && !decided.count(c.id))
            out.push_back(&c);
    return out;
}

} // namespace

void write_summary(run_report const& r, std::ostream& out)
{
    auto const& iut = r.info.iut;
    auto const ds = deviations_of(r);
    auto const fresh = new_deviations(r, ds);
    out << "## sockconf: " << md_escape(iut.value("name", "?")) << " " << md_escape(iut.value("version", "?")) << ": "
        << verdict(r) << "\n\n";
    out << fmt::format("Profile `{}` · {} case(s) · {:.1f} s · sockconf {}", md_escape(r.info.profile), r.cases.size(),
                       r.info.duration_ms / 1000, md_escape(r.info.tool_version));
    out << (r.info.expectations.empty() ? " · no expectations file" : " · expectations `" + md_escape(r.info.expectations) + "`");
    if (!r.info.shard.empty())
        out << " · shard " << md_escape(r.info.shard);
    out << "\n\n";
    write_counts(r, out);
    if (ds.empty() && failing_cases(r) == 0 && r.unexpected() == 0) {
        out << "No deviation.\n";
        return;
    }
    out << deviations_summary(r, ds) << "; " << fresh.size() << " new.\n\n";

    if (!fresh.empty()) {
        out << "### New deviations (" << fresh.size() << ")\n\n";
        out << (r.info.expectations.empty()
                    ? "No expectations file (`--expectations`): every deviation that decided a case fails the run.\n\n"
                    : "Each decided a case whose result the expectations did not foresee: fix it, or accept it with "
                      "`--update-expectations`.\n\n");
        auto const clauses = detail::clauses_by_id(r);
        std::size_t n = 0;
        for (auto i : fresh)
            if (n < full_deviations_max)
                detail::write_deviation(ds[i], ++n, clauses, out);
        write_more(n, fresh.size(), out);
    }

    std::vector<std::size_t> others;
    for (std::size_t i = 0; i < ds.size(); ++i)
        if (std::find(fresh.begin(), fresh.end(), i) == fresh.end())
            others.push_back(i);
    if (!others.empty()) {
        out << "### Other deviations (" << others.size() << ")\n\n"
            << "Accepted by the expectations, or seen only beside what decided a case: none of them fails the run.\n\n"
            << "| deviation | level | cases | |\n| --- | --- | ---: | --- |\n";
        std::size_t n = 0;
        for (auto i : others) {
            if (n++ == table_rows_max)
                break;
            auto const& d = ds[i];
            out << "| " << md_id(d.id) << " | " << md_escape(d.level) << " | " << d.case_count() << " | "
                << md_escape(d.headline()) << (d.host_limit ? " (limit of the host)" : "") << " |\n";
        }
        out << "\n";
        write_more(std::min(n, table_rows_max), others.size(), out);
    }

    auto const cases = unexplained(r, ds, fresh);
    if (!cases.empty()) {
        out << "### Unexpected results no new deviation explains (" << cases.size() << ")\n\n"
            << "| case | status | expected | why |\n| --- | --- | --- | --- |\n";
        std::size_t n = 0;
        for (auto const* c : cases) {
            if (n++ == table_rows_max)
                break;
            auto expected = c->expected.empty() ? std::string("a conforming result") : c->expected;
            if (!c->expected_reason.empty())
                expected += ": " + c->expected_reason;
            out << "| " << md_id(c->id) << " | " << to_string(c->result) << " | " << md_escape(expected) << " |"
                << (c->message.empty() ? "" : " " + md_escape(c->message)) << " |\n";
        }
        out << "\n";
        write_more(std::min(n, table_rows_max), cases.size(), out);
    }
}

} // namespace sockconf::reports
