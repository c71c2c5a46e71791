#include <sockconf/echo/servers.hpp>

#include "detail/context.hpp"
#include "detail/listener.hpp"
#include "detail/tcp_echo_loop.hpp"
#include "detail/tls.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <future>
#include <map>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <unordered_set>
#include <vector>

namespace sockconf::echo {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr std::pair<std::string_view, tcp_behaviour_kind> behaviour_names[] = {
    {"echo", tcp_behaviour_kind::echo},
    {"close_after", tcp_behaviour_kind::close_after},
    {"reset", tcp_behaviour_kind::reset},
    {"send_on_connect", tcp_behaviour_kind::send_on_connect},
    {"sink", tcp_behaviour_kind::sink},
    {"black_hole", tcp_behaviour_kind::black_hole},
    {"refuse", tcp_behaviour_kind::refuse},
};

} // namespace

std::optional<tcp_behaviour_kind> tcp_behaviour_from_name(std::string_view name) noexcept
{
    for (auto const& [n, kind] : behaviour_names)
        if (n == name)
            return kind;
    return std::nullopt;
}

std::string tcp_behaviour_names(std::string_view last)
{
    std::string out;
    for (std::size_t i = 0; i < std::size(behaviour_names); ++i) {
        if (i > 0)
            out.append(i + 1 == std::size(behaviour_names) ? last : std::string_view(", "));
        out.append(behaviour_names[i].first);
    }
    return out;
}

using boost::system::error_code;

std::optional<std::string> listen_address_for(std::string_view family, std::string const& host)
{
    if (family != "ipv4" && family != "ipv6")
        return std::nullopt;
    error_code ec;
    auto const ip = asio::ip::make_address(host, ec);
    if (!ec && ip.is_v6() == (family == "ipv6"))
        return host;
    return std::string(family == "ipv6" ? "::1" : "127.0.0.1");
}

std::string host_port(std::string const& host, std::uint16_t port)
{
    auto const shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return shown + ":" + std::to_string(port);
}

namespace {

using detail::listener;
using detail::listener_kind;

// How long stop() lets closed sessions run their last handlers (to record how
// they ended) before it stops the io_context regardless.
constexpr auto drain_timeout = std::chrono::seconds(2);

// How long opening a black hole waits for its filler connection (detail/listener.cpp).
constexpr int filler_connect_wait_ms = 200;

// The period of the servers' tick (impl::tick). Asio sets its timerfd (a system
// call) whenever a timer becomes the earliest of the queue; with nothing else
// pending, every connection's handshake deadline would (one a handshake at one
// handshake at a time). A tick always due within this stays the earliest, so
// deadlines further out join the queue without one, for one wake-up per period.
constexpr auto tick_period = std::chrono::seconds(1);

// "<scheme>://<host>:<port>"; an IPv6 literal needs brackets in a URL.
std::string url_of(char const* scheme, std::string const& host, std::uint16_t port)
{
    return std::string(scheme) + "://" + host_port(host, port);
}

} // namespace

struct servers::impl {
    // Declared before the io_context so they outlive every handler it destroys.
    wire_log log;
    detail::session_registry registry;
    std::atomic<bool> stopping{false};

    server_options opts;
    // The thread count as Asio's concurrency hint: with one thread (the default) its
    // scheduler wakes no other thread.
    asio::io_context ioc{std::max(1, opts.threads)};
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    // Every acceptor lives on this strand, so accepting, opening and closing
    // listeners never race whatever the thread count.
    asio::strand<asio::io_context::executor_type> accept_strand{ioc.get_executor()};
    asio::steady_timer tick_timer{accept_strand}; // tick(); on the strand, as stop()'s cancel
    // By address and port (::1 and 127.0.0.1 may have a port number each); accept_strand only.
    std::map<tcp::endpoint, std::shared_ptr<listener>> listeners;
    std::uint16_t ws_port = 0;
    std::uint16_t tcp_port = 0;
    std::uint16_t wss_port = 0;
    std::string ca_pem;
    std::shared_ptr<asio::ssl::context> tls; // null when !opts.tls
    std::vector<std::thread> threads;
    std::mutex state_mu; // start/stop/open/close from the owner's threads
    bool started = false;
    bool stopped = false;

    std::atomic<std::size_t> ws_slots{0};
    /// The plain TCP echo's own loop (detail/tcp_echo_loop.hpp), made with the first
    /// echo connection; used on accept_strand, and by stop() once the threads are joined.
    std::unique_ptr<detail::tcp_echo_loop> echo_loop;
    bool echo_loop_failed = false; ///< the system refused one: echo on tcp_session

    explicit impl(server_options o) : log(o.wire_log_max_records), opts(std::move(o)) {}

    detail::server_context context() { return {log, registry, stopping, opts, ws_slots}; }

    /// Keep a timer due within tick_period pending while serving (tick_period says why).
    void tick()
    {
        tick_timer.expires_after(tick_period);
        tick_timer.async_wait([this](error_code ec) {
            if (!ec && !stopping.load())
                tick();
        });
    }

    // Bind and listen now (so errors reach the caller), accept later on the strand.
    // On failure returns null with `ec` set and `what` naming the step.
    // `host`: the address to listen on (empty: opts.host).
    std::shared_ptr<listener> bind(std::uint16_t port, listener_kind kind, std::string tag, tcp_behaviour behaviour,
                                   error_code& ec, std::string& what, std::string const& host = {})
    {
        return detail::open_listener(accept_strand, host.empty() ? opts.host : host, port, kind, std::move(tag),
                                     behaviour, filler_connect_wait_ms, ec, what);
    }

    std::shared_ptr<listener> bind_or_throw(std::uint16_t port, listener_kind kind, std::string tag = {},
                                            tcp_behaviour behaviour = {})
    {
        error_code ec;
        std::string what;
        auto l = bind(port, kind, std::move(tag), behaviour, ec, what);
        if (!l)
            throw std::system_error(ec, what);
        return l;
    }

    std::uint16_t port_of(listener const& l) { return endpoint_of(l).port(); }

    tcp::endpoint endpoint_of(listener const& l)
    {
        error_code ec;
        return l.acceptor.local_endpoint(ec);
    }

    /// A connection's executor. With more than one I/O thread, a strand of its own keeps
    /// its handlers serial; with one (the default) they are serial anyway, and a strand
    /// would only add a lock and a queue to every handler.
    asio::any_io_executor connection_executor()
    {
        if (opts.threads > 1)
            return asio::make_strand(ioc);
        return ioc.get_executor();
    }

    void accept(std::shared_ptr<listener> l)
    {
        l->acceptor.async_accept(connection_executor(), l->peer, [this, l](error_code ec, tcp::socket socket) {
            if (ec == asio::error::operation_aborted || !l->acceptor.is_open() || stopping.load())
                return;
            if (!ec) {
                detail::accepted_from const from{l->peer, l->port};
                if (l->kind == listener_kind::websocket)
                    detail::start_ws_session(context(), std::move(socket), from);
                else if (l->kind == listener_kind::wss)
                    detail::start_wss_session(context(), std::move(socket), from, *tls);
                else if (auto* loop = echo_loop_for(l->behaviour))
                    loop->adopt(std::move(socket), from, l->tag);
                else
                    detail::start_tcp_session(context(), std::move(socket), from, l->tag, l->behaviour);
            }
            // Transient accept errors (e.g. out of descriptors) must not end the listener.
            accept(l);
        });
    }

    // The loop a TCP connection of `b` echoes on, made on first use; null for the other
    // behaviours and when the system refuses a loop (a thread, an epoll set). accept_strand.
    detail::tcp_echo_loop* echo_loop_for(tcp_behaviour const& b)
    {
        if (b.kind != tcp_behaviour_kind::echo || echo_loop_failed)
            return nullptr;
        if (!echo_loop) {
            error_code ec;
            echo_loop = detail::tcp_echo_loop::make(context(), ec);
            echo_loop_failed = !echo_loop;
        }
        return echo_loop.get();
    }

    void serve(std::shared_ptr<listener> l)
    {
        auto const ep = endpoint_of(*l);
        // A black hole or a refusing port is only registered (to be closed later), never accepted on.
        bool const accepts = l->accepts();
        if (threads.empty()) {
            // Nothing runs the io_context yet, so nothing races: register now, so a
            // close_tcp_listener() before start() finds it.
            listeners[ep] = l;
            if (accepts)
                accept(std::move(l));
            return;
        }
        asio::post(accept_strand, [this, l, ep, accepts] {
            listeners[ep] = l;
            if (accepts)
                accept(l);
        });
    }

    // Close the listeners on `ports` of `address` (empty: opts.host), in one trip to
    // the accept strand. Port 0 and the main listeners are left alone: those go only
    // with stop(). The caller holds state_mu.
    void close_listeners(std::string const& address, std::initializer_list<std::uint16_t> ports)
    {
        error_code ec, host_ec;
        auto const ip = asio::ip::make_address(address.empty() ? opts.host : address, ec);
        auto const host_ip = asio::ip::make_address(opts.host, host_ec);
        if (ec || host_ec || stopped)
            return;
        std::vector<tcp::endpoint> endpoints;
        for (auto const port : ports) {
            bool const main = ip == host_ip && (port == ws_port || port == tcp_port || port == wss_port);
            if (port != 0 && !main)
                endpoints.emplace_back(ip, port);
        }
        if (endpoints.empty())
            return;
        on_strand_and_wait([this, endpoints] {
            for (auto const& ep : endpoints)
                if (auto it = listeners.find(ep); it != listeners.end()) {
                    it->second->close();
                    listeners.erase(it);
                }
        });
    }

    // Run `fn` on the accept strand and wait for it, unless the io threads are
    // not running (then nothing races and it runs here).
    template <class Fn>
    void on_strand_and_wait(Fn fn)
    {
        if (threads.empty() || accept_strand.running_in_this_thread()) {
            fn();
            return;
        }
        // Shared, so a wait that times out leaves nothing dangling for the handler.
        auto done = std::make_shared<std::promise<void>>();
        auto finished = done->get_future();
        asio::post(accept_strand, [fn = std::move(fn), done] {
            fn();
            done->set_value();
        });
        finished.wait_for(drain_timeout);
    }
};

servers::servers(server_options opts) : impl_(std::make_unique<impl>(std::move(opts))) {}

servers::~servers() { stop(); }

void servers::start()
{
    std::lock_guard lock(impl_->state_mu);
    if (impl_->stopped)
        throw std::logic_error("echo servers: start() after stop()");
    if (impl_->started)
        return;
    auto& m = *impl_;
    if (m.opts.handshake_timeout_ms == 0)
        throw std::invalid_argument("echo servers: handshake_timeout_ms must be > 0");
    auto ws = m.bind_or_throw(m.opts.ws_port, listener_kind::websocket);
    auto tcp_l = m.bind_or_throw(m.opts.tcp_port, listener_kind::tcp);
    m.ws_port = m.port_of(*ws);
    m.tcp_port = m.port_of(*tcp_l);
    std::shared_ptr<listener> wss;
    if (m.opts.tls) {
        auto material = detail::make_tls_material();
        m.tls = detail::make_server_context(material);
        wss = m.bind_or_throw(m.opts.wss_port, listener_kind::wss);
        m.wss_port = m.port_of(*wss);
        m.ca_pem = std::move(material.ca_pem);
    }
    m.serve(ws);
    m.serve(tcp_l);
    if (wss)
        m.serve(wss);
    m.work.emplace(m.ioc.get_executor());
    m.tick();
    int const n = std::max(1, m.opts.threads);
    for (int i = 0; i < n; ++i)
        m.threads.emplace_back([&m] {
            // A throwing handler is a bug; keep serving rather than lose every connection.
            for (;;) {
                try {
                    m.ioc.run();
                    return;
                } catch (...) {
                }
            }
        });
    m.started = true;
}

void servers::stop()
{
    std::lock_guard lock(impl_->state_mu);
    auto& m = *impl_;
    if (m.stopped)
        return;
    m.stopped = true;
    if (!m.started)
        return;
    m.stopping = true;
    m.on_strand_and_wait([&m] {
        for (auto& [_, l] : m.listeners)
            l->close();
        m.listeners.clear();
    });
    m.registry.close_all();
    asio::post(m.accept_strand, [&m] { m.tick_timer.cancel(); });
    m.work.reset();
    // Let closed sessions record how they ended, but never wait on a client.
    m.registry.wait_empty(std::chrono::duration_cast<std::chrono::milliseconds>(drain_timeout));
    m.ioc.stop();
    for (auto& t : m.threads)
        if (t.joinable())
            t.join();
    m.threads.clear();
    m.echo_loop.reset(); // after wait_empty(): ends only what a client still held open
    // A connection accepted just before the listeners closed waits in its queued accept
    // handler, which stop() kept from running: it held the socket open, and the client
    // saw no end, until this object was destroyed (ref_tcp_socket.PeerCloseEmitsOnCloseOnce
    // waited 10 s for it under ASan). Run what is ready once more, on this thread alone:
    // such a handler finds the registry closed and lets its socket go.
    m.ioc.restart();
    m.ioc.poll();
}

std::string const& servers::host() const noexcept { return impl_->opts.host; }
std::uint16_t servers::ws_port() const noexcept { return impl_->ws_port; }
std::uint16_t servers::tcp_port() const noexcept { return impl_->tcp_port; }

std::string servers::ws_url() const { return ws_url(impl_->ws_port); }
std::string servers::wss_url() const { return wss_url(impl_->wss_port); }

std::string servers::ws_url(std::uint16_t port) const { return url_of("ws", impl_->opts.host, port); }

std::string servers::wss_url(std::uint16_t port) const
{
    return impl_->tls ? url_of("wss", impl_->opts.host, port) : std::string();
}

std::uint16_t servers::wss_port() const noexcept { return impl_->wss_port; }
std::string const& servers::ca_pem() const noexcept { return impl_->ca_pem; }

std::uint16_t servers::open_tcp_listener(std::string const& tag, tcp_behaviour behaviour)
{
    std::lock_guard lock(impl_->state_mu);
    if (impl_->stopped)
        throw std::logic_error("echo servers: open_tcp_listener() after stop()");
    auto l = impl_->bind_or_throw(0, listener_kind::tcp, tag, behaviour);
    auto const port = impl_->port_of(*l);
    impl_->serve(std::move(l));
    return port;
}

std::uint16_t servers::open_tcp_listener(std::string const& tag, tcp_behaviour behaviour, std::uint16_t port,
                                         std::error_code& ec) noexcept
{
    return open_tcp_listener(tag, behaviour, port, {}, ec);
}

std::uint16_t servers::open_tcp_listener(std::string const& tag, tcp_behaviour behaviour, std::uint16_t port,
                                         std::string const& address, std::error_code& ec) noexcept
{
    ec.clear();
    try {
        std::lock_guard lock(impl_->state_mu);
        if (impl_->stopped) {
            ec = std::make_error_code(std::errc::operation_not_permitted);
            return 0;
        }
        error_code bec;
        std::string what;
        auto l = impl_->bind(port, listener_kind::tcp, tag, behaviour, bec, what, address);
        if (!l) {
            ec = bec; // Boost's system errors map onto std::errc (EACCES, EADDRINUSE ...)
            return 0;
        }
        auto const bound = impl_->port_of(*l);
        impl_->serve(std::move(l));
        return bound;
    } catch (std::system_error const& e) {
        ec = e.code();
    } catch (...) {
        ec = std::make_error_code(std::errc::not_enough_memory); // allocation is all that can throw here
    }
    return 0;
}

ws_listener_ports servers::open_ws_listeners()
{
    std::lock_guard lock(impl_->state_mu);
    auto& m = *impl_;
    if (m.stopped || !m.started)
        throw std::logic_error("echo servers: open_ws_listeners() before start() or after stop()");
    auto ws = m.bind_or_throw(0, listener_kind::websocket);
    std::shared_ptr<listener> wss;
    if (m.tls)
        wss = m.bind_or_throw(0, listener_kind::wss); // on a throw, `ws` closes with its acceptor
    ws_listener_ports const ports{ws->port, wss ? wss->port : std::uint16_t{0}};
    m.serve(std::move(ws));
    if (wss)
        m.serve(std::move(wss));
    return ports;
}

void servers::close_ws_listeners(ws_listener_ports const& ports)
{
    std::lock_guard lock(impl_->state_mu);
    impl_->close_listeners({}, {ports.ws, ports.wss});
}

void servers::close_tcp_listener(std::uint16_t port, std::string const& address)
{
    std::lock_guard lock(impl_->state_mu);
    impl_->close_listeners(address, {port});
}

wire_log& servers::log() noexcept { return impl_->log; }
wire_log const& servers::log() const noexcept { return impl_->log; }
std::size_t servers::live_sessions() const { return impl_->registry.size(); }

std::size_t servers::close_tag_family(std::string const& tag)
{
    auto const ids = impl_->log.open_ids_of_family(tag);
    if (ids.empty())
        return 0;
    std::unordered_set<std::uint64_t> const open(ids.begin(), ids.end());
    return impl_->registry.shut_down_if([&open](std::uint64_t id) { return open.contains(id); });
}

} // namespace sockconf::echo
