// Checks over a case's trace: `wait` steps (block until enough matching calls
// happened), and the trace expectations (order, once, never, count, event),
// each judged into a check with what was expected, what happened, and the
// same normalised (names as their meaning, run-specific values as ${names}).
#pragma once

#include "case_state.hpp"

#include <optional>

namespace sockconf::harness::detail {

/// The invokes of any of `names` whose argument matches `p` (every one when
/// `p` is null), and the first that did not.
struct match_count {
    std::size_t matching = 0;
    std::size_t all = 0;
    std::optional<mismatch> first_mismatch;
    std::size_t first_mismatch_seq = 0;
    std::string first_mismatch_fn;
    std::vector<std::size_t> seqs; ///< of the matching ones
};
match_count count_matching(std::vector<json> const& entries, name_list const& names, pattern const* p,
                           value_resolver const& resolve);

/// Run a wait step: one check. Stops the steps when the wait is not met.
stop_reason run_wait(case_state& s, step const& st, wait_step const& w);

/// Judge a trace expectation (order, once/never/count, event) on the trace
/// as it is now, into `k`. (Wire expectations are the wire probe's.)
void judge_trace_expectation(case_state& s, expect_entry const& e, reports::check_result& k);

/// "open, task.success" — the invokes so far, for messages.
std::string called_so_far(std::vector<json> const& entries);

} // namespace sockconf::harness::detail
