// One WebSocket connection: read the HTTP upgrade request, act on the plan its
// target asks for (ws_plan.hpp), then accept / reject / echo / close as
// echo-servers/README.md documents; its wire record from the first byte to the
// end. ws:// and wss:// share it (templated on the next layer: beast::tcp_stream,
// or tls_stream over one). Beast parses the upgrade request and answers the ones
// it refuses; the 101 is ws_accept.hpp's, and the frames after it are
// frame_echo's (both say why). Used by ws_session.cpp only (start_ws_session, start_wss_session).
//
// As Beast splits its stream's members over impl/ headers, this declares the
// session and its lifetime, and the members are defined by concern:
//   ws_handshake.hpp   the TLS handshake, the HTTP upgrade request, refusals,
//                      /delay and /hang, the 101 (everything up to the frames);
//   frame_loop.hpp     after the 101: the one writer, the reads, what the
//                      protocol's state means for the connection, its end;
//   ws_behaviours.hpp  what the target makes the server send of its own accord
//                      after the 101: the /handshake report, /push, /close and
//                      /drop (at once or after N messages), /fragment, pings.
#pragma once

#include "context.hpp"
#include "frame_echo.hpp"
#include "ws_plan.hpp"

#include <sockconf/net/io_buffer.hpp>
#include <sockconf/net/tls_stream.hpp>
#include <sockconf/net/transfer_whole.hpp>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace sockconf::echo::detail {

// Short names for the session's parts (this header and its parts are included
// by ws_session.cpp only).
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using net::io_buffer;
using net::tls_stream;
using net::transfer_whole;
using boost::system::error_code;

/// One connection over `Next` (beast::tcp_stream for ws://, tls_stream over it
/// for wss://): the same behaviours and wire records either way.
template <class Next>
class ws_session final : public session_base, public std::enable_shared_from_this<ws_session<Next>> {
    static constexpr bool tls = !std::is_same_v<Next, beast::tcp_stream>;
    using std::enable_shared_from_this<ws_session<Next>>::shared_from_this;

public:
    template <class... Args>
    ws_session(server_context ctx, Args&&... args) : ctx_(ctx), stream_(std::forward<Args>(args)...)
    {
        // ws://: writes are tried at once and only wait when the socket is full. Set
        // before the first asynchronous operation, so that Asio's own switch to
        // non-blocking (an ioctl per socket) is this one, not a second one.
        if constexpr (!tls) {
            error_code ignored;
            beast::get_lowest_layer(stream_).socket().non_blocking(true, ignored);
        }
    }

    /// Open the wire record, once, before run(); session_registry::add calls it.
    /// Recorded from the first byte so garbage and half handshakes leave a trace too.
    std::uint64_t open_record(accepted_from const& from)
    {
        wire_record r;
        r.kind = transport::websocket;
        r.tls = tls;
        fill_endpoints(from, r);
        return id_ = ctx_.log.add(std::move(r));
    }

    ~ws_session() override
    {
        // Normally already finished; this covers handlers dropped by io_context::stop().
        finish(conn_end::server_closed);
        ctx_.registry.remove(this);
    }

    /// The TLS handshake (wss://), then read_request().
    void run();
    void read_request();

    void shutdown() override
    {
        asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
            self->stopping_ = true;
            self->timer_.cancel();
            self->ping_timer_.cancel();
            // Close the socket outright: stop() must be prompt, not wait on closing handshakes.
            beast::get_lowest_layer(self->stream_).close();
        });
    }

private:
    std::chrono::milliseconds handshake_timeout() const
    {
        return std::chrono::milliseconds(ctx_.opts.handshake_timeout_ms);
    }

    std::string timeout_text() const { return std::to_string(ctx_.opts.handshake_timeout_ms); }

    /// The read buffer's first size, and the size it grows to (io_buffer_bytes):
    /// 1 KiB, malloc's per-thread cache bound, so a short connection's buffer
    /// comes from it.
    static constexpr std::size_t first_read_bytes = 1024;
    std::size_t full_read_buffer() const { return std::max<std::size_t>(ctx_.opts.io_buffer_bytes, first_read_bytes); }

    /// End the record, releasing the max_connections slot first, so a client
    /// that sees this connection ended can count on its slot being free.
    void finish(conn_end how, std::string error = {})
    {
        if (holds_slot_) {
            holds_slot_ = false;
            ctx_.ws_slots.fetch_sub(1);
        }
        ctx_.log.finish(id_, how, std::move(error));
    }

    void fail(std::string what)
    {
        finish(conn_end::error, std::move(what));
        beast::get_lowest_layer(stream_).close();
    }

    asio::ip::tcp::socket& raw() { return beast::get_lowest_layer(stream_).socket(); }

    void close_socket()
    {
        error_code ignored;
        raw().close(ignored);
    }

    // ws_handshake.hpp
    void arm_deadline();
    void disarm_deadline();
    void on_tls_error(error_code ec);
    void on_request(error_code ec);
    void answer(std::optional<http::status> refusal, std::string const& why);
    void hang();
    void reject(http::status status, std::string const& why);
    void accept();
    void on_accept(error_code ec, bool by_beast);

    // ws_behaviours.hpp
    void start_frames();
    bool may_ping() const;
    void write_ping();
    void on_ping_written(error_code ec);
    void push_more();
    void server_close(std::uint16_t code, std::string const& reason);
    void drop();

    // frame_loop.hpp
    void pump();
    bool write_output();
    void on_output_written(error_code ec);
    void read();
    void on_read(error_code ec, std::size_t n);
    void process();
    void record();
    void on_io_error(error_code ec);
    void note_tls_end(error_code ec);
    void teardown();
    bool drained_now();
    void drain();

    /// Where the connection is after the handshake (what pump() does next).
    enum class phase {
        pushing,  ///< /push: the server's messages go out first
        reading,  ///< echoing (and, after a close frame of ours, waiting for the client's)
        dropping, ///< /drop: close the TCP connection once the output is out
        teardown, ///< the closing handshake is over: end the connection once the output is out
        done      ///< nothing more (ended, or ending on its own)
    };

    server_context ctx_;
    Next stream_;
    /// Only for a request Beast refuses (ws_handshake.hpp, accept()): the 101
    /// and every frame after it are the session's own.
    std::optional<websocket::stream<Next&>> refusing_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    ws_plan plan_;
    std::uint64_t id_ = 0;
    std::string out_text_;            ///< the 101 (ws_accept.hpp), then the /push payload or /handshake report
    bool stopping_ = false;
    std::uint32_t deadline_ = 0;      ///< number of the opening handshake's live deadline (arm_deadline)
    bool deadline_passed_ = false;    ///< it passed: the socket was closed for it
    bool holds_slot_ = false;         ///< counts against max_connections
    asio::steady_timer timer_{stream_.get_executor()};
    asio::steady_timer ping_timer_{stream_.get_executor()};
    std::array<char, 512> sink_{};    ///< /hang reads into it
    // After the handshake: the protocol, the read buffer and its unconsumed
    // part [rbeg_, rend_), what a full socket has not taken yet, and what the
    // connection is doing.
    std::optional<frame_echo> echo_;
    io_buffer rbuf_; ///< not zeroed: only what reads write is resident
    std::size_t room_ = 0;          ///< what the read under way may fill
    bool last_read_filled_ = false; ///< the last read filled it: grow the buffer (read())
    std::size_t rbeg_ = 0;
    std::size_t rend_ = 0;
    std::vector<asio::const_buffer> rest_;
    io_buffer tls_out_;               ///< wss://: the output copied into one buffer (write_output says why)
    phase phase_ = phase::reading;
    bool reading_ = false;
    bool writing_ = false;            ///< one write at a time (output or a ping)
    std::uint64_t pushed_ = 0;        ///< /push messages put in the output
    std::uint64_t next_ping_ = 1;     ///< the ping to send next
    bool ping_ready_ = false;         ///< it is due
    std::string ping_frame_;
    std::string close_error_;         ///< why the server is closing (1009)
    bool close_timed_out_ = false;    ///< no close frame answered ours within handshake_timeout_ms
    bool teardown_timed_out_ = false; ///< the client did not end the connection within handshake_timeout_ms
    bool close_received_recorded_ = false;
    bool close_sent_recorded_ = false;
};

} // namespace sockconf::echo::detail

#include "ws_handshake.hpp"
#include "ws_behaviours.hpp"
#include "frame_loop.hpp"
