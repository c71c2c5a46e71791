// sockconf/net/tls_stream.hpp and transfer_whole.hpp (common/): the wss://
// stream's contract on a real loopback connection, as the echo servers' server
// end against Asio's own TLS client, and as the load generator's client end.
// Here rather than in common/test: the certificate is the echo servers' (tls.hpp).
#include "detail/tls.hpp"

#include <sockconf/net/tls_stream.hpp>
#include <sockconf/net/transfer_whole.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <thread>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using boost::system::error_code;
using sockconf::net::tls_stream;
using tcp = asio::ip::tcp;

/// Runs `ioc` until `done`, at most 10 s; whether `done` came.
template <class Done>
bool run_io_until(asio::io_context& ioc, Done done)
{
    auto const end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done() && std::chrono::steady_clock::now() < end) {
        ioc.restart();
        ioc.run_for(std::chrono::milliseconds(10));
    }
    return done();
}

/// A server tls_stream and an Asio TLS client, connected and past the handshake.
struct tls_pair : ::testing::Test {
    asio::io_context ioc;
    std::shared_ptr<ssl::context> server_ctx =
        sockconf::echo::detail::make_server_context(sockconf::echo::detail::make_tls_material());
    ssl::context client_ctx{ssl::context::tls_client};
    std::optional<tls_stream> server;
    std::optional<ssl::stream<tcp::socket>> client;

    void SetUp() override
    {
        tcp::acceptor acc(ioc, {asio::ip::make_address("127.0.0.1"), 0});
        client.emplace(ioc, client_ctx);
        client->next_layer().connect(acc.local_endpoint());
        server.emplace(acc.accept(), *server_ctx);
        error_code server_ec = asio::error::would_block;
        server->async_handshake(ssl::stream_base::server, [&](error_code ec) { server_ec = ec; });
        error_code client_ec = asio::error::would_block;
        client->async_handshake(ssl::stream_base::client, [&](error_code ec) { client_ec = ec; });
        run_until([&] { return server_ec != asio::error::would_block && client_ec != asio::error::would_block; });
        ASSERT_FALSE(server_ec) << server_ec.message();
        ASSERT_FALSE(client_ec) << client_ec.message();
    }

    template <class Done>
    void run_until(Done done)
    {
        ASSERT_TRUE(run_io_until(ioc, done)) << "timed out";
    }

    /// One async_read_some of up to `room` bytes on the server: {error, bytes}.
    std::pair<error_code, std::string> server_read(std::size_t room)
    {
        std::string got(room, '\0');
        std::optional<std::pair<error_code, std::size_t>> r;
        server->async_read_some(asio::buffer(got), [&](error_code ec, std::size_t n) { r.emplace(ec, n); });
        run_until([&] { return r.has_value(); });
        got.resize(r ? r->second : 0);
        return {r ? r->first : asio::error::timed_out, got};
    }
};

TEST_F(tls_pair, one_read_decrypts_every_record_already_received)
{
    // Four records (one SSL_write each), all on the server's socket before it reads.
    std::string const piece(1024, 'x');
    for (int i = 0; i < 4; ++i)
        asio::write(*client, asio::buffer(piece));
    std::this_thread::sleep_for(std::chrono::milliseconds(50)); // loopback: all of it arrived
    auto const [ec, got] = server_read(64 * 1024);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(got.size(), 4 * piece.size()) << "a read stopped after one record";
}

TEST_F(tls_pair, a_read_stops_at_the_buffers_room_and_the_next_read_gets_the_rest)
{
    std::string const msg(3000, 'y');
    asio::write(*client, asio::buffer(msg));
    auto const first = server_read(1000);
    ASSERT_FALSE(first.first);
    EXPECT_EQ(first.second.size(), 1000u);
    std::string all = first.second;
    while (all.size() < msg.size()) {
        auto const next = server_read(4096);
        ASSERT_FALSE(next.first) << next.first.message();
        all += next.second;
    }
    EXPECT_EQ(all, msg);
}

TEST_F(tls_pair, a_write_sends_the_whole_sequence_and_the_client_reads_it)
{
    std::vector<std::string> parts{std::string(10, 'a'), std::string(70000, 'b'), std::string(5, 'c')};
    std::vector<asio::const_buffer> bufs;
    for (auto const& p : parts)
        bufs.push_back(asio::buffer(p));
    std::optional<std::pair<error_code, std::size_t>> w;
    server->async_write_some(bufs, [&](error_code ec, std::size_t n) { w.emplace(ec, n); });
    run_until([&] { return w.has_value(); });
    ASSERT_FALSE(w->first) << w->first.message();
    EXPECT_EQ(w->second, 70015u);
    std::string got(70015, '\0');
    error_code ec;
    asio::read(*client, asio::buffer(got), ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(got, parts[0] + parts[1] + parts[2]);
}

TEST_F(tls_pair, the_clients_close_notify_reads_as_eof)
{
    // The client's close_notify; its shutdown would wait for the server's, which never comes here.
    client->async_shutdown([](error_code) {});
    auto const r = server_read(100);
    EXPECT_EQ(r.first, asio::error::eof) << r.first.message();
    EXPECT_TRUE(SSL_get_shutdown(server->native_handle()) & SSL_RECEIVED_SHUTDOWN);
}

TEST_F(tls_pair, a_connection_ended_without_close_notify_reads_as_stream_truncated)
{
    // A FIN without close_notify (a close would be a reset: the session tickets are unread).
    client->next_layer().shutdown(tcp::socket::shutdown_send);
    auto const r = server_read(100);
    EXPECT_EQ(r.first, ssl::error::stream_truncated) << r.first.message();
}

TEST_F(tls_pair, shutdown_completes_when_the_clients_close_notify_is_in)
{
    std::optional<error_code> done;
    server->async_shutdown([&](error_code ec) { done = ec; });
    // The client reads the server's close_notify and answers with its own.
    std::thread answer([&] {
        char c;
        error_code ec;
        client->read_some(asio::buffer(&c, 1), ec); // eof: the server's close_notify
        client->shutdown(ec);
    });
    run_until([&] { return done.has_value(); });
    answer.join();
    ASSERT_TRUE(done.has_value());
    EXPECT_FALSE(*done) << done->message();
}

/// Both ends tls_streams: the client role (the load generator's) against the server's.
TEST(tls_stream_client, handshakes_with_a_server_stream_and_both_ways_carry_every_byte)
{
    asio::io_context ioc;
    auto const server_ctx = sockconf::echo::detail::make_server_context(sockconf::echo::detail::make_tls_material());
    ssl::context client_ctx{ssl::context::tls_client};
    tcp::acceptor acc(ioc, {asio::ip::make_address("127.0.0.1"), 0});
    tls_stream client(tcp::socket(ioc), client_ctx);
    client.next_layer().socket().connect(acc.local_endpoint());
    tls_stream server(acc.accept(), *server_ctx);

    auto const run_until = [&](auto done) { return run_io_until(ioc, done); };
    std::optional<error_code> server_hs, client_hs;
    server.async_handshake(ssl::stream_base::server, [&](error_code ec) { server_hs = ec; });
    client.async_handshake(ssl::stream_base::client, [&](error_code ec) { client_hs = ec; });
    ASSERT_TRUE(run_until([&] { return server_hs && client_hs; })) << "handshake timed out";
    ASSERT_FALSE(*server_hs) << server_hs->message();
    ASSERT_FALSE(*client_hs) << client_hs->message();

    // A batch of several records each way, read back whole, byte for byte.
    std::string sent(100'000, '\0');
    for (std::size_t i = 0; i < sent.size(); ++i)
        sent[i] = static_cast<char>('a' + i % 26);
    auto const carry = [&](tls_stream& from, tls_stream& to) {
        std::optional<error_code> wrote;
        asio::async_write(from, asio::buffer(sent), [&](error_code ec, std::size_t) { wrote = ec; });
        std::string got;
        std::string buf(32 * 1024, '\0');
        std::optional<error_code> failed;
        std::function<void()> read = [&] {
            to.async_read_some(asio::buffer(buf), [&](error_code ec, std::size_t n) {
                got.append(buf.data(), n);
                if (ec)
                    failed = ec;
                else if (got.size() < sent.size())
                    read();
            });
        };
        read();
        EXPECT_TRUE(run_until([&] { return (wrote && got.size() >= sent.size()) || failed; }));
        EXPECT_FALSE(failed) << failed->message();
        EXPECT_EQ(got, sent);
    };
    carry(client, server);
    carry(server, client); // the client also takes the server's session tickets on the way
}

/// A SyncWriteStream that counts write_some calls (and takes all it is given).
struct counting_stream {
    int calls = 0;
    std::size_t bytes = 0;
    template <class Buffers>
    std::size_t write_some(Buffers const& b, error_code& ec)
    {
        ec = {};
        ++calls;
        std::size_t const n = asio::buffer_size(b);
        bytes += n;
        return n;
    }
    template <class Buffers>
    std::size_t write_some(Buffers const& b)
    {
        error_code ec;
        return write_some(b, ec);
    }
};

TEST(transfer_whole, a_batch_over_64_kib_is_one_write)
{
    std::vector<char> batch(256 * 1024, 'z');
    counting_stream s;
    error_code ec;
    asio::write(s, asio::buffer(batch), sockconf::net::transfer_whole{}, ec);
    EXPECT_FALSE(ec);
    EXPECT_EQ(s.bytes, batch.size());
    EXPECT_EQ(s.calls, 1) << "Asio's transfer_all takes 64 KiB per call: 4";
}

} // namespace
