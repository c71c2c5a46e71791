// Connecting and the WebSocket opening handshake for the load generator (Asio
// coroutines; included only by the load generator's translation units).
#pragma once

#include <sockconf/bench/load.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <sockconf/net/tls_stream.hpp>

#include <chrono>
#include <exception>
#include <string>

namespace sockconf::bench::detail {

/// Resolve-free endpoint of a loopback target (host must be a numeric address).
boost::asio::ip::tcp::endpoint endpoint_of(load_target const& t);

/// Run `op` and hand back what it threw, if anything. Asio's `a || b` waits for
/// the first *success*, so an operation that fails fast must not throw into it.
boost::asio::awaitable<std::exception_ptr> captured(boost::asio::awaitable<void> op);

/// What `e` says: its what(), or "unknown error" for something not a std::exception.
std::string what_of(std::exception_ptr const& e);

/// wss://'s client: the echo servers' TLS stream in the client role, so that the
/// client pays for its TLS what the server does (Asio's ssl::stream copies each
/// record through a BIO pair and sends each 17 KiB apart: as the load generator
/// it was the bound of the wss 64 KiB rows).
using tls_stream = sockconf::net::tls_stream;

/// The client context of every wss:// connection a run makes: TLS 1.3 only, one
/// cipher suite (TLS_AES_128_GCM_SHA256), the server's certificate not verified
/// (load.hpp, load_target, says why).
boost::asio::ssl::context make_tls_client_context();

/// Connect `sock` to `t` and, for ws, send the upgrade request and check the
/// 101 answer and its Sec-WebSocket-Accept; all within `timeout`. Throws
/// boost::system::system_error (timed_out when the time ran out) or
/// std::runtime_error for a refused upgrade.
boost::asio::awaitable<void> connect_and_upgrade(boost::asio::ip::tcp::socket& sock, load_target const& t,
                                                 std::chrono::milliseconds timeout);
/// The same for wss: connect, the TLS handshake, then the upgrade over TLS.
boost::asio::awaitable<void> connect_and_upgrade(tls_stream& sock, load_target const& t,
                                                 std::chrono::milliseconds timeout);

/// A ws upgrade request and the Sec-WebSocket-Accept its answer must carry, made once per
/// run: the handshake loop's client need not spend a SHA-1, a parser and allocations per
/// connection to check the server (which still computes its accept every time), or it, and
/// not the server, is what a handshake rate measures.
struct canned_upgrade {
    std::string request;
    std::string accept;
    explicit canned_upgrade(load_target const& t);
};

/// Connect and upgrade with `u`, bounded by the caller: the answer is read into a fixed
/// buffer and must be a 101 carrying u.accept, with nothing after its headers. Throws as
/// connect_and_upgrade does.
boost::asio::awaitable<void> connect_and_upgrade_canned(boost::asio::ip::tcp::socket& sock, load_target const& t,
                                                        canned_upgrade const& u);

} // namespace sockconf::bench::detail
