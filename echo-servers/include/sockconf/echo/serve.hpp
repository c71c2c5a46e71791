// `sockconf serve`: run the echo servers in the foreground until a signal.
#pragma once

#include <sockconf/echo/servers.hpp>

#include <iosfwd>

namespace sockconf::echo {

/// Start the servers with `opts`, announce them on `out`, block until SIGINT or
/// SIGTERM, stop them and return 0.
///
/// The announcement is flushed before blocking, so a parent process can read it
/// as soon as it appears:
///   json_output == false (for people):
///       sockconf echo servers (Ctrl-C to stop)
///         ws   ws://127.0.0.1:PORT
///         wss  wss://127.0.0.1:PORT        (when opts.tls)
///         tcp  127.0.0.1:PORT
///   json_output == true (for programs), one line:
///       {"ws":"ws://127.0.0.1:PORT","tcp":{"host":"127.0.0.1","port":PORT}}
///   plus, when opts.tls, "wss":"wss://127.0.0.1:PORT" and "ca_pem":"<CA certificate PEM>".
///
/// `control`: also serve the HTTP control API of control.hpp on an ephemeral
/// port, announced as "control":"http://127.0.0.1:PORT" (JSON) or a line
/// "  control  http://127.0.0.1:PORT  (...)" (for people).
///
/// Throws std::system_error when a port cannot be bound, std::invalid_argument
/// when opts.handshake_timeout_ms is 0 (as servers::start()).
int serve_until_signal(server_options const& opts, bool json_output, std::ostream& out, bool control = false);

} // namespace sockconf::echo
