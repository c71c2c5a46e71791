// One listening socket of the echo servers: what it serves, and how it is opened.
// servers.cpp keeps the set of them (by endpoint, on its accept strand) and accepts
// on them; this file owns the socket mechanics, the two TCP behaviours that never
// accept included: `refuse` (bound, never listening: a connect is refused) and
// `black_hole` (backlog 0, its accept queue filled by a connection of our own, so
// further SYNs are dropped and a connect never completes).
#pragma once

#include <sockconf/echo/servers.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sockconf::echo::detail {

enum class listener_kind { websocket, wss, tcp };

struct listener {
    boost::asio::ip::tcp::acceptor acceptor;
    listener_kind kind;
    std::string tag;
    tcp_behaviour behaviour;                          ///< tcp listeners
    std::vector<boost::asio::ip::tcp::socket> fillers; ///< a black hole's own connections
    boost::asio::ip::tcp::endpoint peer;              ///< filled by the accept under way (one at a time)
    std::uint16_t port = 0;                           ///< the port it listens on

    /// False for the listeners nobody accepts on (black_hole, refuse).
    bool accepts() const noexcept;
    /// Close the acceptor and a black hole's fillers; errors are of no use here.
    void close();
};

/// Bind `host`:`port` (0: ephemeral) and listen now, so that errors reach the
/// caller; accepting is the caller's, on `executor` (the acceptor's). On failure:
/// null, with `ec` set and `what` naming the step and the address ("echo servers:
/// bind 127.0.0.1:8080"). The listener has SO_REUSEADDR (a fixed port can be
/// reused while old connections sit in TIME_WAIT; not for `refuse`) and TCP_NODELAY,
/// which accepted sockets inherit (servers_test checks the inheritance).
/// `filler_wait_ms` bounds a black hole's wait for its filler connection.
std::shared_ptr<listener> open_listener(boost::asio::any_io_executor executor, std::string const& host,
                                        std::uint16_t port, listener_kind kind, std::string tag,
                                        tcp_behaviour behaviour, int filler_wait_ms, boost::system::error_code& ec,
                                        std::string& what);

} // namespace sockconf::echo::detail
