// runtime::impl: the loop, the registries and the helpers every API object
// uses to deliver callbacks and events the JS way (posted, never inline).
// Asio headers only; Beast stays in ws_task.cpp.
#pragma once

#include <sockconf/ref/runtime.hpp>
#include <sockconf/ref/socket_task.hpp>
#include <sockconf/ref/tcp_socket.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace sockconf::ref {

namespace detail {

/// What the runtime needs from every socket it created, to shut down silently.
class resource {
public:
    virtual ~resource() = default;
    /// Loop thread, runtime shutting down: stop all I/O, emit nothing more.
    virtual void abort_silently() = 0;
    /// After the loop thread is joined: destroy the I/O objects while the
    /// io_context still exists (the user may keep the object longer).
    virtual void release_io() = 0;
};

/// Call a user function; an exception escaping it is reported and swallowed,
/// as a JS runtime reports an uncaught error and goes on with the next task.
void invoke_guarded(function const& fn, json const& arg) noexcept;

/// JS-ish type name for parameter errors: "Undefined" (absent: nullptr or a
/// discarded value), "Null",
/// "Number", "Boolean", "String", "Array", "Object", "ArrayBuffer".
std::string param_type_name(json const* v);

} // namespace detail

struct runtime::impl {
    explicit impl(profile p, runtime_options opts);

    profile profile_;
    runtime_options options_;
    /// The TLS client context of wss://, made at the first wss connect (ws_task.cpp).
    std::optional<boost::asio::ssl::context> ssl_ctx_;
    std::string ssl_ctx_error_; // non-empty: making it failed (bad trusted_ca_pem)
    boost::asio::io_context ctx_{1};
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    std::thread thread_;
    std::thread::id loop_id_;

    /// Set on the loop at the start of ~runtime: from then on nothing is delivered.
    bool shutting_down_ = false;

    std::uint64_t next_task_id_ = 1;
    /// SocketTasks holding a concurrency slot (not CLOSED).
    std::atomic<std::size_t> live_ws_{0};
    std::vector<std::weak_ptr<socket_task>> ws_tasks_;
    /// The task the legacy wx.* globals act on: the most recently created one.
    std::shared_ptr<socket_task> current_ws_;
    /// wx.onSocket* listeners, indexed by detail::ws_event.
    std::array<std::vector<listener>, 4> ws_globals_;
    std::vector<std::weak_ptr<detail::resource>> resources_;
    /// createTCPSocket calls inside the rolling window (oldest first).
    std::deque<virtual_clock::time_point> tcp_creations_;

    /// The one clock of time-window rules (runtime_options::clock, or our own).
    std::shared_ptr<virtual_clock> clock_;
    virtual_clock::time_point now() const { return clock_->now(); }

    void post(std::function<void()> fn);

    /// Post success or fail (by `ok`), then complete, with `result` (which must
    /// carry errMsg). Skipped once the runtime shuts down.
    void post_result(callbacks const& cb, bool ok, json result);
    void post_ok(callbacks const& cb, std::string_view api);
    void post_fail(callbacks const& cb, std::string_view api, std::string_view detail);

    void track(std::shared_ptr<detail::resource> r);
};

namespace detail {

/// SocketTask events; also the index of runtime::impl::ws_globals_.
enum class ws_event : std::size_t { open, message, error, close };

/// wx.connectSocket, in ws_task.cpp (the only Beast translation unit).
std::shared_ptr<socket_task> connect_socket(runtime::impl& rt, json const& options, callbacks cb);
/// wx.createTCPSocket after the creation limit check, in tcp_socket.cpp.
std::shared_ptr<tcp_socket> make_tcp_socket(runtime::impl& rt, json const& options);

} // namespace detail

} // namespace sockconf::ref
