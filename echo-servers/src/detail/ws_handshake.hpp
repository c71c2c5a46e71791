// ws_session's opening handshake, up to the 101 (a part of ws_session.hpp):
// the TLS handshake on wss://, reading the HTTP upgrade request within
// handshake_timeout_ms, the refusals (the target's 400, 404 or /reject status, 426
// for a request that is no upgrade, 503 over max_connections) recorded in the
// same update as the tag, the /delay and delay_ms wait, /hang, and the answer:
// the 101 of ws_accept.hpp with the chosen subprotocol, or Beast's refusal of a
// request it would not upgrade. Every failure here ends the record with the
// message echo-servers/README.md documents.
#pragma once

#include "ws_accept.hpp"
#include "ws_request.hpp"
#include "ws_session.hpp"

#include <boost/asio/buffer.hpp>

#include <optional>
#include <string>

namespace sockconf::echo::detail {

template <class Next>
void ws_session<Next>::run()
{
    arm_deadline();
    if constexpr (tls) {
        stream_.async_handshake(asio::ssl::stream_base::server, [self = shared_from_this()](error_code ec) {
            self->disarm_deadline();
            if (ec)
                return self->on_tls_error(ec);
            self->arm_deadline(); // the request gets a whole handshake_timeout_ms of its own
            self->read_request();
        });
    } else {
        read_request();
    }
}

// One wait on timer_ bounds each step of the opening handshake (the TLS
// handshake, then the request), where the tcp_stream's expiry would arm and
// cancel a timer on every read (each arming may set Asio's timerfd: a system
// call; servers.cpp's tick says when). When it passes, the socket closes and the
// step's operation fails; deadline_passed_ says why.
template <class Next>
void ws_session<Next>::arm_deadline()
{
    auto const number = ++deadline_;
    timer_.expires_after(handshake_timeout());
    timer_.async_wait([self = shared_from_this(), number](error_code ec) {
        // A deadline disarmed after it had passed still runs with success: the number tells.
        if (ec || number != self->deadline_ || self->stopping_)
            return;
        self->deadline_passed_ = true;
        error_code ignored;
        self->raw().close(ignored);
    });
}

template <class Next>
void ws_session<Next>::disarm_deadline()
{
    ++deadline_;
    timer_.cancel();
}

template <class Next>
void ws_session<Next>::on_tls_error(error_code ec)
{
    if (stopping_)
        return finish(conn_end::server_closed);
    if (deadline_passed_)
        return fail("tls handshake: handshake timeout (handshake_timeout_ms " + timeout_text() + ")");
    fail("tls handshake: " + ec.message());
}

template <class Next>
void ws_session<Next>::read_request()
{
    parser_.emplace();
    limit_request(*parser_);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](error_code ec, std::size_t) { self->on_request(ec); });
}

template <class Next>
void ws_session<Next>::on_request(error_code ec)
{
    disarm_deadline();
    if (ec) {
        if (stopping_)
            return finish(conn_end::server_closed);
        bool const nothing_sent = buffer_.size() == 0 && !parser_->got_some();
        if (deadline_passed_)
            return fail("handshake timeout: no complete HTTP upgrade request within handshake_timeout_ms " +
                        timeout_text() + (nothing_sent ? " (nothing received)" : " (request incomplete)"));
        if (nothing_sent && (ec == http::error::end_of_stream || ec == asio::error::eof))
            return finish(conn_end::dropped, "closed before sending a request");
        return fail("handshake request: " + ec.message());
    }
    auto const& req = parser_->get();
    plan_ = plan_for(req.target());

    // Decide before the record learns its tag: a rejected handshake must get its
    // tag and its rejection in one update, or it would count as open for a moment.
    std::optional<http::status> refusal;
    std::string why;
    if (auto const by_target = refusal_for(plan_)) {
        refusal = static_cast<http::status>(by_target->status);
        why = by_target->why;
    } else if (!is_upgrade(req, upgrade_fields(req))) {
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

    // Built outside the log's lock, moved in under it.
    auto headers = request_header_fields(req);
    auto protocols = offered_protocols(req);
    ctx_.log.update(id_, [&](wire_record& r) {
        r.tag = plan_.tag;
        r.behaviour = behaviour_name(plan_.what);
        r.target = std::string(req.target());
        r.request_headers = std::move(headers);
        r.offered_protocols = std::move(protocols);
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

template <class Next>
void ws_session<Next>::answer(std::optional<http::status> refusal, std::string const& why)
{
    if (refusal)
        return reject(*refusal, why);
    if (plan_.what == ws_behaviour::hang)
        return hang();
    accept();
}

// Never answer; wait for the client to give up, stop(), or the handshake timeout.
template <class Next>
void ws_session<Next>::hang()
{
    beast::get_lowest_layer(stream_).expires_after(handshake_timeout());
    stream_.async_read_some(asio::buffer(sink_), [self = shared_from_this()](error_code ec, std::size_t) {
        if (!ec)
            return self->hang(); // more bytes: still no answer
        if (self->stopping_ || self->ctx_.stopping.load())
            return self->finish(conn_end::server_closed);
        if (ec == beast::error::timeout)
            return self->fail("hang: handshake timeout, never answered (handshake_timeout_ms " +
                              self->timeout_text() + ")");
        self->finish(conn_end::dropped, "hang: " + ec.message());
        beast::get_lowest_layer(self->stream_).close();
    });
}

// Answer the handshake with a non-101 status and close (the record already
// says rejected).
template <class Next>
void ws_session<Next>::reject(http::status status, std::string const& why)
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
    beast::get_lowest_layer(stream_).expires_after(handshake_timeout());
    http::async_write(stream_, *res, [self = shared_from_this(), res](error_code, std::size_t) {
        error_code ignored;
        auto& sock = beast::get_lowest_layer(self->stream_).socket();
        sock.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
        beast::get_lowest_layer(self->stream_).close();
        self->finish(conn_end::rejected);
    });
}

template <class Next>
void ws_session<Next>::accept()
{
    // No Sec-WebSocket-Protocol in the answer: the server picks no subprotocol.
    // Sec-WebSocket-Protocol only when the target asks for one the client offered.
    auto const& req = parser_->get();
    std::string const chosen = chosen_protocol(plan_, offered_protocols(req));
    if (auto answer = upgrade_answer(req, upgrade_fields(req), chosen)) {
        // The common case, written directly (ws_accept.hpp says why). No
        // deadline: the connection's first few hundred bytes fit its empty
        // send buffer, so this write completes without waiting on the client.
        out_text_ = std::move(*answer);
        asio::async_write(stream_, asio::buffer(out_text_),
                          [self = shared_from_this()](error_code ec, std::size_t) { self->on_accept(ec, false); });
        return;
    }
    // Beast refuses the rest (400, or 426 for a wrong version), through a
    // websocket stream over the connection's, made for this only. It owns the
    // timeout (Beast asks that the tcp_stream's own expiry be off).
    auto& ws = refusing_.emplace(stream_);
    websocket::stream_base::timeout t{};
    t.handshake_timeout = handshake_timeout();
    t.idle_timeout = websocket::stream_base::none();
    t.keep_alive_pings = false;
    ws.set_option(t);
    ws.set_option(websocket::stream_base::decorator(
        [chosen](websocket::response_type& res) { decorate_answer(res, chosen); }));
    ws.async_accept(req, [self = shared_from_this()](error_code ec) { self->on_accept(ec, true); });
}

template <class Next>
void ws_session<Next>::on_accept(error_code ec, bool by_beast)
{
    if (ec) {
        if (stopping_)
            return finish(conn_end::server_closed);
        // Beast refused the upgrade and answered it (its handshake_failed
        // condition): 426 for a version other than 13, else 400 (a missing
        // version too: Beast's build_response). Any other error is the answer's
        // write failing: no status reached the client, so none is recorded.
        if (by_beast && ec == websocket::condition::handshake_failed) {
            int const status = ec == websocket::error::bad_sec_version ? 426 : 400;
            ctx_.log.update(id_, [&](wire_record& r) {
                if (r.end == conn_end::open && r.http_status == 0) {
                    r.http_status = status;
                    r.end = conn_end::rejected;
                }
            });
        }
        return finish(conn_end::error, "handshake: " + ec.message());
    }
    ctx_.log.update(id_, [](wire_record& r) { r.http_status = 101; });
    // Bytes a client sent ahead of the 101 are not frames of this connection
    // (RFC 6455 4.1: the client waits for the answer); drop them so they never
    // pose as the head of the first message.
    buffer_.consume(buffer_.size());
    start_frames();
}

} // namespace sockconf::echo::detail
