// A reference runtime: one mini-program instance with its own event loop.
//
// The loop is a single thread (the JS thread). All API calls must be made on
// it: use post()/run_sync() from elsewhere. Limits and timings come from the
// profile given at construction; nothing is hard-coded.
#pragma once

#include <sockconf/common/profile.hpp>
#include <sockconf/ref/js.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

namespace sockconf::ref {

class socket_task;
class tcp_socket;

class runtime {
public:
    explicit runtime(profile p);
    /// Closes every socket without emitting further events, stops the loop, joins.
    ~runtime();
    runtime(runtime const&) = delete;
    runtime& operator=(runtime const&) = delete;

    profile const& config() const noexcept;

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

    /// wx.createTCPSocket(options?).
    std::shared_ptr<tcp_socket> create_tcp_socket(json const& options);

    /// WebSocket tasks not yet CLOSED (the ones that count against the limit).
    std::size_t live_websockets() const noexcept;

    struct impl;
    impl& internals() noexcept { return *impl_; }

private:
    std::unique_ptr<impl> impl_;
};

} // namespace sockconf::ref
