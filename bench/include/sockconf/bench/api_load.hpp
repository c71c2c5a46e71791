// Loads through a client API rather than the raw load generator: the reference
// implementation through its wx API (SocketTask / TCPSocket, callbacks and all),
// a plain Beast client (one async_write and one async_read per message: the
// baseline the reference must match), and any IUT through the harness driver
// (commands and onMessage events). Same options and result as run_load; the
// payload is not verified here (the conformance suites do that).
#pragma once

#include <sockconf/bench/load.hpp>
#include <sockconf/common/profile.hpp>

namespace sockconf::harness {
class driver_factory;
}

namespace sockconf::bench {

/// The reference runtime under `p`: wx.connectSocket (ws) or wx.createTCPSocket
/// (tcp); each connection's onOpen/onConnect sends in_flight messages, each
/// onMessage sends one more. All on the runtime's loop thread, as a mini-program
/// would. Connections are capped by the profile's max_concurrent_websockets.
/// Throws std::runtime_error when the sockets do not open within connect_timeout.
load_result run_reference_load(profile const& p, load_options const& o);

/// A Beast websocket::stream per connection (defaults, binary/text as asked),
/// one async_write and one async_read per message, in_flight pipelined. ws only.
load_result run_beast_plain_load(load_options const& o);

/// One IUT instance from `factory`: wx.connectSocket through driver commands,
/// onMessage counted from its events; each batch of freed slots is sent as one
/// {"op":"batch"} of send() calls. connections is capped at 1 per instance and
/// instances are opened one per connection. ws only.
load_result run_driver_load(harness::driver_factory& factory, load_options const& o);

} // namespace sockconf::bench
