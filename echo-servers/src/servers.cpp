#include <sockconf/echo/servers.hpp>

#include "detail/context.hpp"
#include "detail/tls.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <future>
#include <map>
#include <stdexcept>
#include <system_error>
#include <thread>

namespace sockconf::echo {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

enum class listener_kind { websocket, wss, tcp };

// How long stop() lets closed sessions run their last handlers (to record how
// they ended) before it stops the io_context regardless.
constexpr auto drain_timeout = std::chrono::seconds(2);

} // namespace

struct servers::impl {
    // Declared before the io_context so they outlive every handler it destroys.
    wire_log log;
    detail::session_registry registry;
    std::atomic<bool> stopping{false};

    server_options opts;
    asio::io_context ioc;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    // Every acceptor lives on this strand, so accepting, opening and closing
    // listeners never race whatever the thread count.
    asio::strand<asio::io_context::executor_type> accept_strand{ioc.get_executor()};
    struct listener {
        tcp::acceptor acceptor;
        listener_kind kind;
        std::string tag;
    };
    std::map<std::uint16_t, std::shared_ptr<listener>> listeners; // by port; accept_strand only
    std::uint16_t ws_port = 0;
    std::uint16_t tcp_port = 0;
    std::uint16_t wss_port = 0;
    std::string ca_pem;
    std::shared_ptr<asio::ssl::context> tls; // null when !opts.tls
    std::vector<std::thread> threads;
    std::mutex state_mu; // start/stop/open/close from the owner's threads
    bool started = false;
    bool stopped = false;

    explicit impl(server_options o) : opts(std::move(o)) {}

    detail::server_context context() { return {log, registry, stopping}; }

    // Bind and listen now (so errors reach the caller), accept later on the strand.
    std::shared_ptr<listener> bind(std::uint16_t port, listener_kind kind, std::string tag)
    {
        error_code ec;
        auto const address = asio::ip::make_address(opts.host, ec);
        if (ec)
            throw std::system_error(ec, "echo servers: bad host '" + opts.host + "'");
        auto l = std::make_shared<listener>(listener{tcp::acceptor(accept_strand), kind, std::move(tag)});
        tcp::endpoint const ep(address, port);
        auto const where = " " + opts.host + ":" + std::to_string(port);
        if (l->acceptor.open(ep.protocol(), ec); ec)
            throw std::system_error(ec, "echo servers: open" + where);
        // Lets a fixed port be reused while old connections sit in TIME_WAIT; two
        // listeners on one port still fail on Linux.
        l->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
        if (l->acceptor.bind(ep, ec); ec)
            throw std::system_error(ec, "echo servers: bind" + where);
        if (l->acceptor.listen(asio::socket_base::max_listen_connections, ec); ec)
            throw std::system_error(ec, "echo servers: listen" + where);
        return l;
    }

    std::uint16_t port_of(listener const& l)
    {
        error_code ec;
        return l.acceptor.local_endpoint(ec).port();
    }

    void accept(std::shared_ptr<listener> l)
    {
        // A strand per connection: sessions are safe with any number of threads.
        l->acceptor.async_accept(asio::make_strand(ioc), [this, l](error_code ec, tcp::socket socket) {
            if (ec == asio::error::operation_aborted || !l->acceptor.is_open() || stopping.load())
                return;
            if (!ec) {
                if (l->kind == listener_kind::websocket)
                    detail::start_ws_session(context(), std::move(socket));
                else if (l->kind == listener_kind::wss)
                    detail::start_wss_session(context(), std::move(socket), *tls);
                else
                    detail::start_tcp_session(context(), std::move(socket), l->tag);
            }
            // Transient accept errors (e.g. out of descriptors) must not end the listener.
            accept(l);
        });
    }

    void serve(std::shared_ptr<listener> l)
    {
        auto const port = port_of(*l);
        if (threads.empty()) {
            // Nothing runs the io_context yet, so nothing races: register now, so a
            // close_tcp_listener() before start() finds it.
            listeners[port] = l;
            accept(std::move(l));
            return;
        }
        asio::post(accept_strand, [this, l, port] {
            listeners[port] = l;
            accept(l);
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
    auto ws = m.bind(m.opts.ws_port, listener_kind::websocket, {});
    auto tcp_l = m.bind(m.opts.tcp_port, listener_kind::tcp, {});
    m.ws_port = m.port_of(*ws);
    m.tcp_port = m.port_of(*tcp_l);
    std::shared_ptr<impl::listener> wss;
    if (m.opts.tls) {
        auto material = detail::make_tls_material();
        m.tls = detail::make_server_context(material);
        wss = m.bind(m.opts.wss_port, listener_kind::wss, {});
        m.wss_port = m.port_of(*wss);
        m.ca_pem = std::move(material.ca_pem);
    }
    m.serve(ws);
    m.serve(tcp_l);
    if (wss)
        m.serve(wss);
    m.work.emplace(m.ioc.get_executor());
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
        error_code ignored;
        for (auto& [_, l] : m.listeners)
            l->acceptor.close(ignored);
        m.listeners.clear();
    });
    m.registry.close_all();
    m.work.reset();
    // Let closed sessions record how they ended, but never wait on a client.
    m.registry.wait_empty(std::chrono::duration_cast<std::chrono::milliseconds>(drain_timeout));
    m.ioc.stop();
    for (auto& t : m.threads)
        if (t.joinable())
            t.join();
    m.threads.clear();
}

std::string const& servers::host() const noexcept { return impl_->opts.host; }
std::uint16_t servers::ws_port() const noexcept { return impl_->ws_port; }
std::uint16_t servers::tcp_port() const noexcept { return impl_->tcp_port; }

std::string servers::ws_url() const
{
    // An IPv6 literal needs brackets in a URL.
    auto const& h = impl_->opts.host;
    auto const host = h.find(':') != std::string::npos ? "[" + h + "]" : h;
    return "ws://" + host + ":" + std::to_string(impl_->ws_port);
}

std::string servers::wss_url() const
{
    if (!impl_->tls)
        return {};
    auto const& h = impl_->opts.host;
    auto const host = h.find(':') != std::string::npos ? "[" + h + "]" : h;
    return "wss://" + host + ":" + std::to_string(impl_->wss_port);
}

std::uint16_t servers::wss_port() const noexcept { return impl_->wss_port; }
std::string const& servers::ca_pem() const noexcept { return impl_->ca_pem; }

std::uint16_t servers::open_tcp_listener(std::string const& tag)
{
    std::lock_guard lock(impl_->state_mu);
    if (impl_->stopped)
        throw std::logic_error("echo servers: open_tcp_listener() after stop()");
    auto l = impl_->bind(0, listener_kind::tcp, tag);
    auto const port = impl_->port_of(*l);
    impl_->serve(std::move(l));
    return port;
}

void servers::close_tcp_listener(std::uint16_t port)
{
    std::lock_guard lock(impl_->state_mu);
    auto& m = *impl_;
    if (m.stopped || port == m.ws_port || port == m.tcp_port || (m.wss_port != 0 && port == m.wss_port))
        return; // the main listeners go only with stop()
    m.on_strand_and_wait([&m, port] {
        auto it = m.listeners.find(port);
        if (it == m.listeners.end())
            return;
        error_code ignored;
        it->second->acceptor.close(ignored);
        m.listeners.erase(it);
    });
}

wire_log& servers::log() noexcept { return impl_->log; }
wire_log const& servers::log() const noexcept { return impl_->log; }

} // namespace sockconf::echo
