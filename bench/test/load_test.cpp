// load.hpp against the in-process echo servers: bounded short loads that check
// counts and that every echoed byte equals what was sent. No timing asserts.
#include <sockconf/bench/load.hpp>
#include "echo_fixture.hpp"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <sys/socket.h>
#include <thread>

namespace sockconf::bench {
namespace {

class load : public test::echo_fixture {
protected:
    load_options options(transport kind, std::size_t size, unsigned conns, unsigned in_flight)
    {
        auto o = echo_fixture::options(kind, size, conns, in_flight);
        o.verify = true;
        return o;
    }
};

class load_sizes : public load, public ::testing::WithParamInterface<std::tuple<transport, payload_kind, std::size_t>> {};

TEST_P(load_sizes, every_reply_arrives_intact)
{
    auto const [kind, payload, size] = GetParam();
    auto o = options(kind, size, 2, 4);
    o.payload = payload;
    o.max_messages = size >= 65536 ? 40 : 2000;
    auto const r = run_load(o);
    EXPECT_EQ(r.error, "");
    EXPECT_EQ(r.mismatches, 0u);
    EXPECT_GE(r.messages, o.max_messages);
    EXPECT_LE(r.messages, o.max_messages + o.connections * o.in_flight);
    EXPECT_EQ(r.bytes, r.messages * size);
    EXPECT_EQ(r.latency.count(), r.messages);
    EXPECT_GE(r.sent, r.messages - o.connections * o.in_flight);
    EXPECT_GT(r.latency.percentile_us(0.5), 0.0);
}

INSTANTIATE_TEST_SUITE_P(
    shapes, load_sizes,
    ::testing::Values(std::tuple{transport::ws, payload_kind::binary, std::size_t{16}},
                      std::tuple{transport::ws, payload_kind::text, std::size_t{1024}},
                      std::tuple{transport::ws, payload_kind::binary, std::size_t{70000}}, // 64-bit length
                      std::tuple{transport::ws, payload_kind::text, std::size_t{200}},     // 16-bit length
                      std::tuple{transport::wss, payload_kind::binary, std::size_t{16}},
                      std::tuple{transport::wss, payload_kind::text, std::size_t{1024}},
                      std::tuple{transport::wss, payload_kind::binary, std::size_t{70000}}, // over a TLS record
                      std::tuple{transport::tcp, payload_kind::binary, std::size_t{16}},
                      std::tuple{transport::tcp, payload_kind::binary, std::size_t{65536}}));

// Without verify, large replies are consumed unread (MSG_TRUNC): the counts and
// sizes must be the same as when every byte is read.
class load_discarding : public load, public ::testing::WithParamInterface<std::tuple<transport, std::size_t>> {};

TEST_P(load_discarding, replies_are_counted_whole)
{
    auto const [kind, size] = GetParam();
    auto o = options(kind, size, 2, 3);
    o.verify = false;
    o.max_messages = 60;
    auto const r = run_load(o);
    EXPECT_EQ(r.error, "");
    EXPECT_GE(r.messages, o.max_messages);
    EXPECT_LE(r.messages, o.max_messages + o.connections * o.in_flight);
    EXPECT_EQ(r.bytes, r.messages * size);
    EXPECT_EQ(r.latency.count(), r.messages);
}

INSTANTIATE_TEST_SUITE_P(
    shapes, load_discarding,
    ::testing::Values(std::tuple{transport::ws, std::size_t{4096}},     // 16-bit length, at the threshold
                      std::tuple{transport::ws, std::size_t{70000}},    // 64-bit length
                      std::tuple{transport::ws, std::size_t{1 << 20}},
                      std::tuple{transport::wss, std::size_t{70000}},   // read whole: TLS cannot skip
                      std::tuple{transport::tcp, std::size_t{65536}},
                      std::tuple{transport::tcp, std::size_t{5000}}));  // not a divisor of the reads

TEST_F(load, the_window_ends_on_time_without_a_count)
{
    auto o = options(transport::ws, 16, 1, 1);
    o.duration = std::chrono::duration<double>(0.2);
    auto const r = run_load(o);
    EXPECT_EQ(r.error, "");
    EXPECT_GT(r.messages, 0u);
    EXPECT_GE(r.duration_s, 0.2);
}

TEST_F(load, a_refused_connection_is_an_error_not_a_hang)
{
    auto o = options(transport::tcp, 16, 1, 1);
    s_->stop();
    EXPECT_THROW(run_load(o), std::runtime_error);
}

TEST_F(load, a_refused_upgrade_is_an_error)
{
    auto o = options(transport::ws, 16, 1, 1);
    o.target.path = "/reject?status=403";
    EXPECT_THROW(run_load(o), std::runtime_error);
}

/// Handshakes on `url`, `concurrency` at a time, no warm-up, for `seconds`.
handshake_options handshakes(std::string const& url, unsigned concurrency, double seconds)
{
    handshake_options h;
    h.target = parse_ws_url(url);
    h.concurrency = concurrency;
    h.warmup = std::chrono::duration<double>(0);
    h.duration = std::chrono::duration<double>(seconds);
    return h;
}

TEST_F(load, handshakes_complete_with_the_servers_close)
{
    auto h = handshakes(s_->ws_url() + "/echo", 2, 10);
    h.max_handshakes = 50;
    auto const r = run_handshakes(h);
    EXPECT_EQ(r.error, "");
    EXPECT_EQ(r.failures, 0u);
    EXPECT_GE(r.handshakes, 50u);
}

TEST_F(load, a_refused_handshake_is_a_failure_named_by_its_status)
{
    auto const r = run_handshakes(handshakes(s_->ws_url() + "/reject?status=403", 1, 0.3));
    EXPECT_EQ(r.handshakes, 0u);
    EXPECT_GT(r.failures, 0u);
    EXPECT_NE(r.error.find("upgrade refused: HTTP/1.1 403"), std::string::npos) << r.error;
}

TEST(load_handshakes, a_101_with_a_wrong_accept_is_a_failure)
{
    // A server that answers every request with a 101 whose accept belongs to another key.
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    auto const port = acceptor.local_endpoint().port();
    std::thread server([&] {
        for (;;) { // until the acceptor is shut down
            boost::system::error_code ec;
            auto sock = acceptor.accept(ec);
            if (ec)
                return;
            char buf[1024];
            sock.read_some(boost::asio::buffer(buf), ec);
            std::string const answer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                       "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
            boost::asio::write(sock, boost::asio::buffer(answer), ec);
        }
    });
    auto const r = run_handshakes(handshakes("ws://127.0.0.1:" + std::to_string(port) + "/", 1, 0.3));
    ::shutdown(acceptor.native_handle(), SHUT_RDWR); // wakes the blocked accept (Linux)
    server.join();
    EXPECT_EQ(r.handshakes, 0u);
    EXPECT_NE(r.error.find("without the expected Sec-WebSocket-Accept"), std::string::npos) << r.error;
}

TEST(load_target, urls_and_addresses_parse)
{
    auto const t = parse_ws_url("ws://127.0.0.1:8080/echo?x=1");
    EXPECT_EQ(t.host, "127.0.0.1");
    EXPECT_EQ(t.port, 8080);
    EXPECT_EQ(t.path, "/echo?x=1");
    EXPECT_EQ(parse_ws_url("ws://127.0.0.2:1").path, "/");
    auto const s = parse_ws_url("wss://127.0.0.1/x");
    EXPECT_EQ(s.kind, transport::wss);
    EXPECT_EQ(s.port, 443);
    EXPECT_EQ(to_string(s.kind), "wss");
    EXPECT_EQ(parse_tcp_address("127.0.0.1:99").port, 99);
    EXPECT_THROW(parse_ws_url("http://x/"), std::invalid_argument);
    EXPECT_THROW(parse_tcp_address("nope"), std::invalid_argument);
}

} // namespace
} // namespace sockconf::bench
