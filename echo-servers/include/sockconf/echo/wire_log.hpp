// What crossed the wire, as the echo servers saw it: one record per connection,
// keyed by a tag the client chose (WebSocket: the `tag` URL query parameter;
// TCP: the tag of the listener the client connected to). Cases query it to
// check the wire as well as the API events.
//
// Thread-safe: servers update records while the harness reads snapshots.
#pragma once

#include <sockconf/common/value.hpp>
#include <sockconf/echo/header_fields.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace sockconf::echo {

enum class transport { websocket, tcp };

/// How a connection ended, seen from the server.
enum class conn_end {
    open,             ///< still open
    client_closed,    ///< WebSocket: the client's close frame came and was answered / TCP: FIN from the client
    server_closed,    ///< the server closed first: WebSocket, its close frame was answered by the
                      ///< client's (a "close" behaviour); TCP, a FIN ("tcp-close-after"); or stop()
    rejected,         ///< handshake answered with a non-101 status
    dropped,          ///< reset or closed without a close frame
    server_dropped,   ///< the server closed the TCP connection without a close frame (a "drop" behaviour)
    server_reset,     ///< the server reset the TCP connection (RST; the "tcp-reset" behaviour)
    error             ///< protocol or I/O error; see `error`
};
std::string_view to_string(conn_end e) noexcept;

struct wire_message {
    bool binary = false;
    std::size_t size = 0;
    /// Up to the first 4 KiB of the payload, byte for byte.
    std::string head;
};

struct wire_record {
    std::uint64_t id = 0; ///< unique per log
    transport kind = transport::websocket;
    bool tls = false;           ///< wss:// (WebSocket over TLS)
    std::string tag;
    /// WebSocket: "echo", "close", "reject", "handshake", "hang", "push", "drop", "fragment";
    /// TCP: "tcp-echo", "tcp-close-after", "tcp-reset", "tcp-send-on-connect".
    std::string behaviour;
    std::string target;         ///< WebSocket request target (path and query)
    std::string remote_address; ///< client's address as the server saw it
    std::uint16_t remote_port = 0;
    std::uint16_t local_port = 0;
    header_fields request_headers; ///< as they came, lower-case names (JSON: name -> value, repeats joined by ", ")
    std::vector<std::string> offered_protocols; ///< Sec-WebSocket-Protocol, split
    /// WebSocket messages received from the client: the first
    /// server_options::wire_messages_max of them (and one over max_message_bytes).
    std::vector<wire_message> messages;
    std::uint64_t messages_received = 0;        ///< WebSocket: every message received, recorded or not
    std::uint64_t bytes_received = 0;           ///< payload bytes (WebSocket) or stream bytes (TCP)
    /// TCP: up to the first 4 KiB of the stream received, byte for byte (in
    /// JSON always {"$arraybuffer": base64}: a stream is bytes, not text).
    /// Not kept for WebSocket (see `messages`): null in JSON.
    std::string head;
    /// TCP: stream bytes the server wrote. Not counted for WebSocket: null in JSON.
    std::uint64_t bytes_sent = 0;
    std::uint64_t pings_sent = 0;               ///< WebSocket: ping frames the server sent (`ping=N`)
    std::uint64_t pongs_received = 0;           ///< WebSocket: pong frames received from the client
    std::uint64_t pings_received = 0;           ///< WebSocket: ping frames received from the client
    /// WebSocket: a close frame from the client was read.
    bool close_received = false;
    /// Status code of the client's close frame; nullopt when it sent none or
    /// its close frame had no code (see close_received). Never a substitute
    /// such as 1005: only what was on the wire.
    std::optional<int> close_code;
    /// Reason of the client's close frame ("" when it had none, or there was none).
    std::string close_reason;
    /// WebSocket: the server sent a close frame (its own close, the answer to
    /// the client's, or a protocol error's 1002/1007/1009).
    bool close_sent = false;
    /// Status code of the server's close frame; nullopt when it sent none or
    /// one without a code (the answer to a client's close frame without one,
    /// `/close?code=0`).
    std::optional<int> sent_close_code;
    /// wss://: whether the client's TLS close_notify had arrived when the
    /// connection ended (browsers end TCP without one after the WebSocket
    /// closing handshake; that is no WebSocket error and `end` does not count
    /// it as one). nullopt on ws:// and TCP, while open, and when the server
    /// closed the connection before learning it (drop, stop, timeouts).
    std::optional<bool> tls_close_notify;
    int http_status = 0;                        ///< status answered to the handshake (101 on upgrade)
    conn_end end = conn_end::open;
    std::string error;
    double opened_ms = 0; ///< since the log was created
    double closed_ms = 0; ///< 0 while open

    /// Wire form for reports and matchers (keys as in this struct; messages'
    /// heads as text, or as {"$arraybuffer": ...} for binary ones; any text
    /// from the network that is not UTF-8 as {"$arraybuffer": ...}, see wire_text).
    json to_json() const;
};

/// Text from the network in JSON: a string when it is valid UTF-8, else its
/// exact bytes as {"$arraybuffer": base64}. Never a substitute: replacing the
/// bytes (by '?' or U+FFFD) would put a value in the record nobody sent.
json wire_text(std::string const& s);
/// Request headers as JSON: lower-case name -> value (repeats joined by ", "),
/// every value as wire_text.
json wire_headers(header_fields const& headers);

class wire_log {
public:
    /// What a log keeps by default: ten times what a whole `sockconf run`
    /// makes (one to a few records per case, at most about 40, cases tagged
    /// apart), so no running case loses its own record; a long `sockconf
    /// serve` stays bounded (a handshake's record is about 1.5 KB: ~30 MB).
    static constexpr std::size_t default_max_records = 20000;

    /// `max_records`: records kept (0: no limit). Beyond it the record that
    /// ended first is dropped (oldest first, by end); open records are never
    /// dropped (they are live connections, bounded by those), so the log may
    /// hold more while more are open.
    explicit wire_log(std::size_t max_records = default_max_records);

    /// New record; returns its id. Fills `id` and `opened_ms`. May evict ended records.
    std::uint64_t add(wire_record r);
    /// Apply `fn` (callable with `wire_record&`) to the record under the lock
    /// (no-op for an unknown or evicted id). A template, not a std::function:
    /// a connection updates its record a few times per handshake.
    template <class Fn>
    void update(std::uint64_t id, Fn&& fn)
    {
        std::lock_guard lock(mu_);
        auto const it = records_.find(id);
        if (it == records_.end())
            return; // unknown, or evicted
        auto const before = before_update(it->second);
        fn(it->second);
        after_update(id, it->second, before);
    }
    /// Mark ended: sets `end` (unless already set to a non-open value) and `closed_ms`.
    void finish(std::uint64_t id, conn_end how, std::string error = {});

    /// Records in id order (the order they were added), as are by_tag_family and all.
    std::vector<wire_record> by_tag(std::string const& tag) const;
    /// The records of `tag` and of its sub-tags `tag-…` (a case's `${tag}` and
    /// `${tag}-suffix`), without copying any other record: a case's records,
    /// found in a log that holds a long run's.
    std::vector<wire_record> by_tag_family(std::string const& tag) const;
    std::vector<wire_record> all() const;
    /// Drop the ended records of `tag` and its sub-tags (as by_tag_family); open
    /// ones stay, as live connections, and are evicted as usual once they end.
    /// Returns how many went (not counted in evicted()). A run calls it once a
    /// case's report holds the case's records, so that a long run's log holds
    /// only what is still open rather than growing to max_records.
    std::size_t forget_tag_family(std::string const& tag);
    /// Ids of the open records of `tag` and its sub-tags (as by_tag_family),
    /// without copying the records.
    std::vector<std::uint64_t> open_ids_of_family(std::string const& tag) const;
    /// Connections currently open with this tag.
    std::size_t open_count(std::string const& tag) const;
    /// Most connections open at once with this tag, over the log's life (while
    /// a record with the tag is held: forgotten with the last one evicted).
    std::size_t peak_open(std::string const& tag) const;

    double now_ms() const;

    /// Records held now.
    std::size_t size() const;
    /// Ended records dropped to stay within max_records, over the log's life.
    std::uint64_t evicted() const;
    std::size_t max_records() const noexcept { return max_records_; }

private:
    /// Open connections now and at most, per tag: kept as records open and
    /// end, so adding a record costs the same after a million as after one.
    struct open_counts {
        std::size_t now = 0;
        std::size_t peak = 0;
        std::size_t records = 0; ///< records held with the tag: the entry goes with the last one
    };
    void count(std::string const& tag, bool was_open, bool is_open);
    /// What update() compares after `fn`: whether the record was open, and its tag.
    struct update_before {
        bool was_open;
        std::string tag;
    };
    static update_before before_update(wire_record const& r) { return {r.end == conn_end::open, r.tag}; }
    /// The counts and the eviction queue after `fn` changed `r` (may evict `r`).
    void after_update(std::uint64_t id, wire_record& r, update_before const& before);
    /// A record ended (open -> not open): queue it for eviction, then evict.
    void ended(std::uint64_t id);
    void evict();

    mutable std::mutex mu_;
    std::size_t max_records_;
    std::uint64_t next_id_ = 1;
    std::uint64_t evicted_ = 0;
    /// By id. Hashed, not ordered: an update finds its record in one or two
    /// memory reads where a tree of 20,000 took a cache miss per level (perf: most
    /// of update()'s time, per handshake); the readers sort what they copy.
    std::unordered_map<std::uint64_t, wire_record> records_;
    std::deque<std::uint64_t> ended_;              ///< ids in the order they ended (eviction order)
    std::chrono::steady_clock::time_point epoch_;
    std::unordered_map<std::string, open_counts> open_;
};

} // namespace sockconf::echo
