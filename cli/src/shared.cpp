#include <sockconf/cli/shared.hpp>
#include <sockconf/common/json_file.hpp>
#include <sockconf/harness/page_folder.hpp>

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace sockconf::cli {

namespace fs = std::filesystem;

std::string installed_home(fs::path const& exe)
{
    auto const share = (exe.parent_path().parent_path() / "share" / "sockconf").lexically_normal();
    std::error_code ec;
    return fs::exists(share / "specs" / "api.json", ec) ? share.string() : std::string();
}

std::string find_home(std::string const& flag)
{
    if (!flag.empty())
        return flag;
    if (auto const* env = std::getenv("SOCKCONF_HOME"))
        return env;
    if (fs::exists("specs/api.json") && fs::is_directory("suites"))
        return ".";
    // An installed sockconf (the .deb: /usr/bin/sockconf, /usr/share/sockconf) carries its data
    // beside it; /proc/self/exe, not argv[0], so that a symlink or a PATH lookup finds the same.
    std::error_code ec;
    if (auto const exe = fs::read_symlink("/proc/self/exe", ec); !ec)
        if (auto home = installed_home(exe); !home.empty())
            return home;
    return SOCKCONF_SOURCE_DIR;
}

std::string profile_path(std::string const& home, std::string const& name)
{
    if (name.find('/') != std::string::npos || name.ends_with(".json"))
        return name;
    return home + "/specs/profiles/" + name + ".json";
}

specs load_specs(std::string const& home, std::string const& profile_name, std::string const& settings_file)
{
    auto clauses = harness::clause_catalog::load_dir(home + "/specs/clauses");
    auto const known_clause = [&](std::string const& id) { return clauses.find(id) != nullptr; };
    auto invariants = harness::invariant_catalog::load(home + "/specs/invariants.json", known_clause);
    auto api = harness::api_catalog::load(home + "/specs/api.json", known_clause);
    auto prof = profile::load(profile_path(home, profile_name));
    clauses.apply_profile(prof.raw); // a clause's level may depend on the platform (D55)
    auto settings = harness::harness_settings::load(harness::settings_path(home, settings_file));
    return {std::move(api), std::move(clauses), std::move(invariants), std::move(prof), settings};
}

harness::load_result load_cases(std::string const& home, specs const& s, std::vector<std::string> paths)
{
    if (paths.empty())
        paths.push_back(home + "/suites");
    return harness::load_suites(paths, s.api, s.clauses, home + "/suites");
}

exit_code print_errors(std::vector<spec_error> const& errors)
{
    for (auto const& e : errors)
        std::cerr << "error: " << e.what() << "\n";
    return errors.empty() ? exit_code::ok : exit_code::usage;
}

std::string choose_profile(std::string const& home, std::string const& given, bool profile_given,
                           harness::iut_options const& iut)
{
    if (profile_given || iut.page.empty())
        return given;
    auto const folder = harness::resolve_page_folder(home, iut.page);
    auto const p = harness::platform_profile(folder);
    if (!p)
        return given;
    std::cerr << "note: profile " << *p << ", from " << (folder.dir / "platform.json").string()
              << " (--profile grades against another)\n";
    return *p;
}

void add_common(CLI::App* cmd, common_opts& o, bool with_filter)
{
    cmd->add_option("--home", o.home, "Folder holding specs/ and suites/ (default: $SOCKCONF_HOME, ., the installed share/sockconf, or the source tree)");
    cmd->add_option("--profile", o.profile,
                    "Profile id (specs/profiles/ID.json) or a profile file")
        ->capture_default_str()
        ->each([&o](std::string const&) { o.profile_given = true; });
    cmd->add_option("--suites", o.suites, "Case files or folders (default: HOME/suites)");
    cmd->add_option("--settings", o.settings,
                    "The harness settings file: case and wait timeouts, settle time (default: HOME/specs/settings.json)");
    if (with_filter)
        cmd->add_option("--filter", o.filter, "Only cases whose id matches this glob (comma: alternatives)");
}

void add_iut_options(CLI::App* cmd, harness::iut_options& iut)
{
    auto* command = cmd->add_option("--iut", iut.command,
                                    "Test this program instead of the built-in reference: a shell command speaking the adapter "
                                    "protocol on stdin/stdout (specs/adapter-protocol.md), started for every IUT instance "
                                    "(run: once per case)");
    cmd->add_option("--iut-page", iut.page,
                    "Test a platform in a browser: its page folder (adapters/browser/NAME, or a folder anywhere "
                    "with dist/bundle.mjs, e.g. from `sockconf init browser`); sockconf serves the page and a "
                    "control WebSocket, pages that open it are the IUT")
        ->excludes(command);
    cmd->add_option("--browser", iut.browser,
                    "Launch this browser on the --iut-page, headless, via adapters/browser/launch.mjs: chromium "
                    "(Debian's, over the DevTools protocol) or firefox (Debian's firefox-esr, over WebDriver BiDi), "
                    "both through puppeteer-core; "
                    "without it, sockconf prints the page URL and waits for a browser or device to open it")
        ->check(CLI::IsMember({"chromium", "firefox"}));
    cmd->add_option("--pages", iut.pages, "Pages the launched browser opens (instances reused between cases)")
        ->capture_default_str()->check(CLI::Range(1, 32));
}

void write_out(std::string const& path, std::function<void(std::ostream&)> const& fill)
{
    if (path.empty() || path == "-") {
        fill(std::cout);
        return;
    }
    write_file_atomically(path, fill);
    std::cerr << "wrote " << path << "\n";
}

} // namespace sockconf::cli
