// One TCP connection, as its listener's tcp_behaviour says: FIN or RST after N bytes,
// N pattern bytes first, only read (sink), or echo (the plain echo only when the system
// refused tcp_echo_loop its thread or epoll set). Records bytes both ways and the head of
// what the client sent.
#include "context.hpp"

#include <sockconf/net/io_buffer.hpp>
#include <sockconf/net/transfer_whole.hpp>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <vector>
#include <limits>

namespace sockconf::echo::detail {

namespace asio = boost::asio;
using boost::system::error_code;
using net::io_buffer;
using net::transfer_whole;

namespace {

std::string behaviour_name(tcp_behaviour_kind k)
{
    switch (k) {
    case tcp_behaviour_kind::echo: return "tcp-echo";
    case tcp_behaviour_kind::close_after: return "tcp-close-after";
    case tcp_behaviour_kind::reset: return "tcp-reset";
    case tcp_behaviour_kind::send_on_connect: return "tcp-send-on-connect";
    case tcp_behaviour_kind::sink: return "tcp-sink";
    case tcp_behaviour_kind::black_hole: return "tcp-black-hole"; // never accepts, so never recorded
    case tcp_behaviour_kind::refuse: return "tcp-refuse";         // never listens, so never recorded
    }
    return "tcp-echo";
}

class tcp_session final : public session_base, public std::enable_shared_from_this<tcp_session> {
public:
    tcp_session(server_context ctx, asio::ip::tcp::socket socket, tcp_behaviour behaviour)
        : ctx_(ctx), socket_(std::move(socket)), behaviour_(behaviour),
          buf_(std::max<std::size_t>(ctx.opts.io_buffer_bytes, 1024))
    {
        // Echoes are written at once and only wait when the socket is full. (An echo
        // goes out when it is written, not after the client's ACK of the previous one:
        // the socket has TCP_NODELAY from its listener.)
        error_code ignored;
        socket_.non_blocking(true, ignored);
    }

    /// Open the wire record, once, before run(); session_registry::add calls it.
    std::uint64_t open_record(accepted_from const& from, std::string tag)
    {
        return id_ = ctx_.log.add(tcp_wire_record(from, std::move(tag), behaviour_.kind));
    }

    ~tcp_session() override
    {
        // Normally already finished; this covers handlers dropped by io_context::stop().
        ctx_.log.finish(id_, conn_end::server_closed);
        ctx_.registry.remove(this);
    }

    void run()
    {
        if (ends_after_bytes() && behaviour_.bytes == 0)
            return end_by_server();
        if (behaviour_.kind == tcp_behaviour_kind::send_on_connect && behaviour_.bytes > 0)
            return send_pattern(behaviour_.bytes);
        read();
    }

    void shutdown() override
    {
        asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
            self->stopping_ = true;
            error_code ignored;
            self->socket_.close(ignored);
        });
    }

private:
    bool ends_after_bytes() const
    {
        return behaviour_.kind == tcp_behaviour_kind::close_after || behaviour_.kind == tcp_behaviour_kind::reset;
    }

    // 'a'..'z' repeated, in chunks of the buffer's size: the client can check
    // every byte without being told the pattern's origin.
    void send_pattern(std::uint64_t left)
    {
        if (left == 0)
            return read();
        auto const n = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf_.size()));
        for (std::size_t i = 0; i < n; ++i)
            buf_[i] = static_cast<char>('a' + (pattern_sent_ + i) % 26);
        asio::async_write(socket_, asio::buffer(buf_.data(), n), transfer_whole{},
                          [self = shared_from_this(), left](error_code ec, std::size_t written) {
                              self->count_sent(written);
                              self->pattern_sent_ += written;
                              if (ec)
                                  return self->end_with(ec);
                              self->send_pattern(left - written);
                          });
    }

    void read()
    {
        std::size_t room = buf_.size();
        // Never read past the FIN/RST point: bytes beyond it must not be echoed. After
        // the N bytes of a reset, read on: the next bytes trigger the RST (on_read).
        if (ends_after_bytes() && received_ < behaviour_.bytes)
            room = static_cast<std::size_t>(std::min<std::uint64_t>(room, behaviour_.bytes - received_));
        socket_.async_read_some(asio::buffer(buf_.data(), room),
                                [self = shared_from_this()](error_code ec, std::size_t n) { self->on_read(ec, n); });
    }

    // `echoed`: bytes of it already written back, counted in the same update (the fast
    // path: read and write in one handler, so no reader of the log can tell the two
    // updates from one, and the record never says a byte went out before it did).
    void count_received(std::size_t n, std::size_t echoed = 0)
    {
        received_ += n;
        count_tcp_read(ctx_.log, id_, buf_.data(), n, echoed);
    }

    void count_sent(std::size_t n)
    {
        if (n > 0)
            ctx_.log.update(id_, [n](wire_record& r) { r.bytes_sent += n; });
    }

    void on_read(error_code ec, std::size_t n)
    {
        bool const past_reset_point = behaviour_.kind == tcp_behaviour_kind::reset && received_ >= behaviour_.bytes;
        if (ec || past_reset_point) {
            if (n > 0)
                count_received(n);
            // reset: the bytes after the N echoed ones are not echoed; they trigger the RST.
            // The RST never follows an echo back to back: a client that reads the echo and
            // the RST in one poll may take the reset for an EOF (libuv does), so the timing
            // of the client would decide what a case sees.
            return ec ? end_with(ec) : end_by_server();
        }
        if (behaviour_.kind == tcp_behaviour_kind::sink) {
            count_received(n);
            return read();
        }
        // Most echoes fit the socket at once: write now, no trip through the scheduler.
        error_code wec;
        std::size_t const now = asio::write(socket_, asio::buffer(buf_.data(), n), transfer_whole{}, wec);
        count_received(n, now);
        if (!wec)
            return on_written();
        if (wec != asio::error::would_block && wec != asio::error::try_again)
            return end_with(wec);
        asio::async_write(socket_, asio::buffer(buf_.data() + now, n - now), transfer_whole{},
                          [self = shared_from_this()](error_code ec, std::size_t written) {
                              self->count_sent(written);
                              if (ec)
                                  return self->end_with(ec);
                              self->on_written();
                          });
    }

    void on_written()
    {
        if (behaviour_.kind == tcp_behaviour_kind::close_after && received_ >= behaviour_.bytes)
            return end_by_server();
        // The next read goes behind the handlers already queued (the other connections'
        // echoes) rather than at once: a read straight after an echo finds only part of
        // what the client has in flight (strace: 0.29 reads per 64 KiB message against
        // 0.26 when posted), and waiting for readability instead costs an epoll_ctl per wait.
        asio::post(socket_.get_executor(), [self = shared_from_this()] { self->read(); });
    }

    // close_after: FIN; reset: RST.
    void end_by_server()
    {
        error_code ignored;
        if (behaviour_.kind == tcp_behaviour_kind::reset) {
            // SO_LINGER {on, 0}: close() aborts the connection with a RST instead of a FIN.
            ctx_.log.finish(id_, conn_end::server_reset);
            socket_.set_option(asio::socket_base::linger(true, 0), ignored);
            socket_.close(ignored);
            return;
        }
        ctx_.log.finish(id_, conn_end::server_closed);
        socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
        drain();
    }

    // After our FIN, keep reading (and counting) until the client closes: closing
    // a socket with unread bytes would send a RST, which is not what close_after means.
    void drain()
    {
        socket_.async_read_some(asio::buffer(buf_), [self = shared_from_this()](error_code ec, std::size_t n) {
            if (n > 0)
                self->count_received(n);
            if (!ec)
                return self->drain();
            error_code ignored;
            self->socket_.close(ignored);
        });
    }

    void end_with(error_code ec)
    {
        error_code ignored;
        auto ending = tcp_ending_of(ec, stopping_ || ctx_.stopping.load());
        // The client's FIN: everything it sent has been echoed; finish our side too.
        if (ending.how == conn_end::client_closed)
            socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
        ctx_.log.finish(id_, ending.how, std::move(ending.error));
        socket_.close(ignored);
    }

    server_context ctx_;
    asio::ip::tcp::socket socket_;
    tcp_behaviour behaviour_;
    std::uint64_t id_ = 0;
    std::uint64_t received_ = 0;
    std::uint64_t pattern_sent_ = 0;
    bool stopping_ = false;
    io_buffer buf_; ///< server_options::io_buffer_bytes, allocated once, not zeroed
};

} // namespace

wire_record tcp_wire_record(accepted_from const& from, std::string tag, tcp_behaviour_kind kind)
{
    wire_record r;
    r.kind = transport::tcp;
    r.tag = std::move(tag);
    r.behaviour = behaviour_name(kind);
    fill_endpoints(from, r);
    return r;
}

void count_tcp_read(wire_log& log, std::uint64_t id, char const* data, std::size_t n, std::size_t echoed)
{
    log.update(id, [&](wire_record& r) {
        r.bytes_received += n;
        r.bytes_sent += echoed;
        if (r.head.size() < head_limit)
            r.head.append(data, std::min(n, head_limit - r.head.size()));
    });
}

tcp_ending tcp_ending_of(error_code ec, bool closed_by_server)
{
    if (closed_by_server)
        return {conn_end::server_closed, {}};
    if (ec == asio::error::eof)
        return {conn_end::client_closed, {}};
    if (ec == asio::error::connection_reset || ec == asio::error::broken_pipe || ec == asio::error::connection_aborted)
        return {conn_end::dropped, ec.message()};
    return {conn_end::error, ec.message()};
}

void start_tcp_session(server_context ctx, asio::ip::tcp::socket socket, accepted_from const& from, std::string tag,
                       tcp_behaviour behaviour)
{
    auto s = std::make_shared<tcp_session>(ctx, std::move(socket), behaviour);
    if (!ctx.registry.add(s, [&] { return s->open_record(from, std::move(tag)); }))
        return; // stop() is under way; the socket closes with `s`
    s->run();
}

} // namespace sockconf::echo::detail
