// detail/ws_accept.hpp against Beast: for each request, the servers' own 101 is
// byte for byte the answer Beast's accept writes with the servers' decorator,
// and the requests Beast refuses are exactly those upgrade_answer leaves to it.
#include "detail/ws_accept.hpp"

#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using sockconf::echo::detail::decorate_answer;
using sockconf::echo::detail::is_upgrade;
using sockconf::echo::detail::upgrade_answer;
using sockconf::echo::detail::upgrade_fields;

using request = http::request<http::string_body>;

request valid_request()
{
    request req{http::verb::get, "/echo", 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::upgrade, "websocket");
    req.set(http::field::connection, "Upgrade");
    req.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
    req.set(http::field::sec_websocket_version, "13");
    return req;
}

struct beast_answer {
    std::string bytes;
    bool upgraded = false;
};

// What Beast's own accept writes for `req` with the servers' decorator.
beast_answer answer_of_beast(request const& req, std::string const& protocol)
{
    asio::io_context ioc;
    beast::test::stream server(ioc);
    beast::test::stream client(ioc);
    server.connect(client);
    websocket::stream<beast::test::stream&> ws(server);
    ws.set_option(websocket::stream_base::decorator(
        [&](websocket::response_type& res) { decorate_answer(res, protocol); }));
    boost::system::error_code ec;
    ws.accept(req, ec);
    return {std::string(client.str()), !ec};
}

struct variant {
    char const* what;
    std::function<void(request&)> change;
};

std::vector<variant> variants()
{
    return {
        {"valid", [](request&) {}},
        {"several Connection tokens", [](request& r) { r.set(http::field::connection, "keep-alive, Upgrade"); }},
        {"upper-case Upgrade token", [](request& r) { r.set(http::field::upgrade, "WebSocket"); }},
        {"short key", [](request& r) { r.set(http::field::sec_websocket_key, "abc"); }},
        {"HTTP/1.0", [](request& r) { r.version(10); }},
        {"POST", [](request& r) { r.method(http::verb::post); }},
        {"no Host", [](request& r) { r.erase(http::field::host); }},
        {"no Connection", [](request& r) { r.erase(http::field::connection); }},
        {"Connection without upgrade", [](request& r) { r.set(http::field::connection, "keep-alive"); }},
        {"no Upgrade", [](request& r) { r.erase(http::field::upgrade); }},
        {"Upgrade to something else", [](request& r) { r.set(http::field::upgrade, "h2c"); }},
        {"no key", [](request& r) { r.erase(http::field::sec_websocket_key); }},
        {"key over 24 characters", [](request& r) { r.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==x"); }},
        {"no version", [](request& r) { r.erase(http::field::sec_websocket_version); }},
        {"version 8", [](request& r) { r.set(http::field::sec_websocket_version, "8"); }},
        {"HTTP/2.0", [](request& r) { r.version(20); }},
        {"a second Upgrade after one without websocket",
         [](request& r) {
             r.set(http::field::upgrade, "h2c");
             r.insert(http::field::upgrade, "websocket");
         }},
        {"a second key over 24 characters",
         [](request& r) { r.insert(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==x"); }},
    };
}

// And is_upgrade(req, fields) answers as websocket::is_upgrade(req).
TEST(ws_accept, the_answer_is_beasts_byte_for_byte_and_beasts_refusals_are_left_to_it)
{
    for (std::string const protocol : {"", "chat"}) {
        for (auto const& v : variants()) {
            SCOPED_TRACE(std::string(v.what) + ", protocol '" + protocol + "'");
            auto req = valid_request();
            v.change(req);
            auto const beast = answer_of_beast(req, protocol);
            auto const ours = upgrade_answer(req, upgrade_fields(req), protocol);
            ASSERT_EQ(ours.has_value(), beast.upgraded) << beast.bytes;
            if (ours)
                EXPECT_EQ(*ours, beast.bytes);
            EXPECT_EQ(is_upgrade(req, upgrade_fields(req)), websocket::is_upgrade(req));
        }
    }
}

TEST(ws_accept, the_accept_key_is_rfc_6455s_example)
{
    // RFC 6455 section 1.3: the key "dGhlIHNhbXBsZSBub25jZQ==" is answered with this accept.
    auto const req = valid_request();
    auto const ours = upgrade_answer(req, upgrade_fields(req), "");
    ASSERT_TRUE(ours);
    EXPECT_NE(ours->find("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), std::string::npos) << *ours;
}

} // namespace
