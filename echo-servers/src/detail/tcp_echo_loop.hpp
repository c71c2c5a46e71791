// The plain TCP echo (tcp_behaviour_kind::echo) on an event loop of its own.
//
// Why not Asio: on Asio every read costs a trip through its scheduler (a posted
// handler, the reactor's op queue, a second epoll_wait per round), which made the
// TCP echo spend 8-12% more CPU per message than a bare epoll loop (BENCHMARKS.md).
// So the echo runs as bench/peers/epoll_echo does: one thread, level-triggered epoll,
// one read of up to io_buffer_bytes per readiness event, written back at once; while
// part of it waits for room, the connection is not read (a client that does not read
// slows its own echo). The wire record is kept as tcp_session keeps it. The other
// behaviours (FIN/RST after N bytes, bytes on connect, sink) stay on tcp_session.
#pragma once

#include "context.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include <memory>
#include <string>

namespace sockconf::echo::detail {

class tcp_echo_loop {
public:
    /// Create the epoll set and start the loop's thread; null, with `ec` set, when
    /// the system refuses one of them (the caller then echoes on tcp_session).
    static std::unique_ptr<tcp_echo_loop> make(server_context ctx, boost::system::error_code& ec);

    /// Stop the thread, ending the connections still open as server_closed. Call it
    /// after the registry has been closed (servers::stop), so none can join meanwhile.
    ~tcp_echo_loop();

    tcp_echo_loop(tcp_echo_loop const&) = delete;
    tcp_echo_loop& operator=(tcp_echo_loop const&) = delete;

    /// Take over an accepted connection (from any thread): open its wire record (with
    /// `tag`, behaviour "tcp-echo"), join the registry, and echo it on the loop's thread.
    /// When the registry is closed (stop() is under way), the socket is closed instead.
    void adopt(boost::asio::ip::tcp::socket socket, accepted_from const& from, std::string tag);

    struct state; ///< shared with the connections, which may outlive this object briefly

private:
    explicit tcp_echo_loop(std::shared_ptr<state> s) : state_(std::move(s)) {}
    std::shared_ptr<state> state_;
};

} // namespace sockconf::echo::detail
