#include <sockconf/reports/junit_writer.hpp>

#include "detail/checks.hpp"

#include <fmt/format.h>

#include <map>
#include <sstream>

namespace sockconf::reports {

std::string xml_escape(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default:
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                out += fmt::format("\\x{:02x}", c); // not representable in XML 1.0
            else
                out += static_cast<char>(c);
        }
    }
    return out;
}

namespace {

std::string seconds(double ms) { return fmt::format("{:.3f}", ms / 1000.0); }

/// Every failing check the status rests on (not only the first), then the trace.
std::string details(case_result const& c)
{
    std::string text;
    auto const failing = detail::counting_failures(c);
    for (std::size_t i = 0; i < failing.size(); ++i) {
        auto const& k = *failing[i];
        text += fmt::format("check {} of {}: {} {} {}\n  where: {}\n", i + 1, failing.size(), detail::verdict(k),
                            to_string(k.kind), k.title, k.where);
        if (!k.clauses.empty())
            text += "  clauses: " + detail::join(k.clauses, ", ") + "\n";
        text += fmt::format("  expected: {}\n  actual: {}\n", k.expected, k.actual);
    }
    if (failing.empty() && c.failed)
        text += fmt::format("where: {}\nexpected: {}\nactual: {}\n", c.failed->where,
                            c.failed->expected, c.failed->actual);
    if (auto const n = detail::not_run(c))
        text += fmt::format("not run: {} check(s) an earlier step could not reach\n", n);
    text += "trace:\n";
    for (auto const& e : c.trace)
        text += "  " + trace_line(e) + "\n";
    return text;
}

/// What CI shows beside the verdict: a conforming grade other than PASS, and the
/// findings seen on the case that do not count for it.
std::string output(case_result const& c, bool passed)
{
    std::string text;
    if (passed && c.result != status::pass)
        text += std::string(to_string(c.result)) + ": " + c.message;
    for (auto const* k : c.also_seen())
        text += (text.empty() ? "" : "\n") + fmt::format("also seen: {} ({}): {}", k->where, detail::join(k->clauses, ", "), k->actual);
    return text;
}

} // namespace

void write_junit(run_report const& r, std::ostream& out)
{
    std::map<std::string, std::vector<case_result const*>> suites;
    for (auto const& c : r.cases)
        suites[c.suite].push_back(&c);

    // CI reads failure/error/skipped: expectations decide which a case is.
    // A known, expected non-conforming result is reported skipped (with why), an
    // unexpected pass a failure: CI then fails exactly when the run does.
    enum class kind { passed, failure, error, skipped };
    auto kind_of = [](case_result const& c) {
        if (c.result == status::skip)
            return kind::skipped;
        if (!c.unexpected)
            return conforming(c.result) ? kind::passed : kind::skipped;
        if (conforming(c.result) || c.result == status::fail || c.result == status::timeout)
            return kind::failure;
        return kind::error;
    };
    auto tally = [&](std::vector<case_result const*> const& cs) {
        std::size_t f = 0, e = 0, s = 0;
        double ms = 0;
        for (auto const* c : cs) {
            auto const k = kind_of(*c);
            f += k == kind::failure;
            e += k == kind::error;
            s += k == kind::skipped;
            ms += c->duration_ms;
        }
        return std::tuple{f, e, s, ms};
    };

    auto const [f, e, s, ms] = tally([&] {
        std::vector<case_result const*> all;
        for (auto const& c : r.cases) all.push_back(&c);
        return all;
    }());
    (void)s; // testsuites carries no skipped count in the common JUnit schema
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << fmt::format("<testsuites name=\"sockconf\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{}\">\n",
                       r.cases.size(), f, e, seconds(r.info.duration_ms));
    for (auto const& [name, cs] : suites) {
        auto const [sf, se, ss, sms] = tally(cs);
        out << fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
                           "skipped=\"{}\" time=\"{}\" timestamp=\"{}\">\n",
                           xml_escape(name), cs.size(), sf, se, ss, seconds(sms),
                           xml_escape(r.info.started_at));
        for (auto const* c : cs) {
            std::ostringstream body;
            auto const st = std::string(to_string(c->result));
            auto const expected = c->expected + (c->expected_reason.empty() ? "" : " (" + c->expected_reason + ")");
            switch (kind_of(*c)) {
            case kind::skipped:
                body << fmt::format("      <skipped message=\"{}\"/>\n",
                                   xml_escape(c->result == status::skip ? c->message
                                                                        : "expected " + expected + ": " + c->message));
                break;
            case kind::failure:
            case kind::error: {
                auto const tag = kind_of(*c) == kind::failure ? "failure" : "error";
                auto const message = conforming(c->result) ? "unexpected " + st + ": expected " + expected : c->message;
                body << fmt::format("      <{} message=\"{}\" type=\"{}\">{}</{}>\n", tag, xml_escape(message),
                                   conforming(c->result) ? "UNEXPECTED-" + st : st, xml_escape(details(*c)), tag);
                break;
            }
            case kind::passed:
                break;
            }
            // NON-STRICT / INFORMATIONAL pass with the grade visible; findings that did not count.
            if (auto const text = output(*c, kind_of(*c) == kind::passed); !text.empty())
                body << fmt::format("      <system-out>{}</system-out>\n", xml_escape(text));
            // Earlier attempts that ended otherwise (--repeat, --retry-unexpected).
            if (c->flaky())
                for (std::size_t a = 0; a < c->attempts.size(); ++a)
                    if (c->attempts[a] != c->result)
                        body << fmt::format("      <flakyFailure type=\"{}\" message=\"attempt {} of {} ended {}\"/>\n",
                                           to_string(c->attempts[a]), a + 1, c->attempts.size(),
                                           to_string(c->attempts[a]));
            out << fmt::format("    <testcase classname=\"sockconf.{}\" name=\"{}\" time=\"{}\"", xml_escape(c->suite),
                               xml_escape(c->id), seconds(c->duration_ms))
                << (body.str().empty() ? "/>\n" : ">\n" + body.str() + "    </testcase>\n");
        }
        out << "  </testsuite>\n";
    }
    out << "</testsuites>\n";
}

} // namespace sockconf::reports
