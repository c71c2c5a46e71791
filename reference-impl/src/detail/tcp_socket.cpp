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

// errCode values of WeChat's TCPSocket error table.
constexpr int err_system = -1;
constexpr int err_socket = -2;  // errMsg carries errno
constexpr int err_timeout = -4; // "链接失败"
constexpr int err_address = 1;
constexpr int err_port = 2;
constexpr int err_wifi_android_only = 5;

/// Read chunk: one onMessage per completed read of at most this many bytes.
constexpr std::size_t read_chunk = 64 * 1024;

json error_payload(int code, std::string msg) { return json{{"errCode", code}, {"errMsg", std::move(msg)}}; }

std::string errno_text(std::string_view what, error_code const& ec)
{
    return std::string(what) + " socket fail: errno:" + std::to_string(ec.value()) + " errmsg:" + ec.message();
}

class tcp_socket_impl final : public tcp_socket, public resource, public std::enable_shared_from_this<tcp_socket_impl> {
public:
    explicit tcp_socket_impl(runtime::impl& rt) : rt_(rt) {}

    void connect(json const& options) override
    {
        if (finished_ || closing_) {
            emit(tcp_event::error, error_payload(err_system, "connect:fail socket is closed"));
            return;
        }
        if (state_ != tcp_state::created) {
            emit(tcp_event::error, error_payload(err_system, "connect:fail socket is already connected"));
            return;
        }
        json const empty = json::object();
        json const& o = options.is_object() ? options : empty;
        auto const addr_it = o.find("address");
        if (addr_it == o.end() || !addr_it->is_string() || addr_it->get<std::string>().empty()) {
            emit(tcp_event::error, error_payload(err_address, "connect:fail invalid address"));
            return;
        }
        auto const port_it = o.find("port");
        if (port_it == o.end() || !port_it->is_number() || port_it->get<double>() != std::floor(port_it->get<double>()) ||
            port_it->get<double>() < 1 || port_it->get<double>() > 65535) {
            emit(tcp_event::error, error_payload(err_port, "connect:fail invalid port"));
            return;
        }
        int const port = port_it->get<int>();
        if (rt_.profile_.tcp_port_blocked(port)) {
            emit(tcp_event::error, error_payload(err_port, "connect:fail port not allowed"));
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
            self->finish(error_payload(err_timeout, "connect socket fail: timeout"));
        });

        auto const address = addr_it->get<std::string>();
        error_code ec;
        auto const ip = asio::ip::make_address_v4(address, ec);
        if (!ec) {
            socket_->async_connect(tcp::endpoint(ip, std::uint16_t(port)),
                                   [self = shared_from_this()](error_code ec) { self->on_connect(ec); });
            return;
        }
        resolver_.emplace(ctx);
        resolver_->async_resolve(tcp::v4(), address, std::to_string(port),
                                 [self = shared_from_this()](error_code ec, tcp::resolver::results_type r) {
                                     if (self->stale())
                                         return;
                                     if (ec) {
                                         self->finish(error_payload(err_socket, errno_text("connect", ec)));
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
            emit(tcp_event::error, error_payload(err_system, "write:fail parameter error: data should be String or ArrayBuffer instead of " +
                                                                 param_type_name(&data)));
            return;
        }
        if (closing_ || finished_ || state_ == tcp_state::created) {
            emit(tcp_event::error, error_payload(err_system, "write:fail socket is not connected"));
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

    void bind_wifi(json const&) override
    {
        // The reference models no Android device.
        emit(tcp_event::error, error_payload(err_wifi_android_only, "bindWifi:fail only supported on Android"));
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

    /// Queued like every JS event; dispatched to the listeners registered when
    /// it runs (a snapshot: a listener removed during dispatch still gets this one).
    void emit(tcp_event e, json payload)
    {
        rt_.post([self = shared_from_this(), e, payload = std::move(payload)] {
            if (!self->rt_.shutting_down_)
                self->listeners_.dispatch(e, payload);
        });
    }

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
            finish(error_payload(err_socket, errno_text("connect", ec)));
            return;
        }
        timer_->cancel();
        state_ = tcp_state::connected;
        error_code e1, e2;
        auto const remote = socket_->remote_endpoint(e1);
        auto const local = socket_->local_endpoint(e2);
        remote_info_ = json{{"address", remote.address().to_string()}, {"family", "IPv4"}, {"port", remote.port()}};
        local_info_ = json{{"address", local.address().to_string()}, {"family", "IPv4"}, {"port", local.port()}};
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
                finish(error_payload(err_socket, errno_text("read", ec)));
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
            finish(error_payload(err_socket, errno_text("write", ec)));
            return;
        }
        writes_.pop_front();
        if (!writes_.empty())
            write_next();
        else if (closing_)
            finish(std::nullopt);
    }

    runtime::impl& rt_;
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

std::shared_ptr<tcp_socket> make_tcp_socket(runtime::impl& rt, json const& /*options: IPv4 only*/)
{
    auto s = std::make_shared<tcp_socket_impl>(rt);
    rt.track(s);
    return s;
}

} // namespace sockconf::ref::detail
