// shared.hpp: what the subcommands share. Where the tree is, profile names and
// files, output to a file or stdout, and the IUT options run and bench both take.
#include <sockconf/cli/shared.hpp>

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace sockconf;
using namespace sockconf::cli;

TEST(shared, profile_ids_are_files_under_home_and_paths_stay_as_given)
{
    EXPECT_EQ(profile_path("/h", "wechat"), "/h/specs/profiles/wechat.json");
    EXPECT_EQ(profile_path("/h", "my/own.json"), "my/own.json");
    EXPECT_EQ(profile_path("/h", "own.json"), "own.json");
}

TEST(shared, home_is_the_flag_then_the_environment)
{
    EXPECT_EQ(find_home("/from/flag"), "/from/flag");
    ::setenv("SOCKCONF_HOME", "/from/env", 1);
    EXPECT_EQ(find_home(""), "/from/env");
    ::unsetenv("SOCKCONF_HOME");
    EXPECT_FALSE(find_home("").empty());
}

TEST(shared, an_installed_program_finds_share_sockconf_beside_its_bin_folder)
{
    namespace fs = std::filesystem;
    auto const prefix = fs::temp_directory_path() / ("sockconf-installed-home-" + std::to_string(::getpid()));
    fs::remove_all(prefix);
    fs::create_directories(prefix / "bin");
    // Without specs/api.json there, nothing is installed: the caller falls back to the source tree.
    EXPECT_EQ(installed_home(prefix / "bin" / "sockconf"), "");
    fs::create_directories(prefix / "share" / "sockconf" / "specs");
    std::ofstream(prefix / "share" / "sockconf" / "specs" / "api.json") << "{}";
    EXPECT_EQ(installed_home(prefix / "bin" / "sockconf"), (prefix / "share" / "sockconf").string());
    fs::remove_all(prefix);
}

TEST(shared, load_specs_reads_the_tree_and_a_bad_profile_or_settings_file_is_a_spec_error)
{
    auto const s = load_specs(SOCKCONF_SOURCE_DIR, "wechat", "");
    EXPECT_EQ(s.prof.id, "wechat");
    EXPECT_FALSE(s.clauses.all().empty());
    EXPECT_GT(s.settings.case_timeout_ms, 0); // HOME/specs/settings.json when --settings is not given
    EXPECT_THROW(load_specs(SOCKCONF_SOURCE_DIR, "no-such-profile", ""), spec_error);
    EXPECT_THROW(load_specs(SOCKCONF_SOURCE_DIR, "wechat", "/no/such/settings.json"), spec_error);
}

TEST(shared, write_out_writes_the_file_or_stdout)
{
    auto const path = (std::filesystem::temp_directory_path() / "sockconf-cli-write-out.txt").string();
    write_out(path, [](std::ostream& o) { o << "hello"; });
    std::ifstream in(path);
    std::stringstream got;
    got << in.rdbuf();
    EXPECT_EQ(got.str(), "hello");
    std::filesystem::remove(path);
    testing::internal::CaptureStdout();
    write_out("-", [](std::ostream& o) { o << "to stdout"; });
    EXPECT_EQ(testing::internal::GetCapturedStdout(), "to stdout");
}

TEST(shared, iut_options_parse_into_the_driver_factorys_struct)
{
    auto parse = [](std::vector<std::string> args, harness::iut_options& iut) {
        CLI::App app;
        add_iut_options(&app, iut);
        std::reverse(args.begin(), args.end()); // CLI11 takes them last first
        app.parse(args);
    };
    harness::iut_options page;
    parse({"--iut-page", "adapters/browser/ws-browser", "--browser", "chromium", "--pages", "3"}, page);
    EXPECT_EQ(page.page, "adapters/browser/ws-browser");
    EXPECT_EQ(page.browser, "chromium");
    EXPECT_EQ(page.pages, 3);
    EXPECT_FALSE(page.reference());
    harness::iut_options both;
    EXPECT_THROW(parse({"--iut", "x", "--iut-page", "y"}, both), CLI::ExcludesError);
    harness::iut_options firefox;
    parse({"--iut-page", "y", "--browser", "firefox"}, firefox);
    EXPECT_EQ(firefox.browser, "firefox");
    harness::iut_options bad_browser;
    EXPECT_THROW(parse({"--iut-page", "y", "--browser", "webkit"}, bad_browser), CLI::ValidationError);
    harness::iut_options none;
    parse({}, none);
    EXPECT_TRUE(none.reference());
    EXPECT_EQ(none.pages, 24);
}

// A browser platform is graded against the profile its platform.json names unless
// --profile says otherwise; nothing else changes the default.
TEST(shared, a_page_run_takes_its_platforms_profile_unless_profile_is_given)
{
    auto parse = [](std::vector<std::string> args) {
        CLI::App app;
        common_opts o;
        add_common(&app, o);
        std::reverse(args.begin(), args.end());
        app.parse(args);
        return o;
    };
    auto const defaulted = parse({});
    EXPECT_EQ(defaulted.profile, "wechat");
    EXPECT_FALSE(defaulted.profile_given);
    EXPECT_TRUE(parse({"--profile", "wechat"}).profile_given);

    std::string const home = SOCKCONF_SOURCE_DIR;
    harness::iut_options page;
    page.page = "adapters/browser/mpx";
    EXPECT_EQ(choose_profile(home, "wechat", false, page), "mpx");
    EXPECT_EQ(choose_profile(home, "wechat", true, page), "wechat") << "--profile wins";
    page.page = "taro-rn"; // the platform's name alone names HOME/adapters/browser/taro-rn
    EXPECT_EQ(choose_profile(home, "wechat", false, page), "taro-rn");
    EXPECT_EQ(choose_profile(home, "wechat", false, harness::iut_options{}), "wechat") << "the reference";
    harness::iut_options program;
    program.command = "node adapters/node/sockconf-node.mjs";
    EXPECT_EQ(choose_profile(home, "wechat", false, program), "wechat");
}
