// `sockconf lint`: specs, every profile and the cases, validated; exit 2 on any error.
#include <sockconf/cli/command.hpp>
#include <sockconf/cli/shared.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

namespace sockconf::cli {

namespace {

namespace fs = std::filesystem;

exit_code cmd_lint(common_opts const& o)
{
    auto const home = find_home(o.home);
    std::vector<spec_error> errors;
    std::optional<specs> s;
    try {
        s = load_specs(home, o.profile);
    } catch (spec_error const& e) {
        errors.push_back(e);
    }
    // Every profile, not only the active one.
    std::error_code ec;
    for (auto const& e : fs::directory_iterator(home + "/specs/profiles", ec)) {
        if (e.path().extension() != ".json")
            continue;
        try {
            profile::load(e.path().string());
        } catch (spec_error const& err) {
            if (std::none_of(errors.begin(), errors.end(), [&](auto const& x) { return x.file() == err.file(); }))
                errors.push_back(err);
        }
    }
    if (!s)
        return print_errors(errors);
    auto loaded = load_cases(home, *s, o.suites);
    errors.insert(errors.end(), loaded.errors.begin(), loaded.errors.end());
    if (errors.empty()) {
        std::cout << fmt::format("ok: {} case(s), {} clause(s), profile {}\n", loaded.cases.size(),
                                 s->clauses.all().size(), s->prof.id);
        return exit_code::ok;
    }
    print_errors(errors);
    std::cerr << errors.size() << " error(s)\n";
    return exit_code::usage;
}

} // namespace

command add_lint_command(CLI::App& app)
{
    auto o = std::make_shared<common_opts>();
    auto* lint = app.add_subcommand("lint", "Validate specs, profiles and cases; exit 2 on any error");
    add_common(lint, *o, false);
    lint->add_option("files", o->suites, "Case files or folders (default: HOME/suites)");
    return {lint, [o] { return cmd_lint(*o); }};
}

} // namespace sockconf::cli
