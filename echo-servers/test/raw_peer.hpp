// A WebSocket peer on a plain socket whose every byte is built by hand, for
// hostile_peers_test.cpp: frames with any first byte (RSV bits, opcodes, FIN),
// masked or not, of any length; the HTTP upgrade written by hand; frames read
// byte for byte. Every read and write is bounded by SO_RCVTIMEO / SO_SNDTIMEO
// (2 s). No TLS: frames_test.cpp's raw client covers wss://, on the same
// connect_loopback, send_all and frame_bytes (so does conn_scale_main.cpp).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <fstream>
#include <optional>
#include <string>

namespace sockconf::echo::test {

/// A client frame: `b0` is the first byte as sent (FIN, RSV, opcode), masked with
/// a fixed key unless `masked` is false.
inline std::string frame_bytes(std::uint8_t b0, std::string const& payload, bool masked = true)
{
    std::string out(1, static_cast<char>(b0));
    char const mbit = masked ? static_cast<char>(0x80) : 0;
    std::size_t const n = payload.size();
    if (n < 126) {
        out.push_back(static_cast<char>(mbit | static_cast<char>(n)));
    } else if (n < 65536) {
        out.push_back(static_cast<char>(mbit | 126));
        for (int s = 8; s >= 0; s -= 8)
            out.push_back(static_cast<char>((n >> s) & 0xff));
    } else {
        out.push_back(static_cast<char>(mbit | 127));
        for (int s = 56; s >= 0; s -= 8)
            out.push_back(static_cast<char>((static_cast<std::uint64_t>(n) >> s) & 0xff));
    }
    char const key[4] = {0x12, 0x34, 0x56, 0x78};
    if (masked)
        out.append(key, 4);
    for (std::size_t i = 0; i < n; ++i)
        out.push_back(masked ? static_cast<char>(payload[i] ^ key[i % 4]) : payload[i]);
    return out;
}

inline std::string code_bytes(std::uint16_t code)
{
    return {static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
}

/// TCP to 127.0.0.1:port with Nagle off and every read and write bounded by
/// `timeout_s` (SO_RCVTIMEO / SO_SNDTIMEO); -1 when it cannot connect.
inline int connect_loopback(std::uint16_t port, int timeout_s)
{
    int const fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    timeval tv{timeout_s, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

/// All of `bytes` on a plain socket; false when the peer is gone or the send timed out.
inline bool send_all(int fd, std::string const& bytes)
{
    std::size_t off = 0;
    while (off < bytes.size()) {
        auto const n = ::send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        off += static_cast<std::size_t>(n);
    }
    return true;
}

struct server_frame {
    std::uint8_t b0 = 0;
    std::string payload;
    int opcode() const { return b0 & 0x0f; }
};

/// One TCP connection on a plain socket; every call bounded by the socket timeouts.
class raw_conn {
public:
    explicit raw_conn(std::uint16_t port) : fd_(connect_loopback(port, 2)), port_(port), connected_(fd_ >= 0) {}
    raw_conn(raw_conn const&) = delete;
    raw_conn& operator=(raw_conn const&) = delete;
    ~raw_conn()
    {
        if (fd_ >= 0)
            ::close(fd_);
    }
    int fd() const { return fd_; }

    /// The HTTP upgrade by hand; true on a 101.
    bool upgrade(std::string const& target)
    {
        if (!connected_ || !write(request(target)))
            return false;
        std::size_t end;
        while ((end = in_.find("\r\n\r\n")) == std::string::npos)
            if (!read_more())
                return false;
        bool const ok = in_.rfind("HTTP/1.1 101 ", 0) == 0;
        in_.erase(0, end + 4);
        return ok;
    }
    std::string request(std::string const& target) const
    {
        return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) +
               "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    }

    bool write(std::string const& bytes) { return send_all(fd_, bytes); }

    /// The next frame from the server; nullopt at the end of TCP or the timeout.
    std::optional<server_frame> read_frame()
    {
        for (;;) {
            if (in_.size() >= 2) {
                auto const len7 = static_cast<std::uint8_t>(in_[1]) & 0x7f;
                std::size_t const hdr = len7 == 126 ? 4 : len7 == 127 ? 10 : 2;
                if (in_.size() >= hdr) {
                    std::uint64_t len = len7;
                    if (hdr > 2) {
                        len = 0;
                        for (std::size_t i = 2; i < hdr; ++i)
                            len = (len << 8) | static_cast<std::uint8_t>(in_[i]);
                    }
                    if (in_.size() >= hdr + len) {
                        server_frame f{static_cast<std::uint8_t>(in_[0]), in_.substr(hdr, len)};
                        in_.erase(0, hdr + len);
                        return f;
                    }
                }
            }
            if (!read_more())
                return std::nullopt;
        }
    }

    /// The server's close frame, skipping anything before it.
    std::optional<server_frame> read_close()
    {
        while (auto f = read_frame())
            if (f->opcode() == 0x8)
                return f;
        return std::nullopt;
    }

    /// True when the server ends TCP (EOF or reset) before the receive timeout.
    bool ended_by_server()
    {
        char buf[4096];
        for (;;) {
            auto const n = ::recv(fd_, buf, sizeof buf, 0);
            if (n == 0 || (n < 0 && errno == ECONNRESET))
                return true;
            if (n < 0)
                return false;
        }
    }

    /// Send a text message and read its echo (the well-behaved client).
    bool echoes(std::string const& text)
    {
        if (!write(frame_bytes(0x81, text)))
            return false;
        auto const f = read_frame();
        return f && f->b0 == 0x81 && f->payload == text;
    }

private:
    bool read_more()
    {
        char buf[65536];
        auto const n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0)
            return false;
        in_.append(buf, static_cast<std::size_t>(n));
        return true;
    }

    int fd_ = -1;
    std::uint16_t port_ = 0;
    bool connected_ = false;
    std::string in_;
};

/// This process's resident set (the servers run in it), from /proc/self/status.
inline std::size_t rss_bytes()
{
    std::ifstream in("/proc/self/status");
    std::string key;
    while (in >> key) {
        if (key == "VmRSS:") {
            std::size_t kib = 0;
            in >> kib;
            return kib * 1024;
        }
        in.ignore(1 << 16, '\n');
    }
    return 0;
}

} // namespace sockconf::echo::test
