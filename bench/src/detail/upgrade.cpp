#include "upgrade.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/websocket/detail/hybi13.hpp>

#include <array>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sockconf::bench::detail {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

tcp::endpoint endpoint_of(load_target const& t)
{
    return {asio::ip::make_address(t.host), t.port};
}

namespace {

std::string upgrade_request(load_target const& t, std::string_view key)
{
    std::string request;
    request.reserve(256);
    request.append("GET ").append(t.path).append(" HTTP/1.1\r\nHost: ").append(t.host).append(":");
    request.append(std::to_string(t.port));
    request.append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ");
    request.append(key).append("\r\n\r\n");
    return request;
}

/// The upgrade over a connected `stream` (a socket, or TLS over one).
template <class Stream>
asio::awaitable<void> upgrade(Stream& stream, load_target const& t)
{
    boost::beast::websocket::detail::sec_ws_key_type key;
    boost::beast::websocket::detail::make_sec_ws_key(key);
    auto const request = upgrade_request(t, {key.data(), key.size()});
    co_await asio::async_write(stream, asio::buffer(request), asio::use_awaitable);

    boost::beast::flat_buffer buf;
    http::response_parser<http::empty_body> parser;
    parser.skip(true); // a 101 has no body; do not wait for one
    co_await http::async_read_header(stream, buf, parser, asio::use_awaitable);
    auto const& res = parser.get();
    if (res.result() != http::status::switching_protocols)
        throw std::runtime_error("upgrade refused: HTTP " + std::to_string(res.result_int()));
    boost::beast::websocket::detail::sec_ws_accept_type accept;
    boost::beast::websocket::detail::make_sec_ws_accept(accept, {key.data(), key.size()});
    if (res[http::field::sec_websocket_accept] != std::string_view(accept.data(), accept.size()))
        throw std::runtime_error("upgrade answered with a wrong Sec-WebSocket-Accept");
    // The echo servers say nothing before the client does; bytes here would be
    // lost to the frame parser, so they are an error rather than a silent skew.
    if (buf.size() != 0)
        throw std::runtime_error("server sent data right after the upgrade");
}

/// Connect to `t`, Nagle off (every load's first step).
asio::awaitable<void> connect_tcp(tcp::socket& sock, load_target const& t)
{
    co_await sock.async_connect(endpoint_of(t), asio::use_awaitable);
    sock.set_option(tcp::no_delay(true));
}

asio::awaitable<void> do_connect_and_upgrade(tcp::socket& sock, load_target const& t)
{
    co_await connect_tcp(sock, t);
    if (t.kind == transport::ws)
        co_await upgrade(sock, t);
}

asio::awaitable<void> do_connect_and_upgrade(tls_stream& sock, load_target const& t)
{
    co_await connect_tcp(sock.next_layer().socket(), t);
    co_await sock.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
    co_await upgrade(sock, t);
}

/// Either of the above within `timeout`.
template <class Stream>
asio::awaitable<void> bounded_connect_and_upgrade(Stream& sock, load_target const& t, std::chrono::milliseconds timeout)
{
    asio::steady_timer timer(co_await asio::this_coro::executor, timeout);
    // The timer wait never throws (as_tuple): a cancelled wait must not unwind.
    auto outcome = co_await (captured(do_connect_and_upgrade(sock, t)) || timer.async_wait(asio::as_tuple(asio::use_awaitable)));
    if (outcome.index() == 1)
        throw boost::system::system_error(asio::error::timed_out, "connect and upgrade");
    if (auto e = std::get<0>(outcome))
        std::rethrow_exception(e);
}

} // namespace

canned_upgrade::canned_upgrade(load_target const& t)
{
    boost::beast::websocket::detail::sec_ws_key_type key;
    boost::beast::websocket::detail::make_sec_ws_key(key);
    request = upgrade_request(t, {key.data(), key.size()});
    boost::beast::websocket::detail::sec_ws_accept_type a;
    boost::beast::websocket::detail::make_sec_ws_accept(a, {key.data(), key.size()});
    accept.assign(a.data(), a.size());
}

asio::awaitable<void> connect_and_upgrade_canned(tcp::socket& sock, load_target const& t, canned_upgrade const& u)
{
    co_await connect_tcp(sock, t);
    co_await asio::async_write(sock, asio::buffer(u.request), asio::use_awaitable);
    std::array<char, 2048> buf;
    std::size_t used = 0;
    std::string_view head;
    std::size_t trailing = 0;
    for (;;) {
        used += co_await sock.async_read_some(asio::buffer(buf.data() + used, buf.size() - used), asio::use_awaitable);
        std::string_view const got(buf.data(), used);
        if (auto const end = got.find("\r\n\r\n"); end != std::string_view::npos) {
            head = got.substr(0, end);
            trailing = used - (end + 4);
            break;
        }
        if (used == buf.size())
            throw std::runtime_error("upgrade answer longer than " + std::to_string(buf.size()) + " bytes");
    }
    if (head.substr(0, 13) != "HTTP/1.1 101 ")
        throw std::runtime_error("upgrade refused: " + std::string(head.substr(0, head.find('\r'))));
    if (head.find(u.accept) == std::string_view::npos)
        throw std::runtime_error("upgrade answered without the expected Sec-WebSocket-Accept");
    if (trailing != 0) // the echo servers say nothing before the client does
        throw std::runtime_error("server sent data right after the upgrade");
}

std::string what_of(std::exception_ptr const& e)
{
    try {
        std::rethrow_exception(e);
    } catch (std::exception const& x) {
        return x.what();
    } catch (...) {
        return "unknown error";
    }
}

asio::awaitable<std::exception_ptr> captured(asio::awaitable<void> op)
{
    try {
        co_await std::move(op);
    } catch (...) {
        co_return std::current_exception();
    }
    co_return nullptr;
}

asio::awaitable<void> connect_and_upgrade(tcp::socket& sock, load_target const& t, std::chrono::milliseconds timeout)
{
    return bounded_connect_and_upgrade(sock, t, timeout);
}

asio::awaitable<void> connect_and_upgrade(tls_stream& sock, load_target const& t, std::chrono::milliseconds timeout)
{
    return bounded_connect_and_upgrade(sock, t, timeout);
}

asio::ssl::context make_tls_client_context()
{
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.set_verify_mode(asio::ssl::verify_none);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_3_VERSION);
    if (SSL_CTX_set_ciphersuites(ctx.native_handle(), "TLS_AES_128_GCM_SHA256") != 1)
        throw std::runtime_error("OpenSSL refuses the cipher suite TLS_AES_128_GCM_SHA256");
    return ctx;
}

} // namespace sockconf::bench::detail
