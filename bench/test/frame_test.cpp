// frame.hpp: building pre-masked frames and parsing them back, whole and split.
#include <sockconf/bench/frame.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace sockconf::bench {
namespace {

std::vector<std::byte> bytes_of(std::size_t n)
{
    std::vector<std::byte> v(n);
    for (std::size_t i = 0; i < n; ++i)
        v[i] = std::byte(i * 7 + 3);
    return v;
}

struct parsed {
    std::vector<std::byte> payload;
    std::vector<std::pair<ws_opcode, std::uint64_t>> messages;
};

parse_status feed(frame_parser& p, std::span<std::byte const> data, parsed& out)
{
    return p.feed(
        data,
        [&](std::span<std::byte const> chunk, std::uint64_t offset) {
            EXPECT_EQ(offset, out.payload.size()) << "chunks arrive in order";
            out.payload.insert(out.payload.end(), chunk.begin(), chunk.end());
        },
        [&](ws_opcode op, std::uint64_t size) { out.messages.emplace_back(op, size); });
}

std::vector<std::byte> frame(ws_opcode op, std::span<std::byte const> payload, bool masked)
{
    std::array<std::byte, 4> const mask{std::byte{0xA1}, std::byte{0x02}, std::byte{0xFF}, std::byte{0x10}};
    std::vector<std::byte> f(frame_header_size(payload.size(), masked) + payload.size());
    EXPECT_EQ(write_frame(f.data(), op, payload, masked ? &mask : nullptr), f.size());
    return f;
}

TEST(frame, header_sizes_for_7_16_and_64_bit_lengths)
{
    EXPECT_EQ(frame_header_size(0, false), 2u);
    EXPECT_EQ(frame_header_size(125, false), 2u);
    EXPECT_EQ(frame_header_size(126, false), 4u);
    EXPECT_EQ(frame_header_size(65535, false), 4u);
    EXPECT_EQ(frame_header_size(65536, false), 10u);
    EXPECT_EQ(frame_header_size(16, true), 6u);
    EXPECT_EQ(frame_header_size(70000, true), 14u);
}

TEST(frame, masked_frame_is_masked_on_the_wire)
{
    auto const payload = bytes_of(4);
    auto const f = frame(ws_opcode::binary, payload, true);
    ASSERT_EQ(f.size(), 10u);
    EXPECT_EQ(f[0], std::byte{0x82});
    EXPECT_EQ(f[1], std::byte{0x84});
    EXPECT_EQ(f[6], payload[0] ^ std::byte{0xA1});
    EXPECT_EQ(f[9], payload[3] ^ std::byte{0x10});
}

class frame_round_trip : public ::testing::TestWithParam<std::tuple<std::size_t, bool>> {};

TEST_P(frame_round_trip, parses_back_what_was_built_whole_and_byte_by_byte)
{
    auto const [size, masked] = GetParam();
    auto const payload = bytes_of(size);
    auto const f = frame(ws_opcode::text, payload, masked);
    {
        frame_parser p;
        parsed out;
        EXPECT_EQ(feed(p, f, out), parse_status::ok);
        ASSERT_EQ(out.messages.size(), 1u);
        EXPECT_EQ(out.messages[0].first, ws_opcode::text);
        EXPECT_EQ(out.messages[0].second, size);
        EXPECT_EQ(out.payload, payload);
    }
    {
        frame_parser p;
        parsed out;
        for (std::size_t i = 0; i < f.size(); ++i)
            ASSERT_EQ(feed(p, std::span(f).subspan(i, 1), out), parse_status::ok);
        ASSERT_EQ(out.messages.size(), 1u);
        EXPECT_EQ(out.payload, payload);
    }
}

INSTANTIATE_TEST_SUITE_P(lengths, frame_round_trip,
                         ::testing::Combine(::testing::Values(0, 1, 125, 126, 65535, 65536, 70001),
                                            ::testing::Bool()));

TEST(frame, many_frames_split_across_reads_at_every_offset)
{
    std::vector<std::byte> stream;
    std::vector<std::byte> expected;
    for (std::size_t size : {16u, 300u, 0u, 5u}) {
        auto const payload = bytes_of(size);
        auto const f = frame(ws_opcode::binary, payload, false);
        stream.insert(stream.end(), f.begin(), f.end());
        expected.insert(expected.end(), payload.begin(), payload.end());
    }
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
        frame_parser p;
        parsed out;
        // offsets restart per message: collect per message instead
        std::uint64_t total = 0;
        auto on_chunk = [&](std::span<std::byte const> c, std::uint64_t) {
            out.payload.insert(out.payload.end(), c.begin(), c.end());
        };
        auto on_msg = [&](ws_opcode, std::uint64_t s) { total += s; out.messages.emplace_back(ws_opcode::binary, s); };
        ASSERT_EQ(p.feed(std::span(stream).first(cut), on_chunk, on_msg), parse_status::ok);
        ASSERT_EQ(p.feed(std::span(stream).subspan(cut), on_chunk, on_msg), parse_status::ok);
        ASSERT_EQ(out.messages.size(), 4u) << "cut at " << cut;
        EXPECT_EQ(total, 321u);
        EXPECT_EQ(out.payload, expected);
    }
}

TEST(frame, continuation_frames_make_one_message_and_pings_are_skipped)
{
    auto const a = bytes_of(10), b = bytes_of(7);
    auto first = frame(ws_opcode::binary, a, false);
    first[0] = std::byte{0x02}; // FIN clear
    auto const ping = frame(ws_opcode::ping, bytes_of(3), false);
    auto const last = frame(ws_opcode::continuation, b, false);
    std::vector<std::byte> stream = first;
    stream.insert(stream.end(), ping.begin(), ping.end());
    stream.insert(stream.end(), last.begin(), last.end());
    frame_parser p;
    parsed out;
    EXPECT_EQ(feed(p, stream, out), parse_status::ok);
    ASSERT_EQ(out.messages.size(), 1u);
    EXPECT_EQ(out.messages[0].first, ws_opcode::binary);
    EXPECT_EQ(out.messages[0].second, 17u);
}

TEST(frame, close_frame_stops_and_keeps_its_payload)
{
    std::array<std::byte, 2> const code{std::byte{0x03}, std::byte{0xE8}};
    auto const f = frame(ws_opcode::close, code, true);
    frame_parser p;
    parsed out;
    EXPECT_EQ(feed(p, f, out), parse_status::close_received);
    ASSERT_EQ(p.close_payload().size(), 2u);
    EXPECT_EQ(p.close_payload()[1], std::byte{0xE8});
}

TEST(frame, reserved_bits_and_unknown_opcodes_are_protocol_errors)
{
    for (std::byte b0 : {std::byte{0xC2}, std::byte{0x83}, std::byte{0x80}}) {
        std::array<std::byte, 2> f{b0, std::byte{0}};
        frame_parser p;
        parsed out;
        EXPECT_EQ(feed(p, f, out), parse_status::protocol_error) << int(b0);
    }
}

} // namespace
} // namespace sockconf::bench

namespace sockconf::bench {
namespace {

TEST(frame, a_payload_skipped_unread_still_ends_its_message)
{
    auto const payload = bytes_of(70000);
    std::vector<std::byte> wire(frame_header_size(payload.size(), false) + payload.size());
    write_frame(wire.data(), ws_opcode::binary, payload, nullptr);
    frame_parser p;
    parsed out;
    EXPECT_EQ(p.skippable(), 0u); // no header yet
    auto const head = frame_header_size(payload.size(), false) + 6; // the header and 6 payload bytes
    ASSERT_EQ(feed(p, std::span(wire).first(head), out), parse_status::ok);
    EXPECT_EQ(p.skippable(), payload.size() - 6);
    std::vector<std::pair<ws_opcode, std::uint64_t>> ended;
    auto on_message = [&](ws_opcode op, std::uint64_t size) { ended.emplace_back(op, size); };
    p.skip(60000, on_message);
    EXPECT_TRUE(ended.empty());
    p.skip(p.skippable(), on_message);
    ASSERT_EQ(ended.size(), 1u);
    EXPECT_EQ(ended[0], (std::pair{ws_opcode::binary, std::uint64_t{70000}}));
    EXPECT_EQ(p.skippable(), 0u); // between frames again
}

} // namespace
} // namespace sockconf::bench
