#include <sockconf/reports/deviations.hpp>
#include <sockconf/reports/markdown_writer.hpp>

#include "detail/checks.hpp"
#include "detail/markdown_parts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace sockconf::reports {

std::string md_escape(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        switch (c) {
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '&': out += "&amp;"; break;
        case '\n': case '\r': case '\t': out += ' '; break;
        case '|': case '`': case '*': case '_': case '[': case ']': case '\\': case '#': case '~':
            out += '\\';
            out += static_cast<char>(c);
            break;
        default:
            if (c < 0x20 || c == 0x7f)
                out += fmt::format("\\x{:02x}", c); // control characters (e.g. ANSI escapes) as text
            else
                out += static_cast<char>(c);
        }
    }
    return out;
}

namespace {

using detail::fenced;
using detail::md_id;
using detail::write_deviation;

bool needs_detail(status s) { return s == status::fail || s == status::error || s == status::timeout; }

/// The deviations first: what the team can fix, ranked, then the host's limits.
void write_deviations(run_report const& r, std::vector<deviation> const& ds, std::ostream& out)
{
    if (ds.empty() && failing_cases(r) == 0)
        return;
    auto const clauses = detail::clauses_by_id(r);
    auto const parts = detail::split(ds);
    out << deviations_summary(r, ds) << (parts.fixable.empty() ? ".\n\n" : ":\n\n");
    std::size_t n = 0;
    for (auto i : parts.fixable)
        write_deviation(ds[i], ++n, clauses, out);
    if (parts.host_limits.empty())
        return;
    auto const host = r.info.iut.is_object() ? r.info.iut.value("host", std::string()) : std::string();
    out << "## Limits of the host\n\nWhat the IUT's host (" << md_escape(host)
        << ") cannot do otherwise, whatever the platform does:\n\n";
    n = 0;
    for (auto i : parts.host_limits)
        write_deviation(ds[i], ++n, clauses, out);
}

/// A check in a case's list: "fail expect once [\"x\"] at file#/expect/0 (CLAUSE): expected …; got …".
std::string check_line(check_result const& k)
{
    std::string line = std::string(detail::verdict(k)) + " " + std::string(to_string(k.kind)) + " " + md_escape(k.title);
    if (k.where != k.title)
        line += " at " + md_escape(k.where);
    if (!k.clauses.empty()) {
        std::vector<std::string> ids;
        for (auto const& id : k.clauses)
            ids.push_back(md_escape(id));
        line += " (" + detail::join(ids, ", ") + ")";
    }
    if (!k.expected.empty() || !k.actual.empty())
        line += ": expected " + md_escape(k.expected) + "; got " + md_escape(k.actual);
    return line;
}

} // namespace

void write_markdown(run_report const& r, std::ostream& out)
{
    auto const& iut = r.info.iut;
    out << "# sockconf: " << md_escape(iut.value("name", "?")) << " " << md_escape(iut.value("version", "?"))
        << "\n\n";
    auto const ds = deviations_of(r);
    write_deviations(r, ds, out);
    auto const by_case = detail::deviations_by_case(ds);

    out << "## Summary\n\n";
    out << fmt::format("Profile `{}` · {}{} case(s) · {:.1f} s · sockconf {} · {}{}\n\n", md_escape(r.info.profile),
                       r.info.engine.known() ? "in " + md_escape(r.info.engine.label()) + " · " : "", r.cases.size(),
                       r.info.duration_ms / 1000, md_escape(r.info.tool_version), md_escape(r.info.started_at),
                       r.info.interrupted ? " · **interrupted**" : "");

    // What a CI gate decides on: results the expectations did not foresee, and
    // cases whose attempts disagreed.
    if (!r.info.expectations.empty()) {
        out << fmt::format("Expectations `{}`: **{} unexpected result(s)**\n\n", md_escape(r.info.expectations),
                           r.unexpected());
        if (r.unexpected()) {
            out << "| case | status | expected |\n| --- | --- | --- |\n";
            for (auto const& c : r.cases)
                if (c.unexpected)
                    out << "| `" << c.id << "` | " << to_string(c.result) << " | "
                        << md_escape(c.expected.empty() ? "a conforming result" : c.expected) << " |\n";
            out << "\n";
        }
    }
    bool flaky = false;
    for (auto const& c : r.cases) {
        if (!c.flaky())
            continue;
        if (!flaky)
            out << "Flaky (attempts that disagreed):\n\n";
        flaky = true;
        std::string attempts;
        for (auto a : c.attempts)
            attempts += (attempts.empty() ? "" : ", ") + std::string(to_string(a));
        out << "- `" << c.id << "`: " << attempts << (c.unexpected ? "" : " (counted as expected)") << "\n";
    }
    if (flaky)
        out << "\n";

    // Count per status.
    out << "| status | cases |\n| --- | ---: |\n";
    static constexpr status all[] = {status::pass,          status::non_strict, status::informational,
                                     status::unimplemented, status::fail,       status::error,
                                     status::timeout,       status::skip};
    for (auto s : all)
        if (auto n = r.count(s))
            out << "| " << to_string(s) << " | " << n << " |\n";
    out << "\n";

    // Count per suite.
    std::map<std::string, std::map<status, std::size_t>> by_suite;
    for (auto const& c : r.cases)
        ++by_suite[c.suite][c.result];
    out << "| suite |";
    for (auto s : all)
        out << " " << to_string(s) << " |";
    out << "\n| --- |";
    for (std::size_t i = 0; i < std::size(all); ++i)
        out << " ---: |";
    out << "\n";
    for (auto const& [suite, counts] : by_suite) {
        out << "| " << md_escape(suite) << " |";
        for (auto s : all) {
            auto it = counts.find(s);
            out << " " << (it == counts.end() ? 0 : it->second) << " |";
        }
        out << "\n";
    }
    out << "\n";

    // Cases that failed, in detail.
    bool any = false;
    for (auto const& c : r.cases) {
        if (!needs_detail(c.result))
            continue;
        if (!any)
            out << "## Failures\n\n";
        any = true;
        out << "### " << to_string(c.result) << " `" << c.id << "`" // ids are [a-z0-9.-]
            << (c.unexpected || c.expected.empty()
                    ? ""
                    : " (expected" + (c.expected_reason.empty() ? "" : ": " + md_escape(c.expected_reason)) + ")")
            << "\n\n";
        if (!c.title.empty())
            out << md_escape(c.title) << "\n\n";
        std::string clauses;
        for (auto const& id : c.clauses)
            clauses += (clauses.empty() ? "" : ", ") + md_escape(id);
        out << "- clauses: " << clauses << "\n";
        if (auto const it = by_case.find(c.id); it != by_case.end()) {
            std::vector<std::string> ids;
            for (auto i : it->second)
                ids.push_back(md_id(ds[i].id));
            out << "- deviations: " << detail::join(ids, ", ") << "\n";
        }
        if (auto const failing = detail::counting_failures(c); !failing.empty()) {
            out << "- failing checks (" << failing.size() << "):\n";
            for (auto const* k : failing)
                out << "  - " << check_line(*k) << "\n";
            if (auto const skipped = detail::not_run(c))
                out << "- not run: " << skipped << " check(s) an earlier step could not reach\n";
            if (c.result != status::fail && !c.message.empty())
                out << "- " << md_escape(c.message) << "\n";
        } else if (c.failed) {
            out << "- at: " << md_escape(c.failed->where) << "\n";
            out << "- expected: " << md_escape(c.failed->expected) << "\n";
            out << "- got: " << md_escape(c.failed->actual) << "\n";
        } else if (!c.message.empty()) {
            out << "- " << md_escape(c.message) << "\n";
        }
        for (auto const* k : c.also_seen())
            out << "- also seen: " << md_escape(k->where) << (k->actual.empty() ? "" : " — " + md_escape(k->actual)) << "\n";
        if (!c.trace.empty()) {
            std::string lines;
            for (auto const& e : c.trace)
                lines += trace_line(e) + "\n";
            if (!lines.empty())
                lines.pop_back();
            out << "\n<details><summary>trace (" << c.trace.size() << " entries)</summary>\n\n" << fenced(lines)
                << "\n</details>\n";
        }
        out << "\n";
    }

    // The rest that did not simply pass, one line each.
    bool others = false;
    for (auto const& c : r.cases) {
        if (c.result == status::pass || needs_detail(c.result))
            continue;
        if (!others)
            out << "## Other results\n\n| case | status | why |\n| --- | --- | --- |\n";
        others = true;
        auto why = c.message;
        if (!c.outcome.empty())
            why = "outcome: " + c.outcome + (why.empty() || why == "outcome \"" + c.outcome + "\"" ? "" : "; " + why);
        for (auto const* k : c.also_seen())
            why += (why.empty() ? "also seen: " : "; also seen: ") + k->where;
        out << "| `" << c.id << "` | " << to_string(c.result) << " | " << md_escape(why) << " |\n";
    }
    if (others)
        out << "\n";
    if (!any && !others)
        out << "Every case passed.\n";
}

} // namespace sockconf::reports
