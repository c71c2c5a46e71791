#include <sockconf/cli/interrupt.hpp>

#include <csignal>

namespace sockconf::cli {

namespace {

std::atomic<bool> interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");

extern "C" void on_signal(int)
{
    interrupted.store(true);
    // A second signal ends the process at once.
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
}

} // namespace

std::atomic<bool> const& interrupt_on_signals()
{
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    return interrupted;
}

void restore_default_signals()
{
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
}

} // namespace sockconf::cli
