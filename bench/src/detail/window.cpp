#include "window.hpp"

namespace sockconf::bench::detail {

namespace {
boost::asio::steady_timer::duration to_timer(std::chrono::duration<double> d)
{
    return std::chrono::duration_cast<boost::asio::steady_timer::duration>(d);
}
} // namespace

void run_window::start_window()
{
    if (on_start)
        on_start();
    measuring = true;
    messages = bytes = sent = mismatches = 0;
    latency.reset();
    window_start = clock_type::now();
    cpu_start = process_cpu_times();
}

void run_window::end_window()
{
    if (ended)
        return;
    ended = true;
    stop_poll.cancel();
    window_end = clock_type::now();
    cpu_end = process_cpu_times();
    if (on_end && measuring)
        on_end();
    io.stop();
}

void run_window::fail(std::string what)
{
    if (error.empty())
        error = std::move(what);
}

void run_window::count(std::uint64_t n, std::uint64_t size_bytes)
{
    if (!measuring || ended)
        return;
    messages += n;
    bytes += size_bytes;
    if (max_messages != 0 && messages >= max_messages)
        end_window();
}

void run_window::schedule(boost::asio::steady_timer& timer, std::chrono::duration<double> warmup,
                          std::chrono::duration<double> duration)
{
    auto measure = [this, &timer, duration] {
        start_window();
        timer.expires_after(to_timer(duration));
        timer.async_wait([this](boost::system::error_code ec) {
            if (!ec)
                end_window();
        });
    };
    if (stop)
        poll_stop();
    if (warmup.count() <= 0)
        return measure();
    timer.expires_after(to_timer(warmup));
    timer.async_wait([measure](boost::system::error_code ec) {
        if (!ec)
            measure();
    });
}

void run_window::poll_stop()
{
    stop_poll.expires_after(std::chrono::milliseconds(50));
    stop_poll.async_wait([this](boost::system::error_code ec) {
        if (ec || ended)
            return;
        if (stop->load())
            return end_window();
        poll_stop();
    });
}

void run_window::settle()
{
    if (!ended) // every connection died before the window ended
        end_window();
    if (!measuring) { // never reached the window: an empty one
        on_start = nullptr;
        start_window();
        window_end = window_start;
        cpu_end = cpu_start;
    }
}

double run_window::duration_s() const { return std::chrono::duration<double>(window_end - window_start).count(); }

double run_window::client_cpu() const
{
    auto const d = duration_s();
    return d > 0 ? (cpu_end.total() - cpu_start.total()) / d : 0;
}

load_result run_window::result() const
{
    load_result r;
    r.duration_s = duration_s();
    r.messages = messages;
    r.bytes = bytes;
    r.sent = sent;
    r.latency = latency;
    r.mismatches = mismatches;
    r.error = error;
    r.client_cpu = client_cpu();
    return r;
}

} // namespace sockconf::bench::detail
