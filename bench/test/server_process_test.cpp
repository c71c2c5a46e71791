// server_process.hpp: announcement, silence, exit, CPU time, stop.
#include <sockconf/bench/server_process.hpp>

#include <gtest/gtest.h>

#include <csignal>

namespace sockconf::bench {
namespace {

using namespace std::chrono_literals;

TEST(server_process, reads_the_announcement_line_and_stops_the_process)
{
    server_process p("echo 'starting'; echo '{\"ws\":\"ws://127.0.0.1:5/\",\"tcp\":{\"host\":\"127.0.0.1\",\"port\":7}}'; exec sleep 30",
                     -1, 5000ms);
    EXPECT_EQ(p.ws_base(), "ws://127.0.0.1:5");
    EXPECT_EQ(p.tcp_address(), "127.0.0.1:7");
    EXPECT_GE(p.cpu_seconds(), 0.0);
    auto const pid = p.pid();
    p.stop();
    EXPECT_NE(::kill(pid, 0), 0) << "the process is gone";
}

TEST(server_process, silence_or_exit_without_a_line_is_an_error_naming_the_command)
{
    try {
        server_process p("exec sleep 30", -1, 200ms);
        FAIL() << "no announcement, no error";
    } catch (std::runtime_error const& e) {
        EXPECT_NE(std::string(e.what()).find("sleep 30"), std::string::npos) << e.what();
    }
    try {
        server_process p("echo 'no json here'; exit 3", -1, 5000ms);
        FAIL() << "an exited server, no error";
    } catch (std::runtime_error const& e) {
        EXPECT_NE(std::string(e.what()).find("no json here"), std::string::npos) << e.what();
    }
}

TEST(server_process, an_announcement_without_urls_gives_empty_addresses)
{
    server_process p("echo '{}'; exec sleep 30", -1, 5000ms);
    EXPECT_EQ(p.ws_base(), "");
    EXPECT_EQ(p.tcp_address(), "");
}

} // namespace
} // namespace sockconf::bench
