#include "frame_echo.hpp"

#include "context.hpp"

#include <boost/beast/websocket/detail/frame.hpp>
#include <boost/beast/websocket/error.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <algorithm>
#include <cstring>
#include <limits>

namespace sockconf::echo::detail {

namespace websocket = boost::beast::websocket;
using boost::system::error_code;

namespace {

// Opcodes (RFC 6455 5.2).
constexpr std::uint8_t op_cont = 0x0, op_text = 0x1, op_binary = 0x2, op_close = 0x8, op_ping = 0x9,
                       op_pong = 0xA;

// Payloads up to this size are copied next to their header into the arena (one
// contiguous write region); larger ones are referenced where they were read, so
// a 1 MiB echo costs no extra copy. A tuning point, not a limit.
constexpr std::size_t copy_threshold = 2048;

// max_message_bytes 0 ("no limit") in effect: a message is buffered whole, so
// some bound there must be (1 GiB: far above any case's message).
constexpr std::uint64_t no_limit_cap = std::uint64_t{1} << 30;

// XOR the client's mask over `p` (RFC 6455 5.3), `offset` bytes into the frame's
// payload. 64 bytes per step in GCC/Clang vector types (SSE2 or better on x86-64,
// whatever the target has elsewhere): at 64 KiB this is the server's main own cost.
void unmask(char* p, std::size_t n, std::uint32_t key, std::size_t offset) noexcept
{
    unsigned char k[4];
    std::memcpy(k, &key, 4);
    using v16 = unsigned char __attribute__((vector_size(16)));
    unsigned char rk[16];
    for (std::size_t i = 0; i < 16; ++i)
        rk[i] = k[(offset + i) % 4];
    v16 wide;
    std::memcpy(&wide, rk, 16);
    std::size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        v16 a, b, c, d;
        std::memcpy(&a, p + i, 16);
        std::memcpy(&b, p + i + 16, 16);
        std::memcpy(&c, p + i + 32, 16);
        std::memcpy(&d, p + i + 48, 16);
        a ^= wide;
        b ^= wide;
        c ^= wide;
        d ^= wide;
        std::memcpy(p + i, &a, 16);
        std::memcpy(p + i + 16, &b, 16);
        std::memcpy(p + i + 32, &c, 16);
        std::memcpy(p + i + 48, &d, 16);
    }
    for (; i + 16 <= n; i += 16) {
        v16 a;
        std::memcpy(&a, p + i, 16);
        a ^= wide;
        std::memcpy(p + i, &a, 16);
    }
    for (; i < n; ++i)
        p[i] = static_cast<char>(p[i] ^ rk[i % 16]);
}

std::uint16_t be16(char const* p) noexcept
{
    return static_cast<std::uint16_t>((static_cast<unsigned char>(p[0]) << 8) | static_cast<unsigned char>(p[1]));
}

bool is_control(std::uint8_t op) noexcept { return op >= 0x8; }

} // namespace

frame_echo::frame_echo(std::uint64_t max_message_bytes, std::size_t record_limit)
    : max_(max_message_bytes), record_limit_(record_limit)
{
}

frame_echo::parse frame_echo::parse_header(char const* p, std::size_t n, frame_header& fh)
{
    if (n < 2)
        return parse::incomplete;
    auto const b0 = static_cast<unsigned char>(p[0]);
    auto const b1 = static_cast<unsigned char>(p[1]);
    std::uint64_t len = b1 & 0x7f;
    bool const masked = (b1 & 0x80) != 0;
    std::size_t need = 2 + (len == 126 ? 2 : len == 127 ? 8 : 0) + (masked ? 4 : 0);
    if (n < need)
        return parse::incomplete;
    fh.fin = (b0 & 0x80) != 0;
    fh.opcode = b0 & 0x0f;
    bool const rsv = (b0 & 0x70) != 0;
    // The checks in Beast's order (stream_impl parse_fh), so the same error wins.
    switch (fh.opcode) {
    case op_text:
    case op_binary:
        if (in_message_)
            return fail(websocket::error::bad_data_frame, 1002), parse::bad;
        if (rsv) // no extension is negotiated
            return fail(websocket::error::bad_reserved_bits, 1002), parse::bad;
        break;
    case op_cont:
        if (!in_message_)
            return fail(websocket::error::bad_continuation, 1002), parse::bad;
        if (rsv)
            return fail(websocket::error::bad_reserved_bits, 1002), parse::bad;
        break;
    case op_close:
    case op_ping:
    case op_pong:
        if (!fh.fin)
            return fail(websocket::error::bad_control_fragment, 1002), parse::bad;
        if (len > 125)
            return fail(websocket::error::bad_control_size, 1002), parse::bad;
        if (rsv)
            return fail(websocket::error::bad_reserved_bits, 1002), parse::bad;
        break;
    default:
        return fail(websocket::error::bad_opcode, 1002), parse::bad;
    }
    if (!masked)
        return fail(websocket::error::bad_unmasked_frame, 1002), parse::bad;
    std::size_t at = 2;
    if (len == 126) {
        len = be16(p + 2);
        at = 4;
        if (len < 126)
            return fail(websocket::error::bad_size, 1002), parse::bad;
    } else if (len == 127) {
        len = 0;
        for (int i = 0; i < 8; ++i)
            len = (len << 8) | static_cast<unsigned char>(p[2 + i]);
        at = 10;
        // RFC 6455 5.2: the most significant bit MUST be 0. Without this check a
        // length near 2^64 wrapped header + payload to a few bytes, and the frame's
        // "payload" was unmasked far past the buffer (fuzz/regressions/frame_echo/).
        if (len < 65536 || (len >> 63) != 0)
            return fail(websocket::error::bad_size, 1002), parse::bad;
    }
    std::memcpy(&fh.key, p + at, 4);
    fh.len = len;
    fh.header_bytes = at + 4;
    return parse::ok;
}

std::size_t frame_echo::consume(char* data, std::size_t size)
{
    std::size_t pos = 0;
    need_ = 0;
    while (state_ == state::open || state_ == state::closing) {
        if (skip_left_ > 0 || (skip_fin_ && discarding_)) {
            // The rest of a frame that is not echoed (too big, or after our close).
            auto const n = static_cast<std::size_t>(std::min<std::uint64_t>(skip_left_, size - pos));
            discard(data + pos, n);
            pos += n;
            skip_left_ -= n;
            if (skip_left_ > 0)
                break; // more of it to come
            if (state_ == state::failed)
                break; // invalid UTF-8 in the discarded text
            if (discarding_ && skip_fin_) {
                // The oversized message ended: report it (the session closes 1009).
                big_.binary = message_binary_;
                big_.size = static_cast<std::size_t>(message_size_);
                in_message_ = discarding_ = skip_fin_ = false;
                message_.clear();
                ++messages_;
                bytes_ += message_size_;
                state_ = state::too_big;
                break;
            }
            continue;
        }
        frame_header fh;
        auto const r = parse_header(data + pos, size - pos, fh);
        if (r != parse::ok)
            break; // incomplete header (need_ stays 0), or failed
        if (is_control(fh.opcode)) {
            std::size_t const whole = fh.header_bytes + static_cast<std::size_t>(fh.len);
            if (size - pos < whole) {
                need_ = whole;
                break;
            }
            control(fh, data + pos + fh.header_bytes);
            pos += whole;
            continue;
        }
        bool const starts = fh.opcode != op_cont;
        std::uint64_t const so_far = starts ? 0 : message_size_;
        // A frame is buffered whole before it is echoed: with no limit (0) a
        // client could still make the server allocate any size, so 0 means
        // no_limit_cap.
        std::uint64_t const max = max_ != 0 ? max_ : no_limit_cap;
        bool const over = fh.len > max || so_far > max - fh.len;
        bool const skip = state_ == state::closing || discarding_ || over;
        std::size_t const whole = fh.header_bytes + static_cast<std::size_t>(fh.len);
        // Nothing changes until the frame can be taken whole (or skipped): an
        // incomplete one is parsed again after the next read.
        if (!skip && size - pos < whole) {
            need_ = whole;
            break;
        }
        if (starts) {
            in_message_ = true;
            message_binary_ = fh.opcode == op_binary;
            message_size_ = 0;
            message_.clear();
            utf8_.reset();
        }
        if (skip) {
            if (state_ == state::open && !discarding_) {
                // Over the limit: keep the head, read the rest to its end (to know its size).
                discarding_ = true;
                big_.head.assign(message_.data(), std::min(message_.size(), head_limit));
            }
            skip_left_ = fh.len;
            skip_key_ = fh.key;
            skip_key_offset_ = 0;
            skip_fin_ = fh.fin;
            pos += fh.header_bytes;
            if (state_ == state::closing && fh.fin)
                in_message_ = false;
            continue;
        }
        if (!data_frame(fh, data + pos + fh.header_bytes))
            break;
        pos += whole;
    }
    return pos;
}

// A whole data frame of a message within the limit.
bool frame_echo::data_frame(frame_header const& fh, char* payload)
{
    auto const n = static_cast<std::size_t>(fh.len);
    unmask(payload, n, fh.key, 0);
    message_size_ += n;
    if (!message_binary_) {
        // Checked before anything of the message is echoed: never echo invalid text.
        if (!utf8_.write(reinterpret_cast<std::uint8_t const*>(payload), n) || (fh.fin && !utf8_.finish())) {
            fail(websocket::error::bad_frame_payload, 1007);
            return false;
        }
    }
    if (fh.fin && fh.opcode != op_cont) {
        // The common case: a message in one frame, echoed from where it lies.
        in_message_ = false;
        record(message_binary_, payload, n, n);
        echo(message_binary_, payload, n, true);
        echoed();
        return true;
    }
    message_.insert(message_.end(), payload, payload + n);
    if (fh.fin) {
        in_message_ = false;
        record(message_binary_, message_.data(), message_.size(), message_.size());
        // Copied: message_ is reused by the next fragmented message of this batch.
        echo(message_binary_, message_.data(), message_.size(), false);
        message_.clear();
        echoed();
    }
    return true;
}

void frame_echo::echoed()
{
    if (++echoed_ == limit_)
        state_ = state::limit_reached;
}

void frame_echo::control(frame_header const& fh, char* payload)
{
    auto const n = static_cast<std::size_t>(fh.len);
    unmask(payload, n, fh.key, 0);
    if (fh.opcode == op_pong) {
        ++pongs_;
        return;
    }
    if (fh.opcode == op_ping) {
        ++pings_;
        if (state_ == state::open) {
            write_header(op_pong, n);
            append_arena(payload, n);
        }
        return;
    }
    // Close (Beast's read_close: every bad close payload is a protocol error).
    std::optional<std::uint16_t> code;
    if (n == 1)
        return fail(websocket::error::bad_close_size, 1002);
    if (n >= 2) {
        code = be16(payload);
        if (!websocket::detail::is_valid_close_code(*code))
            return fail(websocket::error::bad_close_code, 1002);
        std::string_view const reason(payload + 2, n - 2);
        websocket::detail::utf8_checker check;
        if (!check.write(reinterpret_cast<std::uint8_t const*>(reason.data()), reason.size()) || !check.finish())
            return fail(websocket::error::bad_close_payload, 1002);
        client_code_ = code;
        client_reason_.assign(reason);
    }
    close_received_ = true;
    if (state_ == state::closing) {
        state_ = state::closed;
        return;
    }
    // Answer with the client's code, and with none when it had none: an empty
    // close frame says "no status" (the client reports 1005), and 1000 would
    // put a code on the wire the client never sent (Beast's stream does that).
    write_close(code, {});
    state_ = state::client_closed;
}

void frame_echo::send_close(std::uint16_t code, std::string const& reason)
{
    if (code == 0)
        write_close(std::nullopt, {});
    else
        write_close(code, reason);
    state_ = state::closing;
}

void frame_echo::write_close(std::optional<std::uint16_t> code, std::string_view reason)
{
    close_sent_ = true;
    sent_code_ = code;
    if (!code) {
        write_header(op_close, 0);
        return;
    }
    char const body[2] = {static_cast<char>(*code >> 8), static_cast<char>(*code & 0xff)};
    write_header(op_close, 2 + reason.size());
    append_arena(body, 2);
    append_arena(reason.data(), reason.size());
}

std::string frame_echo::ping_frame(std::string_view payload)
{
    auto const n = std::min<std::size_t>(payload.size(), 125);
    std::string out;
    out.reserve(2 + n);
    out.push_back(static_cast<char>(0x80 | op_ping));
    out.push_back(static_cast<char>(n));
    out.append(payload.substr(0, n));
    return out;
}

void frame_echo::send_message(bool binary, char const* payload, std::size_t n)
{
    write_header(binary ? op_binary : op_text, n);
    write_payload(payload, n, true);
}

void frame_echo::fail(error_code ec, std::uint16_t close_code)
{
    error_ = ec;
    if (state_ == state::closing) {
        state_ = state::failed; // our close frame is out already: no second one
        return;
    }
    write_close(close_code, {});
    state_ = state::failed;
}

// Bytes of a frame that is not echoed: after our close frame nothing is looked
// at; in a too-big message the head is kept and text still validated.
void frame_echo::discard(char* p, std::size_t n)
{
    if (state_ == state::closing || n == 0)
        return;
    unmask(p, n, skip_key_, skip_key_offset_);
    skip_key_offset_ += n;
    message_size_ += n;
    if (big_.head.size() < head_limit)
        big_.head.append(p, std::min(n, head_limit - big_.head.size()));
    if (!message_binary_ && (!utf8_.write(reinterpret_cast<std::uint8_t const*>(p), n) ||
                             (skip_fin_ && skip_left_ == n && !utf8_.finish())))
        fail(websocket::error::bad_frame_payload, 1007);
}

void frame_echo::record(bool binary, char const* payload, std::size_t n, std::size_t size)
{
    ++messages_;
    bytes_ += size;
    if (recorded_count_ >= record_limit_)
        return; // counted only: a long run must not grow the log per message
    ++recorded_count_;
    recorded_.push_back(wire_message{binary, size, std::string(payload, std::min(n, head_limit))});
}

void frame_echo::echo(bool binary, char const* payload, std::size_t n, bool reference)
{
    std::uint8_t const opcode = binary ? op_binary : op_text;
    if (fragment_ == 0 || n <= fragment_) {
        write_header(opcode, n);
        write_payload(payload, n, reference);
        return;
    }
    // /fragment: frames of fragment_ bytes, the last one with the rest and FIN.
    for (std::size_t at = 0; at < n; at += fragment_) {
        auto const len = std::min(fragment_, n - at);
        write_header(at == 0 ? opcode : op_cont, len, at + len == n);
        write_payload(payload + at, len, reference);
    }
}

void frame_echo::write_payload(char const* payload, std::size_t n, bool reference)
{
    if (!reference || n <= copy_threshold) {
        append_arena(payload, n);
        return;
    }
    segments_.push_back(segment{payload, 0, n});
    output_bytes_ += n;
}

void frame_echo::write_header(std::uint8_t opcode, std::size_t len, bool fin)
{
    // Server frames are unmasked (RFC 6455 5.2); fragmented only for /fragment.
    char h[10];
    std::size_t hn = 2;
    h[0] = static_cast<char>((fin ? 0x80 : 0) | opcode);
    if (len < 126) {
        h[1] = static_cast<char>(len);
    } else if (len <= 0xffff) {
        h[1] = 126;
        h[2] = static_cast<char>(len >> 8);
        h[3] = static_cast<char>(len & 0xff);
        hn = 4;
    } else {
        h[1] = 127;
        for (int i = 0; i < 8; ++i)
            h[2 + i] = static_cast<char>((static_cast<std::uint64_t>(len) >> (56 - 8 * i)) & 0xff);
        hn = 10;
    }
    append_arena(h, hn);
}

void frame_echo::append_arena(char const* p, std::size_t n)
{
    if (n == 0)
        return;
    output_bytes_ += n;
    std::size_t const at = arena_.size();
    arena_.insert(arena_.end(), p, p + n);
    // Consecutive arena bytes stay one segment: one iovec for a run of small replies.
    if (!segments_.empty() && segments_.back().data == nullptr &&
        segments_.back().offset + segments_.back().size == at) {
        segments_.back().size += n;
        return;
    }
    segments_.push_back(segment{nullptr, at, n});
}

std::vector<boost::asio::const_buffer> const& frame_echo::output()
{
    buffers_.clear();
    for (auto const& s : segments_)
        buffers_.emplace_back(s.data ? s.data : arena_.data() + s.offset, s.size);
    return buffers_;
}

void frame_echo::clear_output()
{
    arena_.clear();
    segments_.clear();
    buffers_.clear();
    output_bytes_ = 0;
}

} // namespace sockconf::echo::detail
