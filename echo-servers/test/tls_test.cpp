// wss:// (servers.hpp: wss_url, ca_pem): a Beast client over TLS that trusts only
// the servers' throwaway CA echoes; one that trusts nothing fails verification
// and the server records the failed handshake. Every wait is bounded.
#include "test_clients.hpp"

#include <sockconf/echo/servers.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <thread>

namespace sockconf::echo {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using boost::system::error_code;

using test::eventually;

/// A wss client; every step runs for at most 5 s.
class wss_client {
public:
    explicit wss_client(std::string const& ca_pem) : ctx_(ssl::context::tls_client)
    {
        ctx_.set_verify_mode(ssl::verify_peer);
        if (!ca_pem.empty())
            ctx_.add_certificate_authority(asio::buffer(ca_pem));
        ws_.emplace(ioc_, ctx_);
        ws_->next_layer().set_verify_callback(ssl::host_name_verification("127.0.0.1"));
    }

    error_code run(std::function<void(std::function<void(error_code)>)> const& start)
    {
        std::optional<error_code> result;
        start([&](error_code ec) { result = ec; });
        ioc_.restart();
        ioc_.run_for(std::chrono::seconds(5));
        if (!result) {
            beast::get_lowest_layer(*ws_).close();
            ioc_.restart();
            ioc_.run_for(std::chrono::seconds(1));
            return asio::error::timed_out;
        }
        return *result;
    }

    /// TCP connect, TLS handshake, WebSocket handshake.
    error_code connect(std::uint16_t port, std::string const& target)
    {
        auto ec = run([&](auto done) {
            beast::get_lowest_layer(*ws_).async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                                                        [done](error_code ec) { done(ec); });
        });
        if (ec)
            return ec;
        ec = run([&](auto done) { ws_->next_layer().async_handshake(ssl::stream_base::client, done); });
        if (ec)
            return ec;
        return run([&](auto done) {
            ws_->async_handshake("127.0.0.1:" + std::to_string(port), target, [done](error_code ec) { done(ec); });
        });
    }

    error_code write(std::string const& data)
    {
        ws_->text(true);
        return run([&](auto done) {
            ws_->async_write(asio::buffer(data), [done](error_code ec, std::size_t) { done(ec); });
        });
    }

    error_code read(std::string& out)
    {
        beast::flat_buffer buf;
        auto ec = run([&](auto done) { ws_->async_read(buf, [done](error_code ec, std::size_t) { done(ec); }); });
        out = beast::buffers_to_string(buf.data());
        return ec;
    }

    error_code close()
    {
        return run([&](auto done) { ws_->async_close(websocket::close_code::normal, done); });
    }

private:
    asio::io_context ioc_;
    ssl::context ctx_;
    std::optional<websocket::stream<beast::ssl_stream<beast::tcp_stream>>> ws_;
};

TEST(echo_wss, url_port_and_ca_are_known_after_start)
{
    servers s;
    s.start();
    EXPECT_NE(s.wss_port(), 0);
    EXPECT_NE(s.wss_port(), s.ws_port());
    EXPECT_EQ(s.wss_url(), "wss://127.0.0.1:" + std::to_string(s.wss_port()));
    EXPECT_EQ(s.ca_pem().rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
}

TEST(echo_wss, no_tls_means_no_wss)
{
    server_options o;
    o.tls = false;
    servers s(o);
    s.start();
    EXPECT_EQ(s.wss_url(), "");
    EXPECT_EQ(s.wss_port(), 0);
    EXPECT_EQ(s.ca_pem(), "");
}

TEST(echo_wss, client_trusting_the_ca_echoes_and_the_record_says_tls)
{
    servers s;
    s.start();
    wss_client c(s.ca_pem());
    ASSERT_FALSE(c.connect(s.wss_port(), "/echo?tag=wss-echo"));
    ASSERT_FALSE(c.write("over tls"));
    std::string got;
    ASSERT_FALSE(c.read(got));
    EXPECT_EQ(got, "over tls");
    EXPECT_FALSE(c.close());

    std::optional<wire_record> r;
    ASSERT_TRUE(eventually([&] {
        auto recs = s.log().by_tag("wss-echo");
        if (recs.size() == 1 && recs[0].end != conn_end::open)
            r = recs[0];
        return r.has_value();
    }));
    EXPECT_TRUE(r->tls);
    EXPECT_EQ(r->to_json()["tls"], true);
    EXPECT_EQ(r->behaviour, "echo");
    EXPECT_EQ(r->http_status, 101);
    ASSERT_EQ(r->messages.size(), 1u);
    EXPECT_EQ(r->messages[0].head, "over tls");
    EXPECT_EQ(r->end, conn_end::client_closed);
}

// A case's own wss:// listener (servers::open_ws_listeners) is the main one's twin: the
// same certificate, the same behaviours, its port in the record; closed, it accepts no
// more while its connection goes on.
TEST(echo_wss, a_listener_of_a_case_s_own_serves_wss_until_closed)
{
    servers s;
    s.start();
    auto const ports = s.open_ws_listeners();
    ASSERT_NE(ports.wss, 0);
    EXPECT_NE(ports.wss, s.wss_port());
    EXPECT_EQ(s.wss_url(ports.wss), "wss://127.0.0.1:" + std::to_string(ports.wss));
    wss_client c(s.ca_pem());
    ASSERT_FALSE(c.connect(ports.wss, "/echo?tag=own-wss"));
    s.close_ws_listeners(ports);
    ASSERT_FALSE(c.write("still"));
    std::string got;
    ASSERT_FALSE(c.read(got));
    EXPECT_EQ(got, "still");
    auto const recs = s.log().by_tag("own-wss");
    ASSERT_EQ(recs.size(), 1u);
    EXPECT_TRUE(recs[0].tls);
    EXPECT_EQ(recs[0].local_port, ports.wss);
    wss_client late(s.ca_pem());
    EXPECT_EQ(late.connect(ports.wss, "/echo?tag=own-wss-late"), asio::error::connection_refused);
}

// As over ws:// (servers_test: a_connection_that_ended_leaves_no_session_behind): a
// wss:// session ends with its connection, its TLS handshake deadline disarmed.
TEST(echo_wss, a_connection_that_ended_leaves_no_session_behind)
{
    server_options o;
    o.handshake_timeout_ms = 60000;
    servers s(o);
    s.start();
    {
        wss_client c(s.ca_pem());
        ASSERT_FALSE(c.connect(s.wss_port(), "/echo?tag=wss-life"));
        ASSERT_FALSE(c.write("x"));
        std::string got;
        ASSERT_FALSE(c.read(got));
        EXPECT_FALSE(c.close());
    }
    EXPECT_TRUE(eventually([&] { return s.live_sessions() == 0; })) << s.live_sessions();
    {
        test::tcp_client t; // the TLS handshake begun (a ClientHello's first bytes), then gone
        ASSERT_FALSE(t.connect(s.wss_port()));
        ASSERT_FALSE(t.write(std::string("\x16\x03\x01\x02\x00\x01", 6)));
        ASSERT_TRUE(eventually([&] { return s.live_sessions() == 1; }));
    }
    EXPECT_TRUE(eventually([&] { return s.live_sessions() == 0; })) << "after a TLS handshake left: " << s.live_sessions();
}

TEST(echo_wss, close_behaviour_works_over_tls)
{
    servers s;
    s.start();
    wss_client c(s.ca_pem());
    ASSERT_FALSE(c.connect(s.wss_port(), "/close?code=4001&reason=bye&tag=wss-close"));
    std::string got;
    EXPECT_EQ(c.read(got), websocket::error::closed);
    std::optional<wire_record> r;
    ASSERT_TRUE(eventually([&] {
        auto recs = s.log().by_tag("wss-close");
        if (recs.size() == 1 && recs[0].end != conn_end::open)
            r = recs[0];
        return r.has_value();
    }));
    EXPECT_EQ(r->sent_close_code, 4001);
    EXPECT_EQ(r->end, conn_end::server_closed);
}

TEST(echo_wss, client_trusting_nothing_fails_and_the_server_records_an_error)
{
    servers s;
    s.start();
    {
        wss_client c("");
        auto ec = c.connect(s.wss_port(), "/echo?tag=untrusted");
        EXPECT_TRUE(ec);
        EXPECT_NE(ec, asio::error::timed_out);
    }
    std::optional<wire_record> r;
    ASSERT_TRUE(eventually([&] {
        for (auto const& rec : s.log().all())
            if (rec.tls && rec.end != conn_end::open)
                r = rec;
        return r.has_value();
    }));
    EXPECT_EQ(r->end, conn_end::error);
    EXPECT_NE(r->error.find("tls handshake"), std::string::npos) << r->error;
    EXPECT_EQ(r->tag, ""); // the request was never read
    EXPECT_TRUE(s.log().by_tag("untrusted").empty());
}

TEST(echo_wss, plain_http_on_the_wss_port_is_a_recorded_error)
{
    servers s;
    s.start();
    // Plain HTTP to the TLS port: a failed TLS handshake, recorded, no crash.
    asio::io_context ioc;
    tcp::socket sock(ioc);
    sock.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), s.wss_port()));
    std::string const req = "GET /echo HTTP/1.1\r\nHost: x\r\n\r\n";
    asio::write(sock, asio::buffer(req));
    std::optional<wire_record> r;
    ASSERT_TRUE(eventually([&] {
        for (auto const& rec : s.log().all())
            if (rec.tls && rec.end != conn_end::open)
                r = rec;
        return r.has_value();
    }));
    EXPECT_EQ(r->end, conn_end::error);
    s.stop();
}

} // namespace
} // namespace sockconf::echo
