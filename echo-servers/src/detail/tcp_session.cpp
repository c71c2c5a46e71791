// TCP echo: read what arrives, write it back, until the client closes.
#include "context.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/write.hpp>

#include <array>

namespace sockconf::echo::detail {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

class tcp_session final : public session_base, public std::enable_shared_from_this<tcp_session> {
public:
    tcp_session(server_context ctx, asio::ip::tcp::socket socket, std::string tag)
        : ctx_(ctx), socket_(std::move(socket))
    {
        wire_record r;
        r.kind = transport::tcp;
        r.tag = std::move(tag);
        r.behaviour = "tcp-echo";
        fill_endpoints(socket_, r);
        id_ = ctx_.log.add(std::move(r));
    }

    ~tcp_session() override
    {
        // Normally already finished; this covers handlers dropped by io_context::stop().
        ctx_.log.finish(id_, conn_end::server_closed);
        ctx_.registry.remove(this);
    }

    void run() { read(); }

    void shutdown() override
    {
        asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
            self->stopping_ = true;
            error_code ignored;
            self->socket_.close(ignored);
        });
    }

private:
    void read()
    {
        socket_.async_read_some(asio::buffer(buf_), [self = shared_from_this()](error_code ec, std::size_t n) {
            self->on_read(ec, n);
        });
    }

    void on_read(error_code ec, std::size_t n)
    {
        if (n > 0) {
            ctx_.log.update(id_, [n](wire_record& r) { r.bytes_received += n; });
        }
        if (ec)
            return end_with(ec);
        asio::async_write(socket_, asio::buffer(buf_.data(), n),
                          [self = shared_from_this()](error_code ec, std::size_t) {
                              if (ec)
                                  return self->end_with(ec);
                              self->read();
                          });
    }

    void end_with(error_code ec)
    {
        error_code ignored;
        if (stopping_ || ctx_.stopping.load()) {
            ctx_.log.finish(id_, conn_end::server_closed);
        } else if (ec == asio::error::eof) {
            // The client's FIN: everything it sent has been echoed; finish our side too.
            socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
            ctx_.log.finish(id_, conn_end::client_closed);
        } else if (ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
                   ec == asio::error::connection_aborted) {
            ctx_.log.finish(id_, conn_end::dropped, ec.message());
        } else {
            ctx_.log.finish(id_, conn_end::error, ec.message());
        }
        socket_.close(ignored);
    }

    server_context ctx_;
    asio::ip::tcp::socket socket_;
    std::uint64_t id_ = 0;
    bool stopping_ = false;
    std::array<char, 64 * 1024> buf_{};
};

} // namespace

void start_tcp_session(server_context ctx, asio::ip::tcp::socket socket, std::string tag)
{
    auto s = std::make_shared<tcp_session>(ctx, std::move(socket), std::move(tag));
    if (!ctx.registry.add(s))
        return; // stop() is under way; the socket closes with `s`
    s->run();
}

} // namespace sockconf::echo::detail
