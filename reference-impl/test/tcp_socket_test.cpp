#include "ref_test_util.hpp"

#include <sockconf/echo/servers.hpp>
#include <sockconf/ref/runtime.hpp>
#include <sockconf/ref/tcp_socket.hpp>

namespace sockconf::ref::test {
namespace {

class ref_tcp_socket : public ::testing::Test {
protected:
    void SetUp() override { srv_.start(); }

    /// createTCPSocket with recorded listeners "connect", "message", "error", "close".
    std::shared_ptr<tcp_socket> create(runtime& rt)
    {
        std::shared_ptr<tcp_socket> s;
        rec_.call(rt, [&] {
            s = rt.create_tcp_socket(json::object());
            s->on(tcp_event::connect, rec_.lst("connect"));
            s->on(tcp_event::message, rec_.lst("message"));
            s->on(tcp_event::error, rec_.lst("error"));
            s->on(tcp_event::close, rec_.lst("close"));
        });
        return s;
    }
    void connect(runtime& rt, tcp_socket& s, int port)
    {
        rec_.call(rt, [&] { s.connect(json{{"address", "127.0.0.1"}, {"port", port}}); });
    }
    /// All bytes received so far, concatenated.
    std::string received() const
    {
        std::string out;
        for (auto const& m : rec_.all("message"))
            out += array_buffer_bytes(m["message"]);
        return out;
    }

    echo::servers srv_;
    recorder rec_;
};

TEST_F(ref_tcp_socket, EchoDeliversArrayBuffersWithEndpointInfo)
{
    runtime rt(wechat_profile());
    auto s = create(rt);
    connect(rt, *s, srv_.tcp_port());
    ASSERT_TRUE(rec_.wait("connect"));
    EXPECT_EQ(rec_.first("connect"), json::object());
    EXPECT_EQ(s->state(), tcp_state::connected);
    rec_.call(rt, [&] {
        s->write("h\xc3\xa9llo");
        s->write(make_array_buffer(std::string("\x00\x01", 2)));
    });
    std::string const expected = std::string("h\xc3\xa9llo") + std::string("\x00\x01", 2);
    ASSERT_TRUE(eventually([&] { return received().size() >= expected.size(); }));
    EXPECT_EQ(received(), expected);
    auto const m = rec_.first("message");
    ASSERT_TRUE(is_array_buffer(m["message"]));
    EXPECT_EQ(m["remoteInfo"]["address"], "127.0.0.1");
    EXPECT_EQ(m["remoteInfo"]["family"], "IPv4");
    EXPECT_EQ(m["remoteInfo"]["port"], srv_.tcp_port());
    EXPECT_EQ(m["remoteInfo"]["size"], array_buffer_bytes(m["message"]).size());
    EXPECT_EQ(m["localInfo"]["address"], "127.0.0.1");
    EXPECT_EQ(m["localInfo"]["family"], "IPv4");
    EXPECT_TRUE(m["localInfo"]["port"].is_number());
    EXPECT_FALSE(rec_.any_sync());
}

TEST_F(ref_tcp_socket, WriteWhileConnectingIsSentAfterConnect)
{
    runtime rt(wechat_profile());
    auto s = create(rt);
    rec_.call(rt, [&] {
        s->connect(json{{"address", "localhost"}, {"port", srv_.tcp_port()}});
        s->write("early");
    });
    ASSERT_TRUE(eventually([&] { return received().size() >= 5; }));
    EXPECT_EQ(received(), "early");
    auto const names = rec_.names();
    EXPECT_LT(index_of(names, "connect"), index_of(names, "message"));
}

TEST_F(ref_tcp_socket, WriteWhenNotConnectedIsAnError)
{
    runtime rt(wechat_profile());
    auto s = create(rt);
    rec_.call(rt, [&] { s->write("nobody"); });
    ASSERT_TRUE(rec_.wait("error"));
    EXPECT_EQ(rec_.first("error"), (json{{"errCode", -1}, {"errMsg", "write:fail socket is not connected"}}));
}

TEST_F(ref_tcp_socket, RefusedGivesErrnoThenClose)
{
    runtime rt(wechat_profile());
    auto s = create(rt);
    connect(rt, *s, closed_port());
    ASSERT_TRUE(rec_.wait("close"));
    auto const err = rec_.first("error");
    EXPECT_EQ(err["errCode"], -2);
    EXPECT_EQ(err["errMsg"], "connect socket fail: errno:111 errmsg:Connection refused");
    auto const names = rec_.names();
    EXPECT_LT(index_of(names, "error"), index_of(names, "close"));
    EXPECT_EQ(rec_.count("connect"), 0u);
    EXPECT_EQ(s->state(), tcp_state::closed);
}

TEST_F(ref_tcp_socket, DefaultSocketToAnIpv6AddressIsAnAddressFamilyError)
{
    // IPv4 by default (D51): an IPv6 literal is refused as connect(2) refuses it on an AF_INET socket.
    runtime rt(wechat_profile());
    auto s = create(rt);
    rec_.call(rt, [&] { s->connect(json{{"address", "::1"}, {"port", srv_.tcp_port()}}); });
    ASSERT_TRUE(rec_.wait("close"));
    EXPECT_EQ(rec_.first("error"),
              (json{{"errCode", -2}, {"errMsg", "connect socket fail: errno:97 errmsg:Address family not supported by protocol"}}));
    EXPECT_EQ(rec_.count("connect"), 0u);
}

TEST_F(ref_tcp_socket, Ipv6SocketReachesAnIpv6PeerAndSaysIpv6)
{
    std::error_code ec;
    auto const port = srv_.open_tcp_listener("v6", {}, 0, "::1", ec);
    if (!port)
        GTEST_SKIP() << "no ::1 on this host: " << ec.message();
    runtime rt(wechat_profile());
    std::shared_ptr<tcp_socket> s;
    rec_.call(rt, [&] {
        s = rt.create_tcp_socket(json{{"type", "ipv6"}});
        s->on(tcp_event::connect, rec_.lst("connect"));
        s->on(tcp_event::message, rec_.lst("message"));
        s->connect(json{{"address", "::1"}, {"port", port}});
    });
    ASSERT_TRUE(rec_.wait("connect"));
    rec_.call(rt, [&] { s->write("6"); });
    ASSERT_TRUE(rec_.wait("message"));
    auto const m = rec_.first("message");
    EXPECT_EQ(m["remoteInfo"]["address"], "::1");
    EXPECT_EQ(m["remoteInfo"]["family"], "IPv6");
    EXPECT_EQ(m["remoteInfo"]["port"], port);
    EXPECT_EQ(m["localInfo"]["family"], "IPv6");
}

TEST_F(ref_tcp_socket, BlockedPortIsRefused)
{
    runtime rt(wechat_profile());
    auto s = create(rt);
    connect(rt, *s, 8080);
    ASSERT_TRUE(rec_.wait("error"));
    EXPECT_EQ(rec_.first("error"), (json{{"errCode", 2}, {"errMsg", "connect:fail port not allowed"}}));
}

TEST_F(ref_tcp_socket, OffRemovesThatFunctionOnlyAndNoArgumentRemovesAll)
{
    runtime rt(wechat_profile());
    auto s = create(rt);
    auto a = rec_.lst("a");
    auto b = rec_.lst("b");
    rec_.call(rt, [&] {
        s->on(tcp_event::message, a);
        s->on(tcp_event::message, a);
        s->on(tcp_event::message, b);
        s->off(tcp_event::message, a); // every registration of a
    });
    connect(rt, *s, srv_.tcp_port());
    ASSERT_TRUE(rec_.wait("connect"));
    rec_.call(rt, [&] { s->write("one"); });
    ASSERT_TRUE(rec_.wait("b"));
    recorder::settle(rt);
    EXPECT_EQ(rec_.count("a"), 0u);
    auto const b_count = rec_.count("b");
    rec_.call(rt, [&] { s->off(tcp_event::message, nullptr); });
    auto const before = rec_.count("message");
    rec_.call(rt, [&] { s->write("two"); });
    recorder::settle(rt);
    std::this_thread::sleep_for(50ms);
    recorder::settle(rt);
    EXPECT_EQ(rec_.count("b"), b_count);
    EXPECT_EQ(rec_.count("message"), before);
}

TEST_F(ref_tcp_socket, CloseEmitsOnCloseOnce)
{
    runtime rt(wechat_profile());
    auto s = create(rt);
    connect(rt, *s, srv_.tcp_port());
    ASSERT_TRUE(rec_.wait("connect"));
    rec_.call(rt, [&] {
        s->close();
        s->close();
    });
    ASSERT_TRUE(rec_.wait("close"));
    recorder::settle(rt);
    EXPECT_EQ(rec_.count("close"), 1u);
    EXPECT_EQ(rec_.first("close"), json::object());
    EXPECT_EQ(rec_.count("error"), 0u);
}

TEST_F(ref_tcp_socket, PeerCloseEmitsOnCloseOnce)
{
    runtime rt(wechat_profile());
    auto s = create(rt);
    connect(rt, *s, srv_.tcp_port());
    ASSERT_TRUE(rec_.wait("connect"));
    srv_.stop();
    ASSERT_TRUE(rec_.wait("close"));
    rec_.call(rt, [&] { s->close(); });
    recorder::settle(rt);
    EXPECT_EQ(rec_.count("close"), 1u);
    EXPECT_EQ(s->state(), tcp_state::closed);
}

TEST_F(ref_tcp_socket, BindWifiIsAndroidOnly)
{
    runtime rt(wechat_profile());
    auto s = create(rt);
    rec_.call(rt, [&] { s->bind_wifi(json{{"BSSID", "00:00:00:00:00:00"}}); });
    ASSERT_TRUE(rec_.wait("error"));
    EXPECT_EQ(rec_.first("error"), (json{{"errCode", 5}, {"errMsg", "bindWifi:fail only supported on Android"}}));
}

TEST_F(ref_tcp_socket, ConnectTimeoutComesFromTheOptions)
{
    // A listener whose accept queue is full drops further SYNs: connect hangs.
    int const fd = ::socket(AF_INET, SOCK_STREAM, 0);
    int const port = bind_loopback(fd);
    ::listen(fd, 0);
    std::vector<int> fillers;
    for (int i = 0; i < 4; ++i) {
        int c = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(std::uint16_t(port));
        ::connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a);
        fillers.push_back(c);
    }
    std::this_thread::sleep_for(50ms);

    runtime rt(wechat_profile());
    auto s = create(rt);
    rec_.call(rt, [&] { s->connect(json{{"address", "127.0.0.1"}, {"port", port}, {"timeout", 0.2}}); });
    ASSERT_TRUE(rec_.wait("close"));
    EXPECT_EQ(rec_.first("error"), (json{{"errCode", -4}, {"errMsg", "connect socket fail: timeout"}}));
    EXPECT_EQ(rec_.count("connect"), 0u);
    for (int c : fillers)
        ::close(c);
    ::close(fd);
}

} // namespace
} // namespace sockconf::ref::test
