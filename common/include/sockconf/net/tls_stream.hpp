// A TLS stream for Asio and Beast, over beast::tcp_stream, that runs OpenSSL on
// the stream's own buffers: the wss:// echo server's connections and the load
// generator's wss:// client (bench/) both use it, so the two ends of a wss
// benchmark pay the same for their TLS.
//
// Asio's ssl::stream moves every record through a BIO pair of 17 KiB (a copy
// each way), decrypts one record per read, and sends each 17 KiB of output with
// a system call of its own; an echo server and a load client live on exactly
// those paths. Here OpenSSL's BIO reads ciphertext straight from one receive
// buffer and appends its records to one output buffer, so:
//   - a read decrypts every record a receive brought (up to the caller's room);
//   - a write encrypts the whole batch and sends it with one write.
// Same contract as Asio's stream where its users rely on it: the handshake
// (either role), read_some / write_some (Beast's HTTP and WebSocket accept use
// them), shutdown (our close_notify, then the peer's), native_handle() for
// SSL_get_shutdown, next_layer() for the timeouts and the socket, and the error
// codes: OpenSSL's in Asio's ssl category, asio::error::eof for a connection
// that ended after the peer's close_notify and ssl::error::stream_truncated
// for one that ended without it. One read and one write at a time (its users
// never do more).
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/teardown.hpp>

#include <openssl/ssl.h>

#include <cstddef>
#include <sockconf/net/io_buffer.hpp>

namespace sockconf::net {

class tls_stream {
public:
    using next_layer_type = boost::beast::tcp_stream;
    using executor_type = next_layer_type::executor_type;
    using error_code = boost::system::error_code;

    /// A TLS stream on `socket` (connected, or to be connected through
    /// next_layer()) with `ctx`'s settings; its role is async_handshake's.
    /// Throws std::runtime_error when OpenSSL cannot make the connection's state.
    tls_stream(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& ctx);
    ~tls_stream();
    tls_stream(tls_stream const&) = delete;
    tls_stream& operator=(tls_stream const&) = delete;

    executor_type get_executor() noexcept { return next_.get_executor(); }
    next_layer_type& next_layer() noexcept { return next_; }
    SSL* native_handle() noexcept { return ssl_; }

    /// The handshake as `type` says (server or client): done once the peer's
    /// last flight is in and ours is sent (a server's: its session tickets).
    template <class Handler>
    auto async_handshake(boost::asio::ssl::stream_base::handshake_type type, Handler&& handler);

    /// Decrypted bytes into `buffers`: all that the records already received
    /// hold, up to the buffers' room; receives only when there are none.
    template <class MutableBuffers, class Handler>
    auto async_read_some(MutableBuffers const& buffers, Handler&& handler);

    /// Encrypts all of `buffers` (a record per 16 KiB of each buffer) and
    /// sends the records with one write; completes with buffer_size(buffers).
    template <class ConstBuffers, class Handler>
    auto async_write_some(ConstBuffers const& buffers, Handler&& handler);

    /// Our close_notify, then the peer's: completes when it is in, or with
    /// the error that ended the connection before it.
    template <class Handler>
    auto async_shutdown(Handler&& handler);

    // The OpenSSL side, one step at a time; the operations below drive it.
    enum class step { done, want_read, failed };
    step handshake_step(error_code& ec);
    step shutdown_step(error_code& ec);
    /// Decrypts into [p, p + n): the bytes written (> 0), or 0 with `st`.
    std::size_t decrypt(void* p, std::size_t n, step& st, error_code& ec);
    void encrypt(void const* p, std::size_t n, error_code& ec);
    /// Room for a receive; received(n) hands its bytes to OpenSSL.
    boost::asio::mutable_buffer receive_space();
    void received(std::size_t n) noexcept { in_end_ += n; }
    /// A receive's error as Asio's stream reports it (eof after close_notify, else stream_truncated).
    error_code map_receive_error(error_code ec) const;
    bool has_output() const noexcept { return !out_.empty(); }
    /// The output to send next (moved into the sending buffer until sent_all()).
    boost::asio::const_buffer take_output();
    void sent_all() noexcept { sending_.clear(); }

    // The BIO's side (tls_stream.cpp).
    int bio_read(char* p, int n) noexcept;
    int bio_write(char const* p, int n);

private:
    template <class Op, class Handler>
    auto start(Op op, Handler&& handler);

    next_layer_type next_;
    SSL* ssl_ = nullptr;
    io_buffer in_;                       ///< ciphertext received, [in_beg_, in_end_) not yet read by OpenSSL
    std::size_t in_beg_ = 0;
    std::size_t in_end_ = 0;
    io_buffer out_;                      ///< records OpenSSL wrote, not yet sending
    io_buffer sending_;                  ///< records being sent
};

// Beast's WebSocket stream ends its next layer through these (found by ADL).
void teardown(boost::beast::role_type role, tls_stream& stream, boost::system::error_code& ec);

template <class Handler>
void async_teardown(boost::beast::role_type, tls_stream& stream, Handler&& handler)
{
    stream.async_shutdown([&stream, h = std::forward<Handler>(handler)](boost::system::error_code ec) mutable {
        boost::system::error_code ignored;
        stream.next_layer().socket().close(ignored);
        if (ec == boost::asio::error::eof)
            ec = {};
        std::move(h)(ec);
    });
}

} // namespace sockconf::net

#include <sockconf/net/impl/tls_stream_ops.hpp>
