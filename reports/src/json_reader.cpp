#include <sockconf/common/json_file.hpp>
#include <sockconf/common/json_reader.hpp>
#include <sockconf/reports/json_reader.hpp>
#include <sockconf/reports/json_writer.hpp>

namespace sockconf::reports {

namespace {

std::string optional_string(json_reader const& r, std::string_view key)
{
    auto v = r.find(key);
    return v && !v->value().is_null() ? v->string() : std::string();
}

double optional_number(json_reader const& r, std::string_view key)
{
    auto v = r.find(key);
    if (!v || v->value().is_null())
        return 0;
    if (!v->value().is_number())
        v->fail("E-TYPE", "expected a number, " + describe_found(v->value()));
    return v->value().get<double>();
}

case_result read_case(json_reader const& c)
{
    c.expect_object();
    case_result out;
    out.id = c.at("id").non_empty_string();
    auto const st = c.at("status");
    auto const s = status_from_string(st.string());
    if (!s)
        st.fail("E-VALUE", "expected a status (PASS, NON-STRICT, ..., SKIP), " + describe_found(st.value()));
    out.result = *s;
    out.title = optional_string(c, "title");
    out.suite = optional_string(c, "suite");
    out.file = optional_string(c, "file");
    if (auto cl = c.find("clauses")) {
        cl->expect_array();
        for (std::size_t i = 0; i < cl->size(); ++i)
            out.clauses.push_back(cl->at(i).string());
    }
    out.outcome = optional_string(c, "outcome");
    out.duration_ms = optional_number(c, "duration_ms");
    out.message = optional_string(c, "message");
    if (auto f = c.find("failure"); f && !f->value().is_null())
        out.failed = failure{optional_string(*f, "where"), optional_string(*f, "expected"), optional_string(*f, "actual")};
    if (auto t = c.find("trace"))
        out.trace = t->expect_array().value();
    if (auto w = c.find("wire"))
        out.wire = w->expect_array().value();
    out.expected = optional_string(c, "expected");
    out.expected_reason = optional_string(c, "expected_reason");
    if (auto u = c.find("unexpected"))
        out.unexpected = u->boolean();
    return out;
}

} // namespace

run_report report_from_json(json const& doc, std::string const& source)
{
    json_reader const r(doc, source);
    r.expect_object();
    if (auto const f = r.at("format"); f.string() != "sockconf-report")
        f.fail("E-VALUE", "expected \"sockconf-report\", " + describe_found(f.value()));
    auto const version = r.at("version").integer();
    if (version < 1 || version > json_report_version)
        r.at("version").fail("E-RANGE", "this build reads report.json versions 1 to " +
                                            std::to_string(json_report_version) + ", got " + std::to_string(version));
    run_report out;
    auto const run = r.at("run");
    run.expect_object();
    out.info.tool_version = optional_string(run, "tool_version");
    out.info.started_at = optional_string(run, "started_at");
    out.info.duration_ms = optional_number(run, "duration_ms");
    if (auto iut = run.find("iut"))
        out.info.iut = iut->value();
    out.info.profile = optional_string(run, "profile");
    out.info.jobs = static_cast<int>(optional_number(run, "jobs"));
    out.info.filter = optional_string(run, "filter");
    if (auto i = run.find("interrupted"))
        out.info.interrupted = i->boolean();
    out.info.expectations = optional_string(run, "expectations");

    auto const cases = r.at("cases");
    cases.expect_array();
    for (std::size_t i = 0; i < cases.size(); ++i)
        out.cases.push_back(read_case(cases.at(i)));
    if (auto cl = r.find("clauses")) {
        cl->expect_array();
        for (std::size_t i = 0; i < cl->size(); ++i) {
            auto const c = cl->at(i);
            c.expect_object();
            out.clauses.push_back({c.at("id").non_empty_string(), optional_string(c, "level"), optional_string(c, "area"),
                                   optional_string(c, "seed"), optional_string(c, "statement")});
        }
    }
    return out;
}

run_report read_report(std::string const& path) { return report_from_json(read_json_file(path), path); }

} // namespace sockconf::reports
