// TCPSocket on plain Asio.
#include "event_listeners.hpp"
#include "runtime_impl.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <cmath>
#include <deque>
#include <optional>

namespace sockconf::ref::detail {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

/// Read chunk: one onMessage per completed read of at most this many bytes.
constexpr std::size_t read_chunk = 64 * 1024;

json error_payload(int code, std::string msg) { return json{{"errCode", code}, {"errMsg", std::move(msg)}}; }

std::string errno_text(std::string_view what, error_code const& ec)
{
    return std::string(what) + " socket fail: errno:" + std::to_string(ec.value()) + " errmsg:" + ec.message();
}

bool is_loopback_name(std::string const& host)
{
    error_code ec;
    auto const ip = asio::ip::make_address(host, ec);
    if (!ec)
        return ip.is_loopback() || (ip.is_v6() && ip.to_v6().is_v4_mapped() &&
                                    asio::ip::make_address_v4(asio::ip::v4_mapped, ip.to_v6()).is_loopback());
    return host == "localhost" || host.ends_with(".localhost");
}

class tcp_socket_impl final : public tcp_socket, public resource, public std::enable_shared_from_this<tcp_socket_impl> {
public:
    tcp_socket_impl(runtime::impl& rt, ip_family family) : rt_(rt), family_(family) {}

    void connect(json const& options) override
    {
        if (finished_ || closing_) {
            answer_error(error_payload(codes().system, "connect:fail socket is closed"));
            return;
        }
        if (state_ != tcp_state::created) {
            answer_error(error_payload(codes().system, "connect:fail socket is already connected"));
            return;
        }
        json const empty = json::object();
        json const& o = options.is_object() ? options : empty;
        auto const addr_it = o.find("address");
        if (addr_it == o.end() || !addr_it->is_string() || addr_it->get<std::string>().empty()) {
            answer_error(error_payload(codes().invalid_address, "connect:fail invalid address"));
            return;
        }
        auto const port_it = o.find("port");
        if (port_it == o.end() || !port_it->is_number() || port_it->get<double>() != std::floor(port_it->get<double>()) ||
            port_it->get<double>() < 1 || port_it->get<double>() > 65535) {
            answer_error(error_payload(codes().invalid_port, "connect:fail invalid port"));
            return;
        }
        int const port = port_it->get<int>();
        if (rt_.profile_.tcp_port_blocked(port)) {
            answer_error(error_payload(codes().invalid_port, "connect:fail port not allowed"));
            return;
        }
        auto const address = addr_it->get<std::string>();
        if (!rt_.profile_.switches.tcp_allow_loopback && is_loopback_name(address)) {
            answer_error(error_payload(codes().no_permission, "connect:fail local address not allowed"));
            return;
        }
        auto timeout = std::chrono::duration<double>(double(rt_.profile_.timings.tcp_connect_timeout_s));
        if (auto it = o.find("timeout"); it != o.end() && it->is_number() && it->get<double>() > 0)
            timeout = std::chrono::duration<double>(it->get<double>());

        state_ = tcp_state::connecting;
        auto& ctx = rt_.ctx_;
        socket_.emplace(ctx);
        timer_.emplace(ctx);
        timer_->expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(timeout));
        timer_->async_wait([self = shared_from_this()](error_code ec) {
            if (ec || self->stale() || self->state_ != tcp_state::connecting)
                return;
            self->finish(error_payload(self->codes().connect_failed, "connect socket fail: timeout"));
        });

        // The socket's family decides which addresses it reaches (an IPv6 socket
        // reaches IPv4 peers as v4-mapped addresses).
        auto const v6 = family_ == ip_family::v6;
        if (error_code lit; !v6 && asio::ip::make_address(address, lit).is_v6() && !lit) {
            // An IPv4 socket and an IPv6 literal: what connect(2) answers on an
            // AF_INET socket (EAFNOSUPPORT), not a resolver error (D51).
            finish(error_payload(codes().socket, errno_text("connect", asio::error::address_family_not_supported)));
            return;
        }
        resolver_.emplace(ctx);
        resolver_->async_resolve(v6 ? tcp::v6() : tcp::v4(), address, std::to_string(port),
                                 v6 ? tcp::resolver::v4_mapped : tcp::resolver::flags{},
                                 [self = shared_from_this()](error_code ec, tcp::resolver::results_type r) {
                                     if (self->stale())
                                         return;
                                     if (ec) {
                                         self->finish(error_payload(self->codes().socket, errno_text("connect", ec)));
                                         return;
                                     }
                                     asio::async_connect(*self->socket_, r,
                                                         [self](error_code ec, tcp::endpoint const&) {
                                                             self->on_connect(ec);
                                                         });
                                 });
    }

    void write(json const& data) override
    {
        std::string bytes;
        if (data.is_string())
            bytes = data.get<std::string>(); // JSON strings are UTF-8 already
        else if (is_array_buffer(data))
            bytes = array_buffer_bytes(data);
        else {
            answer_error(error_payload(codes().system, "write:fail parameter error: data should be String or ArrayBuffer instead of " +
                                                                 param_type_name(&data)));
            return;
        }
        if (closing_ || finished_ || state_ == tcp_state::created) {
            answer_error(error_payload(codes().system, "write:fail socket is not connected"));
            return;
        }
        // While connecting the data waits and goes out after onConnect.
        writes_.push_back(std::move(bytes));
        if (state_ == tcp_state::connected && !writing_)
            write_next();
    }

    void close() override
    {
        if (finished_ || closing_)
            return;
        if (state_ == tcp_state::connected && writing_) {
            // Flush what was written before close(), then close.
            closing_ = true;
            state_ = tcp_state::closed;
            return;
        }
        finish(std::nullopt);
    }

    void bind_wifi(json const& options) override
    {
        if (!rt_.profile_.switches.tcp_bind_wifi) {
            answer_error(error_payload(codes().android_only, "bindWifi:fail only supported on Android"));
            return;
        }
        // An Android profile: the loopback reference has no Wi-Fi to bind, so a
        // well-formed BSSID is taken as the current network's.
        auto const it = options.is_object() ? options.find("BSSID") : options.end();
        if (!options.is_object() || it == options.end() || !it->is_string() || it->get<std::string>().empty()) {
            answer_error(error_payload(codes().invalid_bssid, "bindWifi:fail invalid BSSID"));
            return;
        }
        emit(tcp_event::bind_wifi, json::object());
    }

    void on(tcp_event e, listener l) override { listeners_.add(e, std::move(l)); }
    void off(tcp_event e, listener const& l) override { listeners_.remove(e, l); }

    tcp_state state() const noexcept override { return state_.load(); }

    void abort_silently() override
    {
        finished_ = true;
        state_ = tcp_state::closed;
        teardown();
    }

    void release_io() override
    {
        socket_.reset();
        resolver_.reset();
        timer_.reset();
    }

private:
    bool stale() const { return finished_ || rt_.shutting_down_; }
    tcp_error_codes_t const& codes() const { return rt_.profile_.tcp_error_codes; }

    /// Queued like every JS event; dispatched to the listeners registered when
    /// it runs (a snapshot: a listener removed during dispatch still gets this one).
    void emit(tcp_event e, json payload, bool answers_call = false)
    {
        rt_.post([self = shared_from_this(), e, answers_call, payload = std::move(payload)] {
            if (!self->rt_.shutting_down_)
                self->listeners_.dispatch(e, payload, answers_call);
        });
    }

    /// onError answering a call (connect, write, bindWifi) that cannot be
    /// done: delivered even after onClose, since it is about the call, not the
    /// connection (TCP-ONCLOSE-LAST).
    void answer_error(json payload) { emit(tcp_event::error, std::move(payload), true); }

    void teardown()
    {
        error_code ignored;
        if (timer_)
            timer_->cancel();
        if (resolver_)
            resolver_->cancel();
        if (socket_ && socket_->is_open()) {
            socket_->shutdown(tcp::socket::shutdown_both, ignored);
            socket_->close(ignored);
        }
    }

    /// The one way to closed: onError (when given), then onClose, once.
    void finish(std::optional<json> error)
    {
        if (finished_)
            return;
        finished_ = true;
        state_ = tcp_state::closed;
        teardown();
        writes_.clear();
        if (error)
            emit(tcp_event::error, std::move(*error));
        emit(tcp_event::close, json::object());
    }

    void on_connect(error_code ec)
    {
        if (stale())
            return;
        if (ec) {
            finish(error_payload(codes().socket, errno_text("connect", ec)));
            return;
        }
        timer_->cancel();
        state_ = tcp_state::connected;
        error_code e1, e2;
        auto const remote = socket_->remote_endpoint(e1);
        auto const local = socket_->local_endpoint(e2);
        auto const family = family_ == ip_family::v6 ? "IPv6" : "IPv4";
        remote_info_ = json{{"address", remote.address().to_string()}, {"family", family}, {"port", remote.port()}};
        local_info_ = json{{"address", local.address().to_string()}, {"family", family}, {"port", local.port()}};
        emit(tcp_event::connect, json::object());
        if (closing_) // close() while connecting with queued writes cannot happen (close finishes at once)
            return;
        if (!writes_.empty())
            write_next();
        read_next();
    }

    void read_next()
    {
        rbuf_.resize(read_chunk);
        socket_->async_read_some(asio::buffer(rbuf_), [self = shared_from_this()](error_code ec, std::size_t n) {
            self->on_read(ec, n);
        });
    }

    void on_read(error_code ec, std::size_t n)
    {
        if (stale())
            return;
        if (ec) {
            if (closing_) // our own flush-then-close is in progress; it will finish
                return;
            if (ec == asio::error::eof)
                finish(std::nullopt); // the peer closed
            else
                finish(error_payload(codes().socket, errno_text("read", ec)));
            return;
        }
        if (!closing_) {
            auto remote = remote_info_;
            remote["size"] = n;
            emit(tcp_event::message, json{{"message", make_array_buffer(std::string_view(rbuf_.data(), n))},
                                          {"remoteInfo", std::move(remote)},
                                          {"localInfo", local_info_}});
        }
        read_next();
    }

    void write_next()
    {
        writing_ = true;
        asio::async_write(*socket_, asio::buffer(writes_.front()),
                          [self = shared_from_this()](error_code ec, std::size_t) { self->on_write(ec); });
    }

    void on_write(error_code ec)
    {
        writing_ = false;
        if (stale())
            return;
        if (ec) {
            finish(error_payload(codes().socket, errno_text("write", ec)));
            return;
        }
        writes_.pop_front();
        if (!writes_.empty())
            write_next();
        else if (closing_)
            finish(std::nullopt);
    }

    runtime::impl& rt_;
    ip_family family_;
    std::atomic<tcp_state> state_{tcp_state::created};
    bool closing_ = false;         // close() waits for queued writes
    bool finished_ = false;        // closed; terminal events queued
    detail::event_listeners<tcp_event, 5> listeners_{tcp_event::close};
    std::optional<tcp::socket> socket_;
    std::optional<tcp::resolver> resolver_;
    std::optional<asio::steady_timer> timer_;
    std::deque<std::string> writes_;
    bool writing_ = false;
    std::vector<char> rbuf_;
    json remote_info_, local_info_;
};

} // namespace

std::shared_ptr<tcp_socket> make_tcp_socket(runtime::impl& rt, json const& options)
{
    // {type: "ipv4" | "ipv6"} (D23); anything else: the profile's default.
    auto family = rt.profile_.switches.tcp_default_family;
    if (auto it = options.is_object() ? options.find("type") : options.end(); options.is_object() && it != options.end()) {
        if (*it == "ipv4")
            family = ip_family::v4;
        else if (*it == "ipv6")
            family = ip_family::v6;
    }
    auto s = std::make_shared<tcp_socket_impl>(rt, family);
    rt.track(s);
    return s;
}

} // namespace sockconf::ref::detail
