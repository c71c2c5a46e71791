// The echo servers' listening sockets (src/detail/listener.hpp), opened directly:
// what a failure names, which listeners accept, and the socket options a listener
// carries. What black_hole and refuse do to a client: tcp_behaviour_test.
#include "detail/listener.hpp"

#include <boost/asio/io_context.hpp>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

namespace sockconf::echo::detail {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

struct opened {
    std::shared_ptr<listener> l;
    error_code ec;
    std::string what;
};

opened open(asio::io_context& ioc, std::string const& host, std::uint16_t port, tcp_behaviour_kind kind,
            listener_kind lk = listener_kind::tcp)
{
    opened o;
    o.l = open_listener(ioc.get_executor(), host, port, lk, "t", {kind}, 200, o.ec, o.what);
    return o;
}

int int_option(listener& l, int level, int name)
{
    int v = -1;
    socklen_t len = sizeof v;
    ::getsockopt(l.acceptor.native_handle(), level, name, &v, &len);
    return v;
}

TEST(echo_listener, a_failure_names_its_step_and_address)
{
    asio::io_context ioc;
    auto const bad = open(ioc, "not-an-address", 0, tcp_behaviour_kind::echo);
    EXPECT_EQ(bad.l, nullptr);
    EXPECT_TRUE(bad.ec);
    EXPECT_EQ(bad.what, "echo servers: bad host 'not-an-address'");

    auto const first = open(ioc, "127.0.0.1", 0, tcp_behaviour_kind::echo);
    ASSERT_NE(first.l, nullptr) << first.what;
    ASSERT_NE(first.l->port, 0);
    auto const taken = open(ioc, "127.0.0.1", first.l->port, tcp_behaviour_kind::echo);
    EXPECT_EQ(taken.l, nullptr);
    EXPECT_EQ(taken.ec, asio::error::address_in_use);
    EXPECT_EQ(taken.what, "echo servers: bind 127.0.0.1:" + std::to_string(first.l->port));
}

TEST(echo_listener, only_black_hole_and_refuse_are_never_accepted_on)
{
    asio::io_context ioc;
    for (auto const kind : {tcp_behaviour_kind::echo, tcp_behaviour_kind::close_after, tcp_behaviour_kind::reset,
                            tcp_behaviour_kind::send_on_connect, tcp_behaviour_kind::sink})
        EXPECT_TRUE(open(ioc, "127.0.0.1", 0, kind).l->accepts()) << static_cast<int>(kind);
    EXPECT_TRUE(open(ioc, "127.0.0.1", 0, tcp_behaviour_kind::black_hole, listener_kind::websocket).l->accepts());
    auto const hole = open(ioc, "127.0.0.1", 0, tcp_behaviour_kind::black_hole);
    ASSERT_NE(hole.l, nullptr) << hole.what;
    EXPECT_FALSE(hole.l->accepts());
    EXPECT_EQ(hole.l->fillers.size(), 1u); // its accept queue is full
    auto const refuse = open(ioc, "127.0.0.1", 0, tcp_behaviour_kind::refuse);
    ASSERT_NE(refuse.l, nullptr) << refuse.what;
    EXPECT_FALSE(refuse.l->accepts());
}

// Accepted sockets inherit TCP_NODELAY from the listener (no setsockopt per
// connection). SO_REUSEADDR lets a fixed port be reused past TIME_WAIT, except on
// a port that refuses: two such sockets could share a port while neither listens.
TEST(echo_listener, options_nodelay_and_reuse_address_except_on_a_port_that_refuses)
{
    asio::io_context ioc;
    auto const echo = open(ioc, "127.0.0.1", 0, tcp_behaviour_kind::echo);
    ASSERT_NE(echo.l, nullptr) << echo.what;
    EXPECT_EQ(int_option(*echo.l, IPPROTO_TCP, TCP_NODELAY), 1);
    EXPECT_EQ(int_option(*echo.l, SOL_SOCKET, SO_REUSEADDR), 1);
    auto const refuse = open(ioc, "127.0.0.1", 0, tcp_behaviour_kind::refuse);
    ASSERT_NE(refuse.l, nullptr) << refuse.what;
    EXPECT_EQ(int_option(*refuse.l, SOL_SOCKET, SO_REUSEADDR), 0);
    EXPECT_EQ(int_option(*refuse.l, SOL_SOCKET, SO_ACCEPTCONN), 0); // bound, never listening
    EXPECT_EQ(int_option(*echo.l, SOL_SOCKET, SO_ACCEPTCONN), 1);
}

} // namespace
} // namespace sockconf::echo::detail
