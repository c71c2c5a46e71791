// detail::closed_port: while it lives, its port refuses connections and no other socket
// can take it (a listener, or a connect's source port); afterwards the port is free.
#include "detail/closed_port.hpp"

#include <gtest/gtest.h>

#include <cerrno>

namespace {

using sockconf::harness::detail::closed_port;

sockaddr_in loopback(std::uint16_t port)
{
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

/// errno of connect() to 127.0.0.1:port (0: it connected).
int connect_errno(std::uint16_t port)
{
    int const fd = ::socket(AF_INET, SOCK_STREAM, 0);
    auto a = loopback(port);
    int const rc = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    int const e = rc == 0 ? 0 : errno;
    ::close(fd);
    return e;
}

/// errno of bind() to 127.0.0.1:port with SO_REUSEADDR, as a server would (0: bound).
int bind_errno(std::uint16_t port)
{
    int const fd = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    auto a = loopback(port);
    int const rc = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    int const e = rc == 0 ? 0 : errno;
    ::close(fd);
    return e;
}

TEST(closed_port, refuses_connections_and_keeps_its_port_from_others_while_it_lives)
{
    std::uint16_t port = 0;
    {
        closed_port const held;
        port = held.port();
        ASSERT_NE(port, 0);
        for (int i = 0; i < 3; ++i) // every time, not once
            EXPECT_EQ(connect_errno(port), ECONNREFUSED);
        EXPECT_EQ(bind_errno(port), EADDRINUSE) << "another socket could take the port";
    }
    EXPECT_EQ(bind_errno(port), 0) << "the port stays taken after the case";
}

} // namespace
