// ws_session's behaviours after the 101 (a part of ws_session.hpp): what the
// plan makes the server send of its own accord, all of it through the frame
// loop's one writer (frame_loop.hpp) as frames of frame_echo's. start_frames()
// sets the connection up for its plan: /fragment, /close and /drop after N
// messages, the /handshake report, the /push messages (about io_buffer_bytes
// per write), /close and /drop right away; then the ping=N pings, I ms apart,
// none once a close frame is out; the server's close frame (also 1009) with its
// handshake_timeout_ms for the client's answer; the TCP drop.
#pragma once

#include "ws_request.hpp"
#include "ws_session.hpp"

#include <algorithm>
#include <string>

namespace sockconf::echo::detail {

// The connection's frames from the 101 on, set up for the plan.
template <class Next>
void ws_session<Next>::start_frames()
{
    echo_.emplace(ctx_.opts.max_message_bytes, ctx_.opts.wire_messages_max);
    // Small at first: most connections of a run, and every one of a handshake
    // benchmark, close after a few frames. read() grows it to io_buffer_bytes
    // while reads fill it (a buffer of that size per connection cost a large
    // allocation per handshake, and glibc's consolidation of its small free chunks).
    rbuf_.resize(std::min<std::size_t>(first_read_bytes, full_read_buffer()));
    // ws:// is non-blocking since the session began (ws_session's constructor), and every
    // socket has TCP_NODELAY from its listener: each gathered write is a whole batch of
    // replies, sent now, not after the client's ACK of the last one.
    if (plan_.what == ws_behaviour::fragment && plan_.fragment_size > 0)
        echo_->fragment(std::max<std::size_t>(plan_.fragment_size, 8)); // 8: Beast's minimum, as documented
    bool const ends = plan_.what == ws_behaviour::close || plan_.what == ws_behaviour::drop;
    if (ends && plan_.close_after > 0)
        echo_->stop_after(plan_.close_after);
    // Alongside whatever the behaviour does (pump() puts them between writes).
    ping_ready_ = plan_.ping_count > 0;
    phase_ = phase::reading;
    if (plan_.what == ws_behaviour::handshake) {
        auto const& req = parser_->get();
        json protocols = json::array();
        for (auto const& p : offered_protocols(req))
            protocols.push_back(wire_text(p));
        // Text that is not UTF-8 goes as its bytes ({"$arraybuffer": ...}), as in
        // the wire record: a JSON text must be UTF-8, and U+FFFD would be invented.
        json const hello{
            {"target", wire_text(std::string(req.target()))},
            {"method", wire_text(std::string(req.method_string()))},
            {"headers", wire_headers(request_header_fields(req))},
            {"protocols", std::move(protocols)},
        };
        out_text_ = hello.dump();
        echo_->send_message(false, out_text_.data(), out_text_.size());
    } else if (plan_.what == ws_behaviour::push && plan_.push_count > 0) {
        out_text_.resize(plan_.push_size);
        for (std::size_t i = 0; i < out_text_.size(); ++i)
            out_text_[i] = plan_.push_binary ? static_cast<char>(i % 256) : static_cast<char>('a' + i % 26);
        phase_ = phase::pushing;
    } else if (ends && plan_.close_after == 0) {
        if (plan_.what == ws_behaviour::close)
            server_close(plan_.close_code, plan_.close_reason);
        else
            phase_ = phase::dropping;
    }
    pump();
}

/// No pings once a close frame is on its way or the connection is ending.
template <class Next>
bool ws_session<Next>::may_ping() const
{
    return !echo_->close_sent() && (phase_ == phase::reading || phase_ == phase::pushing);
}

// Ping next_ping_ of plan_.ping_count, payload "sockconf-ping-<k>"; the next
// one ping_interval_ms after it was sent.
template <class Next>
void ws_session<Next>::write_ping()
{
    ping_ready_ = false;
    ping_frame_ = frame_echo::ping_frame("sockconf-ping-" + std::to_string(next_ping_));
    writing_ = true;
    auto done = [self = shared_from_this()](error_code ec, std::size_t) { self->on_ping_written(ec); };
    if constexpr (tls)
        asio::async_write(stream_, asio::buffer(ping_frame_), std::move(done));
    else
        asio::async_write(raw(), asio::buffer(ping_frame_), std::move(done));
}

template <class Next>
void ws_session<Next>::on_ping_written(error_code ec)
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
template <class Next>
void ws_session<Next>::push_more()
{
    auto const batch = std::max<std::size_t>(ctx_.opts.io_buffer_bytes, 1024);
    while (pushed_ < plan_.push_count && echo_->output_bytes() < batch) {
        echo_->send_message(plan_.push_binary, out_text_.data(), out_text_.size());
        ++pushed_;
    }
    if (pushed_ >= plan_.push_count)
        phase_ = phase::reading; // after this output
}

// Our close frame (code 0: none) into the output; the client has
// handshake_timeout_ms to answer it.
template <class Next>
void ws_session<Next>::server_close(std::uint16_t code, std::string const& reason)
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

// Close the TCP connection without a close frame (/drop; over TLS without a close_notify either).
template <class Next>
void ws_session<Next>::drop()
{
    phase_ = phase::done;
    timer_.cancel();
    ping_timer_.cancel();
    finish(conn_end::server_dropped);
    error_code ignored;
    raw().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    close_socket();
}

} // namespace sockconf::echo::detail
