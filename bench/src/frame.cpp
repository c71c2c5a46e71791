#include <sockconf/bench/frame.hpp>

namespace sockconf::bench {

std::size_t frame_header_size(std::uint64_t payload_size, bool masked) noexcept
{
    std::size_t const len = payload_size < 126 ? 2 : payload_size <= 0xFFFF ? 4 : 10;
    return len + (masked ? 4 : 0);
}

std::size_t write_frame(std::byte* out, ws_opcode op, std::span<std::byte const> payload,
                        std::array<std::byte, 4> const* mask) noexcept
{
    std::uint64_t const size = payload.size();
    std::byte* p = out;
    *p++ = std::byte{0x80} | std::byte{static_cast<std::uint8_t>(op)};
    std::byte const mask_bit = mask ? std::byte{0x80} : std::byte{0};
    if (size < 126) {
        *p++ = mask_bit | std::byte{static_cast<std::uint8_t>(size)};
    } else if (size <= 0xFFFF) {
        *p++ = mask_bit | std::byte{126};
        *p++ = std::byte{static_cast<std::uint8_t>(size >> 8)};
        *p++ = std::byte{static_cast<std::uint8_t>(size)};
    } else {
        *p++ = mask_bit | std::byte{127};
        for (int shift = 56; shift >= 0; shift -= 8)
            *p++ = std::byte{static_cast<std::uint8_t>(size >> shift)};
    }
    if (mask) {
        for (auto b : *mask)
            *p++ = b;
        for (std::size_t i = 0; i < size; ++i)
            p[i] = payload[i] ^ (*mask)[i & 3];
    } else {
        for (std::size_t i = 0; i < size; ++i)
            p[i] = payload[i];
    }
    return static_cast<std::size_t>(p - out) + size;
}

std::size_t frame_parser::header_needed() const noexcept
{
    if (header_have_ < 2)
        return 2;
    auto const b1 = static_cast<std::uint8_t>(header_[1]);
    std::size_t const len7 = b1 & 0x7F;
    std::size_t const ext = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
    return 2 + ext + ((b1 & 0x80) ? 4 : 0);
}

parse_status frame_parser::take_header()
{
    auto const b0 = static_cast<std::uint8_t>(header_[0]);
    auto const b1 = static_cast<std::uint8_t>(header_[1]);
    if (b0 & 0x70) // RSV1-3: no extension was negotiated
        return parse_status::protocol_error;
    auto const op = static_cast<ws_opcode>(b0 & 0x0F);
    fin_ = (b0 & 0x80) != 0;
    masked_ = (b1 & 0x80) != 0;
    std::uint64_t len = b1 & 0x7F;
    std::size_t pos = 2;
    if (len == 126) {
        len = (std::uint64_t(std::uint8_t(header_[2])) << 8) | std::uint8_t(header_[3]);
        pos = 4;
    } else if (len == 127) {
        len = 0;
        for (std::size_t i = 0; i < 8; ++i)
            len = (len << 8) | std::uint8_t(header_[2 + i]);
        pos = 10;
    }
    if (masked_)
        for (std::size_t i = 0; i < 4; ++i)
            mask_[i] = header_[pos + i];
    switch (op) {
    case ws_opcode::text:
    case ws_opcode::binary:
        if (message_op_ != ws_opcode::continuation) // a new message inside a fragmented one
            return parse_status::protocol_error;
        message_op_ = op;
        break;
    case ws_opcode::continuation:
        if (message_op_ == ws_opcode::continuation)
            return parse_status::protocol_error;
        break;
    case ws_opcode::close:
    case ws_opcode::ping:
    case ws_opcode::pong:
        if (!fin_ || len > 125)
            return parse_status::protocol_error;
        close_size_ = 0;
        break;
    default:
        return parse_status::protocol_error;
    }
    op_ = op;
    remaining_ = len;
    frame_offset_ = 0;
    in_payload_ = true;
    return parse_status::ok;
}

} // namespace sockconf::bench
