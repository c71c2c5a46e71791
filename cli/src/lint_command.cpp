// `sockconf lint`: specs, every profile and the cases, validated against specs/schemas/ and
// their meaning (harness/lint.hpp); every error, exit 2 on any.
#include <sockconf/cli/command.hpp>
#include <sockconf/cli/shared.hpp>
#include <sockconf/harness/lint.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <memory>

namespace sockconf::cli {

namespace {

exit_code cmd_lint(common_opts const& o)
{
    auto const home = find_home(o.home);
    auto const r = harness::lint({home, profile_path(home, o.profile), harness::settings_path(home, o.settings), o.suites});
    if (r.errors.empty()) {
        std::cout << fmt::format("ok: {} case(s), {} clause(s), profile {}\n", r.cases, r.clauses, r.profile_id);
        return exit_code::ok;
    }
    print_errors(r.errors);
    std::cerr << r.errors.size() << " error(s)\n";
    return exit_code::usage;
}

} // namespace

command add_lint_command(CLI::App& app)
{
    auto o = std::make_shared<common_opts>();
    auto* lint = app.add_subcommand("lint", "Validate specs, profiles, expectations files and cases (against specs/schemas/, then their meaning); every error, exit 2 on any");
    add_common(lint, *o, false);
    lint->add_option("files", o->suites, "Case files or folders, expectations files, report.json files (default: HOME/suites)");
    return {lint, [o] { return cmd_lint(*o); }};
}

} // namespace sockconf::cli
