// The echo servers: a WebSocket server (Beast) and TCP echo listeners (Asio) on
// loopback, with ephemeral ports by default. Embedded by the harness and run by
// `sockconf serve`.
//
// WebSocket behaviour is chosen per connection by the request target:
//   /echo                         echo every message; text stays text, binary stays binary
//                                 ("/" is the same)
//   /close?code=C&reason=R&after=N   echo, and after N messages (default 0: right after the
//                                 handshake) close with code C (default 1000) and reason R
//   /reject?status=S              answer the handshake with HTTP status S (default 403)
//   /handshake                    send the handshake request as one JSON text message
//                                 {"target","method","headers":{lower-case name: value},
//                                  "protocols":[...]}, then echo
//   /delay?ms=N                   wait N ms before answering the handshake, then echo
//   /hang                         read the request, never answer (30 s handshake timeout)
//   /push?count=N&size=S&binary=0|1  after the handshake send N messages of S bytes, then echo
//   /drop?after=N                 echo, and after N messages (default 0) close the TCP
//                                 connection without a close frame (end = server_dropped)
//   /fragment?size=S              echo each message in frames of at most S bytes
// Every target takes `tag=T`, the key of the connection's wire record;
// `delay_ms=N`, a wait before answering the handshake; and `protocol=P`, the
// subprotocol to answer if the client offered it ("first": the first offered).
// Unknown paths are answered with 404 and recorded as rejected.
//
// TCP: the main listener echoes every byte; open_tcp_listener() adds more
// listeners whose connections carry a tag.
//
// No Asio in this header: the harness includes it without the cost.
#pragma once

#include <sockconf/echo/wire_log.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace sockconf::echo {

struct server_options {
    std::string host = "127.0.0.1";
    std::uint16_t ws_port = 0;  ///< 0: ephemeral
    std::uint16_t tcp_port = 0; ///< 0: ephemeral
    std::uint16_t wss_port = 0; ///< 0: ephemeral (when tls)
    /// Also serve wss:// (same behaviours as ws://) with a throwaway CA and a
    /// server certificate for 127.0.0.1, ::1 and localhost, generated at start().
    bool tls = true;
    int threads = 1;            ///< I/O threads
};

class servers {
public:
    explicit servers(server_options opts = {});
    ~servers(); ///< stop()
    servers(servers const&) = delete;
    servers& operator=(servers const&) = delete;

    /// Bind, listen and start the I/O threads. Throws std::system_error when a
    /// port cannot be bound.
    void start();
    /// Close listeners and connections, join threads. Idempotent.
    void stop();

    std::string const& host() const noexcept;
    std::uint16_t ws_port() const noexcept;
    std::uint16_t tcp_port() const noexcept;
    /// "ws://<host>:<ws_port>"
    std::string ws_url() const;
    /// "wss://<host>:<wss_port>"; empty when !tls.
    std::string wss_url() const;
    std::uint16_t wss_port() const noexcept;
    /// PEM of the CA that signed the wss:// certificate (generated at start();
    /// empty when !tls). Clients trust exactly this to reach wss_url().
    std::string const& ca_pem() const noexcept;

    /// A further TCP echo listener on an ephemeral port; the wire records of its
    /// connections carry `tag`. Returns the port.
    std::uint16_t open_tcp_listener(std::string const& tag);
    /// Stop accepting on a listener from open_tcp_listener (its open connections stay).
    void close_tcp_listener(std::uint16_t port);

    wire_log& log() noexcept;
    wire_log const& log() const noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace sockconf::echo
