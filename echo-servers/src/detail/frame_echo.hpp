// A WebSocket server connection's frames as a transformation of bytes, with no
// I/O: feed it what the client sent, it answers with what the server writes
// back, and says what the wire record should learn. After Beast's opening
// handshake every WebSocket connection (ws:// and wss://, every behaviour) runs
// on it, so every byte the server sends after the 101 is decided here.
//
// Why it exists: echoing one message per read and one write per message caps a
// core near 150k messages/s. This consumes every complete frame already read,
// gathers all replies into one write list (small payloads copied into one
// arena, large ones referenced where they lie), and allocates nothing per
// message once its buffers have grown (wire records keep the heads of the first
// `record_limit` messages only). And why not Beast's stream after the
// handshake: Beast answers a close frame without a status code with 1000
// (read.hpp: `code_ = cr.code == close_code::none ? close_code::normal : ...`),
// which the client then reports instead of 1005, and offers no way to answer
// otherwise (its control callback must not send a close frame).
//
// Protocol rules are Beast's, with Beast's error codes, so a client sees the
// same close codes: 1002 for protocol errors, 1007 for invalid UTF-8 (text is
// validated before any of it is echoed), a message over max_message_bytes read
// to its end, kept to its first head_limit bytes and answered with 1009. A
// client's close frame is answered with its status code, and with no code when
// it had none (RFC 6455 5.5.1: the answer typically echoes the code received;
// an empty close frame has none to echo).
#pragma once

#include <sockconf/echo/wire_log.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/beast/websocket/detail/utf8_checker.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sockconf::echo::detail {

class frame_echo {
public:
    enum class state {
        open,          ///< echoing
        limit_reached, ///< the message limit (stop_after) was echoed; the session closes or drops
        client_closed, ///< the client's close frame arrived; the answer is in the output
        failed,        ///< protocol error; the close frame (1002/1007) is in the output, see error()
        too_big,       ///< a message over max_message_bytes ended; see too_big_message()
        closing,       ///< the server sent its close frame; waiting for the client's
        closed         ///< the client's close frame arrived after ours
    };

    /// `max_message_bytes` 0: no limit but 1 GiB (messages are buffered whole). `record_limit`: messages whose heads are
    /// kept for the wire record (later ones are only counted).
    frame_echo(std::uint64_t max_message_bytes, std::size_t record_limit);

    /// Echo each message in frames of at most `bytes` payload bytes (0: one
    /// frame per message, the default).
    void fragment(std::size_t bytes) noexcept { fragment_ = bytes; }
    /// Stop once `messages` (> 0) messages have been echoed: consume() returns
    /// right after the last one's frame with the state limit_reached.
    void stop_after(std::uint64_t messages) noexcept { limit_ = messages; }

    /// Consume every complete frame at the front of [data, data + size) (the
    /// payloads are unmasked in place and may be referenced by the output until
    /// clear_output()); returns how many bytes were consumed. What is left is
    /// the start of a frame (or, after limit_reached, whatever follows): read
    /// more behind it and call again with it at the front. Stops early once the
    /// state is no longer open/closing.
    std::size_t consume(char* data, std::size_t size);

    /// Total bytes (header and payload) the frame at the front of the
    /// unconsumed rest needs to be consumed whole; 0 when its header is
    /// incomplete. Lets the reader grow its buffer once, to the right size.
    std::size_t frame_bytes_needed() const noexcept { return need_; }

    state current() const noexcept { return state_; }

    /// The gathered replies, in order, for one write.
    std::vector<boost::asio::const_buffer> const& output();
    bool has_output() const noexcept { return !segments_.empty(); }
    /// Bytes in the output (for batching what the server sends of its own accord).
    std::size_t output_bytes() const noexcept { return output_bytes_; }
    /// After the output was written: forget it (and let go of referenced payloads).
    void clear_output();

    /// A message of the server's own (/push, /handshake), in one frame. A
    /// payload above a small threshold is referenced, not copied: it must stay
    /// where it is until clear_output().
    void send_message(bool binary, char const* payload, std::size_t n);

    /// Start the server's closing handshake (close frame with `code`, no code
    /// when 0, and `reason` appended to the output); state becomes closing.
    void send_close(std::uint16_t code, std::string const& reason);

    /// A ping frame from the server with `payload` (at most 125 bytes), as
    /// bytes of its own: it is written apart from the output, so it can go out
    /// while a read is pending.
    static std::string ping_frame(std::string_view payload);

    // What the wire record learns; take_* empties them.
    std::vector<wire_message>& recorded() noexcept { return recorded_; }
    bool has_news() const noexcept { return !recorded_.empty() || messages_ || bytes_ || pings_ || pongs_; }
    std::uint64_t take_messages() noexcept { return std::exchange(messages_, 0); }
    std::uint64_t take_bytes() noexcept { return std::exchange(bytes_, 0); }
    std::uint64_t take_pings() noexcept { return std::exchange(pings_, 0); }
    std::uint64_t take_pongs() noexcept { return std::exchange(pongs_, 0); }

    /// A (valid) close frame from the client was consumed.
    bool close_received() const noexcept { return close_received_; }
    /// Its status code; nullopt when it had none.
    std::optional<std::uint16_t> client_close_code() const noexcept { return client_code_; }
    /// Its reason ("" when none).
    std::string const& client_close_reason() const noexcept { return client_reason_; }
    /// A close frame of the server's is in the output or was (an answer, 1002/1007, send_close).
    bool close_sent() const noexcept { return close_sent_; }
    /// Its status code; nullopt when it had none.
    std::optional<std::uint16_t> sent_close_code() const noexcept { return sent_code_; }
    /// Why the state is failed (a beast::websocket::error).
    boost::system::error_code error() const noexcept { return error_; }
    /// The oversized message (state too_big): binary, size, head.
    wire_message const& too_big_message() const noexcept { return big_; }

private:
    struct frame_header {
        bool fin = false;
        std::uint8_t opcode = 0;
        std::uint64_t len = 0;
        std::uint32_t key = 0;
        std::size_t header_bytes = 0;
    };
    enum class parse { ok, incomplete, bad };

    parse parse_header(char const* p, std::size_t n, frame_header& fh);
    void fail(boost::system::error_code ec, std::uint16_t close_code);
    void control(frame_header const& fh, char* payload);
    bool data_frame(frame_header const& fh, char* payload);
    /// `reference`: a payload above the copy threshold may be referenced where
    /// it lies (false when its memory is reused before the output is written).
    void echo(bool binary, char const* payload, std::size_t n, bool reference);
    void echoed();
    void write_close(std::optional<std::uint16_t> code, std::string_view reason);
    void write_payload(char const* payload, std::size_t n, bool reference);
    void write_header(std::uint8_t opcode, std::size_t len, bool fin = true);
    void record(bool binary, char const* payload, std::size_t n, std::size_t size);
    void append_arena(char const* p, std::size_t n);
    void discard(char* p, std::size_t n);

    std::uint64_t max_;
    std::size_t record_limit_;
    std::size_t recorded_count_ = 0;
    std::size_t fragment_ = 0;
    std::uint64_t limit_ = 0;  ///< stop_after; 0: none
    std::uint64_t echoed_ = 0; ///< messages echoed, for limit_
    state state_ = state::open;
    std::size_t need_ = 0;

    // The message being assembled from fragments (or discarded: too big).
    bool in_message_ = false;
    bool message_binary_ = false;
    bool discarding_ = false;
    std::uint64_t message_size_ = 0;
    std::vector<char> message_;
    // A frame of a too-big message whose payload is still arriving.
    std::uint64_t skip_left_ = 0;
    std::uint32_t skip_key_ = 0;
    std::size_t skip_key_offset_ = 0;
    bool skip_fin_ = false;
    wire_message big_;

    // Output: segments index the arena (offset) or point at payloads (data).
    struct segment {
        char const* data; ///< null: arena bytes from `offset`
        std::size_t offset;
        std::size_t size;
    };
    std::vector<char> arena_;
    std::vector<segment> segments_;
    std::vector<boost::asio::const_buffer> buffers_;
    std::size_t output_bytes_ = 0;

    std::vector<wire_message> recorded_;
    std::uint64_t messages_ = 0, bytes_ = 0, pings_ = 0, pongs_ = 0;
    bool close_received_ = false;
    std::optional<std::uint16_t> client_code_;
    std::string client_reason_;
    bool close_sent_ = false;
    std::optional<std::uint16_t> sent_code_;
    boost::system::error_code error_;
    boost::beast::websocket::detail::utf8_checker utf8_;
};

} // namespace sockconf::echo::detail
