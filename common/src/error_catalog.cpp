#include <sockconf/common/error_catalog.hpp>

#include <string>

namespace sockconf {

namespace {

// The prose of docs/errors.md above the tables. The page is generated: edit it here.
constexpr std::string_view intro =
    "Every error sockconf reports at an edge (a spec, case, profile or expectations file, a report\n"
    "it reads, a CLI flag, an adapter's messages) carries one of these stable ids, with the file,\n"
    "the JSON pointer and what was expected: `FILE:POINTER: DETAIL [ID]`. Input errors exit 2;\n"
    "an adapter that breaks the protocol costs its case (ERROR, the message starting with its id),\n"
    "never the run. `sockconf errors` lists the ids; `sockconf errors ID` (e.g. `E-TYPE`) explains one.\n"
    "\n"
    "The catalog is `common/include/sockconf/common/error_catalog.hpp` (one entry per id: section,\n"
    "meaning, example message; `find_error(id)` looks one up). This page is generated from it by\n"
    "`make errors-doc`; do not edit it by hand. `ctest -R error_catalog` checks that the code uses\n"
    "exactly the ids the catalog lists (`scripts/check-error-catalog.sh`) and that this page is\n"
    "what the catalog generates.\n";

// A code span that survives any backtick inside it, and '|' inside a table cell.
std::string code_cell(std::string_view text)
{
    std::string body;
    for (char c : text) {
        if (c == '|')
            body += '\\';
        body += c;
    }
    std::string fence = "`";
    while (body.find(fence) != std::string::npos)
        fence += '`';
    bool const pad = body.find('`') != std::string::npos;
    return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

} // namespace

std::string error_catalog_markdown()
{
    std::string out = "# Error ids\n\n<!-- Generated from common/include/sockconf/common/error_catalog.hpp by "
                      "build/bin/sockconf-errors-md (make errors-doc). Do not edit. -->\n\n";
    out += intro;
    for (auto const& s : error_sections) {
        out += "\n## ";
        out += s.title;
        out += "\n\n";
        if (!s.note.empty()) {
            out += s.note;
            out += "\n\n";
        }
        out += "| id | meaning | example |\n| --- | --- | --- |\n";
        for (auto const& e : error_catalog) {
            if (e.area != s.area)
                continue;
            out += "| `";
            out += e.id;
            out += "` | ";
            out += e.meaning;
            out += " | ";
            out += code_cell(e.example);
            out += " |\n";
        }
    }
    return out;
}

} // namespace sockconf
