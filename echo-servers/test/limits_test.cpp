// server_options limits (servers.hpp): max_message_bytes, handshake_timeout_ms,
// max_connections. Each limit is hit and the recorded error checked. Every wait is bounded.
#include "test_clients.hpp"

#include <gtest/gtest.h>

namespace sockconf::echo {
namespace {

using namespace test; // NOLINT: the test clients and their aliases


/// The ended records whose error starts with `prefix`.
std::vector<wire_record> errors_starting(wire_log const& log, std::string const& prefix)
{
    std::vector<wire_record> out;
    for (auto const& r : log.all())
        if (r.end != conn_end::open && r.error.rfind(prefix, 0) == 0)
            out.push_back(r);
    return out;
}

class echo_limits : public ::testing::Test {
protected:
    void start(server_options o)
    {
        s_ = std::make_unique<servers>(std::move(o));
        s_->start();
    }
    std::unique_ptr<servers> s_;
};

TEST_F(echo_limits, message_above_max_message_bytes_is_closed_1009_naming_the_limit)
{
    server_options o;
    o.max_message_bytes = 1000;
    start(o);
    ws_client c;
    ASSERT_FALSE(c.connect(s_->ws_port(), "/echo?tag=big"));
    std::string data;
    bool binary = false;
    ASSERT_FALSE(c.write(std::string(1000, 'a'), false)); // exactly the limit: echoed
    ASSERT_FALSE(c.read(data, binary));
    EXPECT_EQ(data.size(), 1000u);

    std::string big(5000, '\0');
    for (std::size_t i = 0; i < big.size(); ++i)
        big[i] = static_cast<char>(i % 251);
    ASSERT_FALSE(c.write(big, true));
    EXPECT_EQ(c.read(data, binary), websocket::error::closed);
    EXPECT_EQ(c.reason().code, 1009);
    std::string const why = "message of 5000 bytes exceeds max_message_bytes 1000";
    EXPECT_EQ(std::string(c.reason().reason.c_str()), why);

    auto const r = ended(s_->log(), "big");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->end, conn_end::error);
    EXPECT_EQ(r->error, why);
    EXPECT_EQ(r->sent_close_code, 1009);
    EXPECT_EQ(r->close_code, 1009); // Beast's client echoes the code
    ASSERT_EQ(r->messages.size(), 2u);
    EXPECT_TRUE(r->messages[1].binary);
    EXPECT_EQ(r->messages[1].size, 5000u);
    EXPECT_EQ(r->messages[1].head, big.substr(0, 4096));
    EXPECT_EQ(r->bytes_received, 6000u);
}

TEST_F(echo_limits, fragmented_message_above_the_limit_is_measured_whole)
{
    server_options o;
    o.max_message_bytes = 100;
    start(o);
    ws_client c;
    ASSERT_FALSE(c.connect(s_->ws_port(), "/echo?tag=frag-big"));
    ASSERT_FALSE(c.write_fragments(std::string(250, 'z'), 60, false));
    std::string data;
    bool binary = false;
    EXPECT_EQ(c.read(data, binary), websocket::error::closed);
    EXPECT_EQ(c.reason().code, 1009);
    auto const r = ended(s_->log(), "frag-big");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->end, conn_end::error);
    EXPECT_EQ(r->error, "message of 250 bytes exceeds max_message_bytes 100");
    ASSERT_EQ(r->messages.size(), 1u);
    EXPECT_FALSE(r->messages[0].binary);
    EXPECT_EQ(r->messages[0].head, std::string(250, 'z'));
}

TEST_F(echo_limits, incomplete_upgrade_request_times_out_after_handshake_timeout_ms)
{
    server_options o;
    o.handshake_timeout_ms = 200;
    start(o);
    tcp_client half;
    ASSERT_FALSE(half.connect(s_->ws_port()));
    ASSERT_FALSE(half.write("GET /echo?tag=slow HTTP/1.1\r\nHost: x\r\n")); // never the blank line
    tcp_client silent;
    ASSERT_FALSE(silent.connect(s_->ws_port()));
    std::string rest;
    EXPECT_EQ(half.read_to_end(rest), asio::error::eof); // the server hangs up
    EXPECT_EQ(silent.read_to_end(rest), asio::error::eof);
    EXPECT_TRUE(rest.empty());

    std::vector<wire_record> timed_out;
    ASSERT_TRUE(eventually([&] {
        timed_out = errors_starting(s_->log(), "handshake timeout:");
        return timed_out.size() == 2;
    }));
    std::vector<std::string> errors{timed_out[0].error, timed_out[1].error};
    std::sort(errors.begin(), errors.end());
    EXPECT_EQ(errors[0], "handshake timeout: no complete HTTP upgrade request within handshake_timeout_ms 200 "
                         "(nothing received)");
    EXPECT_EQ(errors[1], "handshake timeout: no complete HTTP upgrade request within handshake_timeout_ms 200 "
                         "(request incomplete)");
    for (auto const& r : timed_out) {
        EXPECT_EQ(r.end, conn_end::error);
        EXPECT_EQ(r.http_status, 0);
        EXPECT_EQ(r.tag, ""); // the request (and its tag) never arrived
    }
}

TEST_F(echo_limits, silent_client_on_wss_times_out_in_the_tls_handshake)
{
    server_options o;
    o.handshake_timeout_ms = 200;
    start(o);
    tcp_client silent; // connects to the wss port and never says ClientHello
    ASSERT_FALSE(silent.connect(s_->wss_port()));
    std::string rest;
    silent.read_to_end(rest); // the server hangs up
    std::vector<wire_record> timed_out;
    ASSERT_TRUE(eventually([&] {
        timed_out = errors_starting(s_->log(), "tls handshake:");
        return timed_out.size() == 1;
    }));
    EXPECT_EQ(timed_out[0].error, "tls handshake: handshake timeout (handshake_timeout_ms 200)");
    EXPECT_EQ(timed_out[0].end, conn_end::error);
    EXPECT_TRUE(timed_out[0].tls);
}

TEST_F(echo_limits, hang_gives_up_after_handshake_timeout_ms)
{
    server_options o;
    o.handshake_timeout_ms = 200;
    start(o);
    tcp_client c;
    ASSERT_FALSE(c.connect(s_->ws_port()));
    ASSERT_FALSE(c.write("GET /hang?tag=hang HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
    std::string rest;
    EXPECT_EQ(c.read_to_end(rest), asio::error::eof);
    EXPECT_EQ(rest, ""); // never a byte of an answer
    auto const r = ended(s_->log(), "hang");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->behaviour, "hang");
    EXPECT_EQ(r->end, conn_end::error);
    EXPECT_EQ(r->error, "hang: handshake timeout, never answered (handshake_timeout_ms 200)");
}

TEST_F(echo_limits, connections_beyond_max_connections_get_503_naming_the_limit)
{
    server_options o;
    o.max_connections = 2;
    start(o);
    ws_client a, b;
    ASSERT_FALSE(a.connect(s_->ws_port(), "/echo?tag=mc-a"));
    ASSERT_FALSE(b.connect(s_->ws_port(), "/echo?tag=mc-b"));

    ws_client over;
    EXPECT_EQ(over.connect(s_->ws_port(), "/echo?tag=mc-over"), websocket::error::upgrade_declined);
    EXPECT_EQ(over.response().result_int(), 503u);
    EXPECT_EQ(over.response().body(), "max_connections 2 reached");
    auto const r = ended(s_->log(), "mc-over");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->end, conn_end::rejected);
    EXPECT_EQ(r->http_status, 503);
    EXPECT_EQ(r->error, "max_connections 2 reached");
    EXPECT_EQ(s_->log().peak_open("mc-over"), 0u);

    // Refusals of their own never take a slot, so they still answer as asked.
    ws_client refused;
    EXPECT_EQ(refused.connect(s_->ws_port(), "/reject?status=409&tag=mc-409"), websocket::error::upgrade_declined);
    EXPECT_EQ(refused.response().result_int(), 409u);

    // A slot frees when its connection ends.
    ASSERT_FALSE(a.close(1000, ""));
    ASSERT_TRUE(ended(s_->log(), "mc-a"));
    ws_client again;
    EXPECT_FALSE(again.connect(s_->ws_port(), "/echo?tag=mc-again"));
}

TEST_F(echo_limits, defaults_are_the_old_behaviour)
{
    server_options const o;
    EXPECT_EQ(o.max_message_bytes, 64u * 1024 * 1024);
    EXPECT_EQ(o.handshake_timeout_ms, 30000u);
    EXPECT_EQ(o.max_connections, 0u);
    server_options zero;
    zero.handshake_timeout_ms = 0;
    servers s(zero);
    EXPECT_THROW(s.start(), std::invalid_argument);
}

} // namespace
} // namespace sockconf::echo
