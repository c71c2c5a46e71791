// A reference runtime: one mini-program instance with its own event loop.
//
// The loop is a single thread (the JS thread). All API calls must be made on
// it: use post()/run_sync() from elsewhere. Limits and timings come from the
// profile given at construction; nothing is hard-coded.
#pragma once

#include <sockconf/common/profile.hpp>
#include <sockconf/ref/clock.hpp>
#include <sockconf/ref/js.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

namespace sockconf::ref {

class socket_task;
class tcp_socket;

/// What a runtime needs besides the profile.
struct runtime_options {
    /// PEM certificates wss:// trusts. Empty: the system's trust store.
    /// The harness passes the echo servers' throwaway CA, and only that.
    std::string trusted_ca_pem;
    /// The clock of time-window rules; null: the runtime makes its own.
    std::shared_ptr<virtual_clock> clock;
};

class runtime {
public:
    explicit runtime(profile p, runtime_options opts = {});
    /// Closes every socket without emitting further events, stops the loop, joins.
    ~runtime();
    runtime(runtime const&) = delete;
    runtime& operator=(runtime const&) = delete;

    profile const& config() const noexcept;
    /// The clock of time-window rules (advance() it to step past a window).
    virtual_clock& clock() noexcept;

    /// Queue `fn` on the loop (a macrotask).
    void post(std::function<void()> fn);
    /// Run `fn` on the loop and wait for it, at most `timeout`. Returns false on
    /// timeout (fn may still run later). Must not be called from the loop.
    bool run_sync(std::function<void()> fn, std::chrono::milliseconds timeout);
    bool on_loop_thread() const noexcept;

    // ---- wx API (loop thread only) ------------------------------------------

    /// wx.connectSocket(options). Returns the task at once (CONNECTING).
    /// `success` means "task created", not OPEN. Over the profile's
    /// max_concurrent_websockets the task is refused as the profile's
    /// limit_refusal says.
    std::shared_ptr<socket_task> connect_socket(json const& options, callbacks cb);

    // Legacy globals (wx.sendSocketMessage, wx.closeSocket, wx.onSocket*): they act
    // on the most recently created task (the last connect_socket that reported
    // success; decisions.md D15), evaluated when they are called / when an event
    // is delivered.

    /// wx.sendSocketMessage({data}): the current task's send(). No task:
    /// fail "sendSocketMessage:fail WebSocket is not connected".
    void send_socket_message(json const& options, callbacks cb);
    /// wx.closeSocket({code?, reason?}): the current task's close(). No task, or
    /// the task still CONNECTING: fail "closeSocket:fail WebSocket is not connected"
    /// and the attempt goes on (D12).
    void close_socket(json const& options, callbacks cb);
    /// wx.onSocketOpen/Message/Error/Close: append a global listener (no off*).
    /// It gets the events of the current task delivered from now on, after the
    /// task's own listeners; when a new task is created the globals follow it.
    void on_socket_open(listener l);
    void on_socket_message(listener l);
    void on_socket_error(listener l);
    void on_socket_close(listener l);

    /// wx.createTCPSocket(options?: {type: "ipv4" | "ipv6"}); no type: the
    /// profile's switches.tcp_default_family. Throws js_error
    /// "[TCPSocket] created too much." when limits.tcp_create_max sockets were
    /// created within the last limits.tcp_create_window_ms (on clock()).
    std::shared_ptr<tcp_socket> create_tcp_socket(json const& options);

    /// WebSocket tasks not yet CLOSED (the ones that count against the limit).
    std::size_t live_websockets() const noexcept;

    struct impl;
    impl& internals() noexcept { return *impl_; }

private:
    std::unique_ptr<impl> impl_;
};

} // namespace sockconf::ref
