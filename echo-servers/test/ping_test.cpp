// `ping=N&ping_interval_ms=I` (servers.hpp): the server pings after the
// handshake, a conforming client (Beast's stream) pongs, and the wire record
// counts pings sent, pongs received and the client's own pings. Every wait is bounded.
#include "test_clients.hpp"

#include <gtest/gtest.h>

namespace sockconf::echo {
namespace {

using namespace test; // NOLINT: the test clients and their aliases

// Beast answers pings only while a read is pending: exchange echoes until the
// client has seen `n` pings (or the attempts run out).
void exchange_until_pinged(ws_client& c, std::size_t n)
{
    std::string data;
    bool binary = false;
    for (int i = 0; i < 100 && c.pings_seen().size() < n; ++i) {
        ASSERT_FALSE(c.write("m", false));
        ASSERT_FALSE(c.read(data, binary));
        ASSERT_EQ(data, "m");
        if (c.pings_seen().size() < n)
            std::this_thread::sleep_for(std::chrono::milliseconds(10)); // let a spaced ping arrive
    }
}

TEST(echo_ping, server_pings_are_answered_with_pongs_and_counted)
{
    servers s;
    s.start();
    ws_client c;
    ASSERT_FALSE(c.connect(s.ws_port(), "/echo?ping=3&tag=ping"));
    exchange_until_pinged(c, 3);
    EXPECT_EQ(c.pings_seen(), (std::vector<std::string>{"sockconf-ping-1", "sockconf-ping-2", "sockconf-ping-3"}));
    // The server sees the pongs while it waits for the next message.
    EXPECT_TRUE(eventually([&] { return s.log().by_tag("ping").at(0).pongs_received == 3; }));

    ASSERT_FALSE(c.ping("from-client"));
    EXPECT_TRUE(eventually([&] { return s.log().by_tag("ping").at(0).pings_received == 1; }));

    ASSERT_FALSE(c.close(1000, ""));
    auto const r = ended(s.log(), "ping");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->end, conn_end::client_closed);
    EXPECT_EQ(r->pings_sent, 3u);
    EXPECT_EQ(r->pongs_received, 3u);
    EXPECT_EQ(r->pings_received, 1u);
    auto const j = r->to_json();
    EXPECT_EQ(j["pings_sent"], 3);
    EXPECT_EQ(j["pongs_received"], 3);
    EXPECT_EQ(j["pings_received"], 1);
}

TEST(echo_ping, pings_spaced_by_an_interval_all_arrive)
{
    servers s;
    s.start();
    ws_client c;
    ASSERT_FALSE(c.connect(s.ws_port(), "/echo?ping=2&ping_interval_ms=50&tag=ping-spaced"));
    exchange_until_pinged(c, 2);
    EXPECT_EQ(c.pings_seen(), (std::vector<std::string>{"sockconf-ping-1", "sockconf-ping-2"}));
    EXPECT_TRUE(eventually([&] { return s.log().by_tag("ping-spaced").at(0).pongs_received == 2; }));
    EXPECT_EQ(s.log().by_tag("ping-spaced").at(0).pings_sent, 2u);
}

TEST(echo_ping, a_client_that_never_reads_leaves_pings_unanswered)
{
    servers s;
    s.start();
    ws_client c;
    ASSERT_FALSE(c.connect(s.ws_port(), "/echo?ping=2&tag=ping-deaf"));
    ASSERT_TRUE(eventually([&] { return s.log().by_tag("ping-deaf").at(0).pings_sent == 2; }));
    c.drop(); // never read, so never ponged
    auto const r = ended(s.log(), "ping-deaf");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->pings_sent, 2u);
    EXPECT_EQ(r->pongs_received, 0u);
}

TEST(echo_ping, no_ping_parameter_sends_no_pings)
{
    servers s;
    s.start();
    ws_client c;
    ASSERT_FALSE(c.connect(s.ws_port(), "/echo?tag=ping-none"));
    std::string data;
    bool binary = false;
    ASSERT_FALSE(c.write("x", false));
    ASSERT_FALSE(c.read(data, binary));
    ASSERT_FALSE(c.close(1000, ""));
    auto const r = ended(s.log(), "ping-none");
    ASSERT_TRUE(r);
    EXPECT_TRUE(c.pings_seen().empty());
    EXPECT_EQ(r->pings_sent, 0u);
    EXPECT_EQ(r->pongs_received, 0u);
}

} // namespace
} // namespace sockconf::echo
