// control.hpp: the HTTP API of `sockconf serve --control`, over real sockets.
#include "test_clients.hpp"

#include <sockconf/echo/control.hpp>

#include <gtest/gtest.h>

namespace sockconf::echo {
namespace {

using test::tcp_client;

/// GET `target` from the control server: {status line + headers, JSON body}.
std::pair<std::string, json> get(std::string const& url, std::string const& target, std::string const& method = "GET")
{
    auto const port = static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
    tcp_client c;
    EXPECT_FALSE(c.connect(port));
    EXPECT_FALSE(c.write(method + " " + target + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    std::string text;
    c.read_to_end(text);
    auto const split = text.find("\r\n\r\n");
    if (split == std::string::npos)
        return {text, json()};
    return {text.substr(0, split), json::parse(text.substr(split + 4), nullptr, false)};
}

struct control_fixture : ::testing::Test {
    servers s;
    control_server ctl{s};
    void SetUp() override
    {
        s.start();
        ctl.start();
    }
};

TEST_F(control_fixture, listen_gives_a_tagged_listener_with_its_behaviour_and_wire_shows_its_records)
{
    auto const [head, body] = get(ctl.url(), "/listen?tag=t-1&behaviour=close_after&bytes=3");
    ASSERT_NE(head.find("200 OK"), std::string::npos) << head;
    EXPECT_NE(head.find("Access-Control-Allow-Origin: *"), std::string::npos) << head;
    auto const port = body.at("port").get<std::uint16_t>();
    EXPECT_EQ(body.at("tag"), "t-1");

    tcp_client c;
    ASSERT_FALSE(c.connect(port));
    ASSERT_FALSE(c.write("hello"));
    std::string echoed;
    c.read_to_end(echoed);
    EXPECT_EQ(echoed, "hel"); // close_after 3: echo 3 bytes, then FIN
    ASSERT_TRUE(test::ended(s.log(), "t-1"));

    auto const [h2, wire] = get(ctl.url(), "/wire?tag=t-1");
    ASSERT_EQ(wire.at("records").size(), 1u) << wire.dump();
    auto const& rec = wire["records"][0];
    EXPECT_EQ(rec.at("behaviour"), "tcp-close-after");
    EXPECT_EQ(rec.at("end"), "server_closed");
    EXPECT_EQ(rec.at("bytes_sent"), 3); // (bytes_received may still grow after the FIN: not checked)
    EXPECT_EQ(get(ctl.url(), "/wire?tag=nobody").second.at("records").size(), 0u);

    // Unlisten: later connects are refused.
    EXPECT_EQ(get(ctl.url(), "/unlisten?port=" + std::to_string(port)).second.at("closed"), port);
    tcp_client late;
    EXPECT_TRUE(late.connect(port));
}

TEST_F(control_fixture, closed_port_is_refused_and_held_until_unlisten)
{
    auto const [head, body] = get(ctl.url(), "/closed-port?tag=gone");
    ASSERT_NE(head.find("200 OK"), std::string::npos) << head;
    auto const port = body.at("port").get<std::uint16_t>();
    EXPECT_EQ(body.at("tag"), "gone");
    tcp_client c;
    EXPECT_EQ(c.connect(port), boost::asio::error::connection_refused);
    // Held: no listener can take the port until the client gives it back.
    EXPECT_NE(get(ctl.url(), "/listen?port=" + std::to_string(port)).first.find("409"), std::string::npos);
    EXPECT_EQ(get(ctl.url(), "/unlisten?port=" + std::to_string(port)).second.at("closed"), port);
    auto const again = get(ctl.url(), "/listen?tag=again&port=" + std::to_string(port));
    EXPECT_NE(again.first.find("200 OK"), std::string::npos) << again.first;
}

TEST_F(control_fixture, bad_requests_say_what_is_wrong)
{
    auto const unknown = get(ctl.url(), "/nothing");
    EXPECT_NE(unknown.first.find("404"), std::string::npos);
    EXPECT_NE(unknown.second.at("error").get<std::string>().find("/listen"), std::string::npos);
    EXPECT_NE(get(ctl.url(), "/wire?tag=x", "POST").first.find("405"), std::string::npos);
    auto const bad = get(ctl.url(), "/listen?behaviour=sideways");
    EXPECT_NE(bad.first.find("400"), std::string::npos);
    EXPECT_NE(bad.second.at("error").get<std::string>().find("sideways"), std::string::npos);
    EXPECT_NE(get(ctl.url(), "/listen?port=99999").first.find("400"), std::string::npos);
}

TEST_F(control_fixture, family_ipv6_listens_on_ipv6_loopback_and_unlisten_takes_the_family)
{
    auto const [head, body] = get(ctl.url(), "/listen?tag=six&family=ipv6");
    if (head.find("409") != std::string::npos) {
        ASSERT_TRUE(body.at("errc") == "address_not_available" || body.at("errc") == "address_family_not_supported")
            << body.dump();
        GTEST_SKIP() << "this host has no ::1: " << body.dump();
    }
    ASSERT_NE(head.find("200 OK"), std::string::npos) << head;
    EXPECT_EQ(body.at("host"), "::1");
    auto const port = body.at("port").get<std::uint16_t>();
    tcp_client c;
    ASSERT_FALSE(c.connect("::1", port));
    // Without the family, /unlisten means the host's listener of that number: this one stays.
    get(ctl.url(), "/unlisten?port=" + std::to_string(port));
    tcp_client again;
    EXPECT_FALSE(again.connect("::1", port));
    EXPECT_EQ(get(ctl.url(), "/unlisten?family=ipv6&port=" + std::to_string(port)).second.at("closed"), port);
    tcp_client late;
    EXPECT_TRUE(late.connect("::1", port));
    EXPECT_EQ(get(ctl.url(), "/listen?tag=x").second.at("host"), "127.0.0.1");
    EXPECT_NE(get(ctl.url(), "/listen?family=ipx").first.find("400"), std::string::npos);
}

TEST_F(control_fixture, a_port_in_use_is_409_address_in_use)
{
    auto const first = get(ctl.url(), "/listen?tag=a").second.at("port").get<std::uint16_t>();
    auto const [head, body] = get(ctl.url(), "/listen?tag=b&port=" + std::to_string(first));
    EXPECT_NE(head.find("409"), std::string::npos) << head;
    EXPECT_EQ(body.at("errc"), "address_in_use");
}

} // namespace
} // namespace sockconf::echo
