// frame_echo (src/detail/frame_echo.hpp): the echo loop's protocol work on
// bytes as a client sends them. The same loop behind a real socket is covered
// by servers_test.cpp and limits_test.cpp; here the edge cases a socket test
// cannot easily produce (frames split anywhere, bad frames of every kind).
#include "detail/frame_echo.hpp"

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/websocket/error.hpp>

#include <string>
#include <tuple>
#include <vector>

namespace sockconf::echo::detail {
namespace {

namespace websocket = boost::beast::websocket;

// A client frame: FIN bit, opcode, masked with a fixed key unless `masked` is false.
std::string frame(std::uint8_t opcode, std::string const& payload, bool fin = true, bool masked = true,
                  std::uint8_t rsv = 0)
{
    std::string out;
    out.push_back(static_cast<char>((fin ? 0x80 : 0) | rsv | opcode));
    std::size_t const n = payload.size();
    char const mbit = masked ? static_cast<char>(0x80) : 0;
    if (n < 126) {
        out.push_back(static_cast<char>(mbit | static_cast<char>(n)));
    } else if (n <= 0xffff) {
        out.push_back(static_cast<char>(mbit | 126));
        out.push_back(static_cast<char>(n >> 8));
        out.push_back(static_cast<char>(n & 0xff));
    } else {
        out.push_back(static_cast<char>(mbit | 127));
        for (int i = 7; i >= 0; --i)
            out.push_back(static_cast<char>((static_cast<std::uint64_t>(n) >> (8 * i)) & 0xff));
    }
    char const key[4] = {0x11, 0x22, 0x33, 0x44};
    if (masked)
        out.append(key, 4);
    for (std::size_t i = 0; i < n; ++i)
        out.push_back(masked ? static_cast<char>(payload[i] ^ key[i % 4]) : payload[i]);
    return out;
}

// The output as one string (what the socket would carry).
std::string output(frame_echo& e)
{
    std::string out;
    for (auto const& b : e.output())
        out.append(static_cast<char const*>(b.data()), b.size());
    e.clear_output();
    return out;
}

// A server frame as the client would read it: {opcode, payload}; the rest of `s` stays.
std::pair<int, std::string> server_frame(std::string& s)
{
    EXPECT_GE(s.size(), 2u);
    int const op = s[0] & 0x0f;
    EXPECT_EQ(s[0] & 0x80, 0x80) << "server frames are never fragmented";
    EXPECT_EQ(s[1] & 0x80, 0) << "server frames are unmasked";
    std::size_t len = s[1] & 0x7f, at = 2;
    if (len == 126) {
        len = (static_cast<unsigned char>(s[2]) << 8) | static_cast<unsigned char>(s[3]);
        at = 4;
    } else if (len == 127) {
        len = 0;
        for (int i = 0; i < 8; ++i)
            len = (len << 8) | static_cast<unsigned char>(s[2 + i]);
        at = 10;
    }
    auto payload = s.substr(at, len);
    s.erase(0, at + len);
    return {op, payload};
}

// The payload of the server frame at the front of `s`, fragmented or not; removed from `s`.
std::string server_frame_any(std::string& s)
{
    std::size_t len = s[1] & 0x7f, at = 2;
    if (len == 126) {
        len = (static_cast<unsigned char>(s[2]) << 8) | static_cast<unsigned char>(s[3]);
        at = 4;
    }
    auto payload = s.substr(at, len);
    s.erase(0, at + len);
    return payload;
}

// Feed `bytes` in pieces of `piece`, as reads would deliver them.
std::string feed(frame_echo& e, std::string bytes, std::size_t piece)
{
    std::string out;
    std::string buf;
    for (std::size_t at = 0; at < bytes.size(); at += piece) {
        buf += bytes.substr(at, piece);
        auto const used = e.consume(buf.data(), buf.size());
        out += output(e);
        buf.erase(0, used);
    }
    EXPECT_TRUE(buf.empty());
    return out;
}

TEST(echo_frame_echo, every_complete_frame_of_a_read_answered_in_one_output)
{
    frame_echo e(0, 1000);
    std::string in = frame(0x1, "hello") + frame(0x2, std::string("\x00\x01\xff", 3)) + frame(0x1, std::string(3000, 'x'));
    auto const used = e.consume(in.data(), in.size());
    EXPECT_EQ(used, in.size());
    auto out = output(e);
    EXPECT_EQ(server_frame(out), std::make_pair(0x1, std::string("hello")));
    EXPECT_EQ(server_frame(out), std::make_pair(0x2, std::string("\x00\x01\xff", 3)));
    EXPECT_EQ(server_frame(out), std::make_pair(0x1, std::string(3000, 'x')));
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(e.take_messages(), 3u);
    EXPECT_EQ(e.take_bytes(), 5u + 3 + 3000);
    ASSERT_EQ(e.recorded().size(), 3u);
    EXPECT_FALSE(e.recorded()[0].binary);
    EXPECT_EQ(e.recorded()[0].head, "hello");
    EXPECT_TRUE(e.recorded()[1].binary);
}

TEST(echo_frame_echo, frames_split_anywhere_and_fragmented_messages_echo_whole)
{
    std::string const text = "h\xc3\xa9llo \xe2\x82\xac";
    // A text message in three fragments cut inside a character, a ping between them.
    std::string in = frame(0x1, text.substr(0, 2), false) + frame(0x9, "p") + frame(0x0, text.substr(2, 5), false) +
                     frame(0x0, text.substr(7), true) + frame(0x2, std::string(70000, 'b'));
    for (std::size_t piece : {1u, 3u, 7u, 4096u, 1u << 20}) {
        frame_echo e(0, 1000);
        auto out = feed(e, in, piece);
        EXPECT_EQ(server_frame(out), std::make_pair(0xA, std::string("p"))) << piece;
        EXPECT_EQ(server_frame(out), std::make_pair(0x1, text)) << piece;
        EXPECT_EQ(server_frame(out), std::make_pair(0x2, std::string(70000, 'b'))) << piece;
        EXPECT_TRUE(out.empty());
        EXPECT_EQ(e.take_pings(), 1u);
        EXPECT_EQ(e.current(), frame_echo::state::open);
    }
}

TEST(echo_frame_echo, invalid_utf8_text_is_never_echoed_and_closes_1007)
{
    frame_echo e(0, 1000);
    std::string in = frame(0x1, "ok") + frame(0x1, "\xc3\x28");
    e.consume(in.data(), in.size());
    auto out = output(e);
    EXPECT_EQ(server_frame(out), std::make_pair(0x1, std::string("ok")));
    EXPECT_EQ(server_frame(out), std::make_pair(0x8, std::string("\x03\xef", 2))); // 1007
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(e.current(), frame_echo::state::failed);
    EXPECT_EQ(e.error(), websocket::error::bad_frame_payload);
}

TEST(echo_frame_echo, protocol_errors_close_1002_with_beasts_error)
{
    struct bad {
        std::string bytes;
        websocket::error why;
    };
    std::vector<bad> const cases = {
        {frame(0x2, "x", true, false), websocket::error::bad_unmasked_frame},
        {frame(0x3, "x"), websocket::error::bad_opcode},
        {frame(0x0, "x"), websocket::error::bad_continuation},
        {frame(0x2, "x", false) + frame(0x2, "y"), websocket::error::bad_data_frame},
        {frame(0x2, "x", true, true, 0x40), websocket::error::bad_reserved_bits},
        {frame(0x9, "x", false), websocket::error::bad_control_fragment},
        {frame(0x9, std::string(126, 'x')), websocket::error::bad_control_size},
        {frame(0x8, "x"), websocket::error::bad_close_size},
        {frame(0x8, std::string("\x03\xed", 2)), websocket::error::bad_close_code}, // 1005 is reserved
        {frame(0x8, std::string("\x03\xe8\xc3\x28", 4)), websocket::error::bad_close_payload},
    };
    for (auto const& c : cases) {
        frame_echo e(0, 1000);
        std::string in = c.bytes;
        e.consume(in.data(), in.size());
        auto out = output(e);
        EXPECT_EQ(e.current(), frame_echo::state::failed) << websocket::make_error_code(c.why).message();
        EXPECT_EQ(e.error(), c.why);
        EXPECT_EQ(server_frame(out), std::make_pair(0x8, std::string("\x03\xea", 2))); // 1002
    }
}

TEST(echo_frame_echo, a_close_is_answered_with_its_code_and_recorded)
{
    frame_echo e(0, 1000);
    std::string in = frame(0x8, std::string("\x0f\xa2", 2) + "done") + frame(0x1, "after close");
    auto const used = e.consume(in.data(), in.size());
    EXPECT_LT(used, in.size()); // nothing after the close frame is looked at
    auto out = output(e);
    EXPECT_EQ(server_frame(out), std::make_pair(0x8, std::string("\x0f\xa2", 2))); // 4002, as Beast answers
    EXPECT_EQ(e.current(), frame_echo::state::client_closed);
    EXPECT_TRUE(e.close_received());
    EXPECT_EQ(e.client_close_code(), 4002);
    EXPECT_EQ(e.client_close_reason(), "done");
    EXPECT_TRUE(e.close_sent());
    EXPECT_EQ(e.sent_close_code(), 4002);
}

TEST(echo_frame_echo, a_close_without_a_code_is_answered_without_one)
{
    // RFC 6455 5.5.1: nothing to echo, so an empty close frame (the client then
    // reports 1005); Beast's stream would answer 1000.
    frame_echo bare(0, 1000);
    std::string in = frame(0x8, "");
    bare.consume(in.data(), in.size());
    auto out = output(bare);
    EXPECT_EQ(server_frame(out), std::make_pair(0x8, std::string()));
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(bare.current(), frame_echo::state::client_closed);
    EXPECT_TRUE(bare.close_received());
    EXPECT_FALSE(bare.client_close_code());
    EXPECT_TRUE(bare.close_sent());
    EXPECT_FALSE(bare.sent_close_code());
}

TEST(echo_frame_echo, the_close_frames_sent_are_known_with_their_codes)
{
    frame_echo quiet(0, 1000);
    EXPECT_FALSE(quiet.close_sent());
    EXPECT_FALSE(quiet.close_received());
    quiet.send_close(0, "ignored without a code");
    EXPECT_TRUE(quiet.close_sent());
    EXPECT_FALSE(quiet.sent_close_code());
    auto out = output(quiet);
    EXPECT_EQ(server_frame(out), std::make_pair(0x8, std::string()));

    frame_echo bad(0, 1000);
    std::string in = frame(0x3, "x");
    bad.consume(in.data(), in.size());
    EXPECT_TRUE(bad.close_sent());
    EXPECT_EQ(bad.sent_close_code(), 1002);
}

TEST(echo_frame_echo, stop_after_echoes_that_many_messages_and_leaves_the_rest)
{
    frame_echo e(0, 1000);
    e.stop_after(2);
    std::string in = frame(0x1, "one") + frame(0x1, "two") + frame(0x1, "three");
    auto const used = e.consume(in.data(), in.size());
    EXPECT_EQ(used, frame(0x1, "one").size() + frame(0x1, "two").size());
    EXPECT_EQ(e.current(), frame_echo::state::limit_reached);
    auto out = output(e);
    EXPECT_EQ(server_frame(out), std::make_pair(0x1, std::string("one")));
    EXPECT_EQ(server_frame(out), std::make_pair(0x1, std::string("two")));
    EXPECT_TRUE(out.empty());
    // The server closes; what followed is the client's, after our close: not echoed.
    e.send_close(4001, "x");
    std::string rest = in.substr(used) + frame(0x8, std::string("\x0f\xa1", 2));
    e.consume(rest.data(), rest.size());
    EXPECT_EQ(e.current(), frame_echo::state::closed);
    out = output(e);
    EXPECT_EQ(server_frame(out), std::make_pair(0x8, std::string("\x0f\xa1x", 3)));
    EXPECT_TRUE(out.empty());
}

TEST(echo_frame_echo, fragment_echoes_in_frames_of_at_most_that_size)
{
    frame_echo e(0, 1000);
    e.fragment(8);
    std::string const big(5000, 'b');
    std::string in = frame(0x1, "abcdefghijklmnopqrst") + frame(0x2, "short") + frame(0x2, big);
    e.consume(in.data(), in.size());
    std::string out = output(e);
    auto raw = [&] {
        int const b0 = static_cast<unsigned char>(out[0]);
        auto const f = server_frame_any(out);
        return std::make_tuple((b0 & 0x80) != 0, b0 & 0x0f, f);
    };
    EXPECT_EQ(raw(), std::make_tuple(false, 0x1, std::string("abcdefgh")));
    EXPECT_EQ(raw(), std::make_tuple(false, 0x0, std::string("ijklmnop")));
    EXPECT_EQ(raw(), std::make_tuple(true, 0x0, std::string("qrst")));
    EXPECT_EQ(raw(), std::make_tuple(true, 0x2, std::string("short")));
    std::string back;
    for (std::size_t i = 0; i < 625; ++i) {
        auto const [fin, op, payload] = raw();
        EXPECT_EQ(fin, i == 624);
        EXPECT_EQ(op, i == 0 ? 0x2 : 0x0);
        back += payload;
    }
    EXPECT_EQ(back, big);
    EXPECT_TRUE(out.empty());
}

TEST(echo_frame_echo, server_messages_and_pings)
{
    frame_echo e(0, 1000);
    std::string const big(3000, 'p');
    e.send_message(false, "hello", 5);
    e.send_message(true, big.data(), big.size());
    EXPECT_EQ(e.output_bytes(), 2 + 5 + 4 + big.size());
    auto out = output(e);
    EXPECT_EQ(server_frame(out), std::make_pair(0x1, std::string("hello")));
    EXPECT_EQ(server_frame(out), std::make_pair(0x2, big));
    EXPECT_EQ(e.output_bytes(), 0u);
    std::string ping = frame_echo::ping_frame("sockconf-ping-1");
    EXPECT_EQ(server_frame(ping), std::make_pair(0x9, std::string("sockconf-ping-1")));
}

TEST(echo_frame_echo, a_message_over_the_limit_is_read_to_its_end_then_reported)
{
    std::string const big(10000, 'z');
    std::string in = frame(0x2, "fits") + frame(0x1, big.substr(0, 6000), false) + frame(0x9, "p") +
                     frame(0x0, big.substr(6000), true);
    for (std::size_t piece : {5u, 4096u, 1u << 20}) {
        frame_echo e(8192, 1000);
        std::string buf, out;
        for (std::size_t at = 0; at < in.size() && e.current() == frame_echo::state::open; at += piece) {
            buf += in.substr(at, piece);
            buf.erase(0, e.consume(buf.data(), buf.size()));
            out += output(e);
        }
        EXPECT_EQ(e.current(), frame_echo::state::too_big) << piece;
        EXPECT_EQ(server_frame(out), std::make_pair(0x2, std::string("fits")));
        EXPECT_EQ(server_frame(out), std::make_pair(0xA, std::string("p"))); // still answered meanwhile
        EXPECT_TRUE(out.empty());
        auto const& m = e.too_big_message();
        EXPECT_FALSE(m.binary);
        EXPECT_EQ(m.size, big.size());
        EXPECT_EQ(m.head, big.substr(0, 4096));

        // The server's closing handshake: data ignored, the client's close ends it.
        e.send_close(1009, "too big");
        out = output(e);
        EXPECT_EQ(server_frame(out), std::make_pair(0x8, std::string("\x03\xf1", 2) + "too big"));
        std::string rest = frame(0x2, "ignored") + frame(0x8, std::string("\x03\xe8", 2));
        e.consume(rest.data(), rest.size());
        EXPECT_EQ(e.current(), frame_echo::state::closed);
        EXPECT_FALSE(e.has_output());
        EXPECT_EQ(e.client_close_code(), 1000);
    }
}

TEST(echo_frame_echo, a_message_of_exactly_the_limit_echoes)
{
    frame_echo e(4, 1000);
    std::string in = frame(0x2, "1234");
    e.consume(in.data(), in.size());
    auto out = output(e);
    EXPECT_EQ(server_frame(out), std::make_pair(0x2, std::string("1234")));
    EXPECT_EQ(e.current(), frame_echo::state::open);
}

TEST(echo_frame_echo, heads_are_kept_for_the_first_record_limit_messages_only)
{
    frame_echo e(0, 2);
    std::string in = frame(0x1, "a") + frame(0x1, "b") + frame(0x1, "c");
    e.consume(in.data(), in.size());
    EXPECT_EQ(e.recorded().size(), 2u);
    EXPECT_EQ(e.take_messages(), 3u);
}

TEST(echo_frame_echo, a_frame_bigger_than_what_was_read_says_how_much_it_needs)
{
    frame_echo e(0, 1000);
    std::string in = frame(0x2, std::string(300000, 'q'));
    EXPECT_EQ(e.consume(in.data(), 1000), 0u);
    EXPECT_EQ(e.frame_bytes_needed(), in.size());
    EXPECT_EQ(e.consume(in.data(), in.size()), in.size());
    auto out = output(e);
    EXPECT_EQ(server_frame(out).second.size(), 300000u);
}

} // namespace
} // namespace sockconf::echo::detail
