// `sockconf init node|browser NAME [--dir DIR]`: a new platform's adapter folder —
// a wx module stub that fails honestly (init_templates.cpp), a profile copied from
// a shipped one, a README — and the exact command that runs the suites against it.
#include "init_templates.hpp"

#include <sockconf/cli/command.hpp>
#include <sockconf/cli/shared.hpp>
#include <sockconf/common/json_file.hpp>
#include <sockconf/common/profile.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <regex>

namespace sockconf::cli {

namespace {

namespace fs = std::filesystem;

struct init_opts {
    std::string kind, name, dir, home, from = "wechat";
};

/// `text` as one shell word: as it is when it holds nothing a shell reads, else in single quotes.
std::string shell_word(std::string const& text)
{
    static std::regex const plain("[A-Za-z0-9_./:=@%+,-]+");
    if (std::regex_match(text, plain))
        return text;
    std::string out = "'";
    for (char c : text)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

/// How the user's shell reaches this program: "sockconf" when that is what PATH finds,
/// else its absolute path (a build tree's build/bin/sockconf).
std::string self_command()
{
    std::error_code ec;
    auto const self = fs::read_symlink("/proc/self/exe", ec);
    if (ec)
        return "sockconf";
    if (auto const* path = std::getenv("PATH")) {
        std::string_view rest = path;
        while (!rest.empty()) {
            auto const colon = rest.find(':');
            auto const dir = rest.substr(0, colon);
            auto const candidate = fs::path(dir.empty() ? "." : std::string(dir)) / "sockconf";
            if (fs::exists(candidate, ec))
                return fs::equivalent(candidate, self, ec) ? "sockconf" : self.string();
            rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
        }
    }
    return self.string();
}

/// "//   wx.connectSocket -> SocketTask: send, close, …" per function of HOME/specs/api.json,
/// and the JS array of their names without "wx.".
std::pair<std::string, std::string> api_of(std::string const& home)
{
    auto const api = read_json_file(home + "/specs/api.json");
    std::string lines, entries;
    for (auto const& [fn, entry] : api.at("functions").items()) {
        auto const returns = entry.value("returns", std::string());
        std::string methods;
        if (!returns.empty() && api.at("classes").contains(returns))
            for (auto const& [m, _] : api.at("classes").at(returns).at("methods").items())
                methods += (methods.empty() ? "" : ", ") + m;
        lines += "//   " + fn + (returns.empty() ? "" : " -> " + returns + (methods.empty() ? "" : ": " + methods)) + "\n";
        entries += (entries.empty() ? "" : ", ") + json(fn.substr(fn.find('.') + 1)).dump();
    }
    return {lines, "[" + entries + "]"};
}

exit_code cmd_init(init_opts const& o)
{
    static std::regex const name_re("[a-z0-9][a-z0-9-]{0,62}");
    if (!std::regex_match(o.name, name_re))
        throw spec_error("E-INIT-NAME", "", "",
                         fmt::format("\"{}\" is not a platform name: lower-case letters, digits and '-', starting with a "
                                     "letter or digit, at most 63 (it names the folder, the profile and the page)",
                                     o.name));
    auto const dir = fs::absolute(o.dir.empty() ? o.name : o.dir).lexically_normal();
    std::error_code ec;
    if (fs::exists(fs::symlink_status(dir, ec)))
        throw spec_error("E-INIT-EXISTS", dir.string(), "",
                         "already exists: sockconf init writes a new folder and never overwrites one (remove it, "
                         "or choose another with --dir)");
    auto const home = fs::absolute(find_home(o.home)).lexically_normal().string();
    auto const browser = o.kind == "browser";

    // The profile: the base one, checked, renamed; its notes say where it came from.
    auto const from_path = profile_path(home, o.from);
    (void)profile::load(from_path);
    auto prof = read_json_file(from_path);
    prof["$schema"] = home + "/specs/schemas/profile.schema.json";
    prof["id"] = o.name;
    prof["title"] = o.name + " (from sockconf init; the values are " + o.from + "'s until changed)";
    prof["notes"]["sockconf_init"] = "copied from " + from_path + " by `sockconf init " + o.kind + " " + o.name +
                                     "`: change each value to what " + o.name + " documents";

    auto const [api_lines, entries] = api_of(home);
    auto const stub = init_templates::fill(init_templates::wx_stub, {{"NAME", o.name}, {"KIND", o.kind},
                                                                     {"API", api_lines}, {"ENTRIES", entries}});
    auto const module = browser ? std::string("entry.mjs") : std::string("wx.mjs");
    // --home when the home is not what sockconf finds from any folder by itself.
    bool const found_anywhere = o.home.empty() && !std::getenv("SOCKCONF_HOME") && !fs::exists("specs/api.json");
    auto const home_flag = found_anywhere ? std::string() : " --home " + shell_word(home);
    auto const profile_flag = " --profile " + shell_word((dir / "profile.json").string());
    std::string command;
    if (browser) {
        command = self_command() + " run" + home_flag + " --iut-page " + shell_word(dir.string()) + " --browser chromium" +
                  profile_flag;
    } else {
        auto const iut = "node " + shell_word(home + "/adapters/node/sockconf-node.mjs") + " --module " +
                         shell_word((dir / module).string()) + " --name " + o.name;
        command = self_command() + " run" + home_flag + " --iut " + shell_word(iut) + profile_flag;
    }
    auto const build = browser ? init_templates::fill(init_templates::browser_build,
                                                      {{"DIR", shell_word(dir.string())}, {"NAME", o.name}})
                               : std::string();
    auto const readme = init_templates::fill(init_templates::readme, {{"NAME", o.name}, {"KIND", o.kind}, {"FROM", o.from},
                                                                      {"COMMAND", command}, {"MODULE", module},
                                                                      {"BUILD", build}});

    std::vector<std::pair<fs::path, std::string>> files{{dir / module, stub}, {dir / "README.md", readme}};
    if (browser)
        files.emplace_back(dir / "dist" / "bundle.mjs", stub); // no imports: the entry is its own bundle
    fs::create_directories(dir / (browser ? "dist" : ""));
    for (auto const& f : files)
        write_file_atomically(f.first.string(), [&f](std::ostream& out) { out << f.second; });
    write_json_file((dir / "profile.json").string(), prof);
    (void)profile::load((dir / "profile.json").string()); // what the command will load

    std::cout << fmt::format("wrote {}/: {}, profile.json, README.md{}\n", dir.string(), module,
                             browser ? ", dist/bundle.mjs" : "");
    std::cout << "Run the suites against it (every case UNIMPLEMENTED until the stub has functions):\n\n  " << command
              << "\n";
    return exit_code::ok;
}

} // namespace

command add_init_command(CLI::App& app)
{
    auto opts = std::make_shared<init_opts>();
    auto* init = app.add_subcommand(
        "init", "Start a new platform: an adapter folder with a wx module stub that fails honestly (UNIMPLEMENTED) "
                "and a profile, and the command that runs the suites against it");
    init->add_option("kind", opts->kind, "node (a module for the Node runner) or browser (a page for --iut-page)")
        ->required()->check(CLI::IsMember({"node", "browser"}));
    init->add_option("name", opts->name, "The platform's name: lower-case letters, digits and '-'")->required();
    init->add_option("--dir", opts->dir, "The folder to write (default ./NAME); it must not exist");
    init->add_option("--from-profile", opts->from,
                     "The profile to start from, copied into DIR/profile.json with id NAME (an id of "
                     "HOME/specs/profiles, or a file)")
        ->capture_default_str();
    init->add_option("--home", opts->home, "Folder holding specs/ and adapters/ (default: $SOCKCONF_HOME, ., or the source tree)");
    return {init, [opts] { return cmd_init(*opts); }};
}

} // namespace sockconf::cli
