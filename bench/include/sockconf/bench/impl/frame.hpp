// frame_parser::feed, a template so the per-byte-run callbacks inline into the
// load generator's read loop.
#pragma once

#include <algorithm>
#include <cstring>

namespace sockconf::bench {

template <class OnChunk, class OnMessage>
parse_status frame_parser::feed(std::span<std::byte const> data, OnChunk&& on_chunk, OnMessage&& on_message)
{
    std::byte const* p = data.data();
    std::size_t n = data.size();
    while (n > 0) {
        if (!in_payload_) {
            // Gather the fixed two bytes, then the extended length and mask.
            std::size_t need = header_needed();
            while (header_have_ < need && n > 0) {
                std::size_t take = std::min(need - header_have_, n);
                std::memcpy(header_.data() + header_have_, p, take);
                header_have_ += take;
                p += take;
                n -= take;
                need = header_needed();
            }
            if (header_have_ < need)
                return parse_status::ok;
            if (auto st = take_header(); st != parse_status::ok)
                return st;
            if (remaining_ > 0)
                continue;
            // An empty frame: fall through to its end below.
        }
        std::size_t const take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, n));
        bool const control = (static_cast<std::uint8_t>(op_) & 0x8) != 0;
        if (take > 0) {
            if (op_ == ws_opcode::close) {
                for (std::size_t i = 0; i < take; ++i)
                    close_[close_size_ + i] = masked_ ? p[i] ^ mask_[(frame_offset_ + i) & 3] : p[i];
                close_size_ += take;
            } else if (!control) {
                if (!masked_) {
                    on_chunk(std::span<std::byte const>(p, take), message_size_ + frame_offset_);
                } else {
                    for (std::size_t done = 0; done < take;) {
                        std::size_t const piece = std::min(unmask_.size(), take - done);
                        for (std::size_t i = 0; i < piece; ++i)
                            unmask_[i] = p[done + i] ^ mask_[(frame_offset_ + done + i) & 3];
                        on_chunk(std::span<std::byte const>(unmask_.data(), piece),
                                 message_size_ + frame_offset_ + done);
                        done += piece;
                    }
                }
            }
            p += take;
            n -= take;
            remaining_ -= take;
            frame_offset_ += take;
        }
        if (remaining_ > 0)
            return parse_status::ok;
        // The frame ended.
        in_payload_ = false;
        header_have_ = 0;
        if (op_ == ws_opcode::close)
            return parse_status::close_received;
        if (!control) {
            message_size_ += frame_offset_;
            if (fin_) {
                on_message(message_op_, message_size_);
                message_size_ = 0;
                message_op_ = ws_opcode::continuation;
            }
        }
    }
    return parse_status::ok;
}

template <class OnMessage>
void frame_parser::skip(std::uint64_t n, OnMessage&& on_message)
{
    remaining_ -= n;
    frame_offset_ += n;
    if (remaining_ > 0)
        return;
    in_payload_ = false;
    header_have_ = 0;
    message_size_ += frame_offset_;
    if (fin_) {
        on_message(message_op_, message_size_);
        message_size_ = 0;
        message_op_ = ws_opcode::continuation;
    }
}

} // namespace sockconf::bench
