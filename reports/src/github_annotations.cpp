#include <sockconf/reports/deviations.hpp>
#include <sockconf/reports/github_annotations.hpp>

#include "detail/checks.hpp"
#include "detail/html_page.hpp" // utf8_cut

#include <fmt/format.h>

#include <map>
#include <set>

namespace sockconf::reports {

namespace {

/// A line of an annotation's message (an expected value, an observation): GitHub
/// shows the message in full, and one long value would push the rest out of sight.
constexpr std::size_t part_chars = 300;
/// Cases named in a message; the job summary and report.md list them all.
constexpr std::size_t cases_named = 5;

std::string file_of(case_result const& c)
{
    auto file = c.file;
    if (file.starts_with("./"))
        file.erase(0, 2);
    return file;
}

std::string properties(std::string const& title, std::string const& file)
{
    auto out = "title=" + github_escape_property(title);
    if (!file.empty())
        out += ",file=" + github_escape_property(file);
    return out;
}

std::string named(std::vector<std::string> const& ids)
{
    std::vector<std::string> shown(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), cases_named)));
    return detail::join(shown, ", ") + (ids.size() > cases_named ? fmt::format(" (+{} more)", ids.size() - cases_named) : "");
}

} // namespace

std::string github_escape_data(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '%': out += "%25"; break;
        case '\r': out += "%0D"; break;
        case '\n': out += "%0A"; break;
        default:
            // Other control characters as text: a terminal escape from the IUT would
            // otherwise style (or retitle …) the log that shows the annotation.
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
                out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
            else
                out += c;
        }
    }
    return out;
}

std::string github_escape_property(std::string_view text)
{
    std::string out;
    for (char c : github_escape_data(text)) {
        switch (c) {
        case ':': out += "%3A"; break;
        case ',': out += "%2C"; break;
        default: out += c;
        }
    }
    return out;
}

void write_github_annotations(run_report const& r, std::ostream& out)
{
    std::map<std::string, case_result const*> by_id;
    for (auto const& c : r.cases)
        by_id[c.id] = &c;
    auto const ds = deviations_of(r);
    std::set<std::string> explained;
    for (auto i : new_deviations(r, ds)) {
        auto const& d = ds[i];
        std::vector<std::string> unexpected;
        for (auto const& id : d.cases)
            if (auto it = by_id.find(id); it != by_id.end() && it->second->unexpected) {
                unexpected.push_back(id);
                explained.insert(id);
            }
        std::vector<std::string> observed;
        for (auto const& o : d.observed)
            observed.push_back(detail::utf8_cut(o, part_chars));
        std::vector<std::string> lines{
            detail::utf8_cut(d.headline(), part_chars),
            "expected: " + detail::utf8_cut(d.expected, part_chars),
            "observed: " + (observed.empty() ? std::string("?") : detail::join(observed, "; ")),
            fmt::format("decided {} unexpected result(s): {}", unexpected.size(), named(unexpected)),
        };
        if (d.host_limit)
            lines.push_back("limit of the host: " + detail::utf8_cut(d.host_limit_reason, part_chars));
        if (!d.example_case.empty())
            lines.push_back("example: " + d.example_case + " at " + d.example_where);
        auto const title = fmt::format("sockconf {}{}", d.id, d.level.empty() ? "" : " (" + d.level + ")");
        // The file of a case it decided unexpectedly: where someone looks first.
        out << "::error " << properties(title, file_of(*by_id.at(unexpected.front()))) << "::"
            << github_escape_data(detail::join(lines, "\n")) << "\n";
    }
    for (auto const& c : r.cases) {
        if (!c.unexpected || explained.count(c.id))
            continue;
        auto const expected = c.expected.empty() ? std::string("a conforming result") : c.expected;
        std::string message = fmt::format("{}: {}, expected {}", c.id, to_string(c.result), expected);
        if (!c.expected_reason.empty())
            message += " (" + detail::utf8_cut(c.expected_reason, part_chars) + ")";
        if (conforming(c.result))
            message += "\nif the change is intended, update the expectations (--update-expectations)";
        else if (!c.message.empty())
            message += "\n" + detail::utf8_cut(c.message, part_chars);
        out << "::warning " << properties(fmt::format("sockconf unexpected {}", to_string(c.result)), file_of(c))
            << "::" << github_escape_data(message) << "\n";
    }
}

} // namespace sockconf::reports
