// SocketTask on Beast. The only translation unit of sockconf_ref that includes
// Beast (compile time on small machines).
#include "event_listeners.hpp"
#include "runtime_impl.hpp"

#include <sockconf/common/version.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

namespace sockconf::ref::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
namespace ssl = asio::ssl;
using plain_ws = websocket::stream<tcp::socket>;
using tls_ws = websocket::stream<ssl::stream<tcp::socket>>;

namespace {

constexpr std::string_view connect_api = "connectSocket";
constexpr std::string_view send_api = "sendSocketMessage";
constexpr std::string_view close_api = "closeSocket";
constexpr std::string_view not_connected = "WebSocket is not connected";
constexpr std::string_view abnormal = "abnormal closure";
constexpr int abnormal_code = 1006;
constexpr int no_status_code = 1005; // RFC 6455: a close frame without a code

bool iequals(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

/// Headers the caller may not set: Referer never (the platform forbids it), and
/// the ones the WebSocket handshake itself owns (setting them would break it).
bool reserved_header(std::string_view name)
{
    static constexpr std::array<std::string_view, 8> names{
        "referer", "host", "upgrade", "connection", "sec-websocket-key", "sec-websocket-version",
        "sec-websocket-extensions", "sec-websocket-protocol"};
    return std::any_of(names.begin(), names.end(), [&](auto n) { return iequals(n, name); });
}

/// A header value as JS would stringify the primitives; objects are skipped.
std::optional<std::string> header_value(json const& v)
{
    if (v.is_string())
        return v.get<std::string>();
    if (v.is_boolean())
        return v.get<bool>() ? "true" : "false";
    if (v.is_number())
        return v.dump();
    return std::nullopt;
}

struct connect_params {
    std::string host;        // to resolve
    std::string port;
    std::string host_header; // Host: as written in the URL
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string protocols; // Sec-WebSocket-Protocol, "" for none
    std::chrono::milliseconds timeout{0};
    bool no_delay = false;
    bool tls = false;        // wss://
};

class ws_task final : public socket_task, public resource, public std::enable_shared_from_this<ws_task> {
public:
    ws_task(runtime::impl& rt, std::uint64_t id) : rt_(rt), id_(id) {}

    // ---- socket_task ----------------------------------------------------------

    void send(json const& options, callbacks cb) override
    {
        if (state_ != ready_state::open) {
            rt_.post_fail(cb, send_api, not_connected);
            return;
        }
        json const* data = options.is_object() && options.contains("data") ? &options["data"] : nullptr;
        pending_write w;
        if (data && data->is_string()) {
            w.binary = false;
            w.data = data->get<std::string>();
        } else if (data && is_array_buffer(*data)) {
            w.binary = true;
            w.data = array_buffer_bytes(*data);
        } else {
            rt_.post_fail(cb, send_api, "unknown data");
            return;
        }
        w.cb = std::move(cb);
        writes_.push_back(std::move(w));
        if (!writing_)
            write_next();
    }

    void close(json const& options, callbacks cb) override
    {
        json const* code_v = options.is_object() && options.contains("code") ? &options["code"] : nullptr;
        json const* reason_v = options.is_object() && options.contains("reason") ? &options["reason"] : nullptr;
        int code = rt_.profile_.switches.close_default_code;
        if (code_v && !code_v->is_null()) {
            if (!code_v->is_number()) {
                rt_.post_fail(cb, close_api,
                              "parameter error: parameter.code should be Number instead of " +
                                  param_type_name(code_v) + ";");
                return;
            }
            double const d = code_v->get<double>();
            if (d != 1000 && !(d >= 3000 && d <= 4999 && d == static_cast<int>(d))) {
                rt_.post_fail(cb, close_api, "The code must be either 1000, or between 3000 and 4999");
                return;
            }
            code = static_cast<int>(d);
        }
        std::string reason;
        if (reason_v && !reason_v->is_null()) {
            if (!reason_v->is_string()) {
                rt_.post_fail(cb, close_api,
                              "parameter error: parameter.reason should be String instead of " +
                                  param_type_name(reason_v) + ";");
                return;
            }
            reason = reason_v->get<std::string>(); // nlohmann strings are UTF-8: size() is the byte length
            auto const max = std::size_t(rt_.profile_.limits.close_reason_max_bytes);
            if (reason.size() > max) {
                rt_.post_fail(cb, close_api,
                              "The reason must be no longer than " + std::to_string(max) + " UTF-8 bytes");
                return;
            }
        }
        switch (state_.load()) {
        case ready_state::closing:
        case ready_state::closed:
            rt_.post_fail(cb, close_api, not_connected);
            return;
        case ready_state::connecting:
            // Abort the attempt: success first, then onClose with the requested
            // code; never onOpen, and the slot frees at once.
            rt_.post_ok(cb, close_api);
            finish(code, reason, std::nullopt);
            return;
        case ready_state::open:
            state_ = ready_state::closing;
            rt_.post_ok(cb, close_api);
            // Like a browser's bufferedAmount, queued sends go out before the close frame.
            close_request_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
            if (!writing_)
                start_close();
            return;
        }
    }

    void on_open(listener l) override { add(ws_event::open, std::move(l)); }
    void on_message(listener l) override { add(ws_event::message, std::move(l)); }
    void on_error(listener l) override { add(ws_event::error, std::move(l)); }
    void on_close(listener l) override { add(ws_event::close, std::move(l)); }

    ready_state state() const noexcept override { return state_.load(); }
    std::uint64_t id() const noexcept override { return id_; }

    // ---- resource -------------------------------------------------------------

    void abort_silently() override
    {
        if (!finished_) {
            finished_ = true;
            state_ = ready_state::closed;
            release_slot();
        }
        teardown();
    }

    void release_io() override
    {
        ws_ = std::monostate{};
        resolver_.reset();
        timer_.reset();
    }

    // ---- creation (connect_socket) -------------------------------------------

    /// A refused or invalid task: CLOSED from the start, never counted.
    void mark_closed()
    {
        finished_ = true;
        state_ = ready_state::closed;
    }

    /// Refused with events (limit_refusal = error_event, wss for now).
    void refuse_with_events(std::string err)
    {
        mark_closed();
        emit(ws_event::error, json{{"errMsg", std::move(err)}});
        emit(ws_event::close, json{{"code", abnormal_code}, {"reason", abnormal}});
    }

    /// Run `fn` once this task is CLOSED (at once when it already is).
    void when_closed(std::function<void()> fn)
    {
        if (finished_)
            fn();
        else
            closed_hooks_.push_back(std::move(fn));
    }

    void start(connect_params p)
    {
        if (finished_) // closed while waiting for its predecessor (legacy mode)
            return;
        counted_ = true;
        ++rt_.live_ws_;
        params_ = std::move(p);
        auto& ctx = rt_.ctx_;
        resolver_.emplace(ctx);
        timer_.emplace(ctx);
        if (params_.tls) {
            if (!make_tls_stream())
                return;
        } else {
            ws_.emplace<plain_ws>(ctx);
        }
        timer_->expires_after(params_.timeout);
        timer_->async_wait([self = shared_from_this()](error_code ec) {
            if (ec || self->finished_ || self->state_ != ready_state::connecting)
                return;
            self->finish(abnormal_code, std::string(abnormal), "Timed out connecting to server.");
        });
        resolver_->async_resolve(params_.host, params_.port,
                                 [self = shared_from_this()](error_code ec, tcp::resolver::results_type r) {
                                     self->on_resolve(ec, std::move(r));
                                 });
    }

private:
    struct pending_write {
        bool binary = false;
        std::string data;
        callbacks cb;
    };

    bool stale() const { return finished_ || rt_.shutting_down_; }

    void add(ws_event e, listener l) { listeners_.add(e, std::move(l)); }

    /// Queue an event: delivered to the listeners registered when it runs, in
    /// order; nothing after onClose, nothing once the runtime shuts down.
    void emit(ws_event e, json payload)
    {
        rt_.post([self = shared_from_this(), e, payload = std::move(payload)] {
            if (self->rt_.shutting_down_ || !self->listeners_.dispatch(e, payload))
                return;
            // The legacy wx.onSocket* listeners follow the current task.
            if (self->rt_.current_ws_.get() == static_cast<socket_task*>(self.get())) {
                auto const snapshot = self->rt_.ws_globals_[static_cast<std::size_t>(e)];
                for (auto const& l : snapshot)
                    if (l && *l)
                        invoke_guarded(*l, payload);
            }
        });
    }

    void release_slot()
    {
        if (counted_) {
            counted_ = false;
            --rt_.live_ws_;
        }
    }

    void teardown()
    {
        error_code ignored;
        if (timer_)
            timer_->cancel();
        if (resolver_)
            resolver_->cancel();
        if (has_ws() && socket().is_open())
            socket().close(ignored);
    }

    /// The one way to CLOSED: free the slot, fail queued sends, then queue
    /// onError (when `error`) and onClose.
    void finish(int code, std::string reason, std::optional<std::string> error, bool keep_socket = false)
    {
        if (finished_)
            return;
        finished_ = true;
        state_ = ready_state::closed;
        release_slot();
        if (!keep_socket)
            teardown();
        else if (timer_)
            timer_->cancel();
        for (auto& w : writes_)
            rt_.post_fail(w.cb, send_api, not_connected);
        writes_.clear();
        if (error)
            emit(ws_event::error, json{{"errMsg", std::move(*error)}});
        emit(ws_event::close, json{{"code", code}, {"reason", std::move(reason)}});
        for (auto& fn : std::exchange(closed_hooks_, {}))
            fn();
    }

    void fail_connect(std::string msg) { finish(abnormal_code, std::string(abnormal), std::move(msg)); }

    static std::string errno_text(error_code const& ec) { return ec.message(); }

    void on_resolve(error_code ec, tcp::resolver::results_type results)
    {
        if (stale())
            return;
        if (ec) {
            fail_connect("resolve fail: " + errno_text(ec));
            return;
        }
        asio::async_connect(socket(), results,
                            [self = shared_from_this()](error_code ec, tcp::endpoint const&) {
                                self->on_connect(ec);
                            });
    }

    void on_connect(error_code ec)
    {
        if (stale())
            return;
        if (ec) {
            fail_connect("connect fail: " + errno_text(ec));
            return;
        }
        if (params_.no_delay) {
            error_code ignored;
            socket().set_option(tcp::no_delay(true), ignored);
        }
        if (auto* t = std::get_if<tls_ws>(&ws_)) {
            t->next_layer().async_handshake(ssl::stream_base::client, [self = shared_from_this()](error_code ec) {
                self->on_tls_handshake(ec);
            });
            return;
        }
        ws_handshake();
    }

    void on_tls_handshake(error_code ec)
    {
        if (stale())
            return;
        if (ec) {
            fail_connect("TLS handshake failed: " + tls_error_text(ec));
            return;
        }
        ws_handshake();
    }

    static std::string tls_error_text(error_code const& ec)
    {
        std::string msg = ec.message();
        if (ec.category() == asio::error::get_ssl_category()) {
            // Name the certificate problem when OpenSSL reports one.
            char const* reason = ERR_reason_error_string(static_cast<unsigned long>(ec.value()));
            if (reason && msg.find(reason) == std::string::npos)
                msg += std::string(" (") + reason + ")";
        }
        return msg;
    }

    void ws_handshake()
    {
        with_ws([&](auto& ws) {
        ws.set_option(websocket::stream_base::decorator(
            [headers = params_.headers, protocols = params_.protocols](websocket::request_type& req) {
                req.set(beast::http::field::user_agent, "sockconf-reference/" SOCKCONF_VERSION);
                for (auto const& [name, value] : headers)
                    req.set(name, value);
                if (!protocols.empty())
                    req.set(beast::http::field::sec_websocket_protocol, protocols);
            }));
        ws.async_handshake(res_, params_.host_header, params_.target,
                             [self = shared_from_this()](error_code ec) { self->on_handshake(ec); });
        });
    }

    void on_handshake(error_code ec)
    {
        if (stale())
            return;
        if (ec) {
            // "Invalid HTTP status" is what WeChat reports for a non-101 answer.
            fail_connect(ec == websocket::error::upgrade_declined
                             ? std::string("Invalid HTTP status")
                             : "Error during WebSocket handshake: " + ec.message());
            return;
        }
        timer_->cancel();
        state_ = ready_state::open;
        json header = json::object();
        for (auto const& f : res_) {
            std::string name(f.name_string());
            std::string value(f.value());
            if (header.contains(name))
                header[name] = header[name].get<std::string>() + ", " + value;
            else
                header[name] = std::move(value);
        }
        emit(ws_event::open, json{{"header", std::move(header)}});
        read_next();
    }

    void read_next()
    {
        with_ws([&](auto& ws) {
            ws.async_read(rbuf_, [self = shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
        });
    }

    void on_read(error_code ec)
    {
        if (stale())
            return;
        if (!ec) {
            auto bytes = beast::buffers_to_string(rbuf_.data());
            rbuf_.consume(rbuf_.size());
            json data = with_ws([](auto& ws) { return ws.got_text(); }) ? json(std::move(bytes)) : make_array_buffer(bytes);
            emit(ws_event::message, json{{"data", std::move(data)}});
            read_next();
            return;
        }
        if (ec == websocket::error::closed) {
            // The closing handshake completed (ours or the server's): report the
            // close frame the server sent. Beast already tore the TCP down.
            finish_clean();
            return;
        }
        // While our close is in progress Beast ends a pending read with
        // operation_aborted; the close completion reports the outcome.
        if (close_started_)
            return;
        finish(abnormal_code, std::string(abnormal), std::string(abnormal));
    }

    /// onClose with the code and reason of the close frame the server sent.
    void finish_clean()
    {
        auto const r = with_ws([](auto& ws) { return ws.reason(); });
        int const code = r.code == websocket::close_code::none ? no_status_code : int(r.code);
        finish(code, std::string(r.reason.c_str()), std::nullopt, true);
    }

    void write_next()
    {
        if (writes_.empty()) {
            if (close_request_)
                start_close();
            return;
        }
        writing_ = true;
        auto& w = writes_.front();
        with_ws([&](auto& ws) {
            ws.binary(w.binary);
            ws.async_write(asio::buffer(w.data), [self = shared_from_this()](error_code ec, std::size_t) {
                self->on_write(ec);
            });
        });
    }

    void on_write(error_code ec)
    {
        writing_ = false;
        if (stale())
            return;
        auto w = std::move(writes_.front());
        writes_.pop_front();
        if (ec) {
            rt_.post_fail(w.cb, send_api, ec.message());
            return; // the read loop reports the broken connection
        }
        rt_.post_ok(w.cb, send_api);
        write_next();
    }

    void start_close()
    {
        auto reason = *close_request_;
        close_request_.reset();
        close_started_ = true;
        with_ws([&](auto& ws) {
        ws.async_close(reason, [self = shared_from_this()](error_code ec) {
            if (self->stale())
                return; // the read loop saw error::closed first
            if (!ec || ec == websocket::error::closed)
                self->finish_clean();
            else
                self->finish(abnormal_code, std::string(abnormal), std::string(abnormal));
        });
        });
    }

    bool has_ws() const { return !std::holds_alternative<std::monostate>(ws_); }

    /// Call f with the live stream (plain or TLS); only while has_ws().
    template <class F>
    auto with_ws(F&& f) -> decltype(f(std::declval<plain_ws&>()))
    {
        if (auto* t = std::get_if<tls_ws>(&ws_))
            return f(*t);
        return f(std::get<plain_ws>(ws_));
    }

    tcp::socket& socket()
    {
        if (auto* t = std::get_if<tls_ws>(&ws_))
            return t->next_layer().next_layer();
        return std::get<plain_ws>(ws_).next_layer();
    }

    /// The TLS stream over the runtime's client context, with SNI (names only)
    /// and host name verification (an IP literal matches the certificate's IP SAN).
    bool make_tls_stream()
    {
        auto& rt = rt_;
        if (!rt.ssl_ctx_ && rt.ssl_ctx_error_.empty()) {
            try {
                ssl::context c(ssl::context::tls_client);
                c.set_verify_mode(ssl::verify_peer);
                if (rt.options_.trusted_ca_pem.empty())
                    c.set_default_verify_paths();
                else
                    c.add_certificate_authority(asio::buffer(rt.options_.trusted_ca_pem));
                rt.ssl_ctx_.emplace(std::move(c));
            } catch (std::exception const& e) {
                rt.ssl_ctx_error_ = e.what();
            }
        }
        if (!rt.ssl_ctx_) {
            fail_connect("TLS setup failed: " + rt.ssl_ctx_error_);
            return false;
        }
        auto& t = ws_.emplace<tls_ws>(rt.ctx_, *rt.ssl_ctx_);
        auto& s = t.next_layer();
        error_code addr_ec;
        (void)asio::ip::make_address(params_.host, addr_ec);
        if (addr_ec) // SNI is for names only (RFC 6066)
            SSL_set_tlsext_host_name(s.native_handle(), params_.host.c_str());
        s.set_verify_callback(ssl::host_name_verification(params_.host));
        return true;
    }

    runtime::impl& rt_;
    std::uint64_t const id_;
    std::atomic<ready_state> state_{ready_state::connecting};
    bool counted_ = false;         // holds a concurrency slot
    bool finished_ = false;        // CLOSED reached; terminal events queued
    std::vector<std::function<void()>> closed_hooks_; // when_closed()
    detail::event_listeners<ws_event, 4> listeners_{ws_event::close};

    connect_params params_;
    std::optional<tcp::resolver> resolver_;
    std::optional<asio::steady_timer> timer_;
    std::variant<std::monostate, plain_ws, tls_ws> ws_;
    websocket::response_type res_;
    beast::flat_buffer rbuf_;
    std::deque<pending_write> writes_;
    bool writing_ = false;
    std::optional<websocket::close_reason> close_request_; // close() waiting for queued sends
    bool close_started_ = false;                           // async_close issued
};

/// Parse and check the options. On error returns the fail detail (for the fail callback).
std::optional<std::string> parse_options(runtime::impl& rt, json const& options, connect_params& p,
                                         std::optional<std::string>& event_error)
{
    json const* url_v = options.is_object() && options.contains("url") ? &options["url"] : nullptr;
    if (!url_v || !url_v->is_string())
        return "parameter error: parameter.url should be String instead of " + param_type_name(url_v) + ";";
    auto const url = url_v->get<std::string>();
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed)
        return "invalid url \"" + url + "\"";
    auto const& u = *parsed;
    std::string scheme(u.scheme());
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if ((scheme != "ws" && scheme != "wss") || u.host_address().empty())
        return "invalid url \"" + url + "\"";
    if (rt.profile_.switches.wss_only && scheme != "wss")
        return "invalid url \"" + url + "\": only wss:// is allowed";
    if (!rt.profile_.domain_allowed(u.host_address()))
        return "url not in domain list";
    p.tls = scheme == "wss";
    (void)event_error;

    p.host = u.host_address();
    p.port = u.has_port() ? std::string(u.port()) : (scheme == "wss" ? "443" : "80");
    p.host_header = std::string(u.encoded_host_and_port());
    p.target = std::string(u.encoded_path());
    if (p.target.empty())
        p.target = "/";
    if (u.has_query())
        p.target += "?" + std::string(u.encoded_query());

    if (auto it = options.find("header"); it != options.end() && it->is_object())
        for (auto const& [name, value] : it->items())
            if (!reserved_header(name))
                if (auto v = header_value(value))
                    p.headers.emplace_back(name, *v);

    if (auto it = options.find("protocols"); it != options.end() && it->is_array()) {
        for (auto const& proto : *it)
            if (proto.is_string()) {
                if (!p.protocols.empty())
                    p.protocols += ", ";
                p.protocols += proto.get<std::string>();
            }
    }

    p.timeout = std::chrono::milliseconds(rt.profile_.timings.ws_connect_timeout_ms);
    if (auto it = options.find("timeout"); it != options.end() && it->is_number() && it->get<double>() > 0)
        p.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(it->get<double>()));

    if (auto it = options.find("tcpNoDelay"); it != options.end() && it->is_boolean())
        p.no_delay = it->get<bool>();
    return std::nullopt;
}

} // namespace

std::shared_ptr<socket_task> connect_socket(runtime::impl& rt, json const& options, callbacks cb)
{
    auto task = std::make_shared<ws_task>(rt, rt.next_task_id_++);
    rt.track(task);

    connect_params params;
    std::optional<std::string> event_error;
    if (auto bad = parse_options(rt, options, params, event_error)) {
        task->mark_closed();
        rt.post_fail(cb, connect_api, *bad);
        return task;
    }

    std::erase_if(rt.ws_tasks_, [](auto const& w) { return w.expired(); });
    std::vector<std::shared_ptr<ws_task>> predecessors;
    if (rt.profile_.switches.legacy_single_connection) {
        // Below the multi-connection base library a new connectSocket closes
        // the existing connection (specs/README.md), so no limit applies. The
        // new handshake starts once the old task is CLOSED: one connection at a
        // time, and the old onClose comes before the new onOpen.
        for (auto const& w : rt.ws_tasks_) {
            auto t = w.lock();
            if (!t || t->state() == ready_state::closed)
                continue;
            if (t->state() != ready_state::closing)
                t->close(json::object(), {});
            predecessors.push_back(std::static_pointer_cast<ws_task>(t));
        }
    } else if (rt.live_ws_ >= std::size_t(rt.profile_.limits.max_concurrent_websockets)) {
        if (rt.profile_.switches.limit_refusal == refusal_channel::fail_callback) {
            task->mark_closed();
            rt.post_fail(cb, connect_api, "exceed max task count");
        } else {
            rt.post_result(cb, true, json{{"errMsg", "connectSocket:ok"}, {"socketTaskId", task->id()}});
            rt.current_ws_ = task;
            task->refuse_with_events("createSocketTask:fail exceed max task count");
        }
        return task;
    }
    rt.ws_tasks_.push_back(task);

    rt.post_result(cb, true, json{{"errMsg", "connectSocket:ok"}, {"socketTaskId", task->id()}});
    rt.current_ws_ = task;
    if (event_error) {
        task->refuse_with_events(*event_error);
    } else if (predecessors.empty()) {
        task->start(std::move(params));
    } else {
        auto left = std::make_shared<std::size_t>(predecessors.size());
        auto shared_params = std::make_shared<connect_params>(std::move(params));
        for (auto const& old : predecessors)
            old->when_closed([task, left, shared_params] {
                if (--*left == 0)
                    task->start(std::move(*shared_params));
            });
    }
    return task;
}

} // namespace sockconf::ref::detail
