// sockconf-sink: the trivial server the load generator's own ceiling is measured
// against. WebSocket: accepts any upgrade, counts the client's complete frames in
// each read and answers with as many canned (unmasked, same size and opcode)
// frames in one write, never copying payloads. TCP: writes back what it read.
// It prints one line like `sockconf serve --json` and runs until SIGTERM/SIGINT
// or --max-seconds. One thread.
#include <sockconf/bench/frame.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/websocket/detail/hybi13.hpp>

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <vector>

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace sockconf::bench;

namespace {

class ws_sink : public std::enable_shared_from_this<ws_sink> {
public:
    explicit ws_sink(tcp::socket s) : sock_(std::move(s)), in_(256 * 1024) {}

    void start()
    {
        auto self = shared_from_this();
        asio::async_read_until(sock_, request_, "\r\n\r\n", [self](boost::system::error_code ec, std::size_t) {
            if (!ec)
                self->answer_upgrade();
        });
    }

private:
    void answer_upgrade()
    {
        std::string head(asio::buffers_begin(request_.data()), asio::buffers_end(request_.data()));
        auto key_at = head.find("Sec-WebSocket-Key: ");
        if (key_at == std::string::npos)
            return;
        key_at += 19;
        auto const key = head.substr(key_at, head.find("\r\n", key_at) - key_at);
        boost::beast::websocket::detail::sec_ws_accept_type accept;
        boost::beast::websocket::detail::make_sec_ws_accept(accept, key);
        answer_ = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Accept: " +
                  std::string(accept.data(), accept.size()) + "\r\n\r\n";
        auto self = shared_from_this();
        asio::async_write(sock_, asio::buffer(answer_), [self](boost::system::error_code ec, std::size_t) {
            if (!ec)
                self->do_read();
        });
    }

    void do_read()
    {
        auto self = shared_from_this();
        sock_.async_read_some(asio::buffer(in_), [self](boost::system::error_code ec, std::size_t n) {
            if (ec)
                return;
            self->on_bytes(n);
        });
    }

    void on_bytes(std::size_t n)
    {
        auto const st = parser_.feed(
            {in_.data(), n}, [](auto, auto) {},
            [&](ws_opcode op, std::uint64_t size) {
                if (canned_.empty()) {
                    // The first message fixes the canned reply (the load generator's are all alike).
                    std::vector<std::byte> payload(size);
                    frame_.resize(frame_header_size(size, false) + size);
                    write_frame(frame_.data(), op, payload, nullptr);
                }
                canned_.insert(canned_.end(), frame_.begin(), frame_.end());
            });
        if (st == parse_status::close_received) {
            // Answer the close and close the TCP connection first (TIME_WAIT stays here).
            static constexpr std::array<std::byte, 2> close_frame{std::byte{0x88}, std::byte{0x00}};
            auto self = shared_from_this();
            asio::async_write(sock_, asio::buffer(close_frame), [self](boost::system::error_code, std::size_t) {
                boost::system::error_code ignored;
                self->sock_.shutdown(tcp::socket::shutdown_both, ignored);
                self->sock_.close(ignored);
            });
            return;
        }
        if (st != parse_status::ok)
            return; // garbage: drop the connection
        if (canned_.empty())
            return do_read();
        auto self = shared_from_this();
        asio::async_write(sock_, asio::buffer(canned_), [self](boost::system::error_code ec, std::size_t) {
            if (ec)
                return;
            self->canned_.clear(); // keeps its capacity: no allocation once warm
            self->do_read();
        });
    }

    tcp::socket sock_;
    asio::streambuf request_;
    std::string answer_;
    std::vector<std::byte> in_;
    frame_parser parser_;
    std::vector<std::byte> frame_;
    std::vector<std::byte> canned_;
};

class tcp_sink : public std::enable_shared_from_this<tcp_sink> {
public:
    explicit tcp_sink(tcp::socket s) : sock_(std::move(s)), buf_(256 * 1024) {}
    void start()
    {
        auto self = shared_from_this();
        sock_.async_read_some(asio::buffer(buf_), [self](boost::system::error_code ec, std::size_t n) {
            if (ec)
                return;
            asio::async_write(self->sock_, asio::buffer(self->buf_.data(), n),
                              [self](boost::system::error_code ec, std::size_t) {
                                  if (!ec)
                                      self->start();
                              });
        });
    }

private:
    tcp::socket sock_;
    std::vector<std::byte> buf_;
};

template <class Session>
void accept_loop(tcp::acceptor& a)
{
    a.async_accept([&a](boost::system::error_code ec, tcp::socket s) {
        if (ec)
            return;
        s.set_option(tcp::no_delay(true));
        std::make_shared<Session>(std::move(s))->start();
        accept_loop<Session>(a);
    });
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app{"sockconf-sink: a trivial WebSocket (canned replies) and TCP echo server on loopback, to measure "
                 "the load generator's own ceiling; prints {\"ws\":...,\"tcp\":{...}} and runs until SIGTERM"};
    double max_seconds = 600;
    std::string host = "127.0.0.1";
    app.add_option("--max-seconds", max_seconds, "Exit after this long anyway")->capture_default_str()->check(CLI::Range(0.1, 86400.0));
    app.add_option("--host", host, "Address to bind (loopback)")->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    asio::io_context io(1);
    auto const addr = asio::ip::make_address(host);
    tcp::acceptor ws(io, {addr, 0}), raw(io, {addr, 0});
    accept_loop<ws_sink>(ws);
    accept_loop<tcp_sink>(raw);
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code, int) { io.stop(); });
    asio::steady_timer limit(io, std::chrono::milliseconds(static_cast<long>(max_seconds * 1000)));
    limit.async_wait([&](boost::system::error_code ec) {
        if (!ec)
            io.stop();
    });
    std::cout << "{\"ws\":\"ws://" << host << ":" << ws.local_endpoint().port() << "/\",\"tcp\":{\"host\":\"" << host
              << "\",\"port\":" << raw.local_endpoint().port() << "}}" << std::endl;
    io.run();
    return 0;
}
