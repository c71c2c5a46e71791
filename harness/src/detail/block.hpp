// Executing call and get steps. Consecutive ones form a synchronous block: one
// command to the IUT (a batch), run in one turn of its event loop as the same
// lines of JS would, so no event can come between them. Each step is a check:
// it must return (or throw, as the case says), and its `returns`, `throws` and
// `expect` matchers must hold.
#pragma once

#include "case_state.hpp"

namespace sockconf::harness::detail {

/// Run steps [begin, end) of `steps` (all call or get steps) as one block.
/// Appends one check per step. Returns why the steps must stop (none: go on):
/// `error` when the IUT could not execute a command, `failed` when a call threw
/// that must not, or did not return the object a later step needs.
stop_reason run_block(case_state& s, std::vector<step> const& steps, std::size_t begin, std::size_t end);

} // namespace sockconf::harness::detail
