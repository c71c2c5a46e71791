// tls_stream's asynchronous operations (a part of tls_stream.hpp): each loops
// over an OpenSSL step, sending what OpenSSL wrote and receiving when it wants
// more. A result available at once completes through a post, never inside the
// initiating call (Asio's rule).
#pragma once

#include <sockconf/net/tls_stream.hpp>
#include <sockconf/net/transfer_whole.hpp>

namespace sockconf::net {

namespace tls_ops {

namespace asio = boost::asio;
using boost::system::error_code;

/// Runs `Step` (a handshake or a shutdown step) until done: sends the output
/// OpenSSL made after each step, receives when it wants input.
template <bool Shutdown>
struct until_done {
    tls_stream& s;
    enum class at { start, sending, receiving, posted } where = at::start;
    error_code result{};
    tls_stream::step st = tls_stream::step::want_read; ///< what the last step said

    template <class Self>
    void operator()(Self& self, error_code ec = {}, std::size_t n = 0)
    {
        switch (where) {
        case at::posted:
            return self.complete(result);
        case at::sending:
            s.sent_all();
            if (ec)
                return self.complete(ec);
            // Nothing new came in while sending: the step's answer stands.
            return next(self);
        case at::receiving:
            if (ec)
                return self.complete(s.map_receive_error(ec));
            s.received(n);
            break;
        case at::start:
            break;
        }
        st = Shutdown ? s.shutdown_step(result) : s.handshake_step(result);
        if (s.has_output()) {
            // What OpenSSL wrote goes out first, whatever the step said (its last
            // flight, an alert before a failure, our close_notify).
            where = at::sending;
            return asio::async_write(s.next_layer(), s.take_output(), transfer_whole{}, std::move(self));
        }
        next(self);
    }

    /// After a step (and the sending of what it wrote): receive, or complete.
    template <class Self>
    void next(Self& self)
    {
        switch (st) {
        case tls_stream::step::want_read:
            where = at::receiving;
            return s.next_layer().async_read_some(s.receive_space(), std::move(self));
        case tls_stream::step::done:
        case tls_stream::step::failed:
            if (where == at::start) {
                where = at::posted;
                return asio::post(s.get_executor(), std::move(self));
            }
            return self.complete(result);
        }
    }
};

template <class MutableBuffers>
struct read_some {
    tls_stream& s;
    MutableBuffers buffers;
    enum class at { start, receiving, posted } where = at::start;
    std::size_t got = 0;
    error_code result{};

    template <class Self>
    void operator()(Self& self, error_code ec = {}, std::size_t n = 0)
    {
        if (where == at::posted)
            return self.complete(result, got);
        if (where == at::receiving) {
            if (ec)
                return self.complete(s.map_receive_error(ec), 0);
            s.received(n);
        }
        // Every record already in, into the buffers' room.
        tls_stream::step st = tls_stream::step::done;
        for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers); ++it) {
            asio::mutable_buffer b = *it;
            while (b.size() > 0) {
                std::size_t const k = s.decrypt(b.data(), b.size(), st, result);
                if (k == 0)
                    break;
                got += k;
                b += k;
            }
            if (b.size() > 0)
                break;
        }
        if (got == 0 && st == tls_stream::step::want_read && asio::buffer_size(buffers) > 0) {
            where = at::receiving;
            return s.next_layer().async_read_some(s.receive_space(), std::move(self));
        }
        if (got > 0)
            result = {}; // an end seen after some bytes is the next read's to report
        if (where == at::start) {
            where = at::posted;
            return asio::post(s.get_executor(), std::move(self));
        }
        self.complete(result, got);
    }
};

struct write_some {
    tls_stream& s;
    std::size_t total;
    error_code result{};
    enum class at { start, sending, posted } where = at::start;

    template <class Self>
    void operator()(Self& self, error_code ec = {}, std::size_t = 0)
    {
        if (where == at::posted)
            return self.complete(result, 0);
        if (where == at::sending) {
            s.sent_all();
            if (ec)
                return self.complete(ec, 0);
        }
        if (s.has_output()) {
            where = at::sending;
            return asio::async_write(s.next_layer(), s.take_output(), transfer_whole{}, std::move(self));
        }
        if (where == at::start) { // nothing to write (or encrypting failed)
            where = at::posted;
            return asio::post(s.get_executor(), std::move(self));
        }
        self.complete(result, total);
    }
};

} // namespace tls_ops

template <class Handler>
auto tls_stream::async_handshake(boost::asio::ssl::stream_base::handshake_type type, Handler&& handler)
{
    if (type == boost::asio::ssl::stream_base::client)
        SSL_set_connect_state(ssl_);
    else
        SSL_set_accept_state(ssl_);
    return boost::asio::async_compose<Handler, void(error_code)>(tls_ops::until_done<false>{*this}, handler, next_);
}

template <class Handler>
auto tls_stream::async_shutdown(Handler&& handler)
{
    return boost::asio::async_compose<Handler, void(error_code)>(tls_ops::until_done<true>{*this}, handler, next_);
}

template <class MutableBuffers, class Handler>
auto tls_stream::async_read_some(MutableBuffers const& buffers, Handler&& handler)
{
    return boost::asio::async_compose<Handler, void(error_code, std::size_t)>(
        tls_ops::read_some<MutableBuffers>{*this, buffers}, handler, next_);
}

template <class ConstBuffers, class Handler>
auto tls_stream::async_write_some(ConstBuffers const& buffers, Handler&& handler)
{
    // Encrypted here, at once: OpenSSL appends the records to the output.
    error_code ec;
    std::size_t total = 0;
    for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers) && !ec;
         ++it) {
        boost::asio::const_buffer b = *it;
        encrypt(b.data(), b.size(), ec);
        total += b.size();
    }
    if (ec)
        total = 0;
    return boost::asio::async_compose<Handler, void(error_code, std::size_t)>(tls_ops::write_some{*this, total, ec},
                                                                             handler, next_);
}

} // namespace sockconf::net
