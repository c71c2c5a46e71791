// ws_session's frame loop after the 101 (a part of ws_session.hpp): the I/O
// around frame_echo. From the 101 on, frame_echo does the protocol (what to
// answer, what to record) and this the I/O, on ws:// over the socket itself, on
// wss:// over the TLS stream: read as much as there is, answer every complete
// frame in one write, record once per read. No Beast websocket stream is used
// (frame_echo.hpp says why). One writer
// (pump()), a read only while nothing is written, the wire record updated once
// per read, and the end of the connection as echo-servers/README.md ("The end
// of a connection") documents: the record first, then the server's FIN or TLS
// close_notify within handshake_timeout_ms.
#pragma once

#include "ws_session.hpp"

#include <boost/asio/write.hpp>

#include <cstring>
#include <span>

namespace sockconf::echo::detail {

// The one place that starts I/O after the handshake. One write at a time:
// the protocol's output first, then a due ping. A read only while nothing
// is written: a client that does not read slows its echo down rather than
// growing the server's buffers.
template <class Next>
void ws_session<Next>::pump()
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

// The output in one write. Over ws:// tried at once (usually one sendmsg);
// what a full socket does not take, and everything over TLS, is written
// asynchronously. True when it completed here.
template <class Next>
bool ws_session<Next>::write_output()
{
    auto const& bufs = echo_->output();
    if constexpr (!tls) {
        error_code ec;
        std::size_t n = 0;
        if (phase_ == phase::teardown) {
            // The last output (the close frame) and our FIN follow each other at once:
            // MSG_MORE holds the bytes until teardown's shutdown, so both leave in one
            // segment. One try; what it leaves is written below without the flag.
            n = raw().send(std::span(bufs), MSG_MORE, ec);
            if (!ec && n < echo_->output_bytes())
                ec = asio::error::would_block;
        } else {
            n = asio::write(raw(), std::span(bufs), transfer_whole{}, ec);
        }
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
        asio::async_write(raw(), std::span(rest_), transfer_whole{}, [self = shared_from_this()](error_code ec, std::size_t) {
            self->on_output_written(ec);
        });
    } else {
        // One contiguous buffer: tls_stream makes at least one record of every buffer it is
        // given, so the output's many segments (a header and a payload per echo) would each
        // cost a record. Copied, a batch of echoes is full 16 KiB records, sent in one write.
        tls_out_.resize(echo_->output_bytes());
        std::size_t at = 0;
        for (auto const& b : bufs) {
            std::memcpy(tls_out_.data() + at, b.data(), b.size());
            at += b.size();
        }
        writing_ = true;
        asio::async_write(stream_, asio::buffer(tls_out_.data(), at), transfer_whole{},
                          [self = shared_from_this()](error_code ec, std::size_t) { self->on_output_written(ec); });
    }
    return false;
}

template <class Next>
void ws_session<Next>::on_output_written(error_code ec)
{
    writing_ = false;
    echo_->clear_output();
    if (ec)
        return on_io_error(ec);
    pump();
}

template <class Next>
void ws_session<Next>::read()
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
    if (last_read_filled_ && rbuf_.size() < full_read_buffer()) // (nothing written refers to it now)
        rbuf_.resize(std::min(rbuf_.size() * 4, full_read_buffer()));
    if (need > rbuf_.size())
        rbuf_.resize(need); // a frame bigger than the buffer: room for all of it, once
    reading_ = true;
    auto const room = asio::buffer(rbuf_.data() + rend_, rbuf_.size() - rend_);
    room_ = room.size();
    auto done = [self = shared_from_this()](error_code ec, std::size_t n) { self->on_read(ec, n); };
    if constexpr (tls)
        stream_.async_read_some(room, std::move(done));
    else
        raw().async_read_some(room, std::move(done));
}

template <class Next>
void ws_session<Next>::on_read(error_code ec, std::size_t n)
{
    reading_ = false;
    if (ec)
        return on_io_error(ec);
    last_read_filled_ = n == room_;
    rend_ += n;
    process();
    pump();
}

// Consume what was read and act on where it leaves the protocol.
template <class Next>
void ws_session<Next>::process()
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
            if (plan_.what == ws_behaviour::drop) {
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

// What the protocol taught the wire record, in one update (and the close
// frames either way, once each).
template <class Next>
void ws_session<Next>::record()
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
template <class Next>
void ws_session<Next>::on_io_error(error_code ec)
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
template <class Next>
void ws_session<Next>::note_tls_end(error_code ec)
{
    if constexpr (tls) {
        bool const got = (SSL_get_shutdown(stream_.native_handle()) & SSL_RECEIVED_SHUTDOWN) != 0;
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
template <class Next>
void ws_session<Next>::teardown()
{
    phase_ = phase::done;
    ping_timer_.cancel();
    if constexpr (!tls) {
        // Our FIN, then read until the client's (closing with unread bytes would send a RST).
        error_code ignored;
        raw().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
        // Usually the client's FIN is in already: then the connection ends here, without
        // a timer or a wait (at one handshake at a time, a timer set is a system call).
        if (drained_now()) {
            timer_.cancel(); // a close frame's wait, if one is pending, ends with the connection
            return close_socket();
        }
    }
    timer_.expires_after(handshake_timeout());
    timer_.async_wait([self = shared_from_this()](error_code ec) {
        if (ec)
            return;
        self->teardown_timed_out_ = true;
        self->close_socket();
    });
    if constexpr (tls) {
        // Our close_notify, then the client's (or its end of TCP).
        stream_.async_shutdown([self = shared_from_this()](error_code ec) {
            self->timer_.cancel();
            if (!self->stopping_)
                self->note_tls_end(ec);
            self->close_socket();
        });
    } else {
        drain();
    }
}

// ws://: reads what the (non-blocking) socket holds now; true once the client's
// end (or an error) is seen, false when it would wait. A client still sending
// gets a few reads here and the rest from drain().
template <class Next>
bool ws_session<Next>::drained_now()
{
    for (int i = 0; i < 16; ++i) {
        error_code ec;
        raw().read_some(asio::buffer(rbuf_), ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again)
            return false;
        if (ec)
            return true; // eof, or the connection failed: nothing more to wait for
    }
    return false;
}

template <class Next>
void ws_session<Next>::drain()
{
    raw().async_read_some(asio::buffer(rbuf_), [self = shared_from_this()](error_code ec, std::size_t) {
        if (!ec)
            return self->drain();
        self->timer_.cancel();
        self->close_socket();
    });
}

} // namespace sockconf::echo::detail
