// Test clients for the echo servers' tests: a Beast WebSocket client and a raw
// TCP client over loopback whose every call is bounded (io_context::run_for), and
// eventually() to poll the wire log the servers update on their own threads.
#pragma once

#include <sockconf/echo/servers.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace sockconf::echo::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using boost::system::error_code;

inline constexpr auto op_timeout = std::chrono::seconds(5);

/// Poll `pred` until true or the deadline; the server updates its log on its own threads.
inline bool eventually(std::function<bool()> const& pred, std::chrono::milliseconds limit = std::chrono::seconds(5))
{
    auto const deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred())
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return pred();
}

/// Runs one async operation to completion or `limit` (default op_timeout),
/// whichever first; on a timeout it closes `closer` so the operation ends, and
/// reports timed_out.
class runner {
public:
    asio::io_context ioc;

    template <class Start>
    error_code run(Start start, std::function<void()> const& closer,
                   std::chrono::milliseconds limit = op_timeout)
    {
        std::optional<error_code> result;
        start([&](error_code ec) { result = ec; });
        ioc.restart();
        ioc.run_for(limit);
        if (!result) {
            closer();
            ioc.restart();
            ioc.run_for(std::chrono::seconds(1));
            return asio::error::timed_out;
        }
        return *result;
    }
};

/// A synchronous-looking WebSocket client with a timeout on every call.
class ws_client {
public:
    struct options {
        std::vector<std::pair<std::string, std::string>> headers;
        std::string protocols; ///< Sec-WebSocket-Protocol, as sent
    };

    error_code connect(std::uint16_t port, std::string const& target, options const& opts = {})
    {
        auto ec = r_.run(
            [&](auto done) {
                beast::get_lowest_layer(ws_).async_connect(
                    tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), [done](error_code ec) { done(ec); });
            },
            [&] { beast::get_lowest_layer(ws_).close(); });
        if (ec)
            return ec;
        local_port_ = beast::get_lowest_layer(ws_).socket().local_endpoint().port();
        ws_.set_option(websocket::stream_base::decorator([opts](websocket::request_type& req) {
            for (auto const& [k, v] : opts.headers)
                req.set(k, v);
            if (!opts.protocols.empty())
                req.set(http::field::sec_websocket_protocol, opts.protocols);
        }));
        ws_.auto_fragment(false);
        ws_.control_callback([this](websocket::frame_type kind, beast::string_view payload) {
            if (kind == websocket::frame_type::ping)
                pings_seen_.emplace_back(payload);
        });
        return r_.run(
            [&](auto done) {
                ws_.async_handshake(response_, "127.0.0.1:" + std::to_string(port), target,
                                    [done](error_code ec) { done(ec); });
            },
            [&] { beast::get_lowest_layer(ws_).close(); });
    }

    error_code write(std::string const& data, bool binary)
    {
        ws_.binary(binary);
        return r_.run(
            [&](auto done) {
                ws_.async_write(asio::buffer(data), [done](error_code ec, std::size_t) { done(ec); });
            },
            [&] { beast::get_lowest_layer(ws_).close(); });
    }

    /// One message sent as frames of `piece` bytes (write_some), the last with FIN.
    error_code write_fragments(std::string const& data, std::size_t piece, bool binary)
    {
        ws_.binary(binary);
        for (std::size_t at = 0; at < data.size(); at += piece) {
            auto const n = std::min(piece, data.size() - at);
            bool const fin = at + n == data.size();
            auto ec = r_.run(
                [&](auto done) {
                    ws_.async_write_some(fin, asio::buffer(data.data() + at, n),
                                         [done](error_code ec, std::size_t) { done(ec); });
                },
                [&] { beast::get_lowest_layer(ws_).close(); });
            if (ec)
                return ec;
        }
        return {};
    }

    /// One message: {data, binary}.
    error_code read(std::string& data, bool& binary)
    {
        beast::flat_buffer buf;
        auto ec = r_.run(
            [&](auto done) { ws_.async_read(buf, [done](error_code ec, std::size_t) { done(ec); }); },
            [&] { beast::get_lowest_layer(ws_).close(); });
        data = beast::buffers_to_string(buf.data());
        binary = ws_.got_binary();
        return ec;
    }

    error_code close(std::uint16_t code, std::string const& reason)
    {
        websocket::close_reason why(code);
        why.reason = reason;
        return r_.run([&](auto done) { ws_.async_close(why, [done](error_code ec) { done(ec); }); },
                      [&] { beast::get_lowest_layer(ws_).close(); });
    }

    /// One message read with read_some: the size of every chunk (a chunk never
    /// spans frames) and the payload.
    error_code read_chunks(std::vector<std::size_t>& sizes, std::string& data)
    {
        beast::flat_buffer buf;
        do {
            std::size_t got = 0;
            auto ec = r_.run(
                [&](auto done) {
                    ws_.async_read_some(buf, 1 << 20, [&got, done](error_code ec, std::size_t n) {
                        got = n;
                        done(ec);
                    });
                },
                [&] { beast::get_lowest_layer(ws_).close(); });
            if (ec)
                return ec;
            sizes.push_back(got);
        } while (!ws_.is_message_done());
        data = beast::buffers_to_string(buf.data());
        return {};
    }

    /// Drop the TCP connection without a close frame.
    void drop() { beast::get_lowest_layer(ws_).close(); }

    /// Send a ping (Beast's stream answers the server's pings by itself, while a read is pending).
    error_code ping(std::string const& payload)
    {
        websocket::ping_data data;
        data.assign(payload.data(), payload.size());
        return r_.run([&](auto done) { ws_.async_ping(data, [done](error_code ec) { done(ec); }); },
                      [&] { beast::get_lowest_layer(ws_).close(); });
    }

    /// Payloads of the pings received so far (seen while reading).
    std::vector<std::string> const& pings_seen() const { return pings_seen_; }

    websocket::response_type const& response() const { return response_; }
    websocket::close_reason const& reason() const { return ws_.reason(); }
    std::uint16_t local_port() const { return local_port_; }

private:
    runner r_;
    websocket::stream<beast::tcp_stream> ws_{r_.ioc};
    websocket::response_type response_;
    std::uint16_t local_port_ = 0;
    std::vector<std::string> pings_seen_;
};

/// A raw TCP client with a timeout on every call.
class tcp_client {
public:
    /// timed_out when it has not completed within `limit`.
    error_code connect(std::uint16_t port, std::chrono::milliseconds limit = op_timeout)
    {
        return connect("127.0.0.1", port, limit);
    }
    /// The same to `address` (e.g. "::1").
    error_code connect(std::string const& address, std::uint16_t port, std::chrono::milliseconds limit = op_timeout)
    {
        return r_.run(
            [&](auto done) {
                sock_.async_connect(tcp::endpoint(asio::ip::make_address(address), port),
                                    [done](error_code ec) { done(ec); });
            },
            [&] { sock_.close(); }, limit);
    }
    error_code write(std::string const& data)
    {
        return r_.run(
            [&](auto done) {
                asio::async_write(sock_, asio::buffer(data), [done](error_code ec, std::size_t) { done(ec); });
            },
            [&] { sock_.close(); });
    }
    error_code read_exactly(std::size_t n, std::string& out)
    {
        out.assign(n, '\0');
        return r_.run(
            [&](auto done) {
                asio::async_read(sock_, asio::buffer(out), [done](error_code ec, std::size_t) { done(ec); });
            },
            [&] { sock_.close(); });
    }
    /// Read until the peer closes; returns the error that ended it (eof when clean).
    error_code read_to_end(std::string& out)
    {
        std::string chunk(4096, '\0');
        for (;;) {
            std::size_t got = 0;
            auto ec = r_.run(
                [&](auto done) {
                    sock_.async_read_some(asio::buffer(chunk), [&got, done](error_code ec, std::size_t n) {
                        got = n;
                        done(ec);
                    });
                },
                [&] { sock_.close(); });
            out.append(chunk.data(), got);
            if (ec)
                return ec;
        }
    }
    void shutdown_send()
    {
        error_code ignored;
        sock_.shutdown(tcp::socket::shutdown_send, ignored);
    }
    /// A plain close(): a FIN after whatever was written (a RST when bytes are unread).
    void close()
    {
        error_code ignored;
        sock_.close(ignored);
    }
    void reset()
    {
        // SO_LINGER 0: close sends RST instead of FIN.
        error_code ignored;
        sock_.set_option(asio::socket_base::linger(true, 0), ignored);
        sock_.close(ignored);
    }
    std::uint16_t local_port() const { return sock_.local_endpoint().port(); }

private:
    runner r_;
    tcp::socket sock_{r_.ioc};
};

/// The single record with `tag` once it has ended; nullopt when there is not
/// exactly one, or it is still open after `limit`.
inline std::optional<wire_record> ended(wire_log const& log, std::string const& tag,
                                        std::chrono::milliseconds limit = op_timeout)
{
    std::optional<wire_record> r;
    eventually(
        [&] {
            auto recs = log.by_tag(tag);
            r = recs.size() == 1 ? std::optional(recs[0]) : std::nullopt;
            return r && r->end != conn_end::open;
        },
        limit);
    if (!r || r->end == conn_end::open)
        return std::nullopt;
    return r;
}

} // namespace sockconf::echo::test
