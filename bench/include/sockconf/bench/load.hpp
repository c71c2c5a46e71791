// The load generator: N connections with K messages in flight each against a
// WebSocket or TCP echo server, or a handshake-rate loop. One thread; every
// run is bounded in time and count, every connect and handshake has a timeout.
//
// Why it is fast enough to measure servers that echo over a million messages/s:
// each connection writes its frames pre-masked, many in one write (every reply
// that arrived frees a slot, and all free slots go out together), and parses
// replies from its read buffer itself (frame_parser), allocating nothing per
// message. Beast is used for nothing on the data path; the upgrade request is
// written by hand and its answer checked with Beast's Sec-WebSocket-Accept.
// wss:// runs the same loop over an Asio TLS stream (OpenSSL), where every
// byte is decrypted, so replies are never discarded unread.
#pragma once

#include <sockconf/bench/histogram.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace sockconf::bench {

enum class transport { ws, wss, tcp };
enum class payload_kind { text, binary };

std::string to_string(transport t);
std::string to_string(payload_kind p);

/// ws or wss: frames after an upgrade (tcp: a byte stream).
constexpr bool is_websocket(transport t) noexcept { return t != transport::tcp; }

/// The payload of every message: text is `abc…z` repeated, binary byte i is i % 256
/// (the echo servers' /push patterns).
std::string payload_bytes(std::size_t size, payload_kind kind);

/// Where to connect: ws://host:port/path, wss://host:port/path or a TCP host and port.
/// wss: the server's certificate is not verified (a benchmark of the channel, not a
/// check of it), and the client offers TLS 1.3 with TLS_AES_128_GCM_SHA256 only, so
/// every server measured runs the same cipher whatever it would prefer.
struct load_target {
    transport kind = transport::ws;
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    std::string path = "/"; ///< request target for ws and wss
};

/// Parse "ws://H:P/path" (kind ws), "wss://H:P/path" (kind wss) or "H:P" (kind tcp).
/// Throws std::invalid_argument.
load_target parse_ws_url(std::string const& url);
load_target parse_tcp_address(std::string const& host_port);

struct load_options {
    load_target target;
    unsigned connections = 8;
    unsigned in_flight = 16;  ///< messages outstanding per connection
    std::size_t size = 16;    ///< payload bytes per message (TCP: bytes per message)
    payload_kind payload = payload_kind::binary;
    std::chrono::duration<double> warmup{1.0};   ///< run, then forget what was counted
    std::chrono::duration<double> duration{4.0}; ///< the measured window
    std::uint64_t max_messages = 0;              ///< end the window after this many replies (0: none)
    std::chrono::milliseconds connect_timeout{5000}; ///< TCP connect plus the upgrade, per connection
    /// Compare every echoed byte with what was sent (costs client CPU; tests use it).
    bool verify = false;
    /// Without verify, replies of at least this many payload bytes are consumed
    /// unread: the frame header is read, its payload discarded in the kernel
    /// (recv with MSG_TRUNC), so the generator copies half of what the server
    /// copies and stays above it at 64 KiB and 1 MiB. 0: always read. Not over
    /// wss, where a record must be decrypted whole.
    std::size_t discard_from = 4096;
    /// Called as the measured window starts and ends (e.g. to read the server's CPU time).
    std::function<void()> on_window_start, on_window_end;
    /// Ctrl-C's flag (or null): once set, the warm-up or window ends within 50 ms and
    /// the result is what was counted so far.
    std::atomic<bool> const* stop = nullptr;
};

struct cpu_times {
    double user_s = 0;
    double system_s = 0;
    double total() const noexcept { return user_s + system_s; }
};

/// This process's CPU time so far (getrusage).
cpu_times process_cpu_times();

struct load_result {
    double duration_s = 0;       ///< the measured window, wall time
    std::uint64_t messages = 0;  ///< replies completed in the window
    std::uint64_t bytes = 0;     ///< payload bytes of those replies
    std::uint64_t sent = 0;      ///< messages sent in the window
    latency_histogram latency;   ///< send-to-reply time of the window's replies
    double client_cpu = 0;       ///< CPU of this process in the window / wall (fraction of one core)
    std::uint64_t mismatches = 0; ///< echoed payload bytes that differed (verify only)
    std::string error;           ///< the first connection error (empty: none); the run still reports
    double msgs_per_s() const noexcept { return duration_s > 0 ? double(messages) / duration_s : 0; }
    double mb_per_s() const noexcept { return duration_s > 0 ? double(bytes) / duration_s / 1e6 : 0; }
};

/// Run the load. Throws std::runtime_error when not every connection could be
/// set up within connect_timeout; an error during the run ends that connection
/// and is reported in `error`.
load_result run_load(load_options const& opts);

struct handshake_options {
    load_target target;           ///< ws only (not wss)
    unsigned concurrency = 8;     ///< handshakes under way at once
    std::chrono::duration<double> warmup{0.5};
    std::chrono::duration<double> duration{4.0};
    std::uint64_t max_handshakes = 0; ///< 0: none
    std::chrono::milliseconds timeout{5000}; ///< per handshake, connect to the server's close
    std::function<void()> on_window_start, on_window_end; ///< as load_options'
    std::atomic<bool> const* stop = nullptr;              ///< as load_options'
};

struct handshake_result {
    double duration_s = 0;
    std::uint64_t handshakes = 0; ///< connect + upgrade + close handshake + server's TCP close
    std::uint64_t failures = 0;
    double client_cpu = 0;
    std::string error; ///< the first failure
    double per_s() const noexcept { return duration_s > 0 ? double(handshakes) / duration_s : 0; }
};

/// Connect, upgrade, send a close frame, wait for the server's close frame and
/// its TCP close (so TIME_WAIT stays on the server's side), `concurrency` at a time.
handshake_result run_handshakes(handshake_options const& opts);

} // namespace sockconf::bench
