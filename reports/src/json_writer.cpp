#include <sockconf/reports/json_writer.hpp>

namespace sockconf::reports {

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
        j["trace"] = c.trace;
        j["wire"] = c.wire;
        cases.push_back(std::move(j));
    }

    json clauses = json::array();
    for (auto const& c : r.clauses)
        clauses.push_back({{"id", c.id}, {"level", c.level}, {"area", c.area}, {"seed", c.seed},
                           {"statement", c.statement}});

    return {{"format", "sockconf-report"},
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
            {"cases", cases},
            {"clauses", clauses}};
}

void write_json(run_report const& r, std::ostream& out)
{
    // replace: a peer's invalid UTF-8 must not make the report unwritable.
    out << to_json(r).dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

} // namespace sockconf::reports
