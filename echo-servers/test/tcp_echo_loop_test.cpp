// The plain TCP echo's own loop (src/detail/tcp_echo_loop.hpp), through the servers:
// a client that does not read fills the server's socket, and the loop must keep the
// unsent part of its last read, stop reading meanwhile, and write the rest once there
// is room; stop() and close_tag_family() must end such a connection. The ordinary
// echo, its record, a client's FIN or RST, and stop() and close_tag_family() on an
// idle connection are servers_test's and tcp_behaviour_test's (the TCP echo there runs
// on this loop too). Raw sockets; every wait is bounded.
#include "raw_peer.hpp"
#include "test_clients.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

namespace sockconf::echo {
namespace {

using namespace test; // NOLINT: the test clients and their aliases

// Byte i of the stream a client sends; 251 is prime, so no power-of-two read size
// lines the pattern up with itself and a misplaced chunk shows.
char byte_at(std::size_t i) { return static_cast<char>(i % 251); }

/// Bytes [from, from + n) of that stream.
std::string pattern(std::size_t from, std::size_t n)
{
    std::string out(n, '\0');
    for (std::size_t i = 0; i < n; ++i)
        out[i] = byte_at(from + i);
    return out;
}

// The most a client writes before the test calls the echo unthrottled.
constexpr std::size_t write_bound = 64u << 20;
// No room for this long: the server has stopped reading.
constexpr int stall_ms = 300;

/// Write the pattern without reading until no byte has gone out for stall_ms;
/// returns how many went out.
std::size_t write_until_stalled(int fd)
{
    std::size_t sent = 0;
    while (sent < write_bound) {
        auto const chunk = pattern(sent, 64 * 1024);
        ssize_t const w = ::send(fd, chunk.data(), chunk.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (w > 0) {
            sent += static_cast<std::size_t>(w);
            continue;
        }
        if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
            break;
        pollfd p{fd, POLLOUT, 0};
        if (::poll(&p, 1, stall_ms) == 0)
            break;
    }
    return sent;
}

/// Read `n` bytes (each read bounded by the socket's SO_RCVTIMEO); true when all
/// came and each is the pattern's.
::testing::AssertionResult read_pattern(int fd, std::size_t n)
{
    std::string buf(256 * 1024, '\0');
    std::size_t got = 0;
    while (got < n) {
        ssize_t const r = ::recv(fd, buf.data(), std::min(buf.size(), n - got), 0);
        if (r <= 0)
            return ::testing::AssertionFailure() << "read ended at " << got << " of " << n << " bytes";
        for (ssize_t i = 0; i < r; ++i)
            if (buf[static_cast<std::size_t>(i)] != byte_at(got + static_cast<std::size_t>(i)))
                return ::testing::AssertionFailure() << "byte " << got + static_cast<std::size_t>(i) << " differs";
        got += static_cast<std::size_t>(r);
    }
    return ::testing::AssertionSuccess();
}

class echo_tcp_echo_loop : public ::testing::Test {
protected:
    void SetUp() override { s_.start(); }
    servers s_;
};

TEST_F(echo_tcp_echo_loop, a_client_that_does_not_read_is_throttled_then_gets_every_byte_back)
{
    auto const port = s_.open_tcp_listener("full");
    int const fd = connect_loopback(port, 5);
    ASSERT_GE(fd, 0);
    auto const sent = write_until_stalled(fd);
    // The server stopped reading once its echo found no room: the client stalls long
    // before the bound (a few MiB of socket buffers on loopback).
    EXPECT_LT(sent, write_bound);
    EXPECT_TRUE(read_pattern(fd, sent));
    ::shutdown(fd, SHUT_WR);
    char extra = 0;
    EXPECT_EQ(::recv(fd, &extra, 1, 0), 0); // the server's FIN, nothing more
    ::close(fd);

    auto const r = ended(s_.log(), "full");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->behaviour, "tcp-echo");
    EXPECT_EQ(r->end, conn_end::client_closed);
    EXPECT_EQ(r->bytes_received, sent);
    EXPECT_EQ(r->bytes_sent, sent);
    std::size_t const head_bytes = 4096; // the first 4 KiB of the stream (README: wire records)
    ASSERT_EQ(r->head.size(), head_bytes);
    EXPECT_EQ(r->head[head_bytes - 1], byte_at(head_bytes - 1));
}

TEST_F(echo_tcp_echo_loop, stop_ends_a_connection_whose_echo_waits_for_room)
{
    auto const port = s_.open_tcp_listener("stuck");
    int const fd = connect_loopback(port, 5);
    ASSERT_GE(fd, 0);
    ASSERT_GT(write_until_stalled(fd), 0u);
    s_.stop();
    EXPECT_EQ(s_.live_sessions(), 0u);
    auto const records = s_.log().by_tag("stuck");
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].end, conn_end::server_closed);
    EXPECT_LE(records[0].bytes_sent, records[0].bytes_received); // never more out than in
    ::close(fd);
}

TEST_F(echo_tcp_echo_loop, close_tag_family_ends_a_connection_whose_echo_waits_for_room)
{
    auto const port = s_.open_tcp_listener("cut");
    int const fd = connect_loopback(port, 5);
    ASSERT_GE(fd, 0);
    ASSERT_GT(write_until_stalled(fd), 0u);
    EXPECT_EQ(s_.close_tag_family("cut"), 1u);
    auto const r = ended(s_.log(), "cut");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->end, conn_end::server_closed);
    EXPECT_TRUE(eventually([&] { return s_.live_sessions() == 0; }));
    ::close(fd);
}

// A process started while a connection is open holds its socket too (the harness
// starts IUTs; a plain fork() copies every descriptor). The loop must still forget a
// connection that ended: its epoll registration outlives close() while the child
// holds the socket, and an EOF stays readable, so a registration left behind would
// hand the loop a connection it has already freed, round after round (AddressSanitizer
// reports it; without it the freed memory may still read as ended).
TEST_F(echo_tcp_echo_loop, a_connection_shared_with_a_child_process_ends_cleanly)
{
    auto const port = s_.open_tcp_listener("forked");
    int const fd = connect_loopback(port, 5);
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(send_all(fd, pattern(0, 3)));
    ASSERT_TRUE(read_pattern(fd, 3)); // the server has taken it over: its socket is open
    pid_t const child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        // Holds every descriptor until killed, or until the test process dies (an
        // ASan abort), or 30 s: never an orphan that keeps the test's output open.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        ::alarm(30);
        ::pause();
        ::_exit(0);
    }
    ::shutdown(fd, SHUT_WR);
    char extra = 0;
    EXPECT_EQ(::recv(fd, &extra, 1, 0), 0);
    auto const r = ended(s_.log(), "forked");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->end, conn_end::client_closed);
    // The servers go on: another connection on the same loop echoes.
    int const other = connect_loopback(port, 5);
    ASSERT_GE(other, 0);
    EXPECT_TRUE(send_all(other, pattern(0, 3)));
    EXPECT_TRUE(read_pattern(other, 3));
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    ::close(other);
    ::close(fd);
}

} // namespace
} // namespace sockconf::echo
