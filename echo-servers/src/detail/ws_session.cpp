// One WebSocket connection: read the HTTP upgrade request, pick the behaviour
// from its target, then accept / reject / echo / close as servers.hpp documents.
// ws:// and wss:// share it (templated on the next layer). The only translation
// unit of echo-servers that includes Beast.
#include "context.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <optional>

namespace sockconf::echo::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using boost::system::error_code;

namespace {

constexpr auto handshake_timeout = std::chrono::seconds(30);
constexpr std::size_t max_message = 64u * 1024 * 1024;
constexpr std::size_t head_limit = 4 * 1024;

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
                p.delay_ms = std::min<std::uint64_t>(*n, 600000);
        } else if (param.key == "count") {
            if (auto n = parse_int<std::uint64_t>(param.value))
                p.push_count = std::min<std::uint64_t>(*n, 100000);
        } else if (param.key == "size") {
            if (auto n = parse_int<std::size_t>(param.value)) {
                p.push_size = std::min<std::size_t>(*n, max_message);
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
        ctx_.log.finish(id_, conn_end::server_closed);
        ctx_.registry.remove(this);
    }

    void run()
    {
        if constexpr (tls) {
            beast::get_lowest_layer(ws_).expires_after(handshake_timeout);
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
            return ctx_.log.finish(id_, conn_end::server_closed);
        fail("tls handshake: " + ec.message());
    }

public:
    void read_request()
    {
        parser_.emplace();
        parser_->header_limit(64 * 1024);
        parser_->body_limit(64 * 1024);
        beast::get_lowest_layer(ws_).expires_after(handshake_timeout);
        http::async_read(ws_.next_layer(), buffer_, *parser_,
                         [self = shared_from_this()](error_code ec, std::size_t) { self->on_request(ec); });
    }

    void shutdown() override
    {
        asio::dispatch(ws_.get_executor(), [self = shared_from_this()] {
            self->stopping_ = true;
            self->timer_.cancel();
            // Close the socket outright: stop() must be prompt, not wait on closing handshakes.
            beast::get_lowest_layer(self->ws_).close();
        });
    }

private:
    void on_request(error_code ec)
    {
        if (ec) {
            if (stopping_)
                return ctx_.log.finish(id_, conn_end::server_closed);
            bool const nothing_sent = buffer_.size() == 0 && !parser_->got_some();
            if (nothing_sent && (ec == http::error::end_of_stream || ec == asio::error::eof))
                return ctx_.log.finish(id_, conn_end::dropped, "closed before sending a request");
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
                return self->ctx_.log.finish(self->id_, conn_end::server_closed);
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
        beast::get_lowest_layer(ws_).expires_after(handshake_timeout);
        ws_.next_layer().async_read_some(asio::buffer(sink_), [self = shared_from_this()](error_code ec, std::size_t) {
            if (!ec)
                return self->hang(); // more bytes: still no answer
            if (self->stopping_ || self->ctx_.stopping.load())
                return self->ctx_.log.finish(self->id_, conn_end::server_closed);
            if (ec == beast::error::timeout)
                return self->fail("hang: handshake timeout, never answered");
            self->ctx_.log.finish(self->id_, conn_end::dropped, "hang: " + ec.message());
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
        beast::get_lowest_layer(ws_).expires_after(handshake_timeout);
        http::async_write(ws_.next_layer(), *res, [self = shared_from_this(), res](error_code, std::size_t) {
            error_code ignored;
            auto& sock = beast::get_lowest_layer(self->ws_).socket();
            sock.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
            beast::get_lowest_layer(self->ws_).close();
            self->ctx_.log.finish(self->id_, conn_end::rejected);
        });
    }

    void accept()
    {
        // From here the websocket stream owns the timeouts (Beast asks that the
        // tcp_stream's own expiry be off).
        beast::get_lowest_layer(ws_).expires_never();
        websocket::stream_base::timeout t{};
        t.handshake_timeout = handshake_timeout;
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
        ws_.read_message_max(max_message);
        ws_.async_accept(parser_->get(), [self = shared_from_this()](error_code ec) { self->on_accept(ec); });
    }

    void on_accept(error_code ec)
    {
        if (ec) {
            if (stopping_)
                return ctx_.log.finish(id_, conn_end::server_closed);
            // Beast answered the bad upgrade itself: 426 for a wrong version, else 400.
            int const status = ec == websocket::error::bad_sec_version || ec == websocket::error::no_sec_version ? 426 : 400;
            ctx_.log.update(id_, [&](wire_record& r) {
                if (r.end == conn_end::open && r.http_status == 0) {
                    r.http_status = status;
                    r.end = conn_end::rejected;
                }
            });
            return ctx_.log.finish(id_, conn_end::error, "handshake: " + ec.message());
        }
        ctx_.log.update(id_, [](wire_record& r) { r.http_status = 101; });
        // Bytes a client sent ahead of the 101 are not frames this stream can see;
        // drop them so they never pose as the head of the first message.
        buffer_.consume(buffer_.size());

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
            return close();
        if (plan_.what == behaviour::drop && plan_.close_after == 0)
            return drop();
        if (plan_.what == behaviour::push)
            return push(0);
        read();
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

    // Close the TCP connection without a close frame.
    void drop()
    {
        ctx_.log.finish(id_, conn_end::server_dropped);
        error_code ignored;
        beast::get_lowest_layer(ws_).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        beast::get_lowest_layer(ws_).close();
    }

    void read()
    {
        ws_.async_read(buffer_, [self = shared_from_this()](error_code ec, std::size_t n) { self->on_read(ec, n); });
    }

    void on_read(error_code ec, std::size_t n)
    {
        if (ec)
            return on_error(ec);
        bool const binary = !ws_.got_text();
        auto const data = buffer_.data();
        std::string head(std::min(n, head_limit), '\0');
        asio::buffer_copy(asio::buffer(head), data);
        ++received_;
        ctx_.log.update(id_, [&](wire_record& r) {
            r.messages.push_back(wire_message{binary, n, std::move(head)});
            r.bytes_received += n;
        });
        ws_.text(!binary); // text stays text, binary stays binary
        ws_.async_write(buffer_.data(), [self = shared_from_this()](error_code ec, std::size_t) {
            self->buffer_.consume(self->buffer_.size());
            if (ec)
                return self->on_error(ec);
            if (self->plan_.what == behaviour::close && self->received_ >= self->plan_.close_after)
                return self->close();
            if (self->plan_.what == behaviour::drop && self->received_ >= self->plan_.close_after)
                return self->drop();
            self->read();
        });
    }

    void close()
    {
        ctx_.log.update(id_, [&](wire_record& r) { r.sent_close_code = plan_.close_code; });
        websocket::close_reason why(plan_.close_code);
        why.reason = plan_.close_reason;
        if (plan_.close_code == 0)
            why = websocket::close_reason{}; // no code: an empty close frame
        ws_.async_close(why, [self = shared_from_this()](error_code ec) {
            self->record_peer_close();
            if (ec && !self->stopping_ && ec != websocket::error::closed)
                return self->ctx_.log.finish(self->id_, conn_end::error, "closing: " + ec.message());
            self->ctx_.log.finish(self->id_, conn_end::server_closed);
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
            return ctx_.log.finish(id_, conn_end::client_closed);
        }
        if (stopping_ || ctx_.stopping.load())
            return ctx_.log.finish(id_, conn_end::server_closed);
        if (ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
            ec == asio::error::connection_aborted || ec == beast::error::timeout)
            return ctx_.log.finish(id_, conn_end::dropped, ec.message());
        fail(ec.message());
    }

    void fail(std::string what)
    {
        ctx_.log.finish(id_, conn_end::error, std::move(what));
        beast::get_lowest_layer(ws_).close();
    }

    server_context ctx_;
    websocket::stream<Next> ws_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    plan plan_;
    std::uint64_t id_ = 0;
    std::uint64_t received_ = 0;
    std::string out_text_;
    bool stopping_ = false;
    asio::steady_timer timer_{ws_.get_executor()};
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
