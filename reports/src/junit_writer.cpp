#include <sockconf/reports/junit_writer.hpp>

#include <fmt/format.h>

#include <map>

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

std::string details(case_result const& c)
{
    std::string text;
    if (c.failed)
        text += fmt::format("where: {}\nexpected: {}\nactual: {}\n", c.failed->where,
                            c.failed->expected, c.failed->actual);
    text += "trace:\n";
    for (auto const& e : c.trace)
        text += "  " + trace_line(e) + "\n";
    return text;
}

} // namespace

void write_junit(run_report const& r, std::ostream& out)
{
    std::map<std::string, std::vector<case_result const*>> suites;
    for (auto const& c : r.cases)
        suites[c.suite].push_back(&c);

    auto is_failure = [](status s) { return s == status::fail || s == status::timeout; };
    auto is_error = [](status s) { return s == status::error || s == status::unimplemented; };
    auto tally = [&](std::vector<case_result const*> const& cs) {
        std::size_t f = 0, e = 0, s = 0;
        double ms = 0;
        for (auto const* c : cs) {
            f += is_failure(c->result);
            e += is_error(c->result);
            s += c->result == status::skip;
            ms += c->duration_ms;
        }
        return std::tuple{f, e, s, ms};
    };

    auto const [f, e, s, ms] = tally([&] {
        std::vector<case_result const*> all;
        for (auto const& c : r.cases) all.push_back(&c);
        return all;
    }());
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << fmt::format("<testsuites name=\"sockconf\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
                       "skipped=\"{}\" time=\"{}\">\n",
                       r.cases.size(), f, e, s, seconds(r.info.duration_ms));
    for (auto const& [name, cs] : suites) {
        auto const [sf, se, ss, sms] = tally(cs);
        out << fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
                           "skipped=\"{}\" time=\"{}\" timestamp=\"{}\">\n",
                           xml_escape(name), cs.size(), sf, se, ss, seconds(sms),
                           xml_escape(r.info.started_at));
        for (auto const* c : cs) {
            out << fmt::format("    <testcase classname=\"sockconf.{}\" name=\"{}\" time=\"{}\"",
                               xml_escape(c->suite), xml_escape(c->id), seconds(c->duration_ms));
            auto const st = std::string(to_string(c->result));
            if (c->result == status::skip) {
                out << fmt::format(">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                                   xml_escape(c->message));
            } else if (is_failure(c->result) || is_error(c->result)) {
                auto const tag = is_failure(c->result) ? "failure" : "error";
                out << fmt::format(">\n      <{} message=\"{}\" type=\"{}\">{}</{}>\n    </testcase>\n",
                                   tag, xml_escape(c->message), st, xml_escape(details(*c)), tag);
            } else if (c->result != status::pass) {
                // NON-STRICT / INFORMATIONAL pass, with the grade visible.
                out << fmt::format(">\n      <system-out>{}: {}</system-out>\n    </testcase>\n", st,
                                   xml_escape(c->message));
            } else {
                out << "/>\n";
            }
        }
        out << "  </testsuite>\n";
    }
    out << "</testsuites>\n";
}

} // namespace sockconf::reports
