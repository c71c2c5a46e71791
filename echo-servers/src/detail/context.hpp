// What every session shares with the servers object: the wire log, the
// "stopping" flag, the options (limits), the registry stop() uses to close live
// sessions and the max_connections slot count.
// Internal: includes Asio, so it stays out of the public headers.
#pragma once

#include <sockconf/echo/servers.hpp>
#include <sockconf/echo/wire_log.hpp>

#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace boost::asio::ssl {
class context;
}

namespace sockconf::echo::detail {

/// A connection that stop() can close from any thread.
class session_base {
public:
    virtual ~session_base() = default;
    /// Close the connection (dispatched onto the session's strand). The session
    /// records end=server_closed unless it had already ended.
    virtual void shutdown() = 0;
};

/// Live sessions, weakly held, each with its wire record's id. Once closed (by
/// stop()), no session may join: an accept that raced with stop() sees add() fail
/// and drops its socket.
class session_registry {
public:
    /// Open the session's wire record (`open_record()` returns its id) and, unless
    /// the registry is closed, add the session. Both happen under the registry's
    /// lock, so a record that the log shows open belongs to a session that
    /// shut_down_if() finds: close_tag_family() reads the log first, then this.
    template <class OpenRecord>
    bool add(std::shared_ptr<session_base> const& s, OpenRecord&& open_record)
    {
        std::lock_guard lock(mu_);
        auto const id = open_record(); // recorded even when refused: it reached us
        if (closed_)
            return false;
        live_.emplace(s.get(), entry{s, id});
        return true;
    }
    void remove(session_base const* s) noexcept;
    /// Refuse new sessions and shut down the live ones.
    void close_all();
    /// Shut down the live sessions whose record id `pick` accepts; returns how many.
    template <class Pick>
    std::size_t shut_down_if(Pick&& pick)
    {
        std::vector<std::shared_ptr<session_base>> chosen;
        {
            std::lock_guard lock(mu_);
            for (auto const& [_, e] : live_)
                if (auto s = e.session.lock(); s && pick(e.record_id))
                    chosen.push_back(std::move(s));
        }
        // Outside the lock: a session may finish (and remove itself) meanwhile.
        for (auto const& s : chosen)
            s->shutdown();
        return chosen.size();
    }
    /// True when every session has gone within `timeout`.
    bool wait_empty(std::chrono::milliseconds timeout);
    /// Sessions alive now.
    std::size_t size() const;

private:
    struct entry {
        std::weak_ptr<session_base> session;
        std::uint64_t record_id = 0;
    };
    mutable std::mutex mu_;
    std::condition_variable cv_;
    bool closed_ = false;
    std::unordered_map<session_base const*, entry> live_;
};

struct server_context {
    wire_log& log;
    session_registry& registry;
    std::atomic<bool> const& stopping;
    server_options const& opts;
    /// WebSocket connections holding a max_connections slot (ws:// and wss://).
    std::atomic<std::size_t>& ws_slots;
};

/// Up to the first 4 KiB of what a client sent, kept in wire records.
inline constexpr std::size_t head_limit = 4 * 1024;

/// Where an accepted connection came from, and the port it came to: what accept()
/// already said, so that no connection costs a getpeername and a getsockname.
struct accepted_from {
    boost::asio::ip::tcp::endpoint remote;
    std::uint16_t local_port = 0;
};

/// Serve one WebSocket connection (the HTTP upgrade, then the behaviour chosen
/// by its target). The socket must be bound to a strand when threads > 1, and
/// have TCP_NODELAY (accepted sockets inherit it from the listener).
void start_ws_session(server_context ctx, boost::asio::ip::tcp::socket socket, accepted_from const& from);

/// The same over TLS (wss://), with the server certificate in `tls`.
void start_wss_session(server_context ctx, boost::asio::ip::tcp::socket socket, accepted_from const& from,
                       boost::asio::ssl::context& tls);

/// Serve one TCP connection as `behaviour` says (never black_hole: that
/// listener accepts nothing); its wire record carries `tag`.
void start_tcp_session(server_context ctx, boost::asio::ip::tcp::socket socket, accepted_from const& from,
                       std::string tag, tcp_behaviour behaviour);

/// Remote address/port and local port of an accepted connection, for its wire record.
void fill_endpoints(accepted_from const& from, wire_record& r);

/// A TCP connection's wire record as it opens: kind, tag, the behaviour's name
/// ("tcp-echo" ...) and the endpoints. Both TCP paths (tcp_session, tcp_echo_loop) open it so.
wire_record tcp_wire_record(accepted_from const& from, std::string tag, tcp_behaviour_kind kind);

/// Count `n` bytes a TCP connection read from `data` (the first head_limit of the stream
/// go to `head`), with `echoed` of them already written back, in one update: no reader
/// of the log can see the read without the write it was echoed by.
void count_tcp_read(wire_log& log, std::uint64_t id, char const* data, std::size_t n, std::size_t echoed = 0);

/// How a TCP connection ended when a read or write gave `ec` (boost::asio::error::eof:
/// the client's FIN): `error` is the error's text for dropped and error, else empty.
/// `closed_by_server`: stop() or shutdown() closed it, whatever `ec` says.
struct tcp_ending {
    conn_end how;
    std::string error;
};
tcp_ending tcp_ending_of(boost::system::error_code ec, bool closed_by_server);

} // namespace sockconf::echo::detail
