#include "markdown_parts.hpp"

#include <sockconf/reports/markdown_writer.hpp> // md_escape

#include "checks.hpp"
#include "html_page.hpp" // utf8_cut

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace sockconf::reports::detail {

namespace {
constexpr std::size_t excerpt_line_chars = 400; // a deviation's example trace line (report.json has it whole)

/// A fenced block with every line indented (inside a list item).
std::string indented(std::string const& block, std::string const& indent)
{
    std::string out;
    std::size_t at = 0;
    while (at < block.size()) {
        auto const end = block.find('\n', at);
        auto const line = block.substr(at, end == std::string::npos ? std::string::npos : end - at);
        out += (line.empty() ? "" : indent) + line + "\n";
        if (end == std::string::npos)
            break;
        at = end + 1;
    }
    return out;
}

} // namespace

std::string fenced(std::string const& text)
{
    std::size_t longest = 0, run = 0;
    for (char c : text) {
        run = c == '`' ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    std::string const fence(std::max<std::size_t>(3, longest + 1), '`');
    std::string clean;
    for (unsigned char c : text)
        clean += (c < 0x20 && c != '\n') || c == 0x7f ? fmt::format("\\x{:02x}", c) : std::string(1, static_cast<char>(c));
    return fence + "text\n" + clean + "\n" + fence + "\n";
}

std::string md_id(std::string_view text)
{
    bool plain = !text.empty();
    for (unsigned char c : text)
        plain = plain && (std::isalnum(c) || c == '.' || c == '_' || c == '-');
    return plain ? "`" + std::string(text) + "`" : md_escape(text);
}

std::string case_list(std::string const& label, std::vector<std::string> const& ids, std::size_t fold,
                      std::string const& indent)
{
    std::string list;
    for (auto const& id : ids)
        list += (list.empty() ? "" : ", ") + md_id(id);
    if (ids.size() <= fold)
        return indent + "- " + label + ": " + list + "\n";
    auto const in = indent + "  ";
    return fmt::format("{}- {} {} cases:\n\n{}<details><summary>the {} cases</summary>\n\n{}{}\n\n{}</details>\n\n",
                       indent, label, ids.size(), in, ids.size(), in, list, in);
}

void write_deviation(deviation const& d, std::size_t n, std::map<std::string, clause_info const*> const& clauses,
                     std::ostream& out)
{
    std::string const in = "    "; // the item's content: fits "1. " to "999. "
    out << n << ". **" << md_escape(d.headline()) << "**  \n" << in << md_id(d.id);
    if (!d.invariant.empty())
        out << " · global invariant " << md_id(d.invariant);
    if (!d.level.empty())
        out << " · " << md_escape(d.level);
    out << fmt::format(" · {} case(s): {} decided, {} also seen\n\n", d.case_count(), d.cases.size(), d.seen_in.size());
    for (auto const& id : d.clauses) {
        auto const it = clauses.find(id);
        if (it == clauses.end()) {
            out << in << "- " << md_id(id) << " (not in this report's clause list)\n";
            continue;
        }
        auto const& c = *it->second;
        out << in << "- " << md_id(id) << (c.level.empty() ? "" : " " + md_escape(c.level)) << ": "
            << md_escape(c.statement);
        if (!c.seed.empty())
            out << " — " << md_escape(c.seed) << (c.quote.empty() ? "" : ": “" + md_escape(c.quote) + "”");
        out << "\n";
    }
    if (d.host_limit)
        out << in << "- limit of the host: " << md_escape(d.host_limit_reason) << "\n";
    out << in << "- expected: " << md_escape(d.expected) << "\n";
    std::vector<std::string> observed;
    for (auto const& o : d.observed)
        observed.push_back(md_escape(o));
    out << in << "- observed: " << (observed.empty() ? "?" : join(observed, "; ")) << "\n";
    if (!d.cases.empty())
        out << case_list("decided", d.cases, 10, in);
    if (!d.seen_in.empty())
        out << case_list("also seen in", d.seen_in, 10, in);
    if (d.example_case.empty()) {
    } else if (d.excerpt.empty()) {
        out << in << "- example: " << md_id(d.example_case) << " at " << md_escape(d.example_where) << "\n";
    } else {
        out << "\n" << in << "<details><summary>example: " << md_escape(d.example_case) << " at "
            << md_escape(d.example_where) << "</summary>\n\n";
        std::vector<std::string> lines;
        for (auto const& line : d.excerpt)
            lines.push_back(utf8_cut(line, excerpt_line_chars));
        out << indented(fenced(join(lines, "\n")), in) << "\n" << in << "</details>\n";
    }
    out << "\n";
}

std::map<std::string, clause_info const*> clauses_by_id(run_report const& r)
{
    std::map<std::string, clause_info const*> clauses;
    for (auto const& c : r.clauses)
        clauses.emplace(c.id, &c);
    return clauses;
}

} // namespace sockconf::reports::detail
