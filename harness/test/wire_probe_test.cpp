// detail/wire_probe: the wire log checked against a wire spec, for real.
#include "test_env.hpp"

#include "detail/wire_probe.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

using namespace sockconf;
using namespace sockconf::harness;
using namespace std::chrono_literals;
using detail::probe_wire;
using detail::variables;

namespace {
namespace asio = boost::asio;
namespace websocket = boost::beast::websocket;

echo::servers& servers()
{
    static auto* s = [] {
        auto* x = new echo::servers; // for the whole test binary
        x->start();
        return x;
    }();
    return *s;
}

/// A real WebSocket client on the echo server, tagged `tag`.
struct client {
    asio::io_context ioc;
    websocket::stream<asio::ip::tcp::socket> ws{ioc};
    explicit client(std::string const& tag)
    {
        asio::ip::tcp::resolver r(ioc);
        asio::connect(ws.next_layer(), r.resolve("127.0.0.1", std::to_string(servers().ws_port())));
        ws.handshake("127.0.0.1", "/echo?tag=" + tag);
    }
    void close(std::uint16_t code)
    {
        ws.close(websocket::close_reason(code));
    }
};

wire_spec spec(json const& doc) // {"count":..., "match":...}
{
    wire_spec s;
    if (doc.contains("count"))
        s.count = doc["count"];
    if (doc.contains("match"))
        s.match = parse_pattern(json_reader(doc["match"], "inline.json"));
    return s;
}

variables vars() { return variables(test_env::wechat()); }

/// Wait (bounded) until the log has ended the record of `tag`.
void wait_ended(std::string const& tag)
{
    for (int i = 0; i < 200; ++i) {
        auto r = servers().log().by_tag(tag);
        if (!r.empty() && r[0].end != echo::conn_end::open)
            return;
        std::this_thread::sleep_for(10ms);
    }
    FAIL() << "the record of " << tag << " never ended";
}
} // namespace

TEST(wire_probe, holds_as_soon_as_the_record_matches)
{
    client c("probe-holds");
    c.close(4001);
    auto const v = probe_wire(servers().log(), spec(json::parse(R"({"count":1,"match":{"close_code":4001}})")), vars(),
                              "probe-holds", std::chrono::steady_clock::now() + 5s, nullptr);
    EXPECT_TRUE(v.held) << v.actual;
}

TEST(wire_probe, a_mismatch_on_an_ended_connection_is_final_at_once)
{
    client c("probe-final");
    c.close(4002);
    wait_ended("probe-final");
    auto const t0 = std::chrono::steady_clock::now();
    auto const v = probe_wire(servers().log(), spec(json::parse(R"({"match":{"close_code":1000}})")), vars(), "probe-final",
                              t0 + 5s, nullptr);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s); // not the whole 5 s
    EXPECT_FALSE(v.held);
    EXPECT_TRUE(v.final);
    EXPECT_EQ(v.actual, "connection #0: close_code: expected 1000, got 4002");
    EXPECT_EQ(v.subject, "the server's record: close_code");
    EXPECT_EQ(v.expected_norm, "1000");
    EXPECT_EQ(v.observed_norm, "4002");
}

TEST(wire_probe, a_mismatch_on_an_open_connection_waits_for_it_to_change)
{
    client c("probe-open");
    auto const t0 = std::chrono::steady_clock::now();
    auto const v = probe_wire(servers().log(), spec(json::parse(R"({"match":{"close_code":1000}})")), vars(), "probe-open",
                              t0 + 300ms, nullptr);
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 300ms);
    EXPECT_FALSE(v.held);
    EXPECT_FALSE(v.final);
    c.close(1000);
}

TEST(wire_probe, counts_more_than_expected_are_final_fewer_wait)
{
    client a("probe-count"), b("probe-count");
    auto t0 = std::chrono::steady_clock::now();
    auto v = probe_wire(servers().log(), spec(json::parse(R"({"count":1})")), vars(), "probe-count", t0 + 5s, nullptr);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
    EXPECT_TRUE(v.final);
    EXPECT_EQ(v.actual, "2 connection(s) tagged \"probe-count\"");
    t0 = std::chrono::steady_clock::now();
    v = probe_wire(servers().log(), spec(json::parse(R"({"count":3})")), vars(), "probe-count", t0 + 200ms, nullptr);
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 200ms);
    EXPECT_FALSE(v.final);
    a.close(1000);
    b.close(1000);
}

TEST(wire_probe, stop_ends_the_wait)
{
    auto const t0 = std::chrono::steady_clock::now();
    auto const v = probe_wire(servers().log(), spec(json::parse(R"({"count":1})")), vars(), "probe-nobody", t0 + 5s,
                              [] { return true; });
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
    EXPECT_FALSE(v.held);
}
