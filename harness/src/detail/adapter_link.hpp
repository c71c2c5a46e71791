// One IUT instance on the far side of the adapter protocol
// (specs/adapter-protocol.md), whatever carries the messages: the process
// driver feeds it stdout lines, the remote driver WebSocket text frames. It
// checks every message, matches replies to commands, and hands events to the
// case's sink in order. Thread-safe.
#pragma once

#include <sockconf/harness/driver.hpp>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace sockconf::harness::detail {

class adapter_link {
public:
    /// `write` sends one message (a line / a frame); false when it cannot (the
    /// IUT is gone). `context` adds what the transport knows to error messages
    /// (e.g. the end of a process's stderr).
    adapter_link(std::function<bool(std::string const&)> write, std::function<std::string()> context);

    // ---- from the transport ---------------------------------------------------
    /// One message. `where` names it in errors ("stdout line 3").
    void on_message(std::string const& text, std::string const& where);
    /// The transport ended (exit, closed socket).
    void on_closed(std::string const& why);

    // ---- for the driver ---------------------------------------------------------
    /// Wait for the hello; false on timeout or when the link died first.
    bool wait_hello(std::chrono::milliseconds timeout);
    /// The hello (without "type"), or {"error": why} when there is none.
    json hello() const;
    /// Where events go from now on (no-op sink: dropped).
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
    reply request(json message, std::chrono::milliseconds timeout);
    void violation(std::string why);

    std::function<bool(std::string const&)> write_;
    std::function<std::string()> context_;
    mutable std::mutex mu_;
    /// Held across a write instead of mu_: commands go out in id order, and the
    /// reader (which takes mu_ for every line) never waits for a write blocked
    /// on a full pipe while the IUT is blocked writing to us.
    std::mutex write_mu_;
    std::condition_variable cv_;
    event_sink sink_;
    std::optional<json> hello_;
    std::optional<std::string> dead_;
    std::map<std::int64_t, json> replies_;
    std::int64_t next_id_ = 0;
};

} // namespace sockconf::harness::detail
