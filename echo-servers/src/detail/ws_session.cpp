// One WebSocket connection: read the HTTP upgrade request, pick the behaviour
// from its target, then accept / reject / echo / close as servers.hpp documents.
// ws:// and wss:// share it (templated on the next layer). Beast does the
// opening handshake; the frames after it are frame_echo's (frame_echo.hpp says why).
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
        // Bytes a client sent ahead of the 101 are not frames of this connection
        // (RFC 6455 4.1: the client waits for the answer); drop them so they never
        // pose as the head of the first message.
        buffer_.consume(buffer_.size());
        start_frames();
    }

    // ---- After the 101: the connection's frames ----
    // Beast did the opening handshake; from here frame_echo does the protocol
    // (what to answer, what to record) and this does the I/O, on ws:// over the
    // socket itself, on wss:// over the TLS stream: read as much as there is,
    // answer every complete frame in one write, record once per read. Beast's
    // websocket stream is not used again (frame_echo.hpp says why).

    asio::ip::tcp::socket& raw() { return beast::get_lowest_layer(ws_).socket(); }

    void start_frames()
    {
        echo_.emplace(ctx_.opts.max_message_bytes, ctx_.opts.wire_messages_max);
        rbuf_.resize(std::max<std::size_t>(ctx_.opts.io_buffer_bytes, 1024));
        error_code ignored;
        if constexpr (!tls)
            raw().non_blocking(true, ignored); // writes are tried at once and only wait when the socket is full
        // Each gathered write is a whole batch of replies: send it now, not
        // after the client's ACK of the last one (Nagle would hold a big echo's tail).
        raw().set_option(asio::ip::tcp::no_delay(true), ignored);
        if (plan_.what == behaviour::fragment && plan_.fragment_size > 0)
            echo_->fragment(std::max<std::size_t>(plan_.fragment_size, 8)); // 8: Beast's minimum, as documented
        bool const ends = plan_.what == behaviour::close || plan_.what == behaviour::drop;
        if (ends && plan_.close_after > 0)
            echo_->stop_after(plan_.close_after);
        // Alongside whatever the behaviour does (pump() puts them between writes).
        ping_ready_ = plan_.ping_count > 0;
        phase_ = phase::reading;
        if (plan_.what == behaviour::handshake) {
            auto const& req = parser_->get();
            json protocols = json::array();
            for (auto const& p : offered_protocols(req))
                protocols.push_back(wire_text(p));
            // Text that is not UTF-8 goes as its bytes ({"$arraybuffer": ...}), as in
            // the wire record: a JSON text must be UTF-8, and U+FFFD would be invented.
            json const hello{
                {"target", wire_text(std::string(req.target()))},
                {"method", wire_text(std::string(req.method_string()))},
                {"headers", wire_headers(header_object(req))},
                {"protocols", std::move(protocols)},
            };
            out_text_ = hello.dump();
            echo_->send_message(false, out_text_.data(), out_text_.size());
        } else if (plan_.what == behaviour::push && plan_.push_count > 0) {
            out_text_.resize(plan_.push_size);
            for (std::size_t i = 0; i < out_text_.size(); ++i)
                out_text_[i] = plan_.push_binary ? static_cast<char>(i % 256) : static_cast<char>('a' + i % 26);
            phase_ = phase::pushing;
        } else if (ends && plan_.close_after == 0) {
            if (plan_.what == behaviour::close)
                server_close(plan_.close_code, plan_.close_reason);
            else
                phase_ = phase::dropping;
        }
        pump();
    }

    // The one place that starts I/O after the handshake. One write at a time:
    // the protocol's output first, then a due ping. A read only while nothing
    // is written: a client that does not read slows its echo down rather than
    // growing the server's buffers.
    void pump()
    {
        for (;;) {
            if (stopping_ || writing_ || phase_ == phase::done)
                return;
            if (echo_->has_output()) {
                if (!write_output())
                    return; // under way asynchronously (or failed): its completion goes on
                continue;
            }
            if (ping_ready_ && may_ping())
                return write_ping();
            switch (phase_) {
            case phase::pushing:
                push_more();
                continue;
            case phase::reading:
                if (!reading_)
                    read();
                return;
            case phase::dropping:
                return drop();
            case phase::teardown:
                return teardown();
            case phase::done:
                return;
            }
        }
    }

    /// No pings once a close frame is on its way or the connection is ending.
    bool may_ping() const
    {
        return !echo_->close_sent() && (phase_ == phase::reading || phase_ == phase::pushing);
    }

    // The output in one write. Over ws:// tried at once (usually one sendmsg);
    // what a full socket does not take, and everything over TLS, is written
    // asynchronously. True when it completed here.
    bool write_output()
    {
        auto const& bufs = echo_->output();
        if constexpr (!tls) {
            error_code ec;
            std::size_t const n = asio::write(raw(), std::span(bufs), ec);
            if (!ec) {
                echo_->clear_output();
                return true;
            }
            if (ec != asio::error::would_block && ec != asio::error::try_again) {
                echo_->clear_output();
                on_io_error(ec);
                return false;
            }
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
            writing_ = true;
            asio::async_write(raw(), std::span(rest_), [self = shared_from_this()](error_code ec, std::size_t) {
                self->on_output_written(ec);
            });
        } else {
            writing_ = true;
            asio::async_write(ws_.next_layer(), std::span(bufs), [self = shared_from_this()](error_code ec, std::size_t) {
                self->on_output_written(ec);
            });
        }
        return false;
    }

    void on_output_written(error_code ec)
    {
        writing_ = false;
        echo_->clear_output();
        if (ec)
            return on_io_error(ec);
        pump();
    }

    // Ping next_ping_ of plan_.ping_count, payload "sockconf-ping-<k>"; the next
    // one ping_interval_ms after it was sent.
    void write_ping()
    {
        ping_ready_ = false;
        ping_frame_ = frame_echo::ping_frame("sockconf-ping-" + std::to_string(next_ping_));
        writing_ = true;
        auto done = [self = shared_from_this()](error_code ec, std::size_t) { self->on_ping_written(ec); };
        if constexpr (tls)
            asio::async_write(ws_.next_layer(), asio::buffer(ping_frame_), std::move(done));
        else
            asio::async_write(raw(), asio::buffer(ping_frame_), std::move(done));
    }

    void on_ping_written(error_code ec)
    {
        writing_ = false;
        if (ec)
            return on_io_error(ec);
        ctx_.log.update(id_, [](wire_record& r) { ++r.pings_sent; });
        if (next_ping_ < plan_.ping_count) {
            ++next_ping_;
            if (plan_.ping_interval_ms == 0) {
                ping_ready_ = true;
            } else {
                ping_timer_.expires_after(std::chrono::milliseconds(plan_.ping_interval_ms));
                ping_timer_.async_wait([self = shared_from_this()](error_code ec) {
                    if (ec)
                        return;
                    self->ping_ready_ = true;
                    self->pump();
                });
            }
        }
        pump();
    }

    // /push: the next messages, about io_buffer_bytes of them per write; then echo.
    void push_more()
    {
        auto const batch = std::max<std::size_t>(ctx_.opts.io_buffer_bytes, 1024);
        while (pushed_ < plan_.push_count && echo_->output_bytes() < batch) {
            echo_->send_message(plan_.push_binary, out_text_.data(), out_text_.size());
            ++pushed_;
        }
        if (pushed_ >= plan_.push_count)
            phase_ = phase::reading; // after this output
    }

    void read()
    {
        auto const need = echo_->frame_bytes_needed();
        if (rbeg_ == rend_) {
            rbeg_ = rend_ = 0; // nothing kept: free
        } else if (rbeg_ > 0 && (rbeg_ + need > rbuf_.size() || rbuf_.size() - rend_ < rbuf_.size() / 4)) {
            // The start of an incomplete frame goes to the front, only when the
            // frame would not fit where it is or too little room is left to read into.
            std::memmove(rbuf_.data(), rbuf_.data() + rbeg_, rend_ - rbeg_);
            rend_ -= rbeg_;
            rbeg_ = 0;
        }
        if (need > rbuf_.size())
            rbuf_.resize(need); // a frame bigger than the buffer: room for all of it, once
        reading_ = true;
        auto const room = asio::buffer(rbuf_.data() + rend_, rbuf_.size() - rend_);
        auto done = [self = shared_from_this()](error_code ec, std::size_t n) { self->on_read(ec, n); };
        if constexpr (tls)
            ws_.next_layer().async_read_some(room, std::move(done));
        else
            raw().async_read_some(room, std::move(done));
    }

    void on_read(error_code ec, std::size_t n)
    {
        reading_ = false;
        if (ec)
            return on_io_error(ec);
        rend_ += n;
        process();
        pump();
    }

    // Consume what was read and act on where it leaves the protocol.
    void process()
    {
        using st = frame_echo::state;
        for (;;) {
            rbeg_ += echo_->consume(rbuf_.data() + rbeg_, rend_ - rbeg_);
            record();
            switch (echo_->current()) {
            case st::open:
            case st::closing:
                return;
            case st::limit_reached:
                // /close or /drop after N messages; the Nth echo is in the output.
                if (plan_.what == behaviour::drop) {
                    phase_ = phase::dropping;
                    return;
                }
                server_close(plan_.close_code, plan_.close_reason);
                continue; // what the client sent behind that message meets our close
            case st::client_closed:
                // Ended before the answer goes out, so a client that sees the close sees the record ended.
                finish(conn_end::client_closed);
                phase_ = phase::teardown;
                return;
            case st::failed:
                // Failing while closing for 1009: the record keeps the 1009 reason.
                finish(conn_end::error, close_error_.empty() ? echo_->error().message() : close_error_);
                phase_ = phase::teardown;
                return;
            case st::too_big: {
                auto const& big = echo_->too_big_message();
                close_error_ = "message of " + std::to_string(big.size) + " bytes exceeds max_message_bytes " +
                               std::to_string(ctx_.opts.max_message_bytes);
                ctx_.log.update(id_, [&big](wire_record& r) { r.messages.push_back(big); });
                server_close(static_cast<std::uint16_t>(websocket::close_code::too_big), close_error_);
                continue;
            }
            case st::closed:
                // The client answered our close: the closing handshake is complete.
                timer_.cancel();
                if (close_error_.empty())
                    finish(conn_end::server_closed);
                else
                    finish(conn_end::error, close_error_);
                phase_ = phase::teardown;
                return;
            }
        }
    }

    // Our close frame (code 0: none) into the output; the client has
    // handshake_timeout_ms to answer it.
    void server_close(std::uint16_t code, std::string const& reason)
    {
        echo_->send_close(code, reason);
        record();
        ping_ready_ = false;
        ping_timer_.cancel();
        timer_.expires_after(handshake_timeout());
        timer_.async_wait([self = shared_from_this()](error_code ec) {
            if (ec || self->echo_->current() != frame_echo::state::closing)
                return;
            self->close_timed_out_ = true;
            error_code ignored;
            self->raw().close(ignored); // the pending read or write ends with an error: on_io_error
        });
    }

    // What the protocol taught the wire record, in one update (and the close
    // frames either way, once each).
    void record()
    {
        auto& e = *echo_;
        if (e.close_received() && !close_received_recorded_) {
            close_received_recorded_ = true;
            ctx_.log.update(id_, [&e](wire_record& r) {
                r.close_received = true;
                if (auto const code = e.client_close_code())
                    r.close_code = *code;
                r.close_reason = e.client_close_reason();
            });
        }
        if (e.close_sent() && !close_sent_recorded_) {
            close_sent_recorded_ = true;
            ctx_.log.update(id_, [&e](wire_record& r) {
                r.close_sent = true;
                if (auto const code = e.sent_close_code())
                    r.sent_close_code = *code;
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

    // A read or write failed: the connection is over. How it ended depends on
    // where the protocol was.
    void on_io_error(error_code ec)
    {
        phase_ = phase::done;
        timer_.cancel();
        ping_timer_.cancel();
        if (stopping_ || ctx_.stopping.load()) {
            finish(conn_end::server_closed);
            return close_socket();
        }
        note_tls_end(ec);
        using st = frame_echo::state;
        switch (echo_->current()) {
        case st::client_closed:
        case st::failed:
        case st::closed:
            break; // already ended
        case st::closing:
            // We sent a close frame; the client left (or timed out) without answering it.
            if (!close_error_.empty())
                finish(conn_end::error, close_error_);
            else if (close_timed_out_)
                finish(conn_end::error, "closing: no close frame from the client within handshake_timeout_ms " +
                                            timeout_text());
            else
                finish(conn_end::error, "closing: " + ec.message());
            break;
        default:
            if (ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
                ec == asio::error::connection_aborted || ec == asio::ssl::error::stream_truncated)
                finish(conn_end::dropped, ec.message());
            else
                finish(conn_end::error, ec.message());
        }
        close_socket();
    }

    // wss://: whether the client's TLS close_notify had arrived when its end of
    // the connection was seen (OpenSSL knows it whatever error the last
    // operation got). Not when the server closed the socket itself: then it
    // never learned, unless the close_notify was already in.
    void note_tls_end(error_code ec)
    {
        if constexpr (tls) {
            bool const got = (SSL_get_shutdown(ws_.next_layer().native_handle()) & SSL_RECEIVED_SHUTDOWN) != 0;
            bool const we_closed = ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor ||
                                   stopping_ || close_timed_out_ || teardown_timed_out_;
            if (!got && we_closed)
                return;
            ctx_.log.update(id_, [got](wire_record& r) {
                if (!r.tls_close_notify)
                    r.tls_close_notify = got;
            });
        } else {
            (void)ec;
        }
    }

    // After the closing handshake (or a failure's close frame): end the
    // connection, the server first (RFC 6455 7.1.1), within handshake_timeout_ms.
    // The record has ended already; over TLS it learns whether the client sent
    // its close_notify (browsers end TCP without one).
    void teardown()
    {
        phase_ = phase::done;
        ping_timer_.cancel();
        timer_.expires_after(handshake_timeout());
        timer_.async_wait([self = shared_from_this()](error_code ec) {
            if (ec)
                return;
            self->teardown_timed_out_ = true;
            self->close_socket();
        });
        if constexpr (tls) {
            // Our close_notify, then the client's (or its end of TCP).
            ws_.next_layer().async_shutdown([self = shared_from_this()](error_code ec) {
                self->timer_.cancel();
                if (!self->stopping_)
                    self->note_tls_end(ec);
                self->close_socket();
            });
        } else {
            // Our FIN, then read until the client's (closing with unread bytes would send a RST).
            error_code ignored;
            raw().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
            drain();
        }
    }

    void drain()
    {
        raw().async_read_some(asio::buffer(rbuf_), [self = shared_from_this()](error_code ec, std::size_t) {
            if (!ec)
                return self->drain();
            self->timer_.cancel();
            self->close_socket();
        });
    }

    // Close the TCP connection without a close frame (/drop; over TLS without a close_notify either).
    void drop()
    {
        phase_ = phase::done;
        timer_.cancel();
        ping_timer_.cancel();
        finish(conn_end::server_dropped);
        error_code ignored;
        raw().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        close_socket();
    }

    void close_socket()
    {
        error_code ignored;
        raw().close(ignored);
    }

    void fail(std::string what)
    {
        finish(conn_end::error, std::move(what));
        beast::get_lowest_layer(ws_).close();
    }

    /// Where the connection is after the handshake (what pump() does next).
    enum class phase {
        pushing,  ///< /push: the server's messages go out first
        reading,  ///< echoing (and, after a close frame of ours, waiting for the client's)
        dropping, ///< /drop: close the TCP connection once the output is out
        teardown, ///< the closing handshake is over: end the connection once the output is out
        done      ///< nothing more (ended, or ending on its own)
    };

    server_context ctx_;
    websocket::stream<Next> ws_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    plan plan_;
    std::uint64_t id_ = 0;
    std::string out_text_;            ///< /push payload, /handshake report
    bool stopping_ = false;
    bool holds_slot_ = false;         ///< counts against max_connections
    asio::steady_timer timer_{ws_.get_executor()};
    asio::steady_timer ping_timer_{ws_.get_executor()};
    std::array<char, 512> sink_{};    ///< /hang reads into it
    // After the handshake: the protocol, the read buffer and its unconsumed
    // part [rbeg_, rend_), what a full socket has not taken yet, and what the
    // connection is doing.
    std::optional<frame_echo> echo_;
    std::vector<char> rbuf_;
    std::size_t rbeg_ = 0;
    std::size_t rend_ = 0;
    std::vector<asio::const_buffer> rest_;
    phase phase_ = phase::reading;
    bool reading_ = false;
    bool writing_ = false;            ///< one write at a time (output or a ping)
    std::uint64_t pushed_ = 0;        ///< /push messages put in the output
    std::uint64_t next_ping_ = 1;     ///< the ping to send next
    bool ping_ready_ = false;         ///< it is due
    std::string ping_frame_;
    std::string close_error_;         ///< why the server is closing (1009)
    bool close_timed_out_ = false;    ///< no close frame answered ours within handshake_timeout_ms
    bool teardown_timed_out_ = false; ///< the client did not end the connection within handshake_timeout_ms
    bool close_received_recorded_ = false;
    bool close_sent_recorded_ = false;
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
