// The runtime's clock for rules measured in minutes (the TCP creation window:
// 20 per rolling 5 minutes). It is real time plus an offset that only
// advance() moves, so a case can step past a window without waiting for it;
// the harness reaches it through the binding's "clock" command.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace sockconf::ref {

class virtual_clock {
public:
    using time_point = std::chrono::steady_clock::time_point;

    /// Thread-safe.
    time_point now() const noexcept
    {
        return std::chrono::steady_clock::now() + std::chrono::nanoseconds(offset_ns_.load());
    }
    /// Jump ahead by `d` (negative values are ignored: time never goes back).
    void advance(std::chrono::milliseconds d) noexcept
    {
        if (d.count() > 0)
            offset_ns_ += std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
    }

private:
    std::atomic<std::int64_t> offset_ns_{0};
};

} // namespace sockconf::ref
