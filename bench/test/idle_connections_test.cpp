// idle_connections.hpp against the in-process echo servers: every connection upgraded and
// held open until the object goes; a target where nothing listens says so, in bounded time.
#include <sockconf/bench/idle_connections.hpp>
#include "echo_fixture.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace sockconf::bench {
namespace {

class idle : public test::echo_fixture {
protected:
    std::size_t open_now() { return s_->log().open_count(""); }
};

TEST_F(idle, holds_every_connection_open_until_it_goes)
{
    {
        idle_connections held(parse_ws_url(s_->ws_url() + "/echo"), 300, std::chrono::milliseconds(10000), 32);
        EXPECT_EQ(held.opened(), 300u);
        EXPECT_EQ(held.error(), "");
        EXPECT_EQ(open_now(), 300u); // all upgraded, none closed (the records are untagged)
    }
    for (int i = 0; i < 200 && open_now() != 0; ++i) // the server sees them go
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(open_now(), 0u);
}

TEST_F(idle, a_target_that_refuses_is_an_error_not_a_hang)
{
    auto const started = std::chrono::steady_clock::now();
    idle_connections none(parse_ws_url("ws://127.0.0.1:1/echo"), 5, std::chrono::milliseconds(3000));
    EXPECT_EQ(none.opened(), 0u);
    EXPECT_NE(none.error(), "");
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
}

} // namespace
} // namespace sockconf::bench
