#include <sockconf/reports/deviations.hpp>
#include <sockconf/reports/html_writer.hpp>
#include <sockconf/reports/markdown_writer.hpp>
#include <sockconf/reports/matrix.hpp>

#include "detail/html_page.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

namespace sockconf::reports {

namespace {

using cells = std::vector<std::optional<status>>; // one per run; nullopt: not in that run

struct case_row {
    std::string id, title;
    cells statuses;
};

struct deviation_row {
    std::string id, level, headline; // headline and level from the first run that has it
    std::vector<std::optional<std::size_t>> cases; // per run: cases it was seen in; nullopt: not seen
    std::vector<bool> host_limit;                  // per run: a limit of that run's host
};

/// One platform (IUT and profile) run in more than one browser engine: its columns, and the
/// cases whose status is not the same in all of them.
struct engine_group {
    std::string platform;                // "NAME VERSION (profile)"
    std::vector<std::size_t> runs;       // its columns, in run order
    std::vector<case_row const*> differ; // into matrix::suites
    std::string heading;                 // "P: 2 case(s) differ between chromium 140 and firefox 153"
};

struct clause_row {
    std::string id, level, area, statement;
    std::set<std::string> suites; // of the cases citing it, in any run
    cells worst;
};

/// A relative link, percent-encoded but for letters, digits and -._~/#.
std::string safe_link(std::string_view link)
{
    std::string out;
    for (unsigned char c : link) {
        if (std::isalnum(c) || std::string_view("-._~/#").find(static_cast<char>(c)) != std::string_view::npos)
            out += static_cast<char>(c);
        else
            out += fmt::format("%{:02X}", c);
    }
    return out;
}

bool same_everywhere(cells const& c)
{
    return std::adjacent_find(c.begin(), c.end(), std::not_equal_to<>()) == c.end();
}

/// What both formats show, computed once.
struct matrix {
    std::vector<std::string> columns;
    std::map<std::string, std::vector<case_row>> suites; // suite -> its cases, by id
    std::vector<clause_row> clauses;                     // by id
    /// Every deviation of any run: seen in most runs first, then in most cases, then by id.
    std::vector<deviation_row> deviations;
    /// The platforms that ran in several engines (columns side by side, a row per case that
    /// differs between them), and the ids of those cases, marked in the case tables.
    std::vector<engine_group> engines;
    std::set<std::string> engine_differs;
    /// Case group (the id's first two parts, "ws.close") -> per run: passing, run
    /// (run: neither SKIP nor UNIMPLEMENTED; passing: PASS, NON-STRICT, INFORMATIONAL).
    std::map<std::string, std::vector<std::pair<int, int>>> groups;

    explicit matrix(std::vector<run_report> const& runs)
    {
        // Column names: the IUT and the engine it ran in; the profile too when two runs would
        // read the same.
        std::map<std::string, int> seen;
        for (auto const& r : runs)
            ++seen[column_name(r)];
        for (auto const& r : runs)
            columns.push_back(seen[column_name(r)] > 1 ? column_name(r) + " (" + r.info.profile + ")" : column_name(r));

        std::map<std::string, std::pair<std::string, case_row>> cases; // id -> suite, row
        std::map<std::string, clause_row> by_clause;
        for (std::size_t k = 0; k < runs.size(); ++k) {
            for (auto const& c : runs[k].clauses) {
                auto& row = by_clause[c.id];
                row.id = c.id;
                if (row.level.empty()) {
                    row.level = c.level;
                    row.area = c.area;
                    row.statement = c.statement;
                }
            }
            for (auto const& c : runs[k].cases) {
                auto& g = groups[group_of(c.id)];
                g.resize(runs.size());
                if (c.result != status::skip && c.result != status::unimplemented) {
                    ++g[k].second;
                    g[k].first += c.result == status::pass || c.result == status::non_strict ||
                                  c.result == status::informational;
                }
                auto [it, added] = cases.try_emplace(c.id, c.suite, case_row{c.id, c.title, cells(runs.size())});
                it->second.second.statuses[k] = c.result;
                for (auto const& id : c.clauses) {
                    auto& row = by_clause[id];
                    row.id = id;
                    row.suites.insert(c.suite);
                    if (row.worst.empty())
                        row.worst.resize(runs.size());
                    row.worst[k] = row.worst[k] ? detail::worse(*row.worst[k], c.result) : c.result;
                }
            }
        }
        for (auto& [id, entry] : cases)
            suites[entry.first].push_back(std::move(entry.second));
        group_engines(runs);
        for (auto& [id, row] : by_clause) {
            row.worst.resize(runs.size());
            clauses.push_back(std::move(row));
        }
        std::map<std::string, deviation_row> by_dev;
        for (std::size_t k = 0; k < runs.size(); ++k)
            for (auto const& d : deviations_of(runs[k])) {
                auto& row = by_dev[d.id];
                if (row.id.empty()) {
                    row = {d.id, d.level, d.headline(), std::vector<std::optional<std::size_t>>(runs.size()),
                           std::vector<bool>(runs.size())};
                }
                row.cases[k] = d.case_count();
                row.host_limit[k] = d.host_limit;
            }
        for (auto& [id, row] : by_dev)
            deviations.push_back(std::move(row));
        auto runs_of = [](deviation_row const& r) { return std::count_if(r.cases.begin(), r.cases.end(), [](auto c) { return c.has_value(); }); };
        auto total = [](deviation_row const& r) {
            std::size_t n = 0;
            for (auto c : r.cases)
                n += c.value_or(0);
            return n;
        };
        std::stable_sort(deviations.begin(), deviations.end(), [&](deviation_row const& x, deviation_row const& y) {
            if (runs_of(x) != runs_of(y))
                return runs_of(x) > runs_of(y);
            return total(x) > total(y); // ties stay in id order
        });
    }

    /// The runs of one IUT under one profile in two or more engines, and where they differ.
    void group_engines(std::vector<run_report> const& runs)
    {
        std::map<std::string, std::size_t> by_platform; // platform -> index in engines
        for (std::size_t k = 0; k < runs.size(); ++k) {
            if (!runs[k].info.engine.known())
                continue;
            auto const platform = iut_name(runs[k]) + " (" + runs[k].info.profile + ")";
            auto [it, added] = by_platform.try_emplace(platform, engines.size());
            if (added)
                engines.push_back({platform, {}, {}});
            engines[it->second].runs.push_back(k);
        }
        std::erase_if(engines, [&](engine_group const& g) {
            std::set<std::string> labels;
            for (auto k : g.runs)
                labels.insert(runs[k].info.engine.label());
            return labels.size() < 2;
        });
        for (auto& g : engines) {
            for (auto const& [suite, rows] : suites)
                for (auto const& row : rows) {
                    cells mine;
                    for (auto k : g.runs)
                        mine.push_back(row.statuses[k]);
                    if (!same_everywhere(mine)) {
                        g.differ.push_back(&row);
                        engine_differs.insert(row.id);
                    }
                }
            std::string list; // "chromium 140 and firefox 153"
            for (std::size_t i = 0; i < g.runs.size(); ++i)
                list += (i == 0 ? "" : i + 1 == g.runs.size() ? " and " : ", ") + runs[g.runs[i]].info.engine.label();
            g.heading = g.platform + ": " + (g.differ.empty() ? "no case differs" : std::to_string(g.differ.size()) + " case(s) differ") +
                        " between " + list;
        }
    }

    static std::string column_name(run_report const& r)
    {
        return r.info.engine.known() ? iut_name(r) + " on " + r.info.engine.label() : iut_name(r);
    }

    static std::string group_of(std::string const& id)
    {
        auto const first = id.find('.');
        return first == std::string::npos ? id : id.substr(0, id.find('.', first + 1));
    }

    static std::string iut_name(run_report const& r)
    {
        auto name = detail::text_field(r.info.iut, "name", "?");
        auto const version = detail::text_field(r.info.iut, "version", "");
        return version.empty() ? name : name + " " + version;
    }
};

/// Number of statuses (the size of run_report::counts()).
std::size_t const status_count = run_report{}.counts().size();

std::string const legend =
    "Cases are grouped by suite; those with the same status in every run are folded together. A clause's "
    "status in a run is the worst of the cases citing it (FAIL > TIMEOUT > ERROR > UNIMPLEMENTED > NON-STRICT > "
    "INFORMATIONAL > PASS > SKIP); – : not in that run.";

std::string const deviation_legend =
    "Each run's failing checks grouped by cause (its report.md lists them in full, with the clauses and an example): "
    "a cell is the number of cases the deviation was seen in on that run (deciding their status or only seen); "
    "– : not seen; (host): a limit of that run's host, not something its team can fix.";

std::string const engine_legend =
    "A platform run in more than one browser engine: its code is the same in each column, the browser under it is "
    "not. These are the cases whose status differs between its engines; the case tables below mark them "
    "(engines differ).";

bool any_engine(std::vector<run_report> const& runs)
{
    return std::any_of(runs.begin(), runs.end(), [](run_report const& r) { return r.info.engine.known(); });
}

std::string md_cell(std::optional<status> s)
{
    if (!s)
        return "–";
    // Bold what failed; UNIMPLEMENTED (a capability the IUT lacks) stays plain, or a
    // browser platform's TCP rows would shout.
    auto const failed = *s == status::fail || *s == status::error || *s == status::timeout;
    return failed ? "**" + std::string(to_string(*s)) + "**" : std::string(to_string(*s));
}

std::string md_table_head(std::string const& first, std::vector<std::string> const& columns)
{
    std::string out = "| " + first + " |";
    std::string rule = "| --- |";
    for (auto const& c : columns) {
        out += " " + md_escape(c) + " |";
        rule += " --- |";
    }
    return out + "\n" + rule + "\n";
}

/// The rows that differ as a table, the rest folded in <details>.
template <class Row, class Label, class Cells>
void md_rows(std::vector<Row> const& rows, std::vector<std::string> const& columns, std::string const& first,
             std::string const& noun, Label label, Cells cells_of, std::ostream& out)
{
    std::vector<Row const*> differ, same;
    for (auto const& r : rows)
        (same_everywhere(cells_of(r)) ? same : differ).push_back(&r);
    if (!differ.empty()) {
        out << md_table_head(first, columns);
        for (auto const* r : differ) {
            out << "| " << label(*r) << " |";
            for (auto const& s : cells_of(*r))
                out << " " << md_cell(s) << " |";
            out << "\n";
        }
        out << "\n";
    }
    if (!same.empty()) {
        out << "<details><summary>" << same.size() << " " << noun << " with the same status in every run</summary>\n\n"
            << "| " << first << " | status |\n| --- | --- |\n";
        for (auto const* r : same)
            out << "| " << label(*r) << " | " << md_cell(cells_of(*r).empty() ? std::optional<status>() : cells_of(*r).front())
                << " |\n";
        out << "\n</details>\n\n";
    }
}

} // namespace

void write_matrix_markdown(std::vector<run_report> const& runs, std::ostream& out, std::vector<std::string> const& links)
{
    matrix const m(runs);
    out << "# Compatibility matrix\n\n" << runs.size() << " run(s) side by side. " << legend << "\n\n";
    out << "|  |";
    for (std::size_t i = 0; i < m.columns.size(); ++i)
        out << " " << (i < links.size() && !links[i].empty() ? "[" + md_escape(m.columns[i]) + "](" + safe_link(links[i]) + ")"
                                                             : md_escape(m.columns[i]))
            << " |";
    out << "\n| --- |";
    for (std::size_t i = 0; i < m.columns.size(); ++i)
        out << " ---: |";
    out << "\n";
    auto row = [&](std::string const& label, auto value) {
        out << "| " << label << " |";
        for (auto const& r : runs)
            out << " " << value(r) << " |";
        out << "\n";
    };
    row("profile", [](run_report const& r) { return md_escape(r.info.profile); });
    if (any_engine(runs))
        row("engine", [](run_report const& r) { return r.info.engine.known() ? md_escape(r.info.engine.label()) : "–"; });
    row("cases", [](run_report const& r) { return std::to_string(r.cases.size()); });
    for (std::size_t i = 0; i < status_count; ++i)
        row(std::string(to_string(static_cast<status>(i))), [i](run_report const& r) { return std::to_string(r.counts()[i]); });
    row("unexpected", [](run_report const& r) {
        return r.info.expectations.empty() ? std::string("–") : std::to_string(r.unexpected());
    });
    out << "\n## By case group (passing / run)\n\n" << md_table_head("group", m.columns);
    for (auto const& [group, counts] : m.groups) {
        out << "| " << md_escape(group) << " |";
        for (auto [passing, run] : counts)
            out << " " << (run == 0 ? std::string("–") : fmt::format("{} / {}", passing, run)) << " |";
        out << "\n";
    }
    if (!m.deviations.empty()) {
        out << "\n## Deviations (cases per run)\n\n" << deviation_legend << "\n\n" << md_table_head("deviation", m.columns);
        for (auto const& d : m.deviations) {
            out << "| `" << d.id << "`" << (d.level.empty() ? "" : " " + md_escape(d.level)) << ": " << md_escape(d.headline) << " |";
            for (std::size_t k = 0; k < d.cases.size(); ++k)
                out << " " << (d.cases[k] ? std::to_string(*d.cases[k]) + (d.host_limit[k] ? " (host)" : "") : std::string("–"))
                    << " |";
            out << "\n";
        }
    }
    if (!m.engines.empty()) {
        out << "\n## Where the engine matters\n\n" << engine_legend << "\n";
        for (auto const& g : m.engines) {
            out << "\n### " << md_escape(g.heading) << "\n";
            if (g.differ.empty())
                continue;
            out << "\n| case |";
            for (auto k : g.runs)
                out << " " << md_escape(runs[k].info.engine.label()) << " |";
            out << "\n| --- |";
            for (std::size_t i = 0; i < g.runs.size(); ++i)
                out << " --- |";
            out << "\n";
            for (auto const* r : g.differ) {
                out << "| " << md_escape(r->id) << " |";
                for (auto k : g.runs)
                    out << " " << md_cell(r->statuses[k]) << " |";
                out << "\n";
            }
        }
    }
    out << "\n## Cases\n\n";
    for (auto const& [suite, rows] : m.suites) {
        auto const differ = std::count_if(rows.begin(), rows.end(), [](case_row const& r) { return !same_everywhere(r.statuses); });
        out << "### " << md_escape(suite.empty() ? "(no suite)" : suite) << ": " << rows.size() << " case(s), " << differ
            << " differ\n\n";
        md_rows(rows, m.columns, "case", "case(s)",
                [&m](case_row const& r) { return md_escape(r.id) + (m.engine_differs.count(r.id) ? " (engines differ)" : ""); },
                [](case_row const& r) -> cells const& { return r.statuses; }, out);
    }
    if (!m.clauses.empty()) {
        out << "## Clauses\n\n";
        md_rows(m.clauses, m.columns, "clause", "clause(s)",
                [](clause_row const& r) { return md_escape(r.id) + (r.level.empty() ? "" : " (" + md_escape(r.level) + ")"); },
                [](clause_row const& r) -> cells const& { return r.worst; }, out);
    }
}

namespace {

std::string html_cell(std::optional<status> s)
{
    if (!s)
        return "<td class=\"cell\"><span class=\"st s-none\">–</span></td>";
    return fmt::format("<td class=\"cell\"><span class=\"st {}\">{}</span></td>", detail::status_class(*s), to_string(*s));
}

std::string html_head_row(std::string const& first, std::vector<std::string> const& columns)
{
    std::string out = "<tr><th>" + first + "</th>";
    for (auto const& c : columns)
        out += "<th>" + html_escape(c) + "</th>";
    return out + "</tr>\n";
}

} // namespace

void write_matrix_html(std::vector<run_report> const& runs, std::ostream& out, std::vector<std::string> const& links)
{
    matrix const m(runs);
    std::map<std::string, std::string> token; // suite -> "aN" (no report string reaches the script)
    for (auto const& [suite, _] : m.suites)
        token.emplace(suite, "a" + std::to_string(token.size()));

    std::string body = fmt::format("<h1>Compatibility matrix</h1>\n<p class=\"meta\">{} run(s) side by side. {}</p>\n",
                                   runs.size(), html_escape(legend));
    body += "<table class=\"matrix\"><tr><th></th>";
    for (std::size_t i = 0; i < m.columns.size(); ++i)
        body += i < links.size() && !links[i].empty()
                    ? "<th><a href=\"" + safe_link(links[i]) + "\">" + html_escape(m.columns[i]) + "</a></th>"
                    : "<th>" + html_escape(m.columns[i]) + "</th>";
    body += "</tr>\n";
    auto row = [&](std::string const& label, auto value) {
        body += "<tr><th>" + label + "</th>";
        for (auto const& r : runs)
            body += "<td class=\"num\">" + value(r) + "</td>";
        body += "</tr>\n";
    };
    row("profile", [](run_report const& r) { return "<code>" + html_escape(r.info.profile) + "</code>"; });
    if (any_engine(runs))
        row("engine", [](run_report const& r) {
            return r.info.engine.known() ? "<span title=\"" + html_escape(r.info.engine.user_agent) + "\">" +
                                               html_escape(r.info.engine.label()) + "</span>"
                                         : std::string("–");
        });
    row("cases", [](run_report const& r) { return std::to_string(r.cases.size()); });
    for (std::size_t i = 0; i < status_count; ++i) {
        auto const s = static_cast<status>(i);
        row(fmt::format("<span class=\"st {}\">{}</span>", detail::status_class(s), to_string(s)),
            [i](run_report const& r) { return std::to_string(r.counts()[i]); });
    }
    row("unexpected", [](run_report const& r) {
        return r.info.expectations.empty() ? std::string("–") : std::to_string(r.unexpected());
    });
    body += "</table>\n<div class=\"filters\"><label>suite <select id=\"filter-area\"><option value=\"\">all</option>";
    for (auto const& [suite, t] : token)
        body += "<option value=\"" + t + "\">" + html_escape(suite) + "</option>";
    body += "</select></label> <label><input type=\"checkbox\" id=\"filter-differ\" checked> only rows that differ</label> "
            "<span id=\"filter-shown\" class=\"meta\"></span></div>\n";
    body += "<h2>By case group (passing / run)</h2>\n<table class=\"matrix\">" + html_head_row("group", m.columns);
    for (auto const& [group, counts] : m.groups) {
        body += "<tr><td><code>" + html_escape(group) + "</code></td>";
        for (auto [passing, run] : counts)
            body += "<td class=\"num\">" + (run == 0 ? std::string("–") : fmt::format("{} / {}", passing, run)) + "</td>";
        body += "</tr>\n";
    }
    body += "</table>\n";
    if (!m.deviations.empty()) {
        body += "<h2>Deviations (cases per run)</h2>\n<p class=\"meta\">" + html_escape(deviation_legend) +
                "</p>\n<table class=\"matrix\">" + html_head_row("deviation", m.columns);
        for (auto const& d : m.deviations) {
            body += fmt::format("<tr class=\"deviation\"><td><code>{}</code> {} <span class=\"hl\">{}</span></td>",
                                html_escape(d.id), html_escape(d.level), html_escape(d.headline));
            for (std::size_t k = 0; k < d.cases.size(); ++k)
                body += !d.cases[k] ? std::string("<td class=\"cell\"><span class=\"st s-none\">–</span></td>")
                                    : fmt::format("<td class=\"num\">{}{}</td>", *d.cases[k],
                                                  d.host_limit[k] ? " <span class=\"meta\">(host)</span>" : "");
            body += "</tr>\n";
        }
        body += "</table>\n";
    }
    if (!m.engines.empty()) {
        body += "<h2>Where the engine matters</h2>\n<p class=\"meta\">" + html_escape(engine_legend) + "</p>\n";
        for (auto const& g : m.engines) {
            body += "<h3>" + html_escape(g.heading) + "</h3>\n";
            if (g.differ.empty())
                continue;
            body += "<table class=\"matrix\"><tr><th>case</th>";
            for (auto k : g.runs)
                body += "<th>" + html_escape(runs[k].info.engine.label()) + "</th>";
            body += "</tr>\n";
            for (auto const* r : g.differ) {
                body += "<tr class=\"engine-differs\"><td><code title=\"" + html_escape(r->title) + "\">" + html_escape(r->id) +
                        "</code></td>";
                for (auto k : g.runs)
                    body += html_cell(r->statuses[k]);
                body += "</tr>\n";
            }
            body += "</table>\n";
        }
    }
    body += "<h2>Cases</h2>\n";
    for (auto const& [suite, rows] : m.suites) {
        auto const differ = std::count_if(rows.begin(), rows.end(), [](case_row const& r) { return !same_everywhere(r.statuses); });
        body += fmt::format("<h3>{}: {} case(s), {} differ</h3>\n<table class=\"matrix\">", html_escape(suite.empty() ? "(no suite)" : suite),
                            rows.size(), differ) +
                html_head_row("case", m.columns);
        for (auto const& r : rows) {
            body += fmt::format("<tr class=\"case\" data-areas=\"{}\"{}><td><code title=\"{}\">{}</code>{}</td>", token[suite],
                                same_everywhere(r.statuses) ? " data-same" : "", html_escape(r.title), html_escape(r.id),
                                m.engine_differs.count(r.id) ? " <span class=\"meta\">(engines differ)</span>" : "");
            for (auto const& s : r.statuses)
                body += html_cell(s);
            body += "</tr>\n";
        }
        body += "</table>\n";
    }
    if (!m.clauses.empty()) {
        body += "<h2>Clauses</h2>\n<table class=\"matrix\">" + html_head_row("clause", m.columns);
        for (auto const& c : m.clauses) {
            std::string areas;
            for (auto const& s : c.suites)
                areas += (areas.empty() ? "" : " ") + token[s];
            body += fmt::format("<tr class=\"clause\" data-areas=\"{}\"{}><td><code title=\"{}\">{}</code> {}</td>", areas,
                                same_everywhere(c.worst) ? " data-same" : "",
                                html_escape(c.area.empty() ? c.statement : c.area + ": " + c.statement), html_escape(c.id),
                                html_escape(c.level));
            for (auto const& s : c.worst)
                body += html_cell(s);
            body += "</tr>\n";
        }
        body += "</table>\n";
    }
    detail::write_page(out, "sockconf: compatibility matrix", body);
}

} // namespace sockconf::reports
