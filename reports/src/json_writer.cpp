#include <sockconf/reports/deviations.hpp>
#include <sockconf/reports/json_writer.hpp>

namespace sockconf::reports {

namespace {

json check_json(check_result const& k)
{
    json j = {{"kind", to_string(k.kind)}, {"where", k.where},       {"title", k.title},
              {"clauses", k.clauses},      {"result", to_string(k.result)}, {"counts", k.counts}};
    if (k.grade)
        j["grade"] = to_string(*k.grade);
    if (k.result != check_status::pass) {
        if (!k.expected.empty())
            j["expected"] = k.expected;
        if (!k.actual.empty())
            j["actual"] = k.actual;
    }
    if (k.result == check_status::fail)
        j["signature"] = {{"subject", k.subject}, {"expected", k.expected_norm}, {"observed", k.observed_norm}};
    if (!k.seqs.empty())
        j["seqs"] = k.seqs;
    return j;
}

json deviation_json(deviation const& d)
{
    json j = {{"id", d.id},
              {"headline", d.headline()},
              {"clauses", d.clauses},
              {"level", d.level},
              {"subject", d.subject},
              {"expected", d.expected},
              {"observed", d.observed},
              {"cases", d.cases},
              {"seen_in", d.seen_in},
              {"example", {{"case", d.example_case}, {"where", d.example_where}, {"trace", d.excerpt}}}};
    if (!d.invariant.empty())
        j["invariant"] = d.invariant;
    if (d.host_limit)
        j["host_limit"] = d.host_limit_reason;
    return j;
}

} // namespace

json to_json(run_report const& r)
{
    json summary = {{"total", r.cases.size()}, {"unexpected", r.unexpected()}};
    auto const n = r.counts();
    for (std::size_t i = 0; i < n.size(); ++i)
        summary[std::string(to_string(static_cast<status>(i)))] = n[i];

    json cases = json::array();
    for (auto const& c : r.cases) {
        json j = {{"id", c.id},           {"title", c.title},
                  {"suite", c.suite},     {"file", c.file},
                  {"clauses", c.clauses}, {"status", to_string(c.result)},
                  {"duration_ms", c.duration_ms}};
        if (!c.outcome.empty())
            j["outcome"] = c.outcome;
        if (!c.expected.empty()) {
            j["expected"] = c.expected;
            if (!c.expected_reason.empty())
                j["expected_reason"] = c.expected_reason;
        }
        j["unexpected"] = c.unexpected;
        if (!c.attempts.empty()) {
            json attempts = json::array();
            for (auto a : c.attempts)
                attempts.push_back(to_string(a));
            j["attempts"] = attempts;
            j["flaky"] = c.flaky();
        }
        if (!c.message.empty())
            j["message"] = c.message;
        if (c.failed)
            j["failure"] = {{"where", c.failed->where},
                            {"expected", c.failed->expected},
                            {"actual", c.failed->actual}};
        if (!c.checks.empty()) {
            json checks = json::array();
            for (auto const& k : c.checks)
                checks.push_back(check_json(k));
            j["checks"] = std::move(checks);
            json also = json::array();
            for (auto const* k : c.also_seen())
                also.push_back(k->where);
            if (!also.empty())
                j["also_seen"] = std::move(also);
        }
        j["trace"] = c.trace;
        j["wire"] = c.wire;
        cases.push_back(std::move(j));
    }

    json clauses = json::array();
    for (auto const& c : r.clauses) {
        json j = {{"id", c.id}, {"level", c.level}, {"area", c.area}, {"seed", c.seed}, {"statement", c.statement}};
        if (!c.quote.empty())
            j["quote"] = c.quote;
        if (!c.host_limits.empty())
            j["host_limits"] = c.host_limits;
        clauses.push_back(std::move(j));
    }
    json deviations = json::array();
    for (auto const& d : deviations_of(r))
        deviations.push_back(deviation_json(d));

    json doc = {{"format", "sockconf-report"},
            {"version", json_report_version},
            {"run",
             {{"tool", "sockconf"},
              {"tool_version", r.info.tool_version},
              {"started_at", r.info.started_at},
              {"duration_ms", r.info.duration_ms},
              {"iut", r.info.iut},
              {"profile", r.info.profile},
              {"jobs", r.info.jobs},
              {"filter", r.info.filter},
              {"exclude", r.info.exclude},
              {"tags", r.info.tags},
              {"shard", r.info.shard},
              {"repeat", r.info.repeat},
              {"retry_unexpected", r.info.retry_unexpected},
              {"interrupted", r.info.interrupted},
              {"expectations", r.info.expectations}}},
            {"summary", summary},
            {"deviations", deviations},
            {"cases", cases},
            {"clauses", clauses}};
    // Only a run in a browser has an engine (optional in version 3: older readers skip it).
    if (r.info.engine.known())
        doc["run"]["engine"] = {{"name", r.info.engine.name},
                                {"version", r.info.engine.version},
                                {"user_agent", r.info.engine.user_agent}};
    return doc;
}

void write_json(run_report const& r, std::ostream& out)
{
    // replace: a peer's invalid UTF-8 must not make the report unwritable.
    out << to_json(r).dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

} // namespace sockconf::reports
