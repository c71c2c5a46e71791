// WebSocket frames for the load generator: building pre-masked frames and a
// streaming parser that never allocates (RFC 6455 section 5.2).
//
// The load generator writes many frames in one write and parses replies out of
// its read buffer itself: at one library read and write per message a client
// core stops near 150k messages/s (shared/reference/performance.md).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace sockconf::bench {

enum class ws_opcode : std::uint8_t {
    continuation = 0x0,
    text = 0x1,
    binary = 0x2,
    close = 0x8,
    ping = 0x9,
    pong = 0xA,
};

/// Bytes of a frame header for `payload_size` bytes: 2, 4 or 10, plus 4 when masked.
std::size_t frame_header_size(std::uint64_t payload_size, bool masked) noexcept;

/// Write one final frame (FIN set) carrying `payload` into `out`, which must hold
/// frame_header_size(payload.size(), mask != nullptr) + payload.size() bytes.
/// With a mask the payload is written masked (a client's frame). Returns the
/// number of bytes written.
std::size_t write_frame(std::byte* out, ws_opcode op, std::span<std::byte const> payload,
                        std::array<std::byte, 4> const* mask) noexcept;

/// Outcome of frame_parser::feed.
enum class parse_status {
    ok,             ///< every byte consumed; more may follow
    close_received, ///< a close frame ended; bytes after it were not consumed
    protocol_error, ///< reserved bits, an unknown opcode, a bad control frame
};

/// Streaming frame parser. Bytes may arrive split anywhere (inside a header too).
/// Data frames are reported as payload chunks and one message at the FIN frame
/// (continuations joined); ping/pong are skipped; masked frames are unmasked.
class frame_parser {
public:
    /// Consume `data`. For every payload byte run of a data message, calls
    /// on_chunk(std::span<std::byte const> bytes, std::uint64_t offset_in_message);
    /// at the end of every data message on_message(ws_opcode first_opcode, std::uint64_t size).
    template <class OnChunk, class OnMessage>
    parse_status feed(std::span<std::byte const> data, OnChunk&& on_chunk, OnMessage&& on_message);

    /// Payload bytes of the current data frame not yet received (0 between
    /// frames and in control frames): a reader that does not need them may
    /// discard up to that many unread and report them with skip().
    std::uint64_t skippable() const noexcept
    {
        return in_payload_ && (static_cast<std::uint8_t>(op_) & 0x8) == 0 ? remaining_ : 0;
    }
    /// `n` (<= skippable()) payload bytes were discarded unread; calls
    /// on_message as feed does when that ends a message.
    template <class OnMessage>
    void skip(std::uint64_t n, OnMessage&& on_message);

    /// Bytes of the close frame's payload received so far (its status code first).
    std::span<std::byte const> close_payload() const noexcept { return {close_.data(), close_size_}; }

private:
    // Header bytes gathered so far (a header can be split across reads).
    std::array<std::byte, 14> header_{};
    std::size_t header_have_ = 0;
    // The frame whose payload is being consumed.
    bool in_payload_ = false;
    bool fin_ = false;
    bool masked_ = false;
    ws_opcode op_ = ws_opcode::continuation;
    std::array<std::byte, 4> mask_{};
    std::uint64_t remaining_ = 0;
    std::uint64_t frame_offset_ = 0;
    // The message the data frames belong to.
    ws_opcode message_op_ = ws_opcode::continuation;
    std::uint64_t message_size_ = 0;
    // A close frame's payload (at most 125 bytes).
    std::array<std::byte, 125> close_{};
    std::size_t close_size_ = 0;
    // Unmasked copy of a masked chunk, reported in pieces of this size.
    std::array<std::byte, 512> unmask_{};

    parse_status take_header();
    std::size_t header_needed() const noexcept;
};

} // namespace sockconf::bench

#include <sockconf/bench/impl/frame.hpp>
