// `sockconf repro CASE_ID`: the case as a self-contained JavaScript file
// (harness/repro.hpp; harness/README.md, "sockconf repro").
#include <sockconf/cli/command.hpp>
#include <sockconf/cli/shared.hpp>
#include <sockconf/common/version.hpp>
#include <sockconf/harness/repro.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <memory>
#include <ostream>

namespace sockconf::cli {

namespace {

/// `sockconf repro CASE_ID`: the case as a self-contained JavaScript file.
exit_code cmd_repro(common_opts const& o, std::string const& id, std::string const& output)
{
    auto const home = find_home(o.home);
    auto const s = load_specs(home, o.profile, o.settings);
    auto const loaded = load_cases(home, s, o.suites);
    auto const found = std::find_if(loaded.cases.begin(), loaded.cases.end(), [&](auto const& c) { return c.id == id; });
    if (found == loaded.cases.end() && !loaded.errors.empty()) {
        // The case may be in a file that did not load: say why.
        print_errors(loaded.errors);
    }
    auto const& c = harness::find_case(loaded.cases, id);
    auto const script = harness::repro_script(c, {s.prof, s.settings, s.api, s.clauses, s.invariants, tool_version});
    write_out(output, [&](std::ostream& out) { out << script; });
    return exit_code::ok;
}

} // namespace

command add_repro_command(CLI::App& app)
{
    struct options {
        common_opts o;
        std::string id, out;
    };
    auto opts = std::make_shared<options>();
    auto* repro = app.add_subcommand(
        "repro", "Write one case as a self-contained JavaScript file that a platform engineer runs where `wx` is a "
                 "global (a devtools console, their runtime) against `sockconf serve --control`: the case's calls, "
                 "each expectation as a PASS/FAIL check, and a one-line verdict");
    repro->add_option("case", opts->id, "The case id (`sockconf list` prints them)")->required();
    add_common(repro, opts->o, false);
    repro->add_option("-o,--output", opts->out, "Write the script here instead of stdout");
    return {repro, [opts] { return cmd_repro(opts->o, opts->id, opts->out); }};
}

} // namespace sockconf::cli
