#include <sockconf/common/json_file.hpp>
#include <sockconf/common/json_reader.hpp>
#include <sockconf/reports/json_writer.hpp>
#include <sockconf/reports/report_reader.hpp>

namespace sockconf::reports {

namespace {

std::string optional_string(json_reader const& r, char const* key)
{
    auto v = r.find(key);
    return v ? v->string() : std::string();
}

std::vector<std::string> strings(json_reader const& a)
{
    a.expect_array();
    std::vector<std::string> out;
    for (std::size_t i = 0; i < a.size(); ++i)
        out.push_back(a.at(i).string());
    return out;
}

check_result read_check(json_reader const& k)
{
    check_result out;
    auto const kind = k.at("kind").string();
    auto const ck = check_kind_from_string(kind);
    if (!ck)
        k.at("kind").fail("E-REPORT-CHECK", "unknown check kind \"" + kind + "\" (step, expect, outcome, invariant)");
    out.kind = *ck;
    out.where = optional_string(k, "where");
    out.title = optional_string(k, "title");
    if (auto cl = k.find("clauses"))
        out.clauses = strings(*cl);
    auto const result = k.at("result").string();
    auto const cs = check_status_from_string(result);
    if (!cs)
        k.at("result").fail("E-REPORT-CHECK", "unknown check result \"" + result + "\" (pass, fail, error, timeout, not-run)");
    out.result = *cs;
    if (auto c = k.find("counts"))
        out.counts = c->boolean();
    if (auto g = k.find("grade"))
        out.grade = read_status(*g, "E-REPORT-STATUS");
    out.expected = optional_string(k, "expected");
    out.actual = optional_string(k, "actual");
    if (auto sig = k.find("signature")) {
        out.subject = optional_string(*sig, "subject");
        out.expected_norm = optional_string(*sig, "expected");
        out.observed_norm = optional_string(*sig, "observed");
    }
    if (auto s = k.find("seqs")) {
        s->expect_array();
        for (std::size_t i = 0; i < s->size(); ++i)
            out.seqs.push_back(static_cast<std::size_t>(s->at(i).integer_in(0, INT64_MAX)));
    }
    return out;
}

/// A report before version 3 has no checks: one from the case's failure.
void checks_from_failure(case_result& r)
{
    if (r.result == status::pass || r.result == status::skip || r.result == status::unimplemented || !r.failed)
        return;
    check_result k;
    k.kind = check_kind::expect;
    k.where = r.failed->where;
    k.title = r.failed->where;
    k.clauses = r.clauses;
    k.result = r.result == status::error ? check_status::error : r.result == status::timeout ? check_status::timeout
                                                                                              : check_status::fail;
    k.expected = r.failed->expected;
    k.actual = r.failed->actual;
    if (auto at = r.failed->where.find(" (invariant "); at != std::string::npos) {
        k.kind = check_kind::invariant;
        k.where = r.failed->expected; // the invariant's id
        k.title = r.failed->expected;
        // Which clause the invariant tests is not in the report: not the case's clauses, or one
        // invariant would split into a deviation per clause set of the cases that broke it.
        k.clauses.clear();
    }
    k.subject = k.kind == check_kind::invariant ? k.where : r.failed->where;
    k.expected_norm = r.failed->expected;
    k.observed_norm = r.failed->actual;
    r.checks.push_back(std::move(k));
}

case_result read_case(json_reader const& c, std::int64_t version)
{
    case_result r;
    r.id = c.at("id").non_empty_string();
    r.title = optional_string(c, "title");
    r.suite = optional_string(c, "suite");
    r.file = optional_string(c, "file");
    if (auto cl = c.find("clauses"))
        r.clauses = strings(*cl);
    r.result = read_status(c.at("status"), "E-REPORT-STATUS");
    if (auto d = c.find("duration_ms"); d && d->value().is_number())
        r.duration_ms = d->value().get<double>();
    r.outcome = optional_string(c, "outcome");
    r.message = optional_string(c, "message");
    if (auto f = c.find("failure"))
        r.failed = failure{optional_string(*f, "where"), optional_string(*f, "expected"), optional_string(*f, "actual")};
    if (auto t = c.find("trace"))
        r.trace = t->expect_array().value();
    if (auto w = c.find("wire"))
        r.wire = w->expect_array().value();
    r.expected = optional_string(c, "expected");
    r.expected_reason = optional_string(c, "expected_reason");
    if (auto u = c.find("unexpected"))
        r.unexpected = u->boolean();
    if (auto a = c.find("attempts")) {
        a->expect_array();
        for (std::size_t i = 0; i < a->size(); ++i)
            r.attempts.push_back(read_status(a->at(i), "E-REPORT-STATUS"));
    }
    if (auto k = c.find("checks")) {
        k->expect_array();
        for (std::size_t i = 0; i < k->size(); ++i)
            r.checks.push_back(read_check(k->at(i).expect_object()));
    } else if (version < 3) {
        checks_from_failure(r);
    }
    return r;
}

} // namespace

status read_status(json_reader const& s, std::string const& error_id)
{
    auto const name = s.string();
    auto const st = status_from_string(name);
    if (!st)
        s.fail(error_id, "unknown status \"" + name +
                             "\" (PASS, NON-STRICT, INFORMATIONAL, UNIMPLEMENTED, FAIL, ERROR, TIMEOUT, SKIP)");
    return *st;
}

run_report report_from_json(json const& doc, std::string const& source)
{
    json_reader r(doc, source);
    r.expect_object();
    if (auto f = r.find("format"); !f || !f->value().is_string() || f->string() != "sockconf-report")
        (f ? *f : r).fail("E-REPORT-FORMAT", "not a sockconf report (expected \"format\": \"sockconf-report\")");
    auto const version = r.at("version").integer();
    if (version < 1 || version > json_report_version)
        r.at("version").fail("E-REPORT-VERSION", "this sockconf reads versions 1 to " + std::to_string(json_report_version));

    run_report out;
    auto const run = r.at("run");
    out.info.tool_version = optional_string(run, "tool_version");
    out.info.started_at = optional_string(run, "started_at");
    if (auto d = run.find("duration_ms"); d && d->value().is_number())
        out.info.duration_ms = d->value().get<double>();
    if (auto iut = run.find("iut"))
        out.info.iut = iut->expect_object().value();
    if (auto e = run.find("engine")) {
        e->expect_object();
        out.info.engine = {e->at("name").string(), optional_string(*e, "version"), optional_string(*e, "user_agent")};
    }
    out.info.profile = optional_string(run, "profile");
    if (auto j = run.find("jobs"))
        out.info.jobs = static_cast<int>(j->integer());
    out.info.filter = optional_string(run, "filter");
    out.info.exclude = optional_string(run, "exclude");
    if (auto t = run.find("tags"))
        out.info.tags = strings(*t);
    out.info.shard = optional_string(run, "shard");
    if (auto n = run.find("repeat"))
        out.info.repeat = static_cast<int>(n->integer());
    if (auto n = run.find("retry_unexpected"))
        out.info.retry_unexpected = static_cast<int>(n->integer());
    if (auto i = run.find("interrupted"))
        out.info.interrupted = i->boolean();
    out.info.expectations = optional_string(run, "expectations");

    auto const cases = r.at("cases").expect_array();
    for (std::size_t i = 0; i < cases.size(); ++i)
        out.cases.push_back(read_case(cases.at(i).expect_object(), version));
    if (auto cl = r.find("clauses")) {
        cl->expect_array();
        for (std::size_t i = 0; i < cl->size(); ++i) {
            auto const c = cl->at(i).expect_object();
            clause_info info{c.at("id").string(), optional_string(c, "level"), optional_string(c, "area"),
                             optional_string(c, "seed"), optional_string(c, "statement"), optional_string(c, "quote"), {}};
            if (auto h = c.find("host_limits")) {
                h->expect_object();
                for (auto const& [host, _] : h->value().items())
                    info.host_limits[host] = h->at(host).string();
            }
            out.clauses.push_back(std::move(info));
        }
    }
    return out;
}

run_report read_report(std::string const& path) { return report_from_json(read_json_file(path), path); }

} // namespace sockconf::reports
