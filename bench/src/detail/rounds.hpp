// `sockconf bench`'s rounds: every measurement run once per round, rounds one after
// the other (all once, then all again), a progress line per run, and per measurement
// the median run with every run's rate ("runs", ascending) and the runs in round order
// ("rounds": what peer_ratios.hpp pairs sockconf and a peer by).
#pragma once

#include <sockconf/common/value.hpp>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace sockconf::bench::detail {

/// One measurement to make: what, and how to run it (returns its result JSON).
struct measurement {
    std::string label;
    std::function<json()> run;
    std::string group = {}; ///< same load on different targets (echo and peers run side by side)
};

/// Measurements of one group next to each other (groups in order of first
/// appearance): sockconf and each peer at one size are measured minutes apart at most.
void group_side_by_side(std::vector<measurement>& ms);

/// Run every measurement `repeats` times, interleaved, printing a line each to stdout;
/// results are the medians, in measurement order. A run that throws is printed as
/// failed and left out; `interrupted` ends the rounds after the run under way.
json run_all(std::vector<measurement> const& ms, unsigned repeats, std::atomic<bool> const* interrupted);

} // namespace sockconf::bench::detail
