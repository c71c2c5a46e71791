// `sockconf list`: the cases and the clauses they test, or (--clauses) every
// clause with the cases that test it.
#include <sockconf/cli/command.hpp>
#include <sockconf/cli/shared.hpp>
#include <sockconf/harness/run.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>

namespace sockconf::cli {

namespace {

/// Every clause with the cases that test it; untested clauses listed as such.
exit_code list_clauses(specs const& s, harness::load_result const& loaded, std::string const& filter)
{
    std::map<std::string, std::vector<std::string>> tested_by;
    for (auto const& c : loaded.cases)
        for (auto const& id : c.clauses)
            tested_by[id].push_back(c.id);
    std::vector<std::string> untested;
    std::size_t shown = 0;
    for (auto const& [id, cl] : s.clauses.all()) {
        if (!harness::id_matches(filter, id))
            continue;
        ++shown;
        auto const it = tested_by.find(id);
        std::string cases;
        if (it == tested_by.end()) {
            untested.push_back(id);
            cases = cl.untestable.empty() ? "UNTESTED" : "UNTESTABLE HERE";
        } else {
            for (auto const& c : it->second)
                cases += (cases.empty() ? "" : ", ") + c;
        }
        std::cout << fmt::format("{:<44} {:<6} {:<22} {}\n", id, harness::to_string(cl.level), cl.area, cases);
    }
    auto const untestable = std::count_if(untested.begin(), untested.end(),
                                          [&](auto const& id) { return !s.clauses.find(id)->untestable.empty(); });
    std::cout << fmt::format("{} clause(s), {} tested, {} untested ({} of them untestable here, with the reason)\n",
                             shown, shown - untested.size(), untested.size(), untestable);
    for (auto const& id : untested) {
        auto const* cl = s.clauses.find(id);
        if (cl->untestable.empty())
            std::cout << "untested: " << id << " (" << cl->seed << ")\n";
        else
            std::cout << "untestable here: " << id << " (" << cl->seed << "): " << cl->untestable << "\n";
    }
    return print_errors(loaded.errors);
}

exit_code cmd_list(common_opts const& o, bool clauses)
{
    auto const home = find_home(o.home);
    auto const s = load_specs(home, o.profile, o.settings);
    auto loaded = load_cases(home, s, o.suites);
    if (clauses)
        return list_clauses(s, loaded, o.filter);
    std::size_t shown = 0;
    for (auto const& c : loaded.cases) {
        if (!harness::id_matches(o.filter, c.id))
            continue;
        std::string clauses;
        for (auto const& id : c.clauses)
            clauses += (clauses.empty() ? "" : ",") + id;
        std::cout << fmt::format("{:<48} {}\n{:<48}   clauses: {}\n", c.id, c.title, "", clauses);
        ++shown;
    }
    std::cout << shown << " case(s)\n";
    return print_errors(loaded.errors);
}

} // namespace

command add_list_command(CLI::App& app)
{
    struct options {
        common_opts o;
        bool clauses = false;
    };
    auto opts = std::make_shared<options>();
    auto* list = app.add_subcommand("list", "Print the cases (or, with --clauses, the clauses and what tests them)");
    add_common(list, opts->o);
    list->add_flag("--clauses", opts->clauses, "Every clause with the cases that test it; untested ones as such (--filter then selects clause ids)");
    return {list, [opts] { return cmd_list(opts->o, opts->clauses); }};
}

} // namespace sockconf::cli
