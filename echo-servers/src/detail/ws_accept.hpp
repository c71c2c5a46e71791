// The 101 answer to a WebSocket upgrade request, as bytes, for the requests
// Beast's accept would answer with 101; every other request still goes to
// Beast's accept, which refuses it (400, or 426 for a wrong version) exactly
// as before. No I/O.
//
// Why not Beast's accept for all: it builds an http::response (a field
// allocation each), runs a std::function decorator and a generic serializer,
// and that was a third of the echo server's user-space instructions per
// handshake (callgrind, BENCHMARKS.md "Handshakes"). upgrade_answer makes the
// checks of Beast 1.81's build_response (boost/beast/websocket/impl/accept.hpp);
// ws_accept_test compares the bytes with Beast's own answer, and its
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

/// The fields of an upgrade request that decide its answer, found in one pass
/// over the fields by their enum: Beast's find(field) looks a name up in its
/// set with case-insensitive string compares (a dozen lookups per handshake
/// were 7% of the server's user-space instructions). Each is the first field
/// of its name, as Beast's find returns it (equal names keep their order).
struct upgrade_fields {
    bool host = false;
    std::optional<std::string_view> connection;
    std::optional<std::string_view> upgrade;
    std::optional<std::string_view> key;
    std::optional<std::string_view> version;

    template <class Fields>
    explicit upgrade_fields(Fields const& fields)
    {
        namespace http = boost::beast::http;
        auto const first = [](std::optional<std::string_view>& slot, auto const& f) {
            if (!slot)
                slot.emplace(f.value().data(), f.value().size());
        };
        for (auto const& f : fields) {
            switch (f.name()) {
            case http::field::host: host = true; break;
            case http::field::connection: first(connection, f); break;
            case http::field::upgrade: first(upgrade, f); break;
            case http::field::sec_websocket_key: first(key, f); break;
            case http::field::sec_websocket_version: first(version, f); break;
            default: break;
            }
        }
    }
};

/// Whether a field, when present, lists `token` (a comma-separated token list, as Beast reads it).
inline bool has_token(std::optional<std::string_view> const& value, char const* token)
{
    return value && boost::beast::http::token_list{{value->data(), value->size()}}.exists(token);
}

/// websocket::is_upgrade(req), from the fields found once.
template <class Body, class Allocator>
bool is_upgrade(boost::beast::http::request<Body, boost::beast::http::basic_fields<Allocator>> const& req,
                upgrade_fields const& u)
{
    return req.version() >= 11 && req.method() == boost::beast::http::verb::get &&
           has_token(u.connection, "upgrade") && has_token(u.upgrade, "websocket");
}

/// The bytes of the 101 Beast's accept would send for `req` with the echo
/// servers' decorator (Server, then Sec-WebSocket-Protocol when `protocol` is
/// not empty); nullopt when Beast would refuse `req`. No permessage-deflate:
/// the servers never enable it, so Beast would negotiate none.
template <class Body, class Allocator>
std::optional<std::string> upgrade_answer(
    boost::beast::http::request<Body, boost::beast::http::basic_fields<Allocator>> const& req,
    upgrade_fields const& u, std::string_view protocol)
{
    // Beast's build_response: HTTP/1.1 exactly, a GET with both upgrade tokens
    // (is_upgrade), a Host, a key of at most 24 characters, version 13.
    if (req.version() != 11 || !is_upgrade(req, u) || !u.host)
        return std::nullopt;
    if (!u.key || u.key->size() > boost::beast::websocket::detail::sec_ws_key_type::static_capacity)
        return std::nullopt;
    if (u.version != "13")
        return std::nullopt;

    boost::beast::websocket::detail::sec_ws_accept_type accept;
    boost::beast::websocket::detail::make_sec_ws_accept(accept, {u.key->data(), u.key->size()});
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
