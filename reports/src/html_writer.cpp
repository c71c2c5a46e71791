#include <sockconf/reports/deviations.hpp>
#include <sockconf/reports/html_writer.hpp>

#include "detail/bench_charts.hpp"
#include "detail/checks.hpp"
#include "detail/html_page.hpp"
#include "detail/sequence_diagram.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace sockconf::reports {

namespace {

using detail::status_class;
using detail::utf8_cut;

constexpr std::size_t summary_message_chars = 140; // a case's one line in its folded summary
constexpr std::size_t wire_record_chars = 4000;    // each wire record as text (report.json has it whole)
constexpr std::size_t trace_line_chars = 4000;     // each trace entry as text (likewise)
constexpr std::size_t check_text_chars = 2000;     // a check's expected or actual in its table (likewise)
constexpr std::size_t chips_shown = 24;            // a deviation's case chips before the rest fold away
constexpr std::size_t deviations_open = 5;         // the first deviations show their details unfolded

/// Rank of a status when listing cases: what needs reading first comes first.
int reading_order(case_result const& c)
{
    if (c.unexpected)
        return 0;
    switch (c.result) {
    case status::fail: case status::error: case status::timeout: return 1;
    case status::unimplemented: return 2;
    case status::non_strict: return 3;
    case status::informational: return 4;
    case status::skip: return 5;
    case status::pass: return 6;
    }
    return 7;
}

/// Areas a reader filters by: each suite, and each clause area. Tokens "a0",
/// "a1"... stand for them in data-areas, so no string of the report reaches the script.
struct areas {
    std::map<std::string, std::string> token; // "suite: tcp" / "area: socket-task.send" -> "aN"

    std::string const& of(std::string const& name)
    {
        auto [it, added] = token.try_emplace(name, "");
        if (added)
            it->second = "a" + std::to_string(token.size() - 1);
        return it->second;
    }
};

std::string join_tokens(std::set<std::string> const& s)
{
    std::string out;
    for (auto const& t : s)
        out += (out.empty() ? "" : " ") + t;
    return out;
}

std::string status_badge(status s)
{
    return fmt::format("<span class=\"st {}\">{}</span>", status_class(s), to_string(s));
}

std::string header(run_report const& r)
{
    auto const name = detail::text_field(r.info.iut, "name", "?");
    auto const version = detail::text_field(r.info.iut, "version", "");
    std::string out = "<h1>sockconf: " + html_escape(name) + " " + html_escape(version) + "</h1>\n<p class=\"meta\">";
    out += fmt::format("profile <code>{}</code> · {} case(s) · {:.1f} s · sockconf {} · {} · jobs {}",
                       html_escape(r.info.profile), r.cases.size(), r.info.duration_ms / 1000,
                       html_escape(r.info.tool_version), html_escape(r.info.started_at), r.info.jobs);
    if (r.info.engine.known())
        out += " · in <span title=\"" + html_escape(r.info.engine.user_agent) + "\">" + html_escape(r.info.engine.label()) +
               "</span>";
    if (!r.info.filter.empty())
        out += " · filter <code>" + html_escape(r.info.filter) + "</code>";
    if (!r.info.expectations.empty())
        out += fmt::format(" · expectations <code>{}</code>: {} unexpected", html_escape(r.info.expectations), r.unexpected());
    if (r.info.interrupted)
        out += " · <strong>interrupted</strong>";
    return out + "</p>\n";
}

std::string suite_table(run_report const& r)
{
    std::map<std::string, std::vector<std::size_t>> by_suite;
    for (auto const& c : r.cases) {
        auto& n = by_suite[c.suite];
        n.resize(std::size(r.counts()));
        ++n[static_cast<std::size_t>(c.result)];
    }
    auto const statuses = r.counts().size();
    std::string out = "<table class=\"suites\"><tr><th>suite</th>";
    for (std::size_t i = 0; i < statuses; ++i)
        out += "<th class=\"num\">" + status_badge(static_cast<status>(i)) + "</th>";
    out += "</tr>\n";
    for (auto const& [suite, n] : by_suite) {
        out += "<tr><td>" + html_escape(suite) + "</td>";
        for (auto k : n)
            out += fmt::format("<td class=\"num\">{}</td>", k);
        out += "</tr>\n";
    }
    return out + "</table>\n";
}

std::string filters(run_report const& r, areas const& a)
{
    std::string out = "<div class=\"filters\">\n" + detail::status_filters(r.counts()) +
                      "<label>area <select id=\"filter-area\"><option value=\"\">all</option>";
    for (auto const& [name, token] : a.token)
        out += "<option value=\"" + token + "\">" + html_escape(name) + "</option>";
    out += "</select></label> <span id=\"filter-shown\" class=\"meta\"></span> "
           "<button type=\"button\" data-fold=\"open\">expand shown</button> "
           "<button type=\"button\" data-fold=\"close\">collapse all</button>\n</div>\n";
    return out;
}

} // namespace

namespace {

std::string clause_matrix(run_report const& r, std::vector<std::set<std::string>> const& case_areas, areas& a)
{
    std::map<std::string, clause_info const*> known;
    for (auto const& c : r.clauses)
        known.emplace(c.id, &c);
    std::map<std::string, std::vector<std::size_t>> cited; // clause id -> case indexes
    for (std::size_t i = 0; i < r.cases.size(); ++i)
        for (auto const& id : r.cases[i].clauses)
            cited[id].push_back(i);
    std::set<std::string> ids;
    for (auto const& c : r.clauses)
        ids.insert(c.id);
    for (auto const& [id, _] : cited)
        ids.insert(id);
    if (ids.empty())
        return {};

    std::string out = "<h2>Clauses</h2>\n<p class=\"meta\">Every clause the cases cite, with the cases that test it, "
                      "coloured by status (the worst first in the status column).</p>\n"
                      "<table class=\"clauses\"><tr><th>clause</th><th>status</th><th>level</th><th>area</th><th>seed</th>"
                      "<th>statement</th><th>cases</th></tr>\n";
    std::size_t k = 0;
    for (auto const& id : ids) {
        auto const found = known.find(id);
        auto const* info = found == known.end() ? nullptr : found->second;
        auto const& cases = cited[id];
        std::set<std::string> row_areas;
        if (info && !info->area.empty())
            row_areas.insert(a.of("area: " + info->area));
        std::optional<status> worst;
        std::string chips;
        for (auto i : cases) {
            auto const& c = r.cases[i];
            worst = worst ? detail::worse(*worst, c.result) : c.result;
            row_areas.insert(case_areas[i].begin(), case_areas[i].end());
            chips += fmt::format("<a class=\"chip {}\" href=\"#case-{}\" data-status=\"{}\" data-areas=\"{}\" title=\"{}: {}\">{}</a>",
                                 status_class(c.result), i, to_string(c.result), join_tokens(case_areas[i]),
                                 to_string(c.result), html_escape(c.id), html_escape(c.id));
        }
        out += fmt::format("<tr id=\"clause-{}\" data-areas=\"{}\"><td><code>{}</code></td><td>{}</td>", k++,
                           join_tokens(row_areas), html_escape(id), worst ? status_badge(*worst) : "");
        if (info)
            out += fmt::format("<td>{}</td><td>{}</td><td>{}</td><td>{}</td>", html_escape(info->level),
                               html_escape(info->area), html_escape(info->seed), html_escape(info->statement));
        else
            out += "<td colspan=\"4\" class=\"meta\">(not in this report's clause list)</td>";
        out += "<td>" + chips + "</td></tr>\n";
    }
    return out + "</table>\n";
}

/// What the deviation section and the case entries link by.
struct page_index {
    std::map<std::string, std::size_t> case_index;    // case id -> its position in r.cases ("case-N")
    std::map<std::string, std::size_t> clause_row;    // clause id -> its row in the clause table ("clause-N")
    std::vector<deviation> deviations;                // "dev-N"
    std::map<std::string, std::vector<std::size_t>> by_case; // case id -> its deviations
};

std::string case_chip(run_report const& r, page_index const& ix, std::string const& id)
{
    auto const it = ix.case_index.find(id);
    if (it == ix.case_index.end())
        return "<code>" + html_escape(id) + "</code> ";
    auto const& c = r.cases[it->second];
    return fmt::format("<a class=\"chip {}\" href=\"#case-{}\" title=\"{}: {}\">{}</a>", status_class(c.result), it->second,
                       to_string(c.result), html_escape(id), html_escape(id));
}

std::string case_chips(run_report const& r, page_index const& ix, std::vector<std::string> const& ids)
{
    std::string out;
    for (std::size_t k = 0; k < ids.size() && k < chips_shown; ++k)
        out += case_chip(r, ix, ids[k]);
    if (ids.size() > chips_shown) {
        out += fmt::format("<details class=\"more\"><summary>{} more</summary>", ids.size() - chips_shown);
        for (std::size_t k = chips_shown; k < ids.size(); ++k)
            out += case_chip(r, ix, ids[k]);
        out += "</details>";
    }
    return out;
}

std::string deviation_item(run_report const& r, page_index const& ix, std::size_t n, std::size_t rank,
                           std::map<std::string, clause_info const*> const& known)
{
    auto const& d = ix.deviations[n];
    std::string out = fmt::format("<li class=\"dev\" id=\"dev-{}\"><strong class=\"headline\">{}</strong>\n<details{}><summary><code>{}</code>",
                                  n, html_escape(d.headline()), rank < deviations_open ? " open" : "", html_escape(d.id));
    if (!d.invariant.empty())
        out += " · global invariant <code>" + html_escape(d.invariant) + "</code>";
    if (!d.level.empty())
        out += " · " + html_escape(d.level);
    out += fmt::format(" · {} case(s): {} decided, {} also seen</summary>\n<table class=\"dev\">",
                       d.case_count(), d.cases.size(), d.seen_in.size());
    out += "<tr><th>clauses</th><td>";
    for (auto const& id : d.clauses) {
        auto const it = known.find(id);
        auto const row = ix.clause_row.find(id);
        out += "<div>" + (row == ix.clause_row.end()
                              ? "<code>" + html_escape(id) + "</code>"
                              : fmt::format("<a href=\"#clause-{}\"><code>{}</code></a>", row->second, html_escape(id)));
        if (it != known.end()) {
            auto const& c = *it->second;
            out += " " + html_escape(c.level) + ": " + html_escape(c.statement);
            if (!c.seed.empty())
                out += " <span class=\"meta\">— " + html_escape(c.seed) +
                       (c.quote.empty() ? "" : ": “" + html_escape(c.quote) + "”") + "</span>";
        }
        out += "</div>";
    }
    out += "</td></tr>\n";
    if (d.host_limit)
        out += "<tr><th>limit of the host</th><td>" + html_escape(d.host_limit_reason) + "</td></tr>\n";
    out += "<tr><th>expected</th><td>" + html_escape(d.expected) + "</td></tr>\n<tr><th>observed</th><td>";
    for (auto const& o : d.observed)
        out += "<div class=\"observed\">" + html_escape(utf8_cut(o, check_text_chars)) + "</div>";
    out += "</td></tr>\n";
    if (!d.cases.empty())
        out += "<tr><th>decided</th><td>" + case_chips(r, ix, d.cases) + "</td></tr>\n";
    if (!d.seen_in.empty())
        out += "<tr><th>also seen in</th><td>" + case_chips(r, ix, d.seen_in) + "</td></tr>\n";
    if (!d.example_case.empty()) {
        auto const it = ix.case_index.find(d.example_case);
        out += "<tr><th>example</th><td>" +
               (it == ix.case_index.end() ? "<code>" + html_escape(d.example_case) + "</code>"
                                          : fmt::format("<a class=\"example\" href=\"#case-{}\">{}</a> (its sequence diagram)",
                                                        it->second, html_escape(d.example_case))) +
               " at <code>" + html_escape(d.example_where) + "</code>";
        if (!d.excerpt.empty()) {
            std::string lines;
            for (auto const& line : d.excerpt)
                lines += utf8_cut(line, trace_line_chars) + "\n";
            out += fmt::format("<details><summary>trace excerpt ({} entries)</summary><pre>{}</pre></details>", d.excerpt.size(),
                               html_escape(lines));
        }
        out += "</td></tr>\n";
    }
    return out + "</table></details></li>\n";
}

/// The deviations, before anything but the header: what the team can fix, then the host's limits.
std::string deviation_section(run_report const& r, page_index const& ix)
{
    if (ix.deviations.empty() && failing_cases(r) == 0)
        return {};
    std::map<std::string, clause_info const*> known;
    for (auto const& c : r.clauses)
        known.emplace(c.id, &c);
    auto const parts = detail::split(ix.deviations);
    std::string out = "<section id=\"deviations\"><h2>" + html_escape(deviations_summary(r, ix.deviations)) + "</h2>\n";
    out += "<p class=\"meta\">Failing checks grouped by cause, the most cases first. “Decided”: the cases whose status it "
           "gave; “also seen”: cases where it failed a check about a clause the case does not cite.</p>\n";
    if (!parts.fixable.empty()) {
        out += "<ol class=\"devs\">\n";
        for (std::size_t k = 0; k < parts.fixable.size(); ++k)
            out += deviation_item(r, ix, parts.fixable[k], k, known);
        out += "</ol>\n";
    }
    if (!parts.host_limits.empty()) {
        out += "<h3>Limits of the host</h3>\n<p class=\"meta\">What the IUT's host (" +
               html_escape(detail::text_field(r.info.iut, "host", "?")) +
               ") cannot do otherwise, whatever the platform does.</p>\n<ol class=\"devs host\">\n";
        for (std::size_t k = 0; k < parts.host_limits.size(); ++k)
            out += deviation_item(r, ix, parts.host_limits[k], k, known);
        out += "</ol>\n";
    }
    return out + "</section>\n";
}

/// Every check of a case as a table, failing rows marked; open when one counts.
std::string checks_table(case_result const& c)
{
    if (c.checks.empty())
        return {};
    auto const failing = detail::counting_failures(c).size();
    auto const also = c.also_seen().size();
    auto const skipped = detail::not_run(c);
    std::string out = fmt::format("<details class=\"checks\"{}><summary>checks: {}", failing ? " open" : "", c.checks.size());
    std::vector<std::string> parts;
    if (failing)
        parts.push_back(fmt::format("{} failing", failing));
    if (also)
        parts.push_back(fmt::format("{} also seen", also));
    if (skipped)
        parts.push_back(fmt::format("{} not run", skipped));
    if (!parts.empty())
        out += " (" + detail::join(parts, ", ") + ")";
    out += "</summary>\n<table class=\"checks\"><tr><th>result</th><th>kind</th><th>check</th><th>clauses</th>"
           "<th>expected</th><th>actual</th></tr>\n";
    for (auto const& k : c.checks) {
        auto const v = detail::verdict(k);
        auto const cls = v == "fail" ? "s-fail" : v == "error" ? "s-error" : v == "timeout" ? "s-timeout"
                         : v == "pass" || v == "held" ? "s-pass" : "s-skip";
        // Most checks test the case's own clauses: say so rather than repeat them on every row.
        auto const own = k.clauses == c.clauses;
        std::vector<std::string> ids;
        for (auto const& id : k.clauses)
            ids.push_back("<code>" + html_escape(id) + "</code>");
        // A step's or expectation's place in the case's own file: the pointer is enough.
        auto where = k.where;
        if (auto const hash = where.find('#'); hash != std::string::npos && where.compare(0, hash, c.file) == 0)
            where = where.substr(hash);
        out += fmt::format("<tr class=\"check{}\"><td><span class=\"st {}\">{}</span></td><td>{}</td><td>{} <code title=\"{}\">{}</code>"
                           "{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                           v == "fail" || v == "error" || v == "timeout" ? " failing"
                           : v == "also seen" || v == "not held"          ? " seen"
                                                                          : "",
                           cls, v, to_string(k.kind),
                           html_escape(utf8_cut(k.title, summary_message_chars)), html_escape(k.where), html_escape(where),
                           k.grade ? " <span class=\"meta\">(gives " + std::string(to_string(*k.grade)) + ")</span>" : "",
                           own && !ids.empty() ? "<span class=\"meta\">the case's</span>" : detail::join(ids, "<br>"),
                           html_escape(utf8_cut(k.expected, check_text_chars)), html_escape(utf8_cut(k.actual, check_text_chars)));
    }
    return out + "</table></details>\n";
}

std::string case_entry(run_report const& r, std::size_t i, std::set<std::string> const& tokens, page_index const& ix)
{
    auto const& clause_row = ix.clause_row;
    auto const& c = r.cases[i];
    std::string out = fmt::format("<details class=\"case{}\" id=\"case-{}\" data-status=\"{}\" data-areas=\"{}\">\n<summary>{} "
                                  "<code>{}</code> {}",
                                  c.unexpected ? " unexpected" : "", i, to_string(c.result), join_tokens(tokens),
                                  status_badge(c.result), html_escape(c.id), html_escape(c.title));
    if (c.unexpected)
        out += " <strong>unexpected</strong>";
    if (!c.message.empty())
        out += " <span class=\"meta\">— " + html_escape(utf8_cut(c.message, summary_message_chars)) + "</span>";
    auto const also = c.also_seen();
    if (!also.empty()) {
        std::vector<std::string> ids;
        for (auto const* k : also)
            ids.push_back(html_escape(k->where));
        out += " <span class=\"also\">also seen: " + detail::join(ids, ", ") + "</span>";
    }
    out += "</summary>\n<p class=\"meta\">";
    out += fmt::format("suite {} · <code>{}</code> · {:.1f} ms", html_escape(c.suite), html_escape(c.file), c.duration_ms);
    if (!c.clauses.empty()) {
        out += " · clauses";
        for (auto const& id : c.clauses) {
            auto it = clause_row.find(id);
            out += it == clause_row.end() ? " <code>" + html_escape(id) + "</code>"
                                          : fmt::format(" <a href=\"#clause-{}\"><code>{}</code></a>", it->second, html_escape(id));
        }
    }
    if (!c.outcome.empty())
        out += " · outcome: " + html_escape(c.outcome);
    if (!c.expected.empty())
        out += " · expected: " + html_escape(c.expected) + (c.expected_reason.empty() ? "" : " (" + html_escape(c.expected_reason) + ")");
    out += "</p>\n";
    if (c.failed)
        out += "<table class=\"failure\"><tr><th>where</th><td><code>" + html_escape(c.failed->where) +
               "</code></td></tr><tr><th>expected</th><td>" + html_escape(c.failed->expected) +
               "</td></tr><tr><th>actual</th><td>" + html_escape(c.failed->actual) + "</td></tr></table>\n";
    else if (!c.message.empty())
        out += "<p class=\"message\">" + html_escape(c.message) + "</p>\n";
    if (auto const it = ix.by_case.find(c.id); it != ix.by_case.end()) {
        out += "<p class=\"devlinks\">deviations:";
        for (auto n : it->second)
            out += fmt::format(" <a href=\"#dev-{}\">{}</a>", n, html_escape(ix.deviations[n].id));
        out += "</p>\n";
    }
    out += checks_table(c);
    out += "<div class=\"diagram\">" + detail::sequence_diagram(c) + "</div>\n";
    if (!c.trace.empty()) {
        std::string lines;
        for (auto const& e : c.trace)
            lines += utf8_cut(trace_line(e), trace_line_chars) + "\n";
        out += fmt::format("<details><summary>trace as text ({} entries)</summary><pre>{}</pre></details>\n", c.trace.size(),
                           html_escape(lines));
    }
    if (!c.wire.empty()) {
        std::string lines;
        for (auto const& w : c.wire)
            lines += utf8_cut(detail::one_line(w), wire_record_chars) + "\n";
        out += fmt::format("<details><summary>wire records ({})</summary><pre>{}</pre></details>\n", c.wire.size(),
                           html_escape(lines));
    }
    return out + "</details>\n";
}

} // namespace

void write_html(run_report const& r, std::ostream& out)
{
    // Area tokens: suites first (sorted), then clause areas, so the menu reads in that order.
    areas a;
    std::map<std::string, clause_info const*> known;
    for (auto const& c : r.clauses)
        known.emplace(c.id, &c);
    std::set<std::string> suites, clause_areas;
    for (auto const& c : r.cases) {
        suites.insert(c.suite);
        for (auto const& id : c.clauses)
            if (auto it = known.find(id); it != known.end() && !it->second->area.empty())
                clause_areas.insert(it->second->area);
    }
    for (auto const& s : r.clauses)
        if (!s.area.empty())
            clause_areas.insert(s.area);
    for (auto const& s : suites)
        a.of("suite: " + s);
    for (auto const& s : clause_areas)
        a.of("area: " + s);
    std::vector<std::set<std::string>> case_areas(r.cases.size());
    for (std::size_t i = 0; i < r.cases.size(); ++i) {
        case_areas[i].insert(a.of("suite: " + r.cases[i].suite));
        for (auto const& id : r.cases[i].clauses)
            if (auto it = known.find(id); it != known.end() && !it->second->area.empty())
                case_areas[i].insert(a.of("area: " + it->second->area));
    }

    page_index ix;
    ix.deviations = deviations_of(r);
    ix.by_case = detail::deviations_by_case(ix.deviations);
    for (std::size_t i = 0; i < r.cases.size(); ++i)
        ix.case_index.emplace(r.cases[i].id, i);
    auto& clause_row = ix.clause_row; // the clause table numbers its rows in id order
    {
        std::set<std::string> ids;
        for (auto const& c : r.clauses)
            ids.insert(c.id);
        for (auto const& c : r.cases)
            ids.insert(c.clauses.begin(), c.clauses.end());
        for (auto const& id : ids)
            clause_row.emplace(id, clause_row.size());
    }
    std::string body = header(r) + deviation_section(r, ix) + suite_table(r) + filters(r, a);
    body += clause_matrix(r, case_areas, a);
    std::vector<std::size_t> order(r.cases.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t x, std::size_t y) { return reading_order(r.cases[x]) < reading_order(r.cases[y]); });
    body += "<h2>Cases</h2>\n<p class=\"meta\">Unexpected and failing cases first. Open a case for where it failed and "
            "its trace as a sequence diagram (test ↔ IUT ↔ server; callbacks in blue, the echo servers' records in "
            "purple, their times, marked ~, on the servers' clock aligned at the first connect call).</p>\n";
    for (auto i : order)
        body += case_entry(r, i, case_areas[i], ix);
    if (!r.bench.is_null())
        body += detail::bench_section(r.bench);

    detail::write_page(out,
                       "sockconf: " + detail::text_field(r.info.iut, "name", "?") + " " +
                           detail::text_field(r.info.iut, "version", ""),
                       body);
}

void write_bench_html(json const& bench, std::ostream& out)
{
    auto body = detail::bench_section(bench);
    if (body.empty())
        body = "<h2>Benchmarks</h2>\n<p>No results.</p>\n";
    detail::write_page(out, "sockconf bench", "<h1>sockconf bench</h1>\n" + body);
}

} // namespace sockconf::reports
