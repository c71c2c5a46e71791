// Hostile peers against the echo servers (issue 15, item 3): a raw-socket client
// (bytes built by hand, no Beast on the hostile side) does one bad thing per test,
// and each test checks (1) what the server put on the wire (the raw close frame and
// its code, or the end of TCP), (2) the wire record (end, sent_close_code, error),
// and (3) that a well-behaved connection opened before the hostile act is still
// echoed after it. Every socket read and write has SO_RCVTIMEO / SO_SNDTIMEO, every
// wait a deadline; handshake_timeout_ms is 300 so the file runs in a few seconds.
#include "raw_peer.hpp"
#include "test_clients.hpp"

#include <gtest/gtest.h>

#include <poll.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace sockconf::echo {
namespace {

using test::code_bytes;
using test::ended;
using test::eventually;
using test::frame_bytes;
using test::raw_conn;
using test::rss_bytes;
using clock = std::chrono::steady_clock;

constexpr std::uint32_t handshake_timeout_ms = 300;
constexpr std::uint64_t max_message = 64 * 1024;

class echo_hostile_peers : public ::testing::Test {
protected:
    void SetUp() override
    {
        server_options o;
        o.tls = false; // the hostile acts are the same on wss:// (frames_test runs both)
        o.handshake_timeout_ms = handshake_timeout_ms;
        o.max_message_bytes = max_message;
        start(o);
    }
    void start(server_options o)
    {
        s_.reset();
        s_ = std::make_unique<servers>(std::move(o));
        s_->start();
        good_ = std::make_unique<raw_conn>(s_->ws_port());
        ASSERT_TRUE(good_->upgrade("/echo?tag=good"));
        ASSERT_TRUE(good_->echoes("before"));
    }
    /// The well-behaved connection, opened before the hostile act, still echoes.
    void expect_good_still_served()
    {
        EXPECT_TRUE(good_->echoes("still served"));
        EXPECT_EQ(s_->log().open_count("good"), 1u);
    }

    /// Upgrade, send `bytes`, and check the raw close frame carries `code` (and
    /// `reason`), the server ends TCP, and the record says end=error, `error`.
    void expect_closed(std::string const& tag, std::string const& bytes, std::uint16_t code, std::string const& error,
                       std::string const& reason = {})
    {
        raw_conn bad(s_->ws_port());
        ASSERT_TRUE(bad.upgrade("/echo?tag=" + tag));
        ASSERT_TRUE(bad.write(bytes));
        auto const close = bad.read_close();
        ASSERT_TRUE(close) << tag << ": no close frame from the server";
        EXPECT_EQ(close->b0, 0x88);
        EXPECT_EQ(close->payload, code_bytes(code) + reason) << tag;
        if (code == 1009) // the closing handshake, answered as a client should
            ASSERT_TRUE(bad.write(frame_bytes(0x88, code_bytes(1009))));
        EXPECT_TRUE(bad.ended_by_server()) << tag;
        auto const r = ended(s_->log(), tag);
        ASSERT_TRUE(r) << tag;
        EXPECT_EQ(r->end, conn_end::error) << tag;
        EXPECT_TRUE(r->close_sent) << tag;
        EXPECT_EQ(r->sent_close_code, code) << tag;
        EXPECT_EQ(r->error, error) << tag;
        expect_good_still_served();
    }

    std::unique_ptr<servers> s_;
    std::unique_ptr<raw_conn> good_;
};

// ---- slowloris --------------------------------------------------------------

TEST_F(echo_hostile_peers, slowloris_handshake_is_cut_off_after_handshake_timeout_ms)
{
    raw_conn slow(s_->ws_port());
    std::string const req = slow.request("/echo?tag=slowloris");
    auto const t0 = clock::now();
    // One byte every 20 ms, never the whole request: the timeout is for the whole
    // request, not per byte, so dribbling does not keep the connection.
    bool cut = false;
    for (std::size_t i = 0; i + 2 < req.size() && clock::now() - t0 < std::chrono::seconds(3); ++i) {
        if (!slow.write(req.substr(i, 1))) {
            cut = true;
            break;
        }
        pollfd p{slow.fd(), POLLIN, 0};
        if (::poll(&p, 1, 20) > 0) { // readable: the server hung up
            cut = slow.ended_by_server();
            break;
        }
        if (i == 3)
            expect_good_still_served(); // while the slow request is pending
    }
    auto const took = clock::now() - t0;
    EXPECT_TRUE(cut);
    EXPECT_GE(took, std::chrono::milliseconds(handshake_timeout_ms - 20));
    EXPECT_LT(took, std::chrono::milliseconds(2000));

    std::optional<wire_record> rec;
    ASSERT_TRUE(eventually([&] {
        for (auto const& r : s_->log().all())
            if (r.end == conn_end::error && r.error.rfind("handshake timeout:", 0) == 0)
                rec = r;
        return rec.has_value();
    }));
    EXPECT_EQ(rec->tag, ""); // the tag was in the request that never completed
    EXPECT_EQ(rec->http_status, 0);
    EXPECT_FALSE(rec->close_sent);
    EXPECT_EQ(rec->error, "handshake timeout: no complete HTTP upgrade request within handshake_timeout_ms 300 "
                          "(request incomplete)");
    expect_good_still_served();
}

// ---- a client that never reads ----------------------------------------------

TEST_F(echo_hostile_peers, never_reading_client_is_throttled_not_buffered)
{
    raw_conn greedy(s_->ws_port());
    ASSERT_TRUE(greedy.upgrade("/echo?tag=never-reads"));
    // 64 MiB of 16 KiB binary messages, never reading the echoes. The server reads
    // only while it has nothing to write, so once the sockets' buffers are full it
    // stops reading and the client can send no more.
    std::string const one = frame_bytes(0x82, std::string(16 * 1024, 'x'));
    std::size_t const total = 64u * 1024 * 1024 / (16 * 1024) * one.size();
    std::size_t const rss0 = rss_bytes();
    std::size_t sent = 0, off = 0;
    auto const deadline = clock::now() + std::chrono::seconds(10);
    while (sent < total && clock::now() < deadline) {
        pollfd p{greedy.fd(), POLLOUT, 0};
        if (::poll(&p, 1, 500) <= 0)
            break; // 500 ms without room: the server stopped reading
        auto const n = ::send(greedy.fd(), one.data() + off, one.size() - off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        ASSERT_GT(n, 0) << "send: " << std::strerror(errno);
        sent += static_cast<std::size_t>(n);
        off = (off + static_cast<std::size_t>(n)) % one.size();
    }
    std::size_t const rss1 = rss_bytes();
    std::size_t const growth = rss1 > rss0 ? rss1 - rss0 : 0;
    std::cout << "[ never-reading ] sent " << sent / 1024 << " KiB of " << total / 1024
              << " KiB; server process RSS +" << growth / 1024 << " KiB\n";
    EXPECT_LT(sent, total) << "the server kept reading from a client that never reads";
    EXPECT_LT(growth, 32u * 1024 * 1024);
    expect_good_still_served(); // the stalled connection holds no one else up

    // The client leaves with a RST: the server's pending write fails, the record ends.
    linger l{1, 0};
    ::setsockopt(greedy.fd(), SOL_SOCKET, SO_LINGER, &l, sizeof l);
    ::close(greedy.fd());
    auto const r = ended(s_->log(), "never-reads");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->end, conn_end::dropped);
    EXPECT_FALSE(r->close_sent);
    EXPECT_LT(r->bytes_received, sent);
    EXPECT_GT(r->messages_received, 0u);
    std::cout << "[ never-reading ] record: end=" << to_string(r->end) << " error=\"" << r->error
              << "\" messages_received=" << r->messages_received << "\n";
}

// ---- malformed frames: each closed with its code --------------------------------

TEST_F(echo_hostile_peers, unmasked_client_frame_is_closed_1002)
{
    expect_closed("unmasked", frame_bytes(0x82, "x", false), 1002, "The WebSocket frame was unmasked");
}

TEST_F(echo_hostile_peers, rsv_bits_set_are_closed_1002)
{
    for (std::uint8_t rsv : {0x40, 0x20, 0x10})
        expect_closed("rsv-" + std::to_string(rsv), frame_bytes(0x81 | rsv, "x"), 1002,
                      "The WebSocket frame contained illegal reserved bits");
}

TEST_F(echo_hostile_peers, unknown_opcode_is_closed_1002)
{
    for (std::uint8_t op : {0x3, 0x7, 0xb, 0xf})
        expect_closed("opcode-" + std::to_string(op), frame_bytes(0x80 | op, "x"), 1002,
                      "The WebSocket frame contained an illegal opcode");
}

TEST_F(echo_hostile_peers, fragmented_control_frame_is_closed_1002)
{
    expect_closed("ctl-fragment", frame_bytes(0x09, "ping"), 1002, "The WebSocket control frame was fragmented");
}

TEST_F(echo_hostile_peers, control_frame_over_125_bytes_is_closed_1002)
{
    expect_closed("ctl-126", frame_bytes(0x89, std::string(126, 'p')), 1002,
                  "The WebSocket control frame size was invalid");
}

TEST_F(echo_hostile_peers, invalid_utf8_text_is_closed_1007)
{
    expect_closed("bad-utf8", frame_bytes(0x81, "ok \xc3\x28"), 1007, "The WebSocket frame payload was not valid utf8");
    // Split over a fragment boundary, the bad byte in the continuation.
    expect_closed("bad-utf8-frag", frame_bytes(0x01, "ok \xe2\x82") + frame_bytes(0x80, "\x28"), 1007,
                  "The WebSocket frame payload was not valid utf8");
}

TEST_F(echo_hostile_peers, close_frame_with_a_1_byte_payload_is_closed_1002)
{
    expect_closed("close-1-byte", frame_bytes(0x88, "\x03"), 1002,
                  "The WebSocket close frame payload size was invalid");
}

TEST_F(echo_hostile_peers, invalid_close_codes_are_closed_1002)
{
    // RFC 6455 7.4.1/7.4.2: 0-999 unused, 1004-1006 and 1015 reserved (never on the
    // wire), 1016-2999 reserved for the protocol. 5000 and above: the test below (D59).
    for (std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999})
        expect_closed("close-code-" + std::to_string(code), frame_bytes(0x88, code_bytes(code)), 1002,
                      "The WebSocket close frame reason code was invalid");
}

// specs/decisions.md D59: RFC 6455 does not define 5000 and above, and the server is a
// witness, not a judge: the close is answered with the client's own code, and recorded.
TEST_F(echo_hostile_peers, close_codes_of_5000_and_above_are_answered_and_recorded)
{
    for (std::uint16_t code : {5000, 65535}) {
        auto const tag = "close-code-" + std::to_string(code);
        raw_conn c(s_->ws_port());
        ASSERT_TRUE(c.upgrade("/echo?tag=" + tag));
        ASSERT_TRUE(c.write(frame_bytes(0x88, code_bytes(code) + "bye")));
        auto const close = c.read_close();
        ASSERT_TRUE(close) << tag;
        EXPECT_EQ(close->payload, code_bytes(code)) << tag; // the code, no reason
        EXPECT_TRUE(c.ended_by_server()) << tag;
        auto const r = ended(s_->log(), tag);
        ASSERT_TRUE(r) << tag;
        EXPECT_EQ(r->end, conn_end::client_closed) << tag;
        EXPECT_EQ(r->close_code, code) << tag;
        EXPECT_EQ(r->close_reason, "bye") << tag;
        EXPECT_EQ(r->sent_close_code, code) << tag;
    }
    expect_good_still_served();
}

// ---- oversized message --------------------------------------------------------

TEST_F(echo_hostile_peers, message_over_max_message_bytes_is_closed_1009)
{
    std::string const why = "message of " + std::to_string(max_message + 1) + " bytes exceeds max_message_bytes " +
                            std::to_string(max_message);
    expect_closed("oversized", frame_bytes(0x82, std::string(max_message + 1, 'o')), 1009, why, why);
    // In fragments, each below the limit: the message counts, not the frame.
    std::string const frags = frame_bytes(0x02, std::string(40000, 'a')) + frame_bytes(0x80, std::string(40000, 'b'));
    expect_closed("oversized-frag", frags, 1009,
                  "message of 80000 bytes exceeds max_message_bytes " + std::to_string(max_message),
                  "message of 80000 bytes exceeds max_message_bytes " + std::to_string(max_message));
    auto const r = ended(s_->log(), "oversized");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->messages.size(), 1u); // recorded with its size and head
    EXPECT_EQ(r->messages[0].size, max_message + 1);
}

// ---- the wire log stays bounded -------------------------------------------------

TEST_F(echo_hostile_peers, wire_log_keeps_at_most_wire_log_max_records_and_counts_evictions)
{
    server_options o;
    o.tls = false;
    o.wire_log_max_records = 50;
    start(o); // the good connection: open all along, never evicted
    constexpr int churn = 400;
    for (int i = 0; i < churn; ++i) {
        raw_conn c(s_->ws_port());
        ASSERT_TRUE(c.upgrade("/echo?tag=churn-" + std::to_string(i)));
        ASSERT_TRUE(c.write(frame_bytes(0x88, code_bytes(1000))));
        ASSERT_TRUE(c.read_close());
        ASSERT_TRUE(c.ended_by_server());
        ASSERT_LE(s_->log().size(), 50u);
    }
    // 401 records made: the good one (open) and the 49 churn records that ended last stay.
    ASSERT_TRUE(eventually([&] { return s_->log().evicted() == churn + 1 - 50; }));
    EXPECT_EQ(s_->log().size(), 50u);
    EXPECT_EQ(s_->log().by_tag("good").size(), 1u);
    EXPECT_TRUE(s_->log().by_tag("churn-0").empty());      // ended first, evicted first
    EXPECT_EQ(s_->log().peak_open("churn-0"), 0u);         // its counts went with it
    EXPECT_EQ(s_->log().by_tag("churn-399").size(), 1u);   // the newest stays
    EXPECT_EQ(s_->log().by_tag("churn-399")[0].end, conn_end::client_closed);
    expect_good_still_served();
}

} // namespace
} // namespace sockconf::echo
