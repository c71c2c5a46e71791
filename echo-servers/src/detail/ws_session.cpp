// One WebSocket connection: read the HTTP upgrade request, pick the behaviour
// from its target, then accept / reject / echo / close as servers.hpp documents.
// ws:// and wss:// share it (templated on the next layer). The only translation
// unit of echo-servers that includes Beast.
#include "context.hpp"
#include "frame_echo.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>
#include <cstring>
#include <optional>
#include <span>

namespace sockconf::echo::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using boost::system::error_code;

namespace {

// Sanity caps on URL parameters, so a typo cannot make the server allocate or
// wait without bound; the limits a client is held to are in server_options.
constexpr std::size_t push_size_cap = 64u * 1024 * 1024;
constexpr std::uint64_t count_cap = 100000;
constexpr std::uint64_t wait_cap_ms = 600000;
// Read size while discarding the rest of a message over max_message_bytes.
constexpr std::size_t drain_chunk = 64 * 1024;

enum class behaviour { echo, close, reject, handshake, hang, push, drop, fragment, not_found };

std::string_view behaviour_name(behaviour b)
{
    switch (b) {
    case behaviour::echo: return "echo";
    case behaviour::close: return "close";
    case behaviour::reject: return "reject";
    case behaviour::handshake: return "handshake";
    case behaviour::hang: return "hang";
    case behaviour::push: return "push";
    case behaviour::drop: return "drop";
    case behaviour::fragment: return "fragment";
    case behaviour::not_found: return "";
    }
    return "";
}

/// What the request target asks for.
struct plan {
    behaviour what = behaviour::not_found;
    std::string tag;
    std::uint16_t close_code = 1000;
    std::string close_reason;
    std::uint64_t close_after = 0;
    unsigned reject_status = 403;
    std::optional<std::string> protocol; ///< subprotocol to select ("first": the first offered)
    std::uint64_t delay_ms = 0;          ///< wait before answering the handshake
    std::uint64_t push_count = 0;
    std::size_t push_size = 0;
    bool push_binary = false;
    std::size_t fragment_size = 0;
    std::uint64_t ping_count = 0;       ///< pings to send after the handshake
    std::uint64_t ping_interval_ms = 0; ///< between them
    std::string bad_target; ///< non-empty when the target did not parse
};

template <class Int>
std::optional<Int> parse_int(std::string_view s)
{
    Int v{};
    auto const [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size())
        return std::nullopt;
    return v;
}

plan plan_for(std::string_view target)
{
    plan p;
    auto const parsed = boost::urls::parse_origin_form(target);
    if (!parsed) {
        p.bad_target = parsed.error().message();
        return p;
    }
    auto const& u = *parsed;
    std::string const path = u.path();
    if (path == "/" || path == "/echo")
        p.what = behaviour::echo;
    else if (path == "/close")
        p.what = behaviour::close;
    else if (path == "/reject")
        p.what = behaviour::reject;
    else if (path == "/handshake")
        p.what = behaviour::handshake;
    else if (path == "/delay")
        p.what = behaviour::echo;
    else if (path == "/hang")
        p.what = behaviour::hang;
    else if (path == "/push")
        p.what = behaviour::push;
    else if (path == "/drop")
        p.what = behaviour::drop;
    else if (path == "/fragment")
        p.what = behaviour::fragment;

    // Malformed numbers fall back to the documented defaults rather than failing
    // the connection: the case under test is the client, not the URL.
    for (auto const& param : u.params()) {
        if (param.key == "tag")
            p.tag = param.value;
        else if (param.key == "code") {
            // 0 sends a close frame without a status code; beyond 4999 is not a code.
            if (auto c = parse_int<unsigned>(param.value); c && *c <= 4999)
                p.close_code = static_cast<std::uint16_t>(*c);
        } else if (param.key == "reason")
            // A close frame's payload is at most 125 bytes: 2 for the code, 123 for the reason.
            p.close_reason = param.value.substr(0, 123);
        else if (param.key == "after") {
            if (auto n = parse_int<std::uint64_t>(param.value))
                p.close_after = *n;
        } else if (param.key == "protocol") {
            p.protocol = param.value;
        } else if (param.key == "delay_ms" || (param.key == "ms" && path == "/delay")) {
            // At most 10 minutes: a typo must not park a connection for ever.
            if (auto n = parse_int<std::uint64_t>(param.value))
                p.delay_ms = std::min(*n, wait_cap_ms);
        } else if (param.key == "count") {
            if (auto n = parse_int<std::uint64_t>(param.value))
                p.push_count = std::min(*n, count_cap);
        } else if (param.key == "ping") {
            if (auto n = parse_int<std::uint64_t>(param.value))
                p.ping_count = std::min(*n, count_cap);
        } else if (param.key == "ping_interval_ms") {
            if (auto n = parse_int<std::uint64_t>(param.value))
                p.ping_interval_ms = std::min(*n, wait_cap_ms);
        } else if (param.key == "size") {
            if (auto n = parse_int<std::size_t>(param.value)) {
                p.push_size = std::min(*n, push_size_cap);
                p.fragment_size = *n;
            }
        } else if (param.key == "binary") {
            p.push_binary = param.value == "1" || param.value == "true";
        } else if (param.key == "status") {
            // Only final statuses: a 1xx would leave the client waiting for more.
            if (auto s = parse_int<unsigned>(param.value); s && *s >= 200 && *s <= 599)
                p.reject_status = *s;
        }
    }
    return p;
}

std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view trim(std::string_view s)
{
    auto const first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos)
        return {};
    auto const last = s.find_last_not_of(" \t");
    return s.substr(first, last - first + 1);
}

template <class Fields>
json header_object(Fields const& fields)
{
    json out = json::object();
    for (auto const& f : fields) {
        auto const name = lower(f.name_string());
        std::string const value(f.value());
        if (out.contains(name))
            out[name] = out[name].template get<std::string>() + ", " + value;
        else
            out[name] = value;
    }
    return out;
}

template <class Fields>
std::vector<std::string> offered_protocols(Fields const& fields)
{
    std::vector<std::string> out;
    for (auto const& f : fields) {
        if (f.name() != http::field::sec_websocket_protocol)
            continue;
        std::string_view rest = f.value();
        while (!rest.empty()) {
            auto const comma = rest.find(',');
            auto const item = trim(rest.substr(0, comma));
            if (!item.empty())
                out.emplace_back(item);
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        }
    }
    return out;
}

/// One connection over `Next` (beast::tcp_stream for ws://, an ssl_stream over
/// it for wss://): the same behaviours and wire records either way.
template <class Next>
class ws_session final : public session_base, public std::enable_shared_from_this<ws_session<Next>> {
    static constexpr bool tls = !std::is_same_v<Next, beast::tcp_stream>;
    using std::enable_shared_from_this<ws_session<Next>>::shared_from_this;

public:
    template <class... Args>
    ws_session(server_context ctx, Args&&... args) : ctx_(ctx), ws_(std::forward<Args>(args)...)
    {
        // Recorded from the first byte so garbage and half handshakes leave a trace too.
        wire_record r;
        r.kind = transport::websocket;
        r.tls = tls;
        fill_endpoints(beast::get_lowest_layer(ws_).socket(), r);
        id_ = ctx_.log.add(std::move(r));
    }

    ~ws_session() override
    {
        // Normally already finished; this covers handlers dropped by io_context::stop().
        finish(conn_end::server_closed);
        ctx_.registry.remove(this);
    }

    void run()
    {
        if constexpr (tls) {
            beast::get_lowest_layer(ws_).expires_after(handshake_timeout());
            ws_.next_layer().async_handshake(asio::ssl::stream_base::server,
                                             [self = shared_from_this()](error_code ec) {
                                                 if (ec)
                                                     return self->on_tls_error(ec);
                                                 self->read_request();
                                             });
        } else {
            read_request();
        }
    }

private:
    void on_tls_error(error_code ec)
    {
        if (stopping_)
            return finish(conn_end::server_closed);
        if (ec == beast::error::timeout)
            return fail("tls handshake: handshake timeout (handshake_timeout_ms " + timeout_text() + ")");
        fail("tls handshake: " + ec.message());
    }

    std::chrono::milliseconds handshake_timeout() const
    {
        return std::chrono::milliseconds(ctx_.opts.handshake_timeout_ms);
    }

    std::string timeout_text() const { return std::to_string(ctx_.opts.handshake_timeout_ms); }

    /// End the record, releasing the max_connections slot first, so a client
    /// that sees this connection ended can count on its slot being free.
    void finish(conn_end how, std::string error = {})
    {
        if (holds_slot_) {
            holds_slot_ = false;
            ctx_.ws_slots.fetch_sub(1);
        }
        ctx_.log.finish(id_, how, std::move(error));
    }

public:
    void read_request()
    {
        parser_.emplace();
        parser_->header_limit(64 * 1024);
        parser_->body_limit(64 * 1024);
        beast::get_lowest_layer(ws_).expires_after(handshake_timeout());
        http::async_read(ws_.next_layer(), buffer_, *parser_,
                         [self = shared_from_this()](error_code ec, std::size_t) { self->on_request(ec); });
    }

    void shutdown() override
    {
        asio::dispatch(ws_.get_executor(), [self = shared_from_this()] {
            self->stopping_ = true;
            self->timer_.cancel();
            self->ping_timer_.cancel();
            // Close the socket outright: stop() must be prompt, not wait on closing handshakes.
            beast::get_lowest_layer(self->ws_).close();
        });
    }

private:
    void on_request(error_code ec)
    {
        if (ec) {
            if (stopping_)
                return finish(conn_end::server_closed);
            bool const nothing_sent = buffer_.size() == 0 && !parser_->got_some();
            if (nothing_sent && (ec == http::error::end_of_stream || ec == asio::error::eof))
                return finish(conn_end::dropped, "closed before sending a request");
            if (ec == beast::error::timeout)
                return fail("handshake timeout: no complete HTTP upgrade request within handshake_timeout_ms " +
                            timeout_text() + (nothing_sent ? " (nothing received)" : " (request incomplete)"));
            return fail("handshake request: " + ec.message());
        }
        auto const& req = parser_->get();
        plan_ = plan_for(req.target());

        // Decide before the record learns its tag: a rejected handshake must get its
        // tag and its rejection in one update, or it would count as open for a moment.
        std::optional<http::status> refusal;
        std::string why;
        if (!plan_.bad_target.empty()) {
            refusal = http::status::bad_request;
            why = "bad request target: " + plan_.bad_target;
        } else if (plan_.what == behaviour::not_found) {
            refusal = http::status::not_found;
        } else if (plan_.what == behaviour::reject) {
            refusal = static_cast<http::status>(plan_.reject_status);
        } else if (!websocket::is_upgrade(req)) {
            refusal = http::status::upgrade_required;
            why = "not a WebSocket upgrade request";
        } else if (auto const max = ctx_.opts.max_connections; max != 0) {
            // Only requests the server would otherwise serve take a slot.
            if (ctx_.ws_slots.fetch_add(1) >= max) {
                ctx_.ws_slots.fetch_sub(1);
                refusal = http::status::service_unavailable;
                why = "max_connections " + std::to_string(max) + " reached";
            } else {
                holds_slot_ = true;
            }
        }

        auto const headers = header_object(req);
        auto const protocols = offered_protocols(req);
        ctx_.log.update(id_, [&](wire_record& r) {
            r.tag = plan_.tag;
            r.behaviour = behaviour_name(plan_.what);
            r.target = std::string(req.target());
            r.request_headers = headers;
            r.offered_protocols = protocols;
            if (refusal) {
                r.http_status = static_cast<int>(*refusal);
                r.end = conn_end::rejected;
                r.error = why;
            }
        });
        if (plan_.delay_ms == 0)
            return answer(refusal, why);
        timer_.expires_after(std::chrono::milliseconds(plan_.delay_ms));
        timer_.async_wait([self = shared_from_this(), refusal, why](error_code ec) {
            if (ec || self->stopping_)
                return self->finish(conn_end::server_closed);
            self->answer(refusal, why);
        });
    }

    void answer(std::optional<http::status> refusal, std::string const& why)
    {
        if (refusal)
            return reject(*refusal, why);
        if (plan_.what == behaviour::hang)
            return hang();
        accept();
    }

    // Never answer; wait for the client to give up, stop(), or the handshake timeout.
    void hang()
    {
        beast::get_lowest_layer(ws_).expires_after(handshake_timeout());
        ws_.next_layer().async_read_some(asio::buffer(sink_), [self = shared_from_this()](error_code ec, std::size_t) {
            if (!ec)
                return self->hang(); // more bytes: still no answer
            if (self->stopping_ || self->ctx_.stopping.load())
                return self->finish(conn_end::server_closed);
            if (ec == beast::error::timeout)
                return self->fail("hang: handshake timeout, never answered (handshake_timeout_ms " +
                                  self->timeout_text() + ")");
            self->finish(conn_end::dropped, "hang: " + ec.message());
            beast::get_lowest_layer(self->ws_).close();
        });
    }

    // Answer the handshake with a non-101 status and close (the record already
    // says rejected).
    void reject(http::status status, std::string const& why)
    {
        auto const code = static_cast<unsigned>(status);
        auto res = std::make_shared<http::response<http::string_body>>();
        res->result(code);
        res->version(parser_->get().version());
        res->set(http::field::server, "sockconf-echo");
        res->set(http::field::content_type, "text/plain");
        res->keep_alive(false);
        res->body() = why.empty() ? std::string(res->reason()) : why;
        res->prepare_payload();
        beast::get_lowest_layer(ws_).expires_after(handshake_timeout());
        http::async_write(ws_.next_layer(), *res, [self = shared_from_this(), res](error_code, std::size_t) {
            error_code ignored;
            auto& sock = beast::get_lowest_layer(self->ws_).socket();
            sock.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
            beast::get_lowest_layer(self->ws_).close();
            self->finish(conn_end::rejected);
        });
    }

    void accept()
    {
        // From here the websocket stream owns the timeouts (Beast asks that the
        // tcp_stream's own expiry be off).
        beast::get_lowest_layer(ws_).expires_never();
        websocket::stream_base::timeout t{};
        t.handshake_timeout = handshake_timeout();
        t.idle_timeout = websocket::stream_base::none(); // a quiet client is a valid client
        t.keep_alive_pings = false;
        ws_.set_option(t);
        // No Sec-WebSocket-Protocol in the answer: the server picks no subprotocol.
        // Sec-WebSocket-Protocol only when the target asks for one the client offered.
        std::string chosen;
        if (plan_.protocol) {
            auto const offered = offered_protocols(parser_->get());
            if (*plan_.protocol == "first") {
                if (!offered.empty())
                    chosen = offered.front();
            } else if (std::find(offered.begin(), offered.end(), *plan_.protocol) != offered.end()) {
                chosen = *plan_.protocol;
            }
        }
        ws_.set_option(websocket::stream_base::decorator([chosen](websocket::response_type& res) {
            res.set(http::field::server, "sockconf-echo");
            if (!chosen.empty())
                res.set(http::field::sec_websocket_protocol, chosen);
        }));
        if (plan_.what == behaviour::fragment && plan_.fragment_size > 0) {
            ws_.auto_fragment(true);
            ws_.write_buffer_bytes(std::max<std::size_t>(plan_.fragment_size, 8)); // Beast's minimum
        } else {
            ws_.auto_fragment(false);
        }
        // Beast's own limit would close with 1009 but no reason and no size, so the
        // session enforces max_message_bytes itself (read_more).
        ws_.read_message_max(0);
        // Beast answers pings itself; this only counts control frames for the record.
        ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
            if (kind == websocket::frame_type::ping)
                ctx_.log.update(id_, [](wire_record& r) { ++r.pings_received; });
            else if (kind == websocket::frame_type::pong)
                ctx_.log.update(id_, [](wire_record& r) { ++r.pongs_received; });
        });
        ws_.async_accept(parser_->get(), [self = shared_from_this()](error_code ec) { self->on_accept(ec); });
    }

    void on_accept(error_code ec)
    {
        if (ec) {
            if (stopping_)
                return finish(conn_end::server_closed);
            // Beast answered the bad upgrade itself: 426 for a wrong version, else 400.
            int const status = ec == websocket::error::bad_sec_version || ec == websocket::error::no_sec_version ? 426 : 400;
            ctx_.log.update(id_, [&](wire_record& r) {
                if (r.end == conn_end::open && r.http_status == 0) {
                    r.http_status = status;
                    r.end = conn_end::rejected;
                }
            });
            return finish(conn_end::error, "handshake: " + ec.message());
        }
        ctx_.log.update(id_, [](wire_record& r) { r.http_status = 101; });
        // Bytes a client sent ahead of the 101 are not frames this stream can see;
        // drop them so they never pose as the head of the first message.
        buffer_.consume(buffer_.size());
        // Alongside whatever the behaviour does: Beast lets a ping overlap a read and a write.
        if (plan_.ping_count > 0)
            ping(1);

        if (plan_.what == behaviour::handshake) {
            auto const& req = parser_->get();
            json const hello{
                {"target", std::string(req.target())},
                {"method", std::string(req.method_string())},
                {"headers", header_object(req)},
                {"protocols", offered_protocols(req)},
            };
            // Replace non-UTF-8 header bytes rather than throw: a client may send anything.
            out_text_ = hello.dump(-1, ' ', false, json::error_handler_t::replace);
            ws_.text(true);
            return ws_.async_write(asio::buffer(out_text_), [self = shared_from_this()](error_code ec, std::size_t) {
                if (ec)
                    return self->on_error(ec);
                self->read();
            });
        }
        if (plan_.what == behaviour::close && plan_.close_after == 0)
            return close(plan_.close_code, plan_.close_reason);
        if (plan_.what == behaviour::drop && plan_.close_after == 0)
            return drop();
        if (plan_.what == behaviour::push)
            return push(0);
        if (plan_.what == behaviour::echo && plan_.ping_count == 0 && !tls)
            return fast_start();
        read();
    }

    // ---- The echo loop over the raw socket (ws://, echo, no server pings) ----
    // Beast did the handshake; from here frame_echo does the protocol and this
    // does the I/O: read as much as there is, answer every complete frame in one
    // write, record once per read. Nothing else touches ws_ from now on.

    asio::ip::tcp::socket& raw() { return beast::get_lowest_layer(ws_).socket(); }

    void fast_start()
    {
        echo_.emplace(ctx_.opts.max_message_bytes, ctx_.opts.wire_messages_max);
        rbuf_.resize(std::max<std::size_t>(ctx_.opts.io_buffer_bytes, 1024));
        error_code ignored;
        // Writes are tried at once and only wait when the socket is full.
        raw().non_blocking(true, ignored);
        // Each gathered write is a whole batch of replies: send it now, not
        // after the client's ACK of the last one (Nagle would hold a big echo's tail).
        raw().set_option(asio::ip::tcp::no_delay(true), ignored);
        fast_read();
    }

    void fast_read()
    {
        if (rbeg_ > 0) {
            // The start of an incomplete frame goes to the front (small, except
            // while a big frame is arriving, and then only once per read).
            std::memmove(rbuf_.data(), rbuf_.data() + rbeg_, rend_ - rbeg_);
            rend_ -= rbeg_;
            rbeg_ = 0;
        }
        if (auto const need = echo_->frame_bytes_needed(); need > rbuf_.size())
            rbuf_.resize(need); // a frame bigger than the buffer: room for all of it, once
        raw().async_read_some(asio::buffer(rbuf_.data() + rend_, rbuf_.size() - rend_),
                              [self = shared_from_this()](error_code ec, std::size_t n) { self->on_fast_read(ec, n); });
    }

    void on_fast_read(error_code ec, std::size_t n)
    {
        using st = frame_echo::state;
        if (ec) {
            timer_.cancel();
            if (echo_->current() == st::closing) {
                // Our close frame (1009) went out; the client left without its own.
                record_fast();
                return fast_teardown(conn_end::error, std::move(close_error_));
            }
            return on_error(ec);
        }
        rend_ += n;
        rbeg_ += echo_->consume(rbuf_.data() + rbeg_, rend_ - rbeg_);
        record_fast();
        switch (echo_->current()) {
        case st::open:
            return fast_write();
        case st::closing:
            if (echo_->has_output())
                return fast_write();
            return fast_read();
        case st::client_closed:
            // Ended before the answer goes out, so a client that sees the close sees the record ended.
            finish(conn_end::client_closed);
            return fast_write();
        case st::failed:
            // Failing while closing for 1009: the record keeps the 1009 reason.
            finish(conn_end::error, close_error_.empty() ? echo_->error().message() : close_error_);
            return fast_write();
        case st::too_big: {
            auto const& big = echo_->too_big_message();
            close_error_ = "message of " + std::to_string(big.size) + " bytes exceeds max_message_bytes " +
                           std::to_string(ctx_.opts.max_message_bytes);
            std::uint16_t const code = static_cast<std::uint16_t>(websocket::close_code::too_big);
            ctx_.log.update(id_, [this, code](wire_record& r) {
                r.messages.push_back(echo_->too_big_message());
                r.sent_close_code = code;
            });
            echo_->send_close(code, close_error_);
            // The closing handshake is bounded like the opening one.
            timer_.expires_after(handshake_timeout());
            timer_.async_wait([self = shared_from_this()](error_code ec) {
                if (!ec)
                    self->raw().close(ec);
            });
            return fast_write();
        }
        case st::closed:
            timer_.cancel();
            return fast_teardown(conn_end::error, std::move(close_error_));
        }
    }

    // Everything the batch produced, in one write (usually one sendmsg). What a
    // full socket does not take now is written asynchronously.
    void fast_write()
    {
        if (!echo_->has_output())
            return after_fast_write();
        auto const& bufs = echo_->output();
        error_code ec;
        std::size_t const n = asio::write(raw(), std::span(bufs), ec);
        if (!ec)
            return after_fast_write();
        if (ec != asio::error::would_block && ec != asio::error::try_again)
            return on_fast_write_error(ec);
        // The rest, as a list of its own (only under back-pressure).
        rest_.clear();
        std::size_t skip = n;
        for (auto const& b : bufs) {
            if (skip >= b.size()) {
                skip -= b.size();
                continue;
            }
            rest_.push_back(b + skip);
            skip = 0;
        }
        asio::async_write(raw(), std::span(rest_), [self = shared_from_this()](error_code ec, std::size_t) {
            if (ec)
                return self->on_fast_write_error(ec);
            self->after_fast_write();
        });
    }

    void on_fast_write_error(error_code ec)
    {
        using st = frame_echo::state;
        auto const state = echo_->current();
        if (state == st::client_closed || state == st::failed)
            return fast_teardown(conn_end::open, {}); // already finished
        timer_.cancel();
        if (state == st::closing)
            return fast_teardown(conn_end::error, std::move(close_error_));
        on_error(ec);
    }

    void after_fast_write()
    {
        using st = frame_echo::state;
        echo_->clear_output();
        switch (echo_->current()) {
        case st::open:
        case st::closing:
            return fast_read();
        case st::client_closed:
        case st::failed:
            return fast_teardown(conn_end::open, {}); // already finished
        case st::too_big:
        case st::closed:
            return; // not reached: too_big becomes closing before the write; closed tears down
        }
    }

    // What the batch taught the wire record, in one update.
    void record_fast()
    {
        auto& e = *echo_;
        if (e.client_close_code() && !close_recorded_) {
            close_recorded_ = true;
            ctx_.log.update(id_, [&e](wire_record& r) {
                r.close_code = *e.client_close_code();
                r.close_reason = e.client_close_reason();
            });
        }
        if (!e.has_news())
            return;
        ctx_.log.update(id_, [&e](wire_record& r) {
            for (auto& m : e.recorded())
                r.messages.push_back(std::move(m));
            e.recorded().clear();
            r.messages_received += e.take_messages();
            r.bytes_received += e.take_bytes();
            r.pings_received += e.take_pings();
            r.pongs_received += e.take_pongs();
        });
    }

    // End the record (unless `how` is open: already ended), send our FIN, and
    // close once the client has closed its side or the handshake timeout passed
    // (a server closes the TCP connection first, RFC 6455 7.1.1).
    void fast_teardown(conn_end how, std::string error)
    {
        if (how != conn_end::open)
            finish(how, std::move(error));
        error_code ignored;
        raw().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
        timer_.expires_after(handshake_timeout());
        timer_.async_wait([self = shared_from_this()](error_code ec) {
            if (!ec)
                self->raw().close(ec);
        });
        fast_drain();
    }

    void fast_drain()
    {
        raw().async_read_some(asio::buffer(rbuf_), [self = shared_from_this()](error_code ec, std::size_t) {
            if (!ec)
                return self->fast_drain();
            self->timer_.cancel();
            error_code ignored;
            self->raw().close(ignored);
        });
    }

    void push(std::uint64_t sent)
    {
        if (sent >= plan_.push_count)
            return read();
        if (out_text_.size() != plan_.push_size) {
            out_text_.resize(plan_.push_size);
            for (std::size_t i = 0; i < out_text_.size(); ++i)
                out_text_[i] = plan_.push_binary ? static_cast<char>(i % 256) : static_cast<char>('a' + i % 26);
        }
        ws_.binary(plan_.push_binary);
        ws_.async_write(asio::buffer(out_text_), [self = shared_from_this(), sent](error_code ec, std::size_t) {
            if (ec)
                return self->on_error(ec);
            self->push(sent + 1);
        });
    }

    // Ping k of plan_.ping_count, payload "sockconf-ping-<k>"; the next one
    // ping_interval_ms after it was sent.
    void ping(std::uint64_t k)
    {
        if (closing_ || stopping_)
            return; // no pings once a close frame is on its way
        auto const payload = "sockconf-ping-" + std::to_string(k);
        websocket::ping_data data;
        data.assign(payload.data(), payload.size());
        ws_.async_ping(data, [self = shared_from_this(), k](error_code ec) {
            if (ec)
                return; // the connection is ending; pings_sent counts the pings that went out
            self->ctx_.log.update(self->id_, [](wire_record& r) { ++r.pings_sent; });
            if (k >= self->plan_.ping_count)
                return;
            if (self->plan_.ping_interval_ms == 0)
                return self->ping(k + 1);
            self->ping_timer_.expires_after(std::chrono::milliseconds(self->plan_.ping_interval_ms));
            self->ping_timer_.async_wait([self, k](error_code ec) {
                if (!ec)
                    self->ping(k + 1);
            });
        });
    }

    // Close the TCP connection without a close frame.
    void drop()
    {
        closing_ = true;
        finish(conn_end::server_dropped);
        error_code ignored;
        beast::get_lowest_layer(ws_).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        beast::get_lowest_layer(ws_).close();
    }

    // The next message, read in pieces so it can be measured against
    // max_message_bytes while holding at most about that many bytes.
    void read()
    {
        message_size_ = 0;
        too_big_ = false;
        too_big_head_.clear();
        read_more();
    }

    void read_more()
    {
        auto const max = ctx_.opts.max_message_bytes;
        std::size_t chunk = 0; // 0: Beast chooses
        if (too_big_)
            chunk = drain_chunk;
        else if (max != 0)
            // One byte past the limit is enough to know it is exceeded.
            chunk = static_cast<std::size_t>(std::min<std::uint64_t>(
                max - message_size_ + 1, std::numeric_limits<std::size_t>::max()));
        ws_.async_read_some(buffer_, chunk,
                            [self = shared_from_this()](error_code ec, std::size_t n) { self->on_read_some(ec, n); });
    }

    void on_read_some(error_code ec, std::size_t n)
    {
        if (ec)
            return on_error(ec);
        message_size_ += n;
        auto const max = ctx_.opts.max_message_bytes;
        if (!too_big_ && max != 0 && message_size_ > max)
            too_big_ = true;
        if (too_big_) {
            // Keep the head, discard the rest: the size is all that is still needed.
            if (too_big_head_.size() < head_limit) {
                std::string more(std::min(buffer_.size(), head_limit - too_big_head_.size()), '\0');
                asio::buffer_copy(asio::buffer(more), buffer_.data());
                too_big_head_ += more;
            }
            buffer_.consume(buffer_.size());
        }
        if (!ws_.is_message_done())
            return read_more();
        if (too_big_)
            return refuse_message();
        on_message(message_size_);
    }

    // Close 1009 naming the limit; the message is recorded (it crossed the wire).
    void refuse_message()
    {
        bool const binary = !ws_.got_text();
        auto const why = "message of " + std::to_string(message_size_) + " bytes exceeds max_message_bytes " +
                         std::to_string(ctx_.opts.max_message_bytes);
        ctx_.log.update(id_, [&](wire_record& r) {
            r.messages.push_back(wire_message{binary, message_size_, std::move(too_big_head_)});
            ++r.messages_received;
            r.bytes_received += message_size_;
        });
        close(static_cast<std::uint16_t>(websocket::close_code::too_big), why, why);
    }

    void on_message(std::size_t n)
    {
        bool const binary = !ws_.got_text();
        auto const data = buffer_.data();
        ++received_;
        ctx_.log.update(id_, [&](wire_record& r) {
            // Heads of the first wire_messages_max messages; later ones are counted only.
            if (r.messages.size() < ctx_.opts.wire_messages_max) {
                std::string head(std::min(n, head_limit), '\0');
                asio::buffer_copy(asio::buffer(head), data);
                r.messages.push_back(wire_message{binary, n, std::move(head)});
            }
            ++r.messages_received;
            r.bytes_received += n;
        });
        ws_.text(!binary); // text stays text, binary stays binary
        ws_.async_write(buffer_.data(), [self = shared_from_this()](error_code ec, std::size_t) {
            self->buffer_.consume(self->buffer_.size());
            if (ec)
                return self->on_error(ec);
            if (self->plan_.what == behaviour::close && self->received_ >= self->plan_.close_after)
                return self->close(self->plan_.close_code, self->plan_.close_reason);
            if (self->plan_.what == behaviour::drop && self->received_ >= self->plan_.close_after)
                return self->drop();
            self->read();
        });
    }

    // Start the closing handshake with `code` (0: a close frame without a code)
    // and `reason`; the record ends server_closed, or error with `error` when given.
    void close(std::uint16_t code, std::string const& reason, std::string error = {})
    {
        closing_ = true;
        ping_timer_.cancel();
        ctx_.log.update(id_, [&](wire_record& r) { r.sent_close_code = code; });
        websocket::close_reason why(code);
        why.reason = reason;
        if (code == 0)
            why = websocket::close_reason{}; // no code: an empty close frame
        ws_.async_close(why, [self = shared_from_this(), error = std::move(error)](error_code ec) {
            self->record_peer_close();
            if (!error.empty())
                return self->finish(conn_end::error, error);
            if (ec && !self->stopping_ && ec != websocket::error::closed)
                return self->finish(conn_end::error, "closing: " + ec.message());
            self->finish(conn_end::server_closed);
        });
    }

    void record_peer_close()
    {
        auto const& peer = ws_.reason();
        if (peer.code == websocket::close_code::none && peer.reason.empty())
            return; // no close frame from the client (or one without a code)
        ctx_.log.update(id_, [&](wire_record& r) {
            r.close_code = static_cast<int>(peer.code);
            r.close_reason = std::string(peer.reason.data(), peer.reason.size());
        });
    }

    void on_error(error_code ec)
    {
        if (ec == websocket::error::closed) {
            // The client's close frame; Beast has already answered it.
            record_peer_close();
            return finish(conn_end::client_closed);
        }
        if (stopping_ || ctx_.stopping.load())
            return finish(conn_end::server_closed);
        if (ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
            ec == asio::error::connection_aborted || ec == beast::error::timeout)
            return finish(conn_end::dropped, ec.message());
        fail(ec.message());
    }

    void fail(std::string what)
    {
        finish(conn_end::error, std::move(what));
        beast::get_lowest_layer(ws_).close();
    }

    server_context ctx_;
    websocket::stream<Next> ws_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    plan plan_;
    std::uint64_t id_ = 0;
    std::uint64_t received_ = 0;      ///< messages echoed
    std::uint64_t message_size_ = 0;  ///< of the message being read
    bool too_big_ = false;            ///< the message being read is over max_message_bytes
    std::string too_big_head_;        ///< its first head_limit bytes
    std::string out_text_;
    bool stopping_ = false;
    bool closing_ = false;            ///< a close frame was sent or the connection dropped: no more pings
    bool holds_slot_ = false;         ///< counts against max_connections
    asio::steady_timer timer_{ws_.get_executor()};
    asio::steady_timer ping_timer_{ws_.get_executor()};
    // The echo loop (fast_*): protocol state, read buffer and its unconsumed
    // part [rbeg_, rend_), what a full socket has not taken yet.
    std::optional<frame_echo> echo_;
    std::vector<char> rbuf_;
    std::size_t rbeg_ = 0;
    std::size_t rend_ = 0;
    std::vector<asio::const_buffer> rest_;
    std::string close_error_; ///< why the server is closing (1009)
    bool close_recorded_ = false; ///< the client's close code is in the record
    std::array<char, 512> sink_{};
};

} // namespace

void start_ws_session(server_context ctx, asio::ip::tcp::socket socket)
{
    auto s = std::make_shared<ws_session<beast::tcp_stream>>(ctx, std::move(socket));
    if (!ctx.registry.add(s))
        return; // stop() is under way; the socket closes with `s`
    s->run();
}

void start_wss_session(server_context ctx, asio::ip::tcp::socket socket, asio::ssl::context& tls)
{
    auto s = std::make_shared<ws_session<beast::ssl_stream<beast::tcp_stream>>>(ctx, std::move(socket), tls);
    if (!ctx.registry.add(s))
        return;
    s->run();
}

} // namespace sockconf::echo::detail
