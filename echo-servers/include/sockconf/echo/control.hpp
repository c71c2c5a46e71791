// `sockconf serve --control`: a small HTTP API next to the echo servers, through
// which a program that is not the harness (a repro script in a devtools console,
// see harness/README.md "sockconf repro") gets what the harness gets in-process:
// TCP listeners with behaviours and tags of its own, the wire log of its
// connections, and a port where nothing listens.
//
//   GET /listen?tag=T&behaviour=B&bytes=N&port=P&family=F
//        a TCP listener (servers::open_tcp_listener): B is echo (default),
//        close_after, reset, send_on_connect, sink, black_hole or refuse; P 0 or absent: any
//        free port; F absent: on the servers' host, ipv4 / ipv6: on that
//        family's address (listen_address_for: ::1 for ipv6 on a 127.0.0.1
//        host). 200 {"port": P, "tag": T, "host": the address}; 409 {"error",
//        "errc"} when it cannot listen there (errc "permission_denied",
//        "address_in_use", "address_not_available" (no ::1), ...);
//        400 {"error"} for a bad parameter.
//   GET /unlisten?port=P&family=F   stop that listener (open connections stay):
//                          200 {"closed": P}
//   GET /wire?tag=T        200 {"records": [the wire records tagged exactly T, as
//                          wire_record::to_json]}
//   GET /closed-port?tag=T 200 {"port": P, "tag": T, "host": H}: a port on the
//                          servers' host where nothing listens (a connect is
//                          refused): a `refuse` listener, held, so that no
//                          other socket takes the port, until /unlisten?port=P
// Anything else: 404 (unknown path) or 405 (not GET), {"error": ...}. Every
// answer is JSON with `Access-Control-Allow-Origin: *` (a page of another origin
// may ask) and `Cache-Control: no-store`. One request per connection; a client
// has 5 s to send it. It listens on the servers' host (loopback by default):
// whoever can reach it can open listeners there, as the harness can.
#pragma once

#include <sockconf/common/value.hpp>
#include <sockconf/echo/servers.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sockconf::echo {

struct control_reply {
    unsigned status = 200;
    json body;
};

/// The answer to one request (no sockets: the HTTP side is control_server's).
control_reply answer_control(servers& s, std::string_view method, std::string_view target);

class control_server {
public:
    /// `s` must outlive this object and be started before start().
    explicit control_server(servers& s);
    ~control_server(); ///< stop()
    control_server(control_server const&) = delete;
    control_server& operator=(control_server const&) = delete;

    /// Listen on the servers' host, `port` (0: ephemeral), and serve on a thread
    /// of its own. Throws std::system_error when it cannot listen.
    void start(std::uint16_t port = 0);
    /// Close the listener and join the thread. Idempotent.
    void stop();
    /// "http://<host>:<port>"
    std::string url() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace sockconf::echo
