// What the servers send after the handshake, and what the wire record says about
// it, seen by a raw client that writes and reads frames byte for byte, over ws://
// and over wss:// (OpenSSL directly, so it can end TCP without a TLS close_notify,
// as browsers do, or with one). Every test runs on both transports; every read and
// write is bounded (SO_RCVTIMEO / SO_SNDTIMEO).
#include "raw_peer.hpp"
#include "test_clients.hpp"

#include <gtest/gtest.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace sockconf::echo {
namespace {

using test::eventually;

struct frame {
    bool fin = false;
    int opcode = 0;
    std::string payload;
};

/// Client frames are masked (RFC 6455 5.3); `masked` false makes a bad one.
std::string client_frame(int opcode, std::string const& payload, bool masked = true)
{
    return test::frame_bytes(static_cast<std::uint8_t>(0x80 | opcode), payload, masked);
}

std::string close_payload(std::uint16_t code, std::string const& reason = {})
{
    return test::code_bytes(code) + reason;
}

/// A WebSocket client on a plain socket, over TLS when given a CA to trust.
class raw_client {
public:
    raw_client() = default;
    raw_client(raw_client const&) = delete;
    raw_client& operator=(raw_client const&) = delete;
    ~raw_client()
    {
        if (ssl_)
            SSL_free(ssl_);
        if (ctx_)
            SSL_CTX_free(ctx_);
        end_tcp();
    }

    /// TCP to 127.0.0.1:port, then (when `ca_pem` is not empty) a TLS handshake
    /// verifying the server against that CA only.
    bool connect(std::uint16_t port, std::string const& ca_pem)
    {
        port_ = port;
        fd_ = test::connect_loopback(port, 5);
        if (fd_ < 0)
            return false;
        if (ca_pem.empty())
            return true;
        ctx_ = SSL_CTX_new(TLS_client_method());
        BIO* bio = BIO_new_mem_buf(ca_pem.data(), static_cast<int>(ca_pem.size()));
        X509* ca = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
        BIO_free(bio);
        if (!ca)
            return false;
        X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx_), ca);
        X509_free(ca);
        SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
        ssl_ = SSL_new(ctx_);
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), "127.0.0.1");
        SSL_set_fd(ssl_, fd_);
        return SSL_connect(ssl_) == 1;
    }

    /// The HTTP upgrade; true on a 101. Bytes after the answer stay for read_frame().
    bool handshake(std::string const& target, std::string const& extra_headers = {})
    {
        std::string const req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) +
                                "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
                                extra_headers + "\r\n";
        if (!write(req))
            return false;
        std::size_t end;
        while ((end = in_.find("\r\n\r\n")) == std::string::npos)
            if (!read_more())
                return false;
        bool const upgraded = in_.rfind("HTTP/1.1 101 ", 0) == 0;
        in_.erase(0, end + 4);
        return upgraded;
    }

    bool send(int opcode, std::string const& payload, bool masked = true)
    {
        return write(client_frame(opcode, payload, masked));
    }

    /// The next frame from the server; nullopt when the connection ended or timed out first.
    std::optional<frame> read_frame()
    {
        while (in_.size() < 2)
            if (!read_more())
                return std::nullopt;
        auto const b0 = static_cast<unsigned char>(in_[0]);
        auto const b1 = static_cast<unsigned char>(in_[1]);
        EXPECT_EQ(b1 & 0x80, 0) << "server frames are unmasked";
        std::size_t len = b1 & 0x7f, at = 2;
        if (len >= 126) {
            std::size_t const ext = len == 126 ? 2 : 8;
            while (in_.size() < 2 + ext)
                if (!read_more())
                    return std::nullopt;
            len = 0;
            for (std::size_t i = 0; i < ext; ++i)
                len = (len << 8) | static_cast<unsigned char>(in_[2 + i]);
            at = 2 + ext;
        }
        while (in_.size() < at + len)
            if (!read_more())
                return std::nullopt;
        frame f{(b0 & 0x80) != 0, b0 & 0x0f, in_.substr(at, len)};
        in_.erase(0, at + len);
        return f;
    }

    /// The next close frame, answering pings and skipping everything else.
    std::optional<frame> read_close()
    {
        while (auto f = read_frame()) {
            if (f->opcode == 0x8)
                return f;
            if (f->opcode == 0x9)
                send(0xA, f->payload);
        }
        return std::nullopt;
    }

    /// TLS: send our close_notify (SSL_shutdown once), the TCP connection stays.
    void close_notify()
    {
        if (ssl_)
            SSL_shutdown(ssl_);
    }

    /// Read until the server ends the connection (TLS: its close_notify or its
    /// end of TCP); true when it did within the timeout.
    bool wait_for_end()
    {
        while (read_more()) {
        }
        return ended_;
    }

    /// End TCP (FIN) without a TLS close_notify.
    void end_tcp()
    {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = -1;
    }

private:
    bool write(std::string const& data)
    {
        std::size_t at = 0;
        if (!ssl_)
            return test::send_all(fd_, data);
        while (at < data.size()) {
            long n = SSL_write(ssl_, data.data() + at, static_cast<int>(data.size() - at));
            if (n <= 0)
                return false;
            at += static_cast<std::size_t>(n);
        }
        return true;
    }

    bool read_more()
    {
        char buf[16384];
        errno = 0;
        long const n = ssl_ ? SSL_read(ssl_, buf, sizeof buf) : ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) {
            // Anything but the receive timeout is the server ending the connection (TLS:
            // its close_notify, or its end of TCP, which OpenSSL 3 reports as an error).
            bool timed_out = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
            if (ssl_) {
                timed_out = timed_out || SSL_get_error(ssl_, static_cast<int>(n)) == SSL_ERROR_WANT_READ;
                ERR_clear_error();
            }
            ended_ = !timed_out;
            return false;
        }
        in_.append(buf, static_cast<std::size_t>(n));
        return true;
    }

    int fd_ = -1;
    std::uint16_t port_ = 0;
    SSL_CTX* ctx_ = nullptr;
    SSL* ssl_ = nullptr;
    std::string in_;
    bool ended_ = false;
};

enum class transport_kind { ws, wss };

class echo_frames : public ::testing::TestWithParam<transport_kind> {
protected:
    void start(server_options o = {})
    {
        s_ = std::make_unique<servers>(std::move(o));
        s_->start();
    }

    bool tls() const { return GetParam() == transport_kind::wss; }

    /// Connected and upgraded on this test's transport.
    std::unique_ptr<raw_client> open(std::string const& target, std::string const& extra_headers = {})
    {
        if (!s_)
            start();
        auto c = std::make_unique<raw_client>();
        EXPECT_TRUE(c->connect(tls() ? s_->wss_port() : s_->ws_port(), tls() ? s_->ca_pem() : ""));
        EXPECT_TRUE(c->handshake(target, extra_headers)) << target;
        return c;
    }

    /// The single record with `tag` once ended and, on wss, once the TLS end
    /// has been seen (or `tls_end` is false); nullopt otherwise.
    std::optional<wire_record> settled(std::string const& tag, bool tls_end = true)
    {
        std::optional<wire_record> r;
        eventually([&] {
            auto recs = s_->log().by_tag(tag);
            r = recs.size() == 1 ? std::optional(recs[0]) : std::nullopt;
            return r && r->end != conn_end::open && (!tls() || !tls_end || r->tls_close_notify.has_value());
        });
        if (r)
            std::cout << "record " << tag << ": " << r->to_json().dump() << '\n';
        return r;
    }

    std::unique_ptr<servers> s_;
};

INSTANTIATE_TEST_SUITE_P(transports, echo_frames, ::testing::Values(transport_kind::ws, transport_kind::wss),
                         [](auto const& info) { return info.param == transport_kind::ws ? "ws" : "wss"; });

TEST_P(echo_frames, client_close_is_answered_with_its_code_and_recorded_when_tcp_ends_without_close_notify)
{
    auto c = open("/echo?tag=cc");
    ASSERT_TRUE(c->send(0x1, "hi"));
    auto echo = c->read_frame();
    ASSERT_TRUE(echo);
    EXPECT_EQ(echo->payload, "hi");
    ASSERT_TRUE(c->send(0x8, close_payload(4000, "bye")));
    auto answer = c->read_close();
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->payload, close_payload(4000)); // the code, no reason
    c->end_tcp(); // what browsers do: no close_notify

    auto const r = settled("cc");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->end, conn_end::client_closed);
    EXPECT_EQ(r->error, "");
    EXPECT_TRUE(r->close_received);
    EXPECT_EQ(r->close_code, 4000);
    EXPECT_EQ(r->close_reason, "bye");
    EXPECT_TRUE(r->close_sent);
    EXPECT_EQ(r->sent_close_code, 4000);
    EXPECT_EQ(r->tls, tls());
    if (tls())
        EXPECT_EQ(r->tls_close_notify, false);
    else
        EXPECT_FALSE(r->tls_close_notify);
}

TEST_P(echo_frames, server_close_answered_then_tcp_ended_without_close_notify_is_server_closed)
{
    auto c = open("/close?code=4001&reason=x&tag=sc");
    auto close = c->read_close();
    ASSERT_TRUE(close);
    EXPECT_EQ(close->payload, close_payload(4001, "x"));
    ASSERT_TRUE(c->send(0x8, close_payload(4001)));
    c->end_tcp();

    auto const r = settled("sc");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->end, conn_end::server_closed);
    EXPECT_EQ(r->error, "");
    EXPECT_TRUE(r->close_sent);
    EXPECT_EQ(r->sent_close_code, 4001);
    EXPECT_TRUE(r->close_received);
    EXPECT_EQ(r->close_code, 4001);
    EXPECT_EQ(r->close_reason, "");
    if (tls())
        EXPECT_EQ(r->tls_close_notify, false);
}

TEST_P(echo_frames, a_client_that_sends_its_close_notify_is_recorded_so)
{
    if (!tls())
        GTEST_SKIP() << "TLS only";
    auto c = open("/echo?tag=notify");
    ASSERT_TRUE(c->send(0x8, close_payload(1000)));
    ASSERT_TRUE(c->read_close());
    c->close_notify();
    EXPECT_TRUE(c->wait_for_end()); // the server's close_notify / end of TCP
    auto const r = settled("notify");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->end, conn_end::client_closed);
    EXPECT_EQ(r->tls_close_notify, true);
}

// RFC 6455 5.5.1: a close frame without a status code is answered without one,
// so the client reports 1005; the record says no code either way.
TEST_P(echo_frames, a_close_without_a_code_is_answered_without_one_on_every_behaviour)
{
    int n = 0;
    for (std::string const target : {"/echo", "/handshake", "/push?count=2&size=3", "/echo?ping=1", "/fragment?size=8",
                                     "/close?after=5", "/drop?after=5"}) {
        auto const tag = "nc" + std::to_string(++n);
        auto c = open(target + (target.find('?') == std::string::npos ? "?" : "&") + "tag=" + tag);
        ASSERT_TRUE(c->send(0x8, ""));
        auto answer = c->read_close();
        ASSERT_TRUE(answer) << target;
        EXPECT_EQ(answer->payload, "") << target;
        c->end_tcp();
        auto const r = settled(tag);
        ASSERT_TRUE(r) << target;
        EXPECT_EQ(r->end, conn_end::client_closed) << target;
        EXPECT_TRUE(r->close_received) << target;
        EXPECT_FALSE(r->close_code) << target;
        EXPECT_EQ(r->close_reason, "") << target;
        EXPECT_TRUE(r->close_sent) << target;
        EXPECT_FALSE(r->sent_close_code) << target;
        auto const j = r->to_json();
        EXPECT_TRUE(j["close_code"].is_null()) << target;
        EXPECT_TRUE(j["sent_close_code"].is_null()) << target;
        EXPECT_EQ(j["close_sent"], true) << target;
    }
}

TEST_P(echo_frames, server_close_without_a_code_sends_an_empty_close_frame)
{
    auto c = open("/close?code=0&tag=sc0");
    auto close = c->read_close();
    ASSERT_TRUE(close);
    EXPECT_EQ(close->payload, "");
    ASSERT_TRUE(c->send(0x8, ""));
    c->end_tcp();
    auto const r = settled("sc0");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->end, conn_end::server_closed);
    EXPECT_TRUE(r->close_sent);
    EXPECT_FALSE(r->sent_close_code);
    EXPECT_TRUE(r->close_received);
    EXPECT_FALSE(r->close_code);
}

TEST_P(echo_frames, a_protocol_error_records_the_1002_it_sent)
{
    auto c = open("/echo?tag=pe");
    ASSERT_TRUE(c->send(0x2, "x", false)); // unmasked
    auto close = c->read_close();
    ASSERT_TRUE(close);
    EXPECT_EQ(close->payload, close_payload(1002));
    c->end_tcp();
    auto const r = settled("pe");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->end, conn_end::error);
    EXPECT_EQ(r->error, "The WebSocket frame was unmasked"); // Beast's text for bad_unmasked_frame
    EXPECT_TRUE(r->close_sent);
    EXPECT_EQ(r->sent_close_code, 1002);
    EXPECT_FALSE(r->close_received);
}

TEST_P(echo_frames, drop_sends_no_close_frame_and_records_none)
{
    auto c = open("/drop?tag=dr");
    EXPECT_FALSE(c->read_frame());
    auto const r = settled("dr", false);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->end, conn_end::server_dropped);
    EXPECT_FALSE(r->close_sent);
    EXPECT_FALSE(r->sent_close_code);
    EXPECT_TRUE(r->to_json()["sent_close_code"].is_null());
    EXPECT_FALSE(r->tls_close_notify); // the server ended it: nothing learned
}

TEST_P(echo_frames, a_client_leaving_without_answering_the_servers_close_is_an_error)
{
    auto c = open("/close?code=4003&tag=gone");
    ASSERT_TRUE(c->read_close());
    c->end_tcp();
    auto const r = settled("gone");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->end, conn_end::error);
    EXPECT_EQ(r->error, tls() ? "closing: stream truncated" : "closing: End of file");
    EXPECT_EQ(r->sent_close_code, 4003);
    EXPECT_FALSE(r->close_received);
    if (tls())
        EXPECT_EQ(r->tls_close_notify, false);
}

TEST_P(echo_frames, a_client_that_never_answers_the_servers_close_times_out)
{
    server_options o;
    o.handshake_timeout_ms = 200;
    start(o);
    auto c = open("/close?code=4004&tag=mute");
    ASSERT_TRUE(c->read_close());
    EXPECT_TRUE(c->wait_for_end()); // the server gives up and closes
    auto const r = settled("mute", false);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->end, conn_end::error);
    EXPECT_EQ(r->error, "closing: no close frame from the client within handshake_timeout_ms 200");
    EXPECT_FALSE(r->tls_close_notify); // the server ended it: nothing learned
}

TEST_P(echo_frames, tcp_ended_without_a_close_frame_is_dropped)
{
    auto c = open("/echo?tag=gone-open");
    c->end_tcp();
    auto const r = settled("gone-open");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->end, conn_end::dropped);
    EXPECT_EQ(r->error, tls() ? "stream truncated" : "End of file");
    EXPECT_FALSE(r->close_received);
    EXPECT_FALSE(r->close_sent);
    if (tls())
        EXPECT_EQ(r->tls_close_notify, false);
}

TEST_P(echo_frames, push_fragment_and_ping_behave_alike_on_both_transports)
{
    auto p = open("/push?count=3&size=5&binary=1&tag=push");
    for (int i = 0; i < 3; ++i) {
        auto f = p->read_frame();
        ASSERT_TRUE(f);
        EXPECT_EQ(f->opcode, 0x2);
        EXPECT_EQ(f->payload, std::string("\x00\x01\x02\x03\x04", 5));
    }

    auto fr = open("/fragment?size=8&tag=frag");
    ASSERT_TRUE(fr->send(0x1, "abcdefghijklmnopqrst"));
    std::vector<std::pair<int, std::string>> frames;
    for (bool fin = false; !fin;) {
        auto f = fr->read_frame();
        ASSERT_TRUE(f);
        frames.emplace_back(f->opcode, f->payload);
        fin = f->fin;
    }
    EXPECT_EQ(frames, (std::vector<std::pair<int, std::string>>{{0x1, "abcdefgh"}, {0x0, "ijklmnop"}, {0x0, "qrst"}}));

    auto pg = open("/echo?ping=2&tag=ping");
    for (int k = 1; k <= 2; ++k) {
        auto f = pg->read_frame();
        ASSERT_TRUE(f);
        EXPECT_EQ(f->opcode, 0x9);
        EXPECT_EQ(f->payload, "sockconf-ping-" + std::to_string(k));
        ASSERT_TRUE(pg->send(0xA, f->payload));
    }
    EXPECT_TRUE(eventually([&] {
        auto r = s_->log().by_tag("ping");
        return r.size() == 1 && r[0].pings_sent == 2 && r[0].pongs_received == 2;
    }));
}

// Bytes that are not UTF-8 are recorded as bytes, never replaced by '?' or U+FFFD.
TEST_P(echo_frames, header_bytes_that_are_not_utf8_are_kept_as_bytes)
{
    std::string const latin1 = "caf\xe9";
    auto c = open("/handshake?tag=bytes", "X-Bytes: " + latin1 + "\r\n");
    auto hello = c->read_frame();
    ASSERT_TRUE(hello);
    auto const j = json::parse(hello->payload);
    EXPECT_EQ(j["headers"]["x-bytes"], json({{"$arraybuffer", base64_encode(latin1)}}));
    EXPECT_EQ(j["headers"]["upgrade"], "websocket");
    ASSERT_TRUE(c->send(0x8, close_payload(1000)));
    ASSERT_TRUE(c->read_close());
    c->end_tcp();
    auto const r = settled("bytes");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->request_headers.find("x-bytes"), latin1); // in memory: the bytes as they came
    EXPECT_EQ(r->to_json()["request_headers"]["x-bytes"], json({{"$arraybuffer", base64_encode(latin1)}}));
}

} // namespace
} // namespace sockconf::echo
