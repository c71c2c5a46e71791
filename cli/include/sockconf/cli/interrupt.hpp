// Ctrl-C for the long commands (run, bench): the first SIGINT or SIGTERM sets a
// flag the work polls (cases in flight stop at their next wait, within 50 ms; a
// benchmark window ends), so that the report of what ran is still written; the
// second ends the process at once (the default action, restored by the first).
#pragma once

#include <atomic>

namespace sockconf::cli {

/// Install the handlers (idempotent) and return the flag they set.
std::atomic<bool> const& interrupt_on_signals();

/// Put SIGINT and SIGTERM back to their default action (the work is over).
void restore_default_signals();

} // namespace sockconf::cli
