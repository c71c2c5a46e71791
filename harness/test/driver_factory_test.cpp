// driver_factory.hpp: one choice of IUT for run and bench. Each kind of IUT gets
// its driver (the in-process reference, a program, pages), the hello waits are
// the documented ones, and a page without a browser says where to open it.
#include "test_env.hpp"

#include <sockconf/harness/driver_factory.hpp>

#include <sstream>
#include <stdexcept>

using namespace sockconf;
using namespace sockconf::harness;
using namespace std::chrono_literals;

TEST(driver_factory, a_page_or_program_waits_at_least_30_s_for_hello_the_reference_the_settings_wait)
{
    auto settings = test_env::settings();
    ASSERT_EQ(settings.wait_timeout_ms, 5000) << "the figures below assume specs/settings.json's 5 s wait";
    EXPECT_EQ(hello_wait(iut_options{}, settings), 5000ms);
    EXPECT_EQ(hello_wait(iut_options{.command = "x"}, settings), 30000ms);
    EXPECT_EQ(hello_wait(iut_options{.page = "ws-browser"}, settings), 30000ms);
    settings.wait_timeout_ms = 45000;
    EXPECT_EQ(hello_wait(iut_options{.page = "ws-browser"}, settings), 45000ms);
}

TEST(driver_factory, describe_names_the_iut)
{
    EXPECT_EQ(iut_options{}.describe(), "the built-in reference");
    EXPECT_TRUE(iut_options{}.reference());
    EXPECT_EQ(iut_options{.command = "node x.mjs"}.describe(), "the program `node x.mjs`");
    EXPECT_FALSE(iut_options{.command = "node x.mjs"}.reference());
    EXPECT_EQ(iut_options{.page = "ws-browser"}.describe(), "the page ws-browser (a browser you open)");
    EXPECT_EQ((iut_options{.page = "ws-browser", .browser = "chromium"}.describe()), "the page ws-browser in chromium");
}

TEST(driver_factory, no_iut_is_the_in_process_reference_and_a_command_is_a_program)
{
    std::ostringstream notices;
    auto const reference = make_driver_factory({}, SOCKCONF_SOURCE_DIR, test_env::wechat(), test_env::settings(), "", notices);
    EXPECT_EQ(reference->describe().value("name", ""), "sockconf-reference");
    // The reference's stdio adapter through the process driver: the same hello, from another process.
    auto const program =
        make_driver_factory({.command = SOCKCONF_REF_ADAPTER}, SOCKCONF_SOURCE_DIR, test_env::wechat(), test_env::settings(), "", notices);
    auto const hello = program->describe();
    EXPECT_FALSE(hello.contains("error")) << hello.dump();
    EXPECT_EQ(hello.value("name", ""), "sockconf-reference");
    // A command that is not an adapter: the factory is made, its hello says what failed.
    auto const broken = make_driver_factory({.command = "exit 0"}, SOCKCONF_SOURCE_DIR, test_env::wechat(), test_env::settings(), "", notices);
    EXPECT_TRUE(broken->describe().contains("error"));
    EXPECT_EQ(notices.str(), "");
}

TEST(driver_factory, a_page_without_a_browser_prints_its_url_and_a_missing_page_throws)
{
    std::ostringstream notices;
    auto const page =
        make_driver_factory({.page = "ws-browser"}, SOCKCONF_SOURCE_DIR, test_env::wechat(), test_env::settings(), "", notices);
    EXPECT_TRUE(notices.str().starts_with("waiting for a browser or device to open http://127.0.0.1:")) << notices.str();
    std::ostringstream none;
    EXPECT_THROW(make_driver_factory({.page = "no-such-platform"}, SOCKCONF_SOURCE_DIR, test_env::wechat(), test_env::settings(), "", none),
                 std::runtime_error);
    EXPECT_EQ(none.str(), "");
}
