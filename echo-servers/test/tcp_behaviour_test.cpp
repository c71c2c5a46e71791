// TCP listener behaviours (servers.hpp: tcp_behaviour, open_tcp_listener) driven
// by plain Asio clients over loopback, and what the wire records say about
// them. Every wait is bounded.
#include "test_clients.hpp"

#include <sockconf/common/value.hpp>

#include <gtest/gtest.h>

namespace sockconf::echo {
namespace {

using namespace test; // NOLINT: the test clients and their aliases

class echo_tcp_behaviour : public ::testing::Test {
protected:
    void SetUp() override { s_.start(); }
    servers s_;
};

TEST_F(echo_tcp_behaviour, echo_records_the_head_and_bytes_both_ways)
{
    auto const port = s_.open_tcp_listener("utf8");
    tcp_client t;
    ASSERT_FALSE(t.connect(port));
    std::string const text = "h\xc3\xa9llo \xe2\x82\xac"; // "héllo €" as UTF-8
    ASSERT_FALSE(t.write(text));
    std::string back;
    ASSERT_FALSE(t.read_exactly(text.size(), back));
    EXPECT_EQ(back, text);
    t.shutdown_send();
    std::string rest;
    EXPECT_EQ(t.read_to_end(rest), asio::error::eof);

    auto const r = ended(s_.log(), "utf8");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->behaviour, "tcp-echo");
    EXPECT_EQ(r->end, conn_end::client_closed);
    EXPECT_EQ(r->head, text);
    EXPECT_EQ(r->bytes_received, text.size());
    EXPECT_EQ(r->bytes_sent, text.size());
    EXPECT_EQ(r->remote_port, t.local_port());
    EXPECT_EQ(r->local_port, port);
    // Bytes in JSON, so a case can compare them with {"$arraybuffer_text": "héllo €"}.
    EXPECT_EQ(r->to_json()["head"], json({{"$arraybuffer", base64_encode(text)}}));
}

TEST_F(echo_tcp_behaviour, head_keeps_the_first_4_kib)
{
    auto const port = s_.open_tcp_listener("long");
    tcp_client t;
    ASSERT_FALSE(t.connect(port));
    std::string data(10000, '\0');
    for (std::size_t i = 0; i < data.size(); ++i)
        data[i] = static_cast<char>(i % 253);
    ASSERT_FALSE(t.write(data));
    std::string back;
    ASSERT_FALSE(t.read_exactly(data.size(), back));
    t.shutdown_send();
    std::string rest;
    t.read_to_end(rest);
    auto const r = ended(s_.log(), "long");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->bytes_received, 10000u);
    EXPECT_EQ(r->head, data.substr(0, 4096));
}

TEST_F(echo_tcp_behaviour, close_after_echoes_n_bytes_then_sends_fin)
{
    auto const port = s_.open_tcp_listener("fin5", {tcp_behaviour_kind::close_after, 5});
    tcp_client t;
    ASSERT_FALSE(t.connect(port));
    ASSERT_FALSE(t.write("hello world"));
    std::string got;
    EXPECT_EQ(t.read_to_end(got), asio::error::eof); // a FIN, not a RST
    EXPECT_EQ(got, "hello");

    auto r = ended(s_.log(), "fin5");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->behaviour, "tcp-close-after");
    EXPECT_EQ(r->end, conn_end::server_closed);
    EXPECT_EQ(r->bytes_sent, 5u);
    // The bytes after the FIN point are still read (never echoed) and counted.
    EXPECT_TRUE(eventually([&] { return s_.log().by_tag("fin5").at(0).bytes_received == 11; }));
    EXPECT_EQ(s_.log().by_tag("fin5").at(0).head, "hello world");
}

TEST_F(echo_tcp_behaviour, close_after_zero_sends_fin_at_once)
{
    auto const port = s_.open_tcp_listener("fin0", {tcp_behaviour_kind::close_after, 0});
    tcp_client t;
    ASSERT_FALSE(t.connect(port));
    std::string got;
    EXPECT_EQ(t.read_to_end(got), asio::error::eof);
    EXPECT_TRUE(got.empty());
    auto const r = ended(s_.log(), "fin0");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->end, conn_end::server_closed);
}

TEST_F(echo_tcp_behaviour, reset_echoes_n_bytes_then_sends_rst_on_more)
{
    auto const port = s_.open_tcp_listener("rst3", {tcp_behaviour_kind::reset, 3});
    tcp_client t;
    ASSERT_FALSE(t.connect(port));
    ASSERT_FALSE(t.write("abc"));
    std::string got;
    ASSERT_FALSE(t.read_exactly(3, got));
    EXPECT_EQ(got, "abc");
    // No RST behind the echo: the connection is still up until more bytes arrive.
    EXPECT_FALSE(ended(s_.log(), "rst3", std::chrono::milliseconds(200)));
    ASSERT_FALSE(t.write("d"));
    std::string rest;
    EXPECT_EQ(t.read_to_end(rest), asio::error::connection_reset);
    EXPECT_TRUE(rest.empty());

    auto const r = ended(s_.log(), "rst3");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->behaviour, "tcp-reset");
    EXPECT_EQ(r->end, conn_end::server_reset);
    EXPECT_EQ(r->to_json()["end"], "server_reset");
    EXPECT_EQ(r->bytes_received, 4u); // the 'd' that triggered the RST is counted, not echoed
    EXPECT_EQ(r->bytes_sent, 3u);
}

TEST_F(echo_tcp_behaviour, reset_zero_resets_right_after_accept)
{
    auto const port = s_.open_tcp_listener("rst0", {tcp_behaviour_kind::reset, 0});
    tcp_client t;
    // The kernel completes the handshake before the accept, so connect succeeds and the
    // read sees the reset; on a loaded machine the reset can reach the client before its
    // connect completes, and connect itself reports it. Either way: reset, no data.
    if (auto const ec = t.connect(port)) {
        EXPECT_TRUE(ec == asio::error::connection_reset || ec == asio::error::connection_refused) << ec.message();
    } else {
        std::string rest;
        EXPECT_EQ(t.read_to_end(rest), asio::error::connection_reset);
        EXPECT_TRUE(rest.empty());
    }
    auto const r = ended(s_.log(), "rst0");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->end, conn_end::server_reset);
}

TEST_F(echo_tcp_behaviour, send_on_connect_sends_the_pattern_then_echoes)
{
    std::uint64_t const n = 100000; // more than one write's worth
    auto const port = s_.open_tcp_listener("greet", {tcp_behaviour_kind::send_on_connect, n});
    tcp_client t;
    ASSERT_FALSE(t.connect(port));
    std::string got;
    ASSERT_FALSE(t.read_exactly(n, got));
    for (std::size_t i = 0; i < got.size(); ++i)
        ASSERT_EQ(got[i], static_cast<char>('a' + i % 26)) << "at " << i;
    ASSERT_FALSE(t.write("xyz"));
    ASSERT_FALSE(t.read_exactly(3, got));
    EXPECT_EQ(got, "xyz");
    t.shutdown_send();
    std::string rest;
    EXPECT_EQ(t.read_to_end(rest), asio::error::eof);

    auto const r = ended(s_.log(), "greet");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->behaviour, "tcp-send-on-connect");
    EXPECT_EQ(r->end, conn_end::client_closed);
    EXPECT_EQ(r->bytes_sent, n + 3);
    EXPECT_EQ(r->bytes_received, 3u);
}

TEST_F(echo_tcp_behaviour, sink_records_every_byte_and_writes_none)
{
    auto const port = s_.open_tcp_listener("sink", {tcp_behaviour_kind::sink});
    tcp_client t;
    ASSERT_FALSE(t.connect(port));
    std::string data(100000, '\0'); // more than one read's worth
    for (std::size_t i = 0; i < data.size(); ++i)
        data[i] = static_cast<char>(i % 251);
    ASSERT_FALSE(t.write("first,"));
    ASSERT_FALSE(t.write(data));
    t.shutdown_send();
    std::string back;
    EXPECT_EQ(t.read_to_end(back), asio::error::eof); // the server's FIN answers ours
    EXPECT_EQ(back.size(), 0u);

    auto const r = ended(s_.log(), "sink");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->behaviour, "tcp-sink");
    EXPECT_EQ(r->end, conn_end::client_closed);
    EXPECT_EQ(r->bytes_received, data.size() + 6);
    EXPECT_EQ(r->bytes_sent, 0u);
    EXPECT_EQ(r->head, ("first," + data).substr(0, 4096));
}

// What tcp.close.flushes-writes needs of its peer: nothing unread at the client when it
// closes, so its close is a FIN behind all it wrote, never a reset that drops some.
TEST_F(echo_tcp_behaviour, sink_gets_all_a_client_wrote_just_before_closing)
{
    auto const port = s_.open_tcp_listener("sink-close", {tcp_behaviour_kind::sink});
    tcp_client t;
    ASSERT_FALSE(t.connect(port));
    std::string const pieces[] = {"first,", "second,", std::string(300, '0'), "last"};
    std::string all;
    for (auto const& p : pieces) {
        ASSERT_FALSE(t.write(p));
        all += p;
    }
    t.close();

    auto const r = ended(s_.log(), "sink-close");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->end, conn_end::client_closed);
    EXPECT_EQ(r->bytes_received, all.size());
    EXPECT_EQ(r->head, all);
}

TEST_F(echo_tcp_behaviour, client_reset_is_dropped)
{
    auto const port = s_.open_tcp_listener("client-rst");
    tcp_client t;
    ASSERT_FALSE(t.connect(port));
    ASSERT_FALSE(t.write("x"));
    std::string got;
    ASSERT_FALSE(t.read_exactly(1, got));
    t.reset();
    auto const r = ended(s_.log(), "client-rst");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->end, conn_end::dropped);
}

TEST_F(echo_tcp_behaviour, black_hole_connect_times_out_rather_than_being_refused)
{
    auto const port = s_.open_tcp_listener("hole", {tcp_behaviour_kind::black_hole});
    ASSERT_NE(port, 0);
    for (int i = 0; i < 2; ++i) { // a second try is no luckier
        tcp_client t;
        EXPECT_EQ(t.connect(port, std::chrono::milliseconds(300)), asio::error::timed_out) << "attempt " << i;
    }
    EXPECT_TRUE(s_.log().by_tag("hole").empty()); // nothing is ever accepted

    s_.close_tcp_listener(port);
    tcp_client late;
    EXPECT_EQ(late.connect(port), asio::error::connection_refused);
}

/// errno of bind() to 127.0.0.1:port with SO_REUSEADDR, as a server would (0: bound).
int bind_errno(std::uint16_t port)
{
    asio::io_context ioc;
    tcp::acceptor a(ioc);
    a.open(tcp::v4());
    a.set_option(tcp::acceptor::reuse_address(true));
    boost::system::error_code ec;
    a.bind(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    return ec.value();
}

TEST_F(echo_tcp_behaviour, refuse_holds_a_port_that_refuses_and_no_other_socket_can_take)
{
    std::error_code ec;
    auto const port = s_.open_tcp_listener("shut", {tcp_behaviour_kind::refuse}, 0, ec);
    ASSERT_NE(port, 0) << ec.message();
    for (int i = 0; i < 3; ++i) { // every time, not once
        tcp_client t;
        EXPECT_EQ(t.connect(port), asio::error::connection_refused) << "attempt " << i;
    }
    // Not even a server that sets SO_REUSEADDR, as Linux lets two such sockets
    // bind one port while neither listens.
    EXPECT_EQ(bind_errno(port), EADDRINUSE) << "another socket could take the port";
    EXPECT_TRUE(s_.log().by_tag("shut").empty());

    s_.close_tcp_listener(port);
    EXPECT_EQ(bind_errno(port), 0) << "the port stays taken after close_tcp_listener";
}

// A port that was free a moment ago (bound and released by the test itself).
std::uint16_t free_port()
{
    asio::io_context ioc;
    tcp::acceptor a(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    return a.local_endpoint().port();
}

TEST_F(echo_tcp_behaviour, listener_on_a_chosen_port)
{
    std::error_code ec;
    std::uint16_t port = 0;
    for (int attempt = 0; attempt < 3 && port == 0; ++attempt) { // someone may grab the free port first
        auto const wanted = free_port();
        port = s_.open_tcp_listener("fixed", {tcp_behaviour_kind::close_after, 2}, wanted, ec);
        if (!ec)
            EXPECT_EQ(port, wanted);
    }
    ASSERT_FALSE(ec) << ec.message();
    tcp_client t;
    ASSERT_FALSE(t.connect(port));
    ASSERT_FALSE(t.write("ok"));
    std::string got;
    EXPECT_EQ(t.read_to_end(got), asio::error::eof);
    EXPECT_EQ(got, "ok");
    auto const r = ended(s_.log(), "fixed");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->local_port, port);

    // The same port again: already listened on.
    std::error_code again;
    EXPECT_EQ(s_.open_tcp_listener("twice", {}, port, again), 0);
    EXPECT_EQ(again, std::errc::address_in_use) << again.message();
}

TEST_F(echo_tcp_behaviour, privileged_port_without_privilege_is_permission_denied)
{
    std::uint16_t const port = 1023; // below 1024: privileged unless the system says otherwise
    {
        // What the system says for this process: only without the privilege is there a refusal to check.
        asio::io_context ioc;
        tcp::acceptor probe(ioc);
        error_code ec;
        probe.open(tcp::v4(), ec);
        probe.bind(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
        if (!ec || ec == asio::error::address_in_use)
            GTEST_SKIP() << "this process may bind port " << port << " (privileged, or ip_unprivileged_port_start)";
    }
    std::error_code ec;
    EXPECT_EQ(s_.open_tcp_listener("low", {}, port, ec), 0);
    EXPECT_EQ(ec, std::errc::permission_denied) << ec.message();
}

/// Whether this host has ::1 to listen on (not where IPv6 is off or lo lacks it).
bool has_ipv6_loopback()
{
    asio::io_context ioc;
    tcp::acceptor probe(ioc);
    error_code ec;
    probe.open(tcp::v6(), ec);
    if (!ec)
        probe.bind(tcp::endpoint(asio::ip::make_address("::1"), 0), ec);
    return !ec;
}

TEST(echo_listen_address, a_family_gives_its_loopback_unless_the_host_is_of_it)
{
    EXPECT_EQ(listen_address_for("ipv6", "127.0.0.1"), "::1");
    EXPECT_EQ(listen_address_for("ipv4", "127.0.0.1"), "127.0.0.1");
    EXPECT_EQ(listen_address_for("ipv4", "::1"), "127.0.0.1");
    EXPECT_EQ(listen_address_for("ipv6", "::1"), "::1");
    EXPECT_EQ(listen_address_for("ipv4", "10.77.0.2"), "10.77.0.2");
    EXPECT_EQ(listen_address_for("ipv6", "fd00::2"), "fd00::2");
    EXPECT_EQ(listen_address_for("ipx", "127.0.0.1"), std::nullopt);
}

TEST(echo_listen_address, host_port_brackets_an_ipv6_host_only)
{
    EXPECT_EQ(host_port("127.0.0.1", 8080), "127.0.0.1:8080");
    EXPECT_EQ(host_port("::1", 8080), "[::1]:8080");
    EXPECT_EQ(host_port("fd00::2", 0), "[fd00::2]:0");
    EXPECT_EQ(host_port("localhost", 1), "localhost:1");
}

TEST_F(echo_tcp_behaviour, listener_on_ipv6_loopback_echoes_and_records_an_ipv6_peer)
{
    if (!has_ipv6_loopback())
        GTEST_SKIP() << "this host has no ::1 to listen on";
    std::error_code ec;
    auto const port = s_.open_tcp_listener("v6", {}, 0, "::1", ec);
    ASSERT_NE(port, 0) << ec.message();
    tcp_client t;
    ASSERT_FALSE(t.connect("::1", port));
    ASSERT_FALSE(t.write("six"));
    std::string back;
    ASSERT_FALSE(t.read_exactly(3, back));
    EXPECT_EQ(back, "six");
    t.shutdown_send();
    std::string rest;
    t.read_to_end(rest);
    auto const r = ended(s_.log(), "v6");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->remote_address, "::1"); // the peer's family shows on the wire record
    EXPECT_EQ(r->remote_port, t.local_port());
    EXPECT_EQ(r->local_port, port);
    EXPECT_EQ(r->bytes_received, 3u);
    // Not on the IPv4 host: the listener is ::1's only.
    tcp_client v4;
    EXPECT_TRUE(v4.connect(port));
}

TEST_F(echo_tcp_behaviour, a_port_number_on_each_family_is_a_listener_of_its_own)
{
    if (!has_ipv6_loopback())
        GTEST_SKIP() << "this host has no ::1 to listen on";
    std::uint16_t port = 0;
    std::error_code ec;
    for (int attempt = 0; attempt < 5 && port == 0; ++attempt) { // someone may hold the number on ::1
        auto const v4 = s_.open_tcp_listener("both-v4");
        if (s_.open_tcp_listener("both-v6", {}, v4, "::1", ec) == v4)
            port = v4;
        else
            s_.close_tcp_listener(v4);
    }
    ASSERT_NE(port, 0) << ec.message();
    // Closing the ::1 one leaves the 127.0.0.1 one listening, and the other way round.
    s_.close_tcp_listener(port, "::1");
    tcp_client gone, still;
    EXPECT_TRUE(gone.connect("::1", port));
    ASSERT_FALSE(still.connect(port));
    ASSERT_FALSE(still.write("4"));
    std::string back;
    ASSERT_FALSE(still.read_exactly(1, back));
    EXPECT_EQ(s_.log().by_tag("both-v4").size(), 1u);
    EXPECT_EQ(s_.log().by_tag("both-v6").size(), 0u);
}

TEST_F(echo_tcp_behaviour, an_address_this_host_lacks_is_address_not_available)
{
    std::error_code ec;
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): documentation only, never a host's address.
    EXPECT_EQ(s_.open_tcp_listener("nowhere", {}, 0, "192.0.2.1", ec), 0);
    EXPECT_EQ(ec, std::errc::address_not_available) << ec.message();
    EXPECT_EQ(s_.open_tcp_listener("garbage", {}, 0, "not-an-address", ec), 0);
    EXPECT_TRUE(ec);
}

TEST_F(echo_tcp_behaviour, open_after_stop_is_an_error_code_not_an_abort)
{
    s_.stop();
    std::error_code ec;
    EXPECT_EQ(s_.open_tcp_listener("late", {}, 0, ec), 0);
    EXPECT_EQ(ec, std::errc::operation_not_permitted);
}

} // namespace
} // namespace sockconf::echo
