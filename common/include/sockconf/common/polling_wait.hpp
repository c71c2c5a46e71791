#pragma once
// A condition-variable wait that also ends on what nobody can notify.
//
// Ctrl-C sets an atomic flag from a signal handler, and a signal handler may not
// touch a mutex or a condition variable. A wait that must end within moments of
// Ctrl-C (issue 15: SIGINT stops a run within 2 s with 60 s cases in flight) so
// cannot sleep until its deadline: it wakes at least every `poll_interval` to test
// its predicate again. Every such wait in sockconf goes through this one function.

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace sockconf {

/// How often a polling wait re-tests its predicate without a notification: the
/// bound on how late it sees a flag set by a signal handler.
inline constexpr std::chrono::milliseconds poll_interval{50};

/// Waits on `cv`, with `lock` held, until `done()` is true or `deadline` passes;
/// a notification re-tests `done()` at once, and so does every `poll_interval`
/// without one. Returns `done()` as last tested (so false only at the deadline).
template <class Clock, class Duration, class Pred>
bool wait_polling(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                  std::chrono::time_point<Clock, Duration> deadline, Pred done)
{
    for (;;) {
        if (done())
            return true;
        auto const now = Clock::now();
        if (now >= deadline)
            return false;
        if (auto const next = now + poll_interval; next < deadline)
            cv.wait_until(lock, next);
        else
            cv.wait_until(lock, deadline);
    }
}

} // namespace sockconf
