// run_beast_plain_load: the baseline client, as Beast's documentation writes one.
#include <sockconf/bench/api_load.hpp>

#include "detail/window.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <deque>
#include <memory>
#include <stdexcept>

namespace sockconf::bench {

namespace {

namespace asio = boost::asio;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

class plain_connection {
public:
    plain_connection(asio::io_context& io, detail::run_window& st, std::string const& payload)
        : ws_(io), st_(st), payload_(payload)
    {
    }

    void start(tcp::endpoint ep, load_target const& t, unsigned in_flight, bool text)
    {
        credits_ = in_flight;
        ws_.binary(!text);
        ws_.next_layer().async_connect(ep, [this, t](boost::system::error_code ec) {
            if (ec)
                return fail("connect", ec);
            ws_.next_layer().set_option(tcp::no_delay(true));
            ws_.async_handshake(t.host + ":" + std::to_string(t.port), t.path, [this](boost::system::error_code ec) {
                if (ec)
                    return fail("handshake", ec);
                opened_ = true;
                write_next();
                read_next();
            });
        });
    }
    bool opened() const noexcept { return opened_; }

private:
    void write_next()
    {
        if (writing_ || credits_ == 0)
            return;
        writing_ = true;
        --credits_;
        sent_at_.push_back(clock_type::now());
        if (st_.measuring)
            ++st_.sent;
        ws_.async_write(asio::buffer(payload_), [this](boost::system::error_code ec, std::size_t) {
            writing_ = false;
            if (ec)
                return fail("write", ec);
            write_next();
        });
    }

    void read_next()
    {
        ws_.async_read(buf_, [this](boost::system::error_code ec, std::size_t n) {
            if (ec)
                return fail("read", ec);
            buf_.consume(buf_.size());
            if (st_.measuring && !sent_at_.empty())
                st_.latency.record(static_cast<std::uint64_t>((clock_type::now() - sent_at_.front()).count()));
            st_.count(1, n);
            if (!sent_at_.empty())
                sent_at_.pop_front();
            ++credits_;
            write_next();
            read_next();
        });
    }

    void fail(char const* what, boost::system::error_code ec)
    {
        if (!st_.ended && st_.error.empty())
            st_.error = std::string(what) + ": " + ec.message();
    }

    websocket::stream<tcp::socket> ws_;
    detail::run_window& st_;
    std::string const& payload_;
    boost::beast::flat_buffer buf_;
    std::deque<clock_type::time_point> sent_at_;
    unsigned credits_ = 0;
    bool writing_ = false;
    bool opened_ = false;
};

} // namespace

load_result run_beast_plain_load(load_options const& o)
{
    if (o.target.kind != transport::ws)
        throw std::invalid_argument("the plain Beast client is ws only");
    asio::io_context io(1);
    detail::run_window st(io, o.max_messages, o.on_window_start, o.on_window_end, o.stop);
    auto const payload = payload_bytes(o.size, o.payload);
    tcp::endpoint const ep(asio::ip::make_address(o.target.host), o.target.port);
    std::vector<std::unique_ptr<plain_connection>> conns;
    for (unsigned i = 0; i < o.connections; ++i) {
        conns.push_back(std::make_unique<plain_connection>(io, st, payload));
        conns.back()->start(ep, o.target, o.in_flight, o.payload == payload_kind::text);
    }
    // Everything opens within connect_timeout, then warm-up, then the window.
    asio::steady_timer timer(io, o.connect_timeout);
    std::function<void()> check_open;
    bool all_open = false;
    asio::steady_timer poll(io);
    asio::steady_timer window_timer(io);
    check_open = [&] {
        bool all = true;
        for (auto& c : conns)
            all = all && c->opened();
        if (all) {
            all_open = true;
            timer.cancel();
            st.schedule(window_timer, o.warmup, o.duration);
            return;
        }
        if (!st.error.empty())
            return st.end_window();
        poll.expires_after(std::chrono::milliseconds(1));
        poll.async_wait([&](boost::system::error_code ec) {
            if (!ec)
                check_open();
        });
    };
    timer.async_wait([&](boost::system::error_code ec) {
        if (!ec && !all_open)
            st.end_window();
    });
    check_open();
    io.run();
    if (!all_open)
        throw std::runtime_error("the plain Beast client could not open its connections" +
                                 (st.error.empty() ? std::string() : ": " + st.error));
    st.settle();
    return st.result();
}

} // namespace sockconf::bench
