// The measured window every single-threaded Asio load shares (run_load,
// run_handshakes, run_beast_plain_load): warm-up, then counters reset and
// clocks read, then the end by time, by count, or because nothing is left.
#pragma once

#include <sockconf/bench/load.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace sockconf::bench::detail {

struct run_window {
    using clock_type = std::chrono::steady_clock;

    run_window(boost::asio::io_context& io, std::uint64_t max_messages, std::function<void()> on_start,
               std::function<void()> on_end, std::atomic<bool> const* stop = nullptr)
        : io(io), max_messages(max_messages), on_start(std::move(on_start)), on_end(std::move(on_end)), stop(stop),
          stop_poll(io)
    {
    }

    boost::asio::io_context& io;
    std::uint64_t max_messages = 0;
    std::function<void()> on_start, on_end;
    std::atomic<bool> const* stop; ///< load_options::stop
    boost::asio::steady_timer stop_poll;
    bool measuring = false;
    bool ended = false;
    clock_type::time_point window_start{}, window_end{};
    cpu_times cpu_start{}, cpu_end{};
    // Counted in the window only.
    std::uint64_t messages = 0, bytes = 0, sent = 0, mismatches = 0;
    latency_histogram latency;
    std::string error; ///< the first error, whenever it happened

    /// Reset the counters, read the clocks, call on_start.
    void start_window();
    /// Read the clocks, call on_end (if the window had started), stop the io_context. Idempotent.
    void end_window();
    void fail(std::string what);
    /// `n` replies of `size` bytes each arrived; ends the window at max_messages.
    void count(std::uint64_t n, std::uint64_t size_bytes);

    /// Arm `timer`: warm-up, then the window of `duration`; and, with a `stop`
    /// flag, a poll that ends the window (or the warm-up) once it is set.
    void schedule(boost::asio::steady_timer& timer, std::chrono::duration<double> warmup,
                  std::chrono::duration<double> duration);
    void poll_stop();
    /// After io.run() returned: close a window that never ended or never started.
    void settle();
    double duration_s() const;
    double client_cpu() const;
    /// The window as a load_result.
    load_result result() const;
};

} // namespace sockconf::bench::detail
