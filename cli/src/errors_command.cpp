// `sockconf errors`: the error catalog (common/include/sockconf/common/error_catalog.hpp)
// on the command line:
//
//   sockconf errors                 every id with its meaning, by section
//   sockconf errors E-TYPE ...      each id's section, meaning and an example message
//   sockconf errors E-CASE-*        the ids that start so (the * may be left out)
//   sockconf errors --markdown      docs/errors.md, as build/bin/sockconf-errors-md prints it
#include <sockconf/cli/command.hpp>
#include <sockconf/common/error_catalog.hpp>
#include <sockconf/common/spec_error.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sockconf::cli {

namespace {

// The catalog's meanings are Markdown; a terminal shows them without the backticks.
std::string plain(std::string_view markdown)
{
    std::string out;
    std::copy_if(markdown.begin(), markdown.end(), std::back_inserter(out), [](char c) { return c != '`'; });
    return out;
}

std::size_t id_width()
{
    std::size_t w = 0;
    for (auto const& e : error_catalog)
        w = std::max(w, e.id.size());
    return w;
}

void list_line(std::ostream& out, error_entry const& e)
{
    out << "  " << e.id << std::string(id_width() - e.id.size() + 2, ' ') << plain(e.meaning) << "\n";
}

void explain(std::ostream& out, error_entry const& e)
{
    out << e.id << "\n"
        << "  section: " << section_of(e.area).title << "\n"
        << "  meaning: " << plain(e.meaning) << "\n"
        << "  example: " << e.example << "\n";
}

// What a user pastes: "E-TYPE", "e-type", "[E-TYPE]", "E-CASE-*".
std::string normalized(std::string arg)
{
    arg.erase(std::remove_if(arg.begin(), arg.end(), [](char c) { return c == '[' || c == ']' || c == '*'; }),
              arg.end());
    std::transform(arg.begin(), arg.end(), arg.begin(), [](unsigned char c) { return char(std::toupper(c)); });
    return arg;
}

struct errors_options {
    std::vector<std::string> ids; ///< ids or id prefixes; none: the whole catalog
    bool markdown = false;
};

/// Print what `o` asks for to `out`. Throws spec_error (E-USAGE) for an argument
/// that is no id and starts none.
exit_code run_errors_command(errors_options const& o, std::ostream& out)
{
    if (o.markdown) {
        out << error_catalog_markdown();
        return exit_code::ok;
    }
    if (o.ids.empty()) {
        for (auto const& s : error_sections) {
            out << s.title << "\n";
            for (auto const& e : error_catalog)
                if (e.area == s.area)
                    list_line(out, e);
        }
        out << "`sockconf errors ID` explains one; docs/errors.md lists them with examples.\n";
        return exit_code::ok;
    }
    bool first = true;
    for (auto const& arg : o.ids) {
        auto const id = normalized(arg);
        if (id.empty())
            throw spec_error("E-USAGE", "", "", "an empty error id (`sockconf errors` lists them)");
        if (!first)
            out << "\n";
        first = false;
        if (auto const* e = find_error(id)) {
            explain(out, *e);
            continue;
        }
        auto const prefix = id.back() == '-' ? id : id + "-";
        bool any = false;
        for (auto const& e : error_catalog)
            if (e.id.substr(0, prefix.size()) == prefix) {
                list_line(out, e);
                any = true;
            }
        if (!any)
            throw spec_error("E-USAGE", "", "", "no error id \"" + arg + "\" (`sockconf errors` lists them)");
    }
    return exit_code::ok;
}

} // namespace

command add_errors_command(CLI::App& app)
{
    auto o = std::make_shared<errors_options>();
    auto* cmd = app.add_subcommand(
        "errors", "Explain sockconf's error ids (the E-* at the end of an error message): every id with its meaning, "
                  "or for each id given its section, meaning and an example message");
    auto* ids = cmd->add_option("ids", o->ids, "Ids (E-TYPE) or the start of ids (E-CASE-*); none: all");
    cmd->add_flag("--markdown", o->markdown, "Print docs/errors.md, generated from the catalog")->excludes(ids);
    return {cmd, [o] { return run_errors_command(*o, std::cout); }};
}

} // namespace sockconf::cli
