#include <sockconf/net/tls_stream.hpp>

#include <boost/asio/ssl/error.hpp>

#include <openssl/bio.h>
#include <openssl/err.h>

#include <cstring>
#include <stdexcept>

namespace sockconf::net {

namespace {

namespace asio = boost::asio;
using boost::system::error_code;

/// Room for a receive: four full records, so that one receive brings a batch.
constexpr std::size_t receive_room = 4 * (16 * 1024 + 256);

tls_stream* owner(BIO* b) noexcept { return static_cast<tls_stream*>(BIO_get_data(b)); }

int bio_read_cb(BIO* b, char* p, int n)
{
    BIO_clear_retry_flags(b);
    int const k = owner(b)->bio_read(p, n);
    if (k == 0) {
        BIO_set_retry_read(b); // nothing received yet: OpenSSL says WANT_READ
        return -1;
    }
    return k;
}

int bio_write_cb(BIO* b, char const* p, int n)
{
    BIO_clear_retry_flags(b);
    try {
        return owner(b)->bio_write(p, n);
    } catch (std::bad_alloc const&) {
        return -1;
    }
}

long bio_ctrl_cb(BIO*, int cmd, long, void*)
{
    return cmd == BIO_CTRL_FLUSH ? 1 : 0; // the output is flushed by the operations
}

int bio_create_cb(BIO* b)
{
    BIO_set_init(b, 1);
    return 1;
}

int bio_destroy_cb(BIO*) { return 1; }

BIO_METHOD const* bio_method()
{
    static BIO_METHOD* const m = [] {
        BIO_METHOD* x = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "sockconf tls_stream");
        if (!x || !BIO_meth_set_read(x, bio_read_cb) || !BIO_meth_set_write(x, bio_write_cb) ||
            !BIO_meth_set_ctrl(x, bio_ctrl_cb) || !BIO_meth_set_create(x, bio_create_cb) ||
            !BIO_meth_set_destroy(x, bio_destroy_cb))
            throw std::runtime_error("TLS setup: BIO method");
        return x;
    }();
    return m;
}

/// OpenSSL's error for a call that returned `ret`, as Asio's stream reports it.
error_code ssl_error(SSL* ssl, int ret, tls_stream::step& st)
{
    int const e = SSL_get_error(ssl, ret);
    if (e == SSL_ERROR_WANT_READ) {
        st = tls_stream::step::want_read;
        return {};
    }
    st = tls_stream::step::failed;
    if (e == SSL_ERROR_ZERO_RETURN)
        return asio::error::eof; // the peer's close_notify
    unsigned long const q = ERR_get_error();
    // The queue is left empty after every failure, so the calls need not clear it before
    // (SSL_get_error reads it): one thread-local access less per record.
    ERR_clear_error();
    if (q != 0)
        return {static_cast<int>(q), asio::error::get_ssl_category()};
    return asio::ssl::error::unexpected_result;
}

} // namespace

tls_stream::tls_stream(asio::ip::tcp::socket socket, asio::ssl::context& ctx) : next_(std::move(socket))
{
    ssl_ = SSL_new(ctx.native_handle());
    BIO* bio = ssl_ ? BIO_new(bio_method()) : nullptr;
    if (!bio) {
        SSL_free(ssl_);
        throw std::runtime_error("TLS setup: a connection's SSL state");
    }
    BIO_set_data(bio, this);
    SSL_set_bio(ssl_, bio, bio); // one BIO both ways; SSL owns it
}

tls_stream::~tls_stream() { SSL_free(ssl_); }

tls_stream::step tls_stream::handshake_step(error_code& ec)
{
    ERR_clear_error();
    int const r = SSL_do_handshake(ssl_);
    step st = step::done;
    ec = r == 1 ? error_code{} : ssl_error(ssl_, r, st);
    return st;
}

tls_stream::step tls_stream::shutdown_step(error_code& ec)
{
    // 0: our close_notify is written and the peer's not in yet; the call
    // after it reads (discarding application data) until the peer's.
    for (int i = 0; i < 2; ++i) {
        ERR_clear_error();
        int const r = SSL_shutdown(ssl_);
        if (r == 1) {
            ec = {};
            return step::done;
        }
        if (r == 0)
            continue;
        step st = step::done;
        ec = ssl_error(ssl_, r, st);
        return st;
    }
    return step::want_read;
}

std::size_t tls_stream::decrypt(void* p, std::size_t n, step& st, error_code& ec)
{
    std::size_t got = 0;
    if (SSL_read_ex(ssl_, p, n, &got) == 1)
        return got;
    ec = ssl_error(ssl_, 0, st);
    return 0;
}

void tls_stream::encrypt(void const* p, std::size_t n, error_code& ec)
{
    while (n > 0) {
        std::size_t put = 0;
        if (SSL_write_ex(ssl_, p, n, &put) != 1) {
            step st = step::done;
            ec = ssl_error(ssl_, 0, st);
            if (!ec)
                ec = asio::ssl::error::unexpected_result; // a write into memory never waits
            return;
        }
        p = static_cast<char const*>(p) + put;
        n -= put;
    }
}

asio::mutable_buffer tls_stream::receive_space()
{
    // OpenSSL reads what a record needs and keeps a partial one itself, so it
    // asks for more only once it has taken everything received.
    if (in_beg_ == in_end_) {
        in_beg_ = in_end_ = 0;
    } else if (in_beg_ > 0) {
        std::memmove(in_.data(), in_.data() + in_beg_, in_end_ - in_beg_);
        in_end_ -= in_beg_;
        in_beg_ = 0;
    }
    if (in_.size() < receive_room)
        in_.resize(receive_room);
    return asio::buffer(in_.data() + in_end_, in_.size() - in_end_);
}

tls_stream::error_code tls_stream::map_receive_error(error_code ec) const
{
    if (ec != asio::error::eof)
        return ec;
    return (SSL_get_shutdown(ssl_) & SSL_RECEIVED_SHUTDOWN) ? ec : error_code(asio::ssl::error::stream_truncated);
}

asio::const_buffer tls_stream::take_output()
{
    sending_.swap(out_);
    out_.clear();
    return asio::buffer(sending_);
}

int tls_stream::bio_read(char* p, int n) noexcept
{
    std::size_t const k = std::min<std::size_t>(static_cast<std::size_t>(n), in_end_ - in_beg_);
    if (k == 0)
        return 0; // before the first receive in_ has no storage: no memcpy from null
    std::memcpy(p, in_.data() + in_beg_, k);
    in_beg_ += k;
    return static_cast<int>(k);
}

int tls_stream::bio_write(char const* p, int n)
{
    // resize (io_buffer: not zeroed) + memcpy
    std::size_t const at = out_.size();
    out_.resize(at + static_cast<std::size_t>(n));
    std::memcpy(out_.data() + at, p, static_cast<std::size_t>(n));
    return n;
}

void teardown(boost::beast::role_type, tls_stream& stream, boost::system::error_code& ec)
{
    // Synchronous teardown is never used by the sessions; end the connection.
    stream.next_layer().socket().close(ec);
}

} // namespace sockconf::net
