// One IUT instance on the far side of the adapter protocol
// (specs/adapter-protocol.md), whatever carries the messages: the process
// driver feeds it stdout lines, the remote driver WebSocket text frames. It
// checks every message, matches replies to commands, and hands events to the
// case's sink in order. Thread-safe.
#pragma once

#include <atomic>
#include <sockconf/harness/driver.hpp>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace sockconf::harness::detail {

/// What the harness takes from one IUT instance (specs/settings.json): a hostile or
/// broken IUT costs its case, never the harness's memory.
struct adapter_limits {
    std::size_t message_max_bytes = 0; ///< one message (line, frame)
    std::int64_t case_events_max = 0;  ///< events + logs between two set_sink() calls (one case)
    /// Ctrl-C's flag (or null): a wait for a reply ends within 50 ms once it is set
    /// (a timeout saying "interrupted"; the case runner then stops the case).
    std::atomic<bool> const* interrupted = nullptr;
};

class adapter_link {
public:
    /// `write` sends one message (a line / a frame); false when it cannot (the
    /// IUT is gone). `context` adds what the transport knows to error messages
    /// (e.g. the end of a process's stderr).
    adapter_link(std::function<bool(std::string const&)> write, std::function<std::string()> context,
                 adapter_limits limits);

    // ---- from the transport ---------------------------------------------------
    /// One message. `where` names it in errors ("stdout line 3").
    /// Ignored once the link is dead (a flood after a violation costs no parsing).
    /// Never throws: it runs on the transport's reader thread, where an exception
    /// would end the run and its report; whatever a message makes the harness throw
    /// is that message's violation (E-ADAPTER-MESSAGE).
    void on_message(std::string const& text, std::string const& where);
    /// A message longer than limits().message_max_bytes began at `where`: the
    /// transport dropped it (and keeps dropping it to its end).
    void on_too_long(std::string const& where);
    adapter_limits const& limits() const { return limits_; }
    /// The transport ended (exit, closed socket).
    void on_closed(std::string const& why);

    // ---- for the driver ---------------------------------------------------------
    /// Wait for the hello; false on timeout or when the link died first.
    bool wait_hello(std::chrono::milliseconds timeout);
    /// The hello (without "type"), or {"error": why} when there is none.
    json hello() const;
    /// Where events go from now on (no-op sink: dropped); a new case, so the
    /// event count starts again.
    void set_sink(event_sink sink);
    /// Send a command and wait for its reply.
    reply execute(json const& command, std::chrono::milliseconds timeout);
    /// Send "reset" and wait for its reply.
    reply reset(std::chrono::milliseconds timeout);
    /// Send "bye" (best effort).
    void bye();
    /// Why the link is unusable, if it is.
    std::optional<std::string> dead() const;

private:
    /// on_message's work, which may throw.
    void handle(std::string const& text, std::string const& where);
    reply request(json message, std::chrono::milliseconds timeout);
    void violation(std::string why);
    /// Caller holds mu_. "" or "\nIUT log (end):\n..." from the IUT's log messages.
    std::string log_tail() const;

    std::function<bool(std::string const&)> write_;
    std::function<std::string()> context_;
    mutable std::mutex mu_;
    /// Held across a write instead of mu_: commands go out in id order, and the
    /// reader (which takes mu_ for every line) never waits for a write blocked
    /// on a full pipe while the IUT is blocked writing to us.
    std::mutex write_mu_;
    std::condition_variable cv_;
    /// Held while the sink runs and while set_sink() replaces it: once set_sink()
    /// returns, the old sink (a case that may be destroyed next) is never called again.
    std::mutex sink_mu_;
    event_sink sink_; ///< under sink_mu_
    /// Give `event` to the sink, under sink_mu_.
    void deliver(json const& event);
    std::optional<json> hello_;
    std::optional<std::string> dead_;
    std::map<std::int64_t, json> replies_;
    std::int64_t next_id_ = 0;
    adapter_limits limits_;
    std::int64_t events_ = 0; ///< events + logs since set_sink
    std::string logs_;        ///< the end of the log messages' text, for error messages
};

} // namespace sockconf::harness::detail
