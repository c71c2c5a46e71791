#include <sockconf/bench/frame.hpp>
#include <sockconf/bench/load.hpp>

#include "detail/upgrade.hpp"
#include "detail/window.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/url/parse.hpp>

#include <sys/resource.h>

#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

namespace sockconf::bench {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;
using namespace asio::experimental::awaitable_operators;

std::string to_string(transport t)
{
    switch (t) {
    case transport::ws:
        return "ws";
    case transport::wss:
        return "wss";
    case transport::tcp:
        break;
    }
    return "tcp";
}
std::string to_string(payload_kind p) { return p == payload_kind::text ? "text" : "binary"; }

std::string payload_bytes(std::size_t size, payload_kind kind)
{
    std::string p(size, '\0');
    for (std::size_t i = 0; i < size; ++i)
        p[i] = kind == payload_kind::text ? char('a' + i % 26) : char(i % 256);
    return p;
}

load_target parse_ws_url(std::string const& url)
{
    auto u = boost::urls::parse_uri(url);
    if (!u || (u->scheme() != "ws" && u->scheme() != "wss") || u->host().empty())
        throw std::invalid_argument("not a ws:// or wss:// URL: " + url);
    load_target t;
    bool const tls = u->scheme() == "wss";
    t.kind = tls ? transport::wss : transport::ws;
    t.host = u->host();
    t.port = u->has_port() ? u->port_number() : (tls ? 443 : 80);
    t.path = u->encoded_resource().empty() ? "/" : std::string(u->encoded_resource());
    return t;
}

load_target parse_tcp_address(std::string const& host_port)
{
    auto const colon = host_port.rfind(':');
    if (colon == std::string::npos || colon == 0)
        throw std::invalid_argument("not HOST:PORT: " + host_port);
    load_target t;
    t.kind = transport::tcp;
    t.host = host_port.substr(0, colon);
    unsigned long const port = std::stoul(host_port.substr(colon + 1));
    if (port == 0 || port > 65535)
        throw std::invalid_argument("bad port in " + host_port);
    t.port = static_cast<std::uint16_t>(port);
    return t;
}

cpu_times process_cpu_times()
{
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    auto const secs = [](timeval tv) { return double(tv.tv_sec) + double(tv.tv_usec) / 1e6; };
    return {secs(ru.ru_utime), secs(ru.ru_stime)};
}

namespace {

/// One connection's hot loop: a read always pending; a write of every free slot's
/// frame whenever none is under way. `Stream`: a socket (ws, tcp) or TLS over one (wss).
template <class Stream>
class connection {
    static constexpr bool tls = std::is_same_v<Stream, detail::tls_stream>;

public:
    connection(std::unique_ptr<Stream> sock, detail::run_window& st, load_options const& o,
               std::vector<std::byte> const& payload)
        : sock_(std::move(sock)), st_(st), ws_(is_websocket(o.target.kind)), size_(o.size),
          in_flight_(o.in_flight), verify_(o.verify),
          discard_(!tls && !o.verify && o.discard_from > 0 && o.size >= o.discard_from), payload_(payload),
          sent_at_(o.in_flight)
    {
        // K copies of the message, pre-masked: a write of n messages is a prefix.
        std::array<std::byte, 4> const mask{std::byte{0x37}, std::byte{0xFA}, std::byte{0x21}, std::byte{0x3D}};
        auto const op = o.payload == payload_kind::text ? ws_opcode::text : ws_opcode::binary;
        frame_size_ = ws_ ? frame_header_size(size_, true) + size_ : size_;
        out_.resize(frame_size_ * in_flight_);
        for (unsigned i = 0; i < in_flight_; ++i) {
            if (ws_)
                write_frame(out_.data() + i * frame_size_, op, payload_, &mask);
            else
                std::memcpy(out_.data() + i * frame_size_, payload_.data(), size_);
        }
        // Big enough to take many small replies per read; large messages stream through it.
        in_.resize(std::max<std::size_t>(64 * 1024, std::min<std::size_t>(frame_size_ * in_flight_, 1024 * 1024)));
    }

    void start()
    {
        pending_ = in_flight_;
        do_write();
        do_read();
    }

private:
    void do_write()
    {
        unsigned const n = pending_;
        pending_ = 0;
        writing_ = true;
        auto const now = clock_type::now();
        for (unsigned i = 0; i < n; ++i)
            sent_at_[(head_ + queued_ + i) % in_flight_] = now;
        queued_ += n;
        if (st_.measuring)
            st_.sent += n;
        asio::async_write(*sock_, asio::buffer(out_.data(), std::size_t(n) * frame_size_),
                          [this](boost::system::error_code ec, std::size_t) {
                              writing_ = false;
                              if (ec)
                                  return on_error("write", ec.message());
                              if (pending_ > 0)
                                  do_write();
                          });
    }

    void do_read()
    {
        if (discard_)
            return do_discarding_read();
        sock_->async_read_some(asio::buffer(in_), [this](boost::system::error_code ec, std::size_t n) {
            if (ec)
                return on_error("read", ec.message());
            on_bytes({in_.data(), n});
            read_done();
        });
    }

    /// After a read was accounted: freed slots go out, the next read is posted.
    void read_done()
    {
        if (dead_)
            return;
        if (pending_ > 0 && !writing_)
            do_write();
        do_read();
    }

    /// Large replies without --verify: headers are read (a few bytes), payloads
    /// consumed with MSG_TRUNC, which TCP discards without copying them out.
    void do_discarding_read()
    {
        auto const skippable = ws_ ? parser_.skippable() : queued_ * size_ - tcp_offset_;
        auto const on_read = [this, skippable](boost::system::error_code ec, std::size_t n) {
            if (ec)
                return on_error("read", ec.message());
            if (skippable > 0)
                on_discarded(n);
            else
                on_bytes({in_.data(), n});
            read_done();
        };
        if constexpr (tls)
            return; // never: discard_ is false over TLS
        else if (skippable > 0)
            // The kernel writes nothing for MSG_TRUNC on TCP; the buffer only bounds the count.
            sock_->async_receive(asio::buffer(in_.data(), std::min<std::uint64_t>(skippable, in_.size())), MSG_TRUNC, on_read);
        else
            // At most a header (2 + 8 bytes from a server): what follows is discarded next time.
            sock_->async_read_some(asio::buffer(in_.data(), ws_ ? 10 : in_.size()), on_read);
    }

    /// `n` reply bytes consumed unread.
    void on_discarded(std::size_t n)
    {
        replies r{clock_type::now()};
        if (ws_)
            parser_.skip(n, [&](ws_opcode, std::uint64_t size) { complete(r, size); });
        else
            tcp_received(r, n);
        account(r);
    }

    /// Replies completed by one read.
    struct replies {
        clock_type::time_point now;
        std::uint64_t messages = 0, bytes = 0;
    };

    void complete(replies& r, std::uint64_t size)
    {
        ++r.messages;
        r.bytes += size;
        auto const at = sent_at_[head_];
        head_ = (head_ + 1) % in_flight_;
        --queued_;
        if (st_.measuring)
            st_.latency.record(static_cast<std::uint64_t>((r.now - at).count()));
    }

    /// TCP has no frames: every `size_` bytes back is a reply.
    void tcp_received(replies& r, std::uint64_t n)
    {
        tcp_offset_ += n;
        while (tcp_offset_ >= size_) {
            tcp_offset_ -= size_;
            complete(r, size_);
        }
    }

    void account(replies const& r)
    {
        st_.count(r.messages, r.bytes);
        pending_ += static_cast<unsigned>(r.messages);
    }

    void on_bytes(std::span<std::byte const> data)
    {
        replies r{clock_type::now()};
        auto check = [&](std::span<std::byte const> chunk, std::uint64_t offset) {
            if (!verify_)
                return;
            for (std::size_t i = 0; i < chunk.size(); ++i)
                if (chunk[i] != payload_[(offset + i) % size_])
                    ++mismatches_;
        };
        if (ws_) {
            auto const st = parser_.feed(data, check, [&](ws_opcode, std::uint64_t size) {
                if (size != size_)
                    mismatches_ += 1;
                complete(r, size);
            });
            if (st == parse_status::close_received)
                return on_error("read", "server sent a close frame");
            if (st == parse_status::protocol_error)
                return on_error("read", "protocol error in the server's frames");
        } else {
            check(data, tcp_offset_);
            tcp_received(r, data.size());
        }
        if (st_.measuring)
            st_.mismatches += mismatches_;
        mismatches_ = 0;
        account(r);
    }

    void on_error(char const* what, std::string const& message)
    {
        dead_ = true;
        if (!st_.ended)
            st_.fail(std::string(what) + ": " + message);
    }

    std::unique_ptr<Stream> sock_; ///< by pointer: a tls_stream cannot move (its BIO points at it)
    detail::run_window& st_;
    bool ws_;
    std::size_t size_;
    unsigned in_flight_;
    bool verify_;
    bool discard_; ///< consume large replies unread (see load_options::discard_from)
    std::vector<std::byte> const& payload_;
    std::size_t frame_size_ = 0;
    std::vector<std::byte> out_;
    std::vector<std::byte> in_;
    frame_parser parser_;
    std::uint64_t tcp_offset_ = 0;
    // Send times of the messages in flight, oldest at head_ (replies come in order).
    std::vector<clock_type::time_point> sent_at_;
    std::size_t head_ = 0;
    std::size_t queued_ = 0;
    unsigned pending_ = 0; // slots freed by replies, not yet written
    bool writing_ = false;
    bool dead_ = false;
    std::uint64_t mismatches_ = 0;
};

} // namespace

namespace {

/// The run over `Stream`; `make` makes one unconnected stream on `io` (a unique_ptr).
template <class Stream, class Make>
load_result run_load_over(load_options const& o, Make const& make)
{
    asio::io_context io(1);
    detail::run_window st(io, o.max_messages, o.on_window_start, o.on_window_end, o.stop);
    auto const text = payload_bytes(o.size, o.payload);
    std::vector<std::byte> const payload(reinterpret_cast<std::byte const*>(text.data()),
                                         reinterpret_cast<std::byte const*>(text.data()) + text.size());

    // Set every connection up first (concurrently, each within connect_timeout).
    std::vector<std::unique_ptr<Stream>> socks;
    for (unsigned i = 0; i < o.connections; ++i)
        socks.push_back(make(io));
    std::string setup_error;
    for (auto& s : socks)
        asio::co_spawn(io, detail::connect_and_upgrade(*s, o.target, o.connect_timeout), [&](std::exception_ptr e) {
            if (e && setup_error.empty())
                setup_error = detail::what_of(e);
        });
    io.run();
    if (!setup_error.empty())
        throw std::runtime_error("cannot set up a connection to " + o.target.host + ":" +
                                 std::to_string(o.target.port) + ": " + setup_error);
    io.restart();

    std::vector<std::unique_ptr<connection<Stream>>> conns;
    for (auto& s : socks)
        conns.push_back(std::make_unique<connection<Stream>>(std::move(s), st, o, payload));
    for (auto& c : conns)
        c->start();

    asio::steady_timer timer(io);
    st.schedule(timer, o.warmup, o.duration);
    io.run();
    st.settle();
    return st.result();
}

} // namespace

load_result run_load(load_options const& o)
{
    if (o.connections == 0 || o.in_flight == 0 || o.size == 0)
        throw std::invalid_argument("connections, in-flight and size must be at least 1");
    if (o.target.kind != transport::wss)
        return run_load_over<tcp::socket>(o, [](asio::io_context& io) { return std::make_unique<tcp::socket>(io); });
    auto ctx = detail::make_tls_client_context();
    return run_load_over<detail::tls_stream>(o, [&ctx](asio::io_context& io) {
        return std::make_unique<detail::tls_stream>(tcp::socket(io), ctx);
    });
}

namespace {

/// One handshake: connect, upgrade, close frame, the server's close frame, its TCP close.
asio::awaitable<void> one_handshake(tcp::socket& sock, load_target const& t, detail::canned_upgrade const& u)
{
    co_await detail::connect_and_upgrade_canned(sock, t, u); // the caller's timer bounds it all
    std::array<std::byte, 8> close{};
    std::array<std::byte, 2> const code{std::byte{0x03}, std::byte{0xE8}}; // 1000
    std::array<std::byte, 4> const mask{std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}};
    auto const n = write_frame(close.data(), ws_opcode::close, code, &mask);
    co_await asio::async_write(sock, asio::buffer(close.data(), n), asio::use_awaitable);
    std::array<std::byte, 256> buf;
    frame_parser parser;
    bool got_close = false;
    for (;;) {
        auto [ec, got] = co_await sock.async_read_some(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
        if (ec == asio::error::eof && got_close)
            co_return;
        if (ec)
            throw boost::system::system_error(ec, got_close ? "waiting for the server's TCP close"
                                                            : "waiting for the close frame");
        if (!got_close) {
            auto const st = parser.feed({buf.data(), got}, [](auto, auto) {}, [](auto, auto) {});
            if (st == parse_status::protocol_error)
                throw std::runtime_error("protocol error in the server's close");
            got_close = st == parse_status::close_received;
        }
    }
}

} // namespace

handshake_result run_handshakes(handshake_options const& o)
{
    if (o.target.kind != transport::ws)
        throw std::invalid_argument("handshakes need a ws:// target (wss:// is not measured)");
    if (o.concurrency == 0)
        throw std::invalid_argument("concurrency must be at least 1");
    asio::io_context io(1);
    detail::run_window st(io, o.max_handshakes, o.on_window_start, o.on_window_end, o.stop);
    std::uint64_t failures = 0;
    detail::canned_upgrade const upgrade(o.target);

    auto worker = [&]() -> asio::awaitable<void> {
        while (!st.ended) {
            tcp::socket sock(io);
            asio::steady_timer timer(io, o.timeout);
            bool failed = false;
            try {
                auto r = co_await (detail::captured(one_handshake(sock, o.target, upgrade)) ||
                                   timer.async_wait(asio::as_tuple(asio::use_awaitable)));
                if (r.index() == 1)
                    throw std::runtime_error("handshake timed out");
                if (auto e = std::get<0>(r))
                    std::rethrow_exception(e);
                st.count(1, 0);
            } catch (std::exception const& e) {
                if (st.measuring)
                    ++failures;
                st.fail(e.what());
                failed = true;
            }
            if (failed) { // a refused connection fails at once: do not spin on it
                timer.expires_after(std::chrono::milliseconds(10));
                co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
            }
        }
    };
    for (unsigned i = 0; i < o.concurrency; ++i)
        asio::co_spawn(io, worker(), asio::detached);

    asio::steady_timer timer(io);
    st.schedule(timer, o.warmup, o.duration);
    io.run();
    st.settle();

    handshake_result r;
    r.duration_s = st.duration_s();
    r.handshakes = st.messages;
    r.failures = failures;
    r.error = st.error;
    r.client_cpu = st.client_cpu();
    return r;
}

} // namespace sockconf::bench
