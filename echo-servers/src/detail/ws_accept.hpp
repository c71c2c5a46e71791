// The 101 answer to a WebSocket upgrade request, as bytes, for the requests
// Beast's accept would answer with 101; every other request still goes to
// Beast's accept, which refuses it (400, or 426 for a wrong version) exactly
// as before. No I/O.
//
// Why not Beast's accept for all: it builds an http::response (a field
// allocation each), runs a std::function decorator and a generic serializer,
// and that was a third of the echo server's user-space instructions per
// handshake (callgrind, BENCHMARKS.md "Handshakes"). The checks below are those
// of Beast 1.81's build_response (boost/beast/websocket/impl/accept.hpp), in its
// order; ws_accept_test compares the bytes with Beast's own answer, and its
// refusals with Beast's, request by request.
#pragma once

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/beast/websocket/detail/hybi13.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace sockconf::echo::detail {

/// What the server adds to every answer of its own (Beast's decorator does the
/// same on the refusals Beast writes): its name, and the chosen subprotocol.
inline constexpr std::string_view server_name = "sockconf-echo";

/// The bytes of the 101 Beast's accept would send for `req` with the echo
/// servers' decorator (Server, then Sec-WebSocket-Protocol when `protocol` is
/// not empty); nullopt when Beast would refuse `req`. No permessage-deflate:
/// the servers never enable it, so Beast would negotiate none.
template <class Body, class Allocator>
std::optional<std::string> upgrade_answer(
    boost::beast::http::request<Body, boost::beast::http::basic_fields<Allocator>> const& req, std::string_view protocol)
{
    namespace http = boost::beast::http;
    if (req.version() != 11 || req.method() != http::verb::get || req.count(http::field::host) == 0)
        return std::nullopt;
    auto const has = [&](http::field f, char const* token) {
        auto const it = req.find(f);
        return it != req.end() && http::token_list{it->value()}.exists(token);
    };
    if (!has(http::field::connection, "upgrade") || !has(http::field::upgrade, "websocket"))
        return std::nullopt;
    auto const key = req.find(http::field::sec_websocket_key);
    if (key == req.end() || key->value().size() > boost::beast::websocket::detail::sec_ws_key_type::static_capacity)
        return std::nullopt;
    auto const version = req.find(http::field::sec_websocket_version);
    if (version == req.end() || version->value() != "13")
        return std::nullopt;

    boost::beast::websocket::detail::sec_ws_accept_type accept;
    boost::beast::websocket::detail::make_sec_ws_accept(accept, key->value());
    std::string out;
    out.reserve(160 + protocol.size());
    out.append("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\nSec-WebSocket-Accept: ")
        .append(accept.data(), accept.size())
        .append("\r\nServer: ")
        .append(server_name)
        .append("\r\n");
    if (!protocol.empty())
        out.append("Sec-WebSocket-Protocol: ").append(protocol).append("\r\n");
    out.append("\r\n");
    return out;
}

/// The decorator of the answers Beast writes (its refusals): the same fields
/// upgrade_answer writes.
inline void decorate_answer(boost::beast::websocket::response_type& res, std::string const& protocol)
{
    res.set(boost::beast::http::field::server, server_name);
    if (!protocol.empty())
        res.set(boost::beast::http::field::sec_websocket_protocol, protocol);
}

} // namespace sockconf::echo::detail
