// The echo servers: a WebSocket server (Beast's opening handshake, then frames of
// its own: see README "After the handshake") and TCP echo listeners (Asio) on
// loopback, with ephemeral ports by default. Embedded by the harness and run by
// `sockconf serve`.
//
// WebSocket behaviour is chosen per connection by the request target:
//   /echo                         echo every message; text stays text, binary stays binary
//                                 ("/" is the same)
//   /close?code=C&reason=R&after=N   echo, and after N messages (default 0: right after the
//                                 handshake) close with code C (default 1000) and reason R;
//                                 code=0: a close frame without a code
//   /reject?status=S              answer the handshake with HTTP status S (default 403)
//   /handshake                    send the handshake request as one JSON text message
//                                 {"target","method","headers":{lower-case name: value},
//                                  "protocols":[...]}, then echo (bytes that are not
//                                 UTF-8 as {"$arraybuffer": base64}, as in wire records)
//   /delay?ms=N                   wait N ms before answering the handshake, then echo
//   /hang                         read the request, never answer (until handshake_timeout_ms)
//   /push?count=N&size=S&binary=0|1  after the handshake send N messages of S bytes, then echo
//   /drop?after=N                 echo, and after N messages (default 0) close the TCP
//                                 connection without a close frame (end = server_dropped)
//   /fragment?size=S              echo each message in frames of at most S bytes
// A client's close frame is answered with its status code, or with none when it had none
// (the client then reports 1005).
// Every target takes `tag=T`, the key of the connection's wire record;
// `delay_ms=N`, a wait before answering the handshake; `protocol=P`, the
// subprotocol to answer if the client offered it ("first": the first offered);
// and `ping=N&ping_interval_ms=I`: after the handshake send N ping frames with
// payloads "sockconf-ping-1" ... "sockconf-ping-N", I ms apart (default 0).
// Unknown paths are answered with 404 and recorded as rejected.
// server_options sets the limits every connection gets (message size,
// handshake time, concurrent connections).
//
// TCP: the main listener echoes every byte; open_tcp_listener() adds more
// listeners whose connections carry a tag and follow a tcp_behaviour (echo,
// FIN or RST after N bytes, N bytes sent on connect, or a connect that never
// completes), on an ephemeral or a chosen port, on the host or on another
// address of this host (::1 for IPv6 clients).
//
// No Asio in this header: the harness includes it without the cost.
#pragma once

#include <sockconf/echo/wire_log.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

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

    // Limits (data, not code: a case or `sockconf serve` may tighten them).

    /// Largest WebSocket message accepted from a client, in bytes; 0: no limit of
    /// its own, but 1 GiB (a message is buffered whole; frame_echo.hpp).
    /// A bigger message is read to its end (so its size is known, the memory
    /// held stays at about this limit), recorded in `messages`, and answered
    /// with a close frame 1009 whose reason is
    /// "message of N bytes exceeds max_message_bytes M"; the wire record ends
    /// with `end = error` and that text as `error`. The default is the ceiling
    /// the servers always had.
    std::uint64_t max_message_bytes = 64u * 1024 * 1024;
    /// Time a WebSocket client has for each step of the opening handshake (TLS
    /// handshake, sending its complete HTTP upgrade request, reading the 101)
    /// and for a closing handshake; also how long /hang holds a request before
    /// giving up. A client that runs out of it is recorded with `end = error`
    /// and an `error` starting "handshake timeout:" (/hang: "hang: handshake
    /// timeout"). Must be > 0.
    std::uint32_t handshake_timeout_ms = 30000;
    /// Most WebSocket connections (ws:// and wss:// together) served at once;
    /// 0: no limit. Counted from the moment a connection's request would be
    /// accepted (upgraded or held by /hang or a delay) until it ends; requests
    /// refused anyway (404, /reject, not an upgrade) never count. One more is
    /// answered HTTP 503 with the body "max_connections N reached" and recorded
    /// `end = rejected`, `http_status = 503`, `error` = that body. TCP
    /// listeners are not limited.
    std::size_t max_connections = 0;

    // Wire log and buffers (data too: a long benchmark must not grow the log
    // per message; a case may want more heads).

    /// WebSocket messages per connection whose size and head are kept in the
    /// wire record's `messages`; later ones are only counted
    /// (`messages_received`, `bytes_received`). A message over
    /// max_message_bytes is always recorded.
    std::size_t wire_messages_max = 1000;
    /// Read buffer per echoing connection (TCP echo and the WebSocket echo
    /// loop), in bytes; a WebSocket frame bigger than it grows it to the
    /// frame's size (at most about max_message_bytes). Bigger means fewer reads
    /// per byte under load.
    std::size_t io_buffer_bytes = 256 * 1024;
    /// Wire records kept (0: no limit). Beyond it the record that ended first
    /// is dropped, never an open one; wire_log::evicted() counts them. The
    /// default is far above what a `sockconf run` makes, so a case always finds
    /// its own records; it keeps a long `sockconf serve` (a handshake benchmark:
    /// one record per connection) from growing without bound.
    std::size_t wire_log_max_records = wire_log::default_max_records;
};

/// What a TCP listener does with each connection it accepts.
enum class tcp_behaviour_kind {
    echo,            ///< write back every byte until the client closes ("tcp-echo")
    close_after,     ///< echo `bytes` bytes, then FIN ("tcp-close-after"; end = server_closed)
    reset,           ///< echo `bytes` bytes, then RST when more arrive ("tcp-reset"; end = server_reset)
    send_on_connect, ///< send `bytes` bytes of 'a'..'z' repeated, then echo ("tcp-send-on-connect")
    /// read and record every byte, never write one; the client's FIN answered by ours
    /// ("tcp-sink"). For a case about what the client sends when it closes: an echo the
    /// client has not read when it closes makes its kernel reset the connection and drop
    /// what it had not sent yet (RFC 1122 4.2.2.13), which would be the harness's doing.
    sink,
    black_hole,      ///< a connect never completes: no connection, no wire record (Linux; see README)
    /// a port bound where nothing listens: every connect is refused (RST to its
    /// SYN), no connection, no wire record. Held until the listener is closed,
    /// so no other socket, listener or a connect's source port, can take the
    /// port meanwhile (${tcp.closed_port}).
    refuse,
};

/// "echo", "close_after", "reset", "send_on_connect", "sink", "black_hole", "refuse" -> the
/// kind (the names cases use); nullopt for anything else.
std::optional<tcp_behaviour_kind> tcp_behaviour_from_name(std::string_view name) noexcept;
/// Those names in that order, for messages: "echo, close_after, … black_hole" + `last` + "refuse".
std::string tcp_behaviour_names(std::string_view last = ", ");

/// The address for a TCP listener of `family`, "ipv4" or "ipv6": `host` when it
/// is an address of that family, else that family's loopback (127.0.0.1, ::1);
/// nullopt for another name. What a case's `listen` step with "family" and the
/// control API's `family=` listen on.
std::optional<std::string> listen_address_for(std::string_view family, std::string const& host);

/// "host:port", an IPv6 host in brackets ("[::1]:8080", RFC 3986 3.2.2): how
/// the servers' URLs and the harness's messages name an address.
std::string host_port(std::string const& host, std::uint16_t port);

struct tcp_behaviour {
    tcp_behaviour_kind kind = tcp_behaviour_kind::echo;
    /// close_after / reset: bytes received (and echoed) before the FIN / RST;
    /// 0: right after the connection is accepted. Bytes beyond it are not
    /// echoed (after a FIN they are still read and counted, so closing never
    /// turns into a RST). reset, N > 0: the RST goes when the client sends
    /// more (the first read past N), never right behind the echo: a client
    /// that reads the echo and the RST in one poll can take the reset for an
    /// EOF (libuv does), and the case would see the client's timing.
    /// send_on_connect: bytes sent first. Else unused.
    std::uint64_t bytes = 0;
};

/// The ports of a pair of WebSocket listeners from servers::open_ws_listeners().
struct ws_listener_ports {
    std::uint16_t ws = 0;  ///< ws://
    std::uint16_t wss = 0; ///< wss://; 0 when the servers have no tls
};

class servers {
public:
    explicit servers(server_options opts = {});
    ~servers(); ///< stop()
    servers(servers const&) = delete;
    servers& operator=(servers const&) = delete;

    /// Bind, listen and start the I/O threads. Throws std::system_error when a
    /// port cannot be bound, std::invalid_argument when handshake_timeout_ms is 0.
    /// The sockets are not close-on-exec (Asio opens them so): a program that starts
    /// other processes while serving must close them in the child, as the harness's
    /// drivers do, or a socket the servers closed stays open there (no FIN, no RST, a
    /// closed listener still queueing connects).
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
    /// The same URLs for another port of host() (from open_ws_listeners()).
    std::string ws_url(std::uint16_t port) const;
    std::string wss_url(std::uint16_t port) const;
    /// PEM of the CA that signed the wss:// certificate (generated at start();
    /// empty when !tls). Clients trust exactly this to reach wss_url().
    std::string const& ca_pem() const noexcept;

    /// A further TCP listener on an ephemeral port; the wire records of its
    /// connections carry `tag` and it treats them as `behaviour` says. Returns
    /// the port. Throws std::system_error when it cannot listen,
    /// std::logic_error after stop().
    std::uint16_t open_tcp_listener(std::string const& tag, tcp_behaviour behaviour = {});
    /// The same on `port` (0: ephemeral), for checks that need a given port to
    /// be listened on (e.g. telling "refused by policy" from "nothing listens").
    /// Never throws: on failure returns 0 and sets `ec`, e.g.
    /// std::errc::permission_denied (a port below the unprivileged start,
    /// usually 1024, without the privilege), std::errc::address_in_use (someone
    /// listens there already), std::errc::operation_not_permitted (after stop()).
    std::uint16_t open_tcp_listener(std::string const& tag, tcp_behaviour behaviour, std::uint16_t port,
                                    std::error_code& ec) noexcept;
    /// The same on `address`, a literal IP address of this host other than
    /// host() (empty: host()), e.g. "::1" so that an IPv6 client has a peer.
    /// The port is that address's: a listener on ::1 may have the same port
    /// number as one on 127.0.0.1. Besides the errors above, `ec` may be
    /// std::errc::address_not_available (the host lacks the address, e.g. no
    /// ::1 on lo) or std::errc::address_family_not_supported (no IPv6 at all).
    std::uint16_t open_tcp_listener(std::string const& tag, tcp_behaviour behaviour, std::uint16_t port,
                                    std::string const& address, std::error_code& ec) noexcept;
    /// Stop accepting on a listener from open_tcp_listener (its open connections
    /// stay; a black hole's pending connects are refused from then on).
    /// `address` as given to open_tcp_listener (empty: host()).
    void close_tcp_listener(std::uint16_t port, std::string const& address = {});

    /// A further ws:// listener and, with tls, a wss:// one, on ephemeral ports of
    /// host(): the same behaviours as the main ones, for one case's connections. A
    /// browser keeps a connection waiting while another to the same address (host and
    /// port, across all its pages) is still connecting (RFC 6455 4.1), so cases run at
    /// once on the main address would hold each other's handshakes back (a case's /hang
    /// would delay the next case's connections, and its timing checks with them).
    /// Throws std::system_error when it cannot listen, std::logic_error before
    /// start() (the wss:// certificate is made there) or after stop().
    ws_listener_ports open_ws_listeners();
    /// Stop accepting on the listeners open_ws_listeners() opened; their open
    /// connections stay (close_tag_family() ends them).
    void close_ws_listeners(ws_listener_ports const& ports);

    wire_log& log() noexcept;
    wire_log const& log() const noexcept;

    /// Connections whose session is alive now (WebSocket and TCP). A session lives
    /// until its connection has ended and its last handler has run: within moments of
    /// the end its record shows, not after a timer of its own runs out. A count that
    /// stays up after every client has gone is a leak (tests observe it so).
    std::size_t live_sessions() const;

    /// Close every connection still open whose record is of `tag`'s family (as
    /// wire_log::by_tag_family: `tag` and `tag-…`), as stop() closes them (end =
    /// server_closed): what a case left behind, so that it cannot reach into the
    /// next one (a handshake left hanging holds a browser's other connections to
    /// the same address back, RFC 6455 4.1). Returns how many it closed; their
    /// records end moments later.
    std::size_t close_tag_family(std::string const& tag);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace sockconf::echo
