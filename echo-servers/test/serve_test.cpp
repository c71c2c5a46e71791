// serve.hpp: the announcement, then a clean return on SIGTERM.
#include <sockconf/echo/serve.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <future>
#include <mutex>
#include <ostream>
#include <regex>
#include <streambuf>
#include <thread>

namespace sockconf::echo {
namespace {

/// A streambuf the test can read while serve_until_signal writes from its thread.
class shared_buf : public std::streambuf {
public:
    std::string text()
    {
        std::lock_guard lock(mu_);
        return text_;
    }

protected:
    int_type overflow(int_type c) override
    {
        if (c != traits_type::eof()) {
            std::lock_guard lock(mu_);
            text_.push_back(static_cast<char>(c));
        }
        return c;
    }
    std::streamsize xsputn(char const* s, std::streamsize n) override
    {
        std::lock_guard lock(mu_);
        text_.append(s, static_cast<std::size_t>(n));
        return n;
    }

private:
    std::mutex mu_;
    std::string text_;
};

/// Run serve_until_signal, wait for `complete` to match its output, send SIGTERM,
/// and return the output and the exit code. Bounded: gives up after 10 s.
std::pair<std::string, int> serve_and_stop(bool json_output, std::regex const& complete, bool control = false)
{
    shared_buf buf;
    std::ostream out(&buf);
    auto result = std::async(std::launch::async, [&] { return serve_until_signal({}, json_output, out, control); });
    auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!std::regex_search(buf.text(), complete) && std::chrono::steady_clock::now() < deadline) {
        if (result.wait_for(std::chrono::milliseconds(5)) == std::future_status::ready)
            return {buf.text(), result.get()}; // it failed to start (get() rethrows)
    }
    // The signal set exists before the announcement, so this cannot kill the test.
    std::raise(SIGTERM);
    if (result.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
        ADD_FAILURE() << "serve_until_signal did not return after SIGTERM";
        std::abort(); // a hung server thread cannot be joined; fail loudly instead of hanging
    }
    return {buf.text(), result.get()};
}

TEST(echo_serve, human_announcement_then_clean_exit_on_sigterm)
{
    std::regex const shape(R"(sockconf echo servers \(Ctrl-C to stop\)\n  ws   ws://127\.0\.0\.1:\d+\n  wss  wss://127\.0\.0\.1:\d+\n  tcp  127\.0\.0\.1:\d+\n)");
    auto const [text, code] = serve_and_stop(false, shape);
    EXPECT_TRUE(std::regex_match(text, shape)) << text;
    EXPECT_EQ(code, 0);
}

TEST(echo_serve, json_announcement_is_one_line)
{
    auto const [text, code] = serve_and_stop(true, std::regex("\n"));
    EXPECT_EQ(code, 0);
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n');
    auto const j = json::parse(text);
    ASSERT_TRUE(j["ws"].is_string());
    EXPECT_EQ(j["ws"].get<std::string>().rfind("ws://127.0.0.1:", 0), 0u);
    EXPECT_EQ(j["tcp"]["host"], "127.0.0.1");
    EXPECT_GT(j["tcp"]["port"].get<int>(), 0);
    ASSERT_TRUE(j["wss"].is_string());
    EXPECT_EQ(j["wss"].get<std::string>().rfind("wss://127.0.0.1:", 0), 0u);
    ASSERT_TRUE(j["ca_pem"].is_string());
    EXPECT_EQ(j["ca_pem"].get<std::string>().rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
    EXPECT_FALSE(j.contains("control")); // only with --control
}

TEST(echo_serve, control_is_announced_when_asked_for)
{
    auto const [text, code] = serve_and_stop(true, std::regex("\n"), true);
    EXPECT_EQ(code, 0);
    auto const j = json::parse(text);
    ASSERT_TRUE(j["control"].is_string()) << text;
    EXPECT_TRUE(std::regex_match(j["control"].get<std::string>(), std::regex(R"(http://127\.0\.0\.1:\d+)")));
    auto const [human, code2] = serve_and_stop(false, std::regex("control.*\n"), true);
    EXPECT_EQ(code2, 0);
    EXPECT_TRUE(std::regex_search(human, std::regex(R"(\n  control  http://127\.0\.0\.1:\d+ )"))) << human;
}

} // namespace
} // namespace sockconf::echo
