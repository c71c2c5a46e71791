// The wire probe: what the echo servers recorded for a case's connections,
// checked against a `wire` step or expectation. It polls the wire log until
// the spec holds, until it can no longer come to hold, or until its time is up:
// a connection that has ended is final, so a mismatch on it is reported at
// once instead of after the whole timeout.
#pragma once

#include "variables.hpp"

#include <sockconf/echo/wire_log.hpp>
#include <sockconf/harness/test_case.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace sockconf::harness::detail {

struct wire_verdict {
    bool held = false;
    bool final = false;   ///< not held, and it could not have come to hold later
    std::string expected; ///< for messages: what the servers should have seen
    std::string actual;   ///< what they saw
    std::string subject, expected_norm, observed_norm; ///< the same, for grouping
};

/// Check `spec` (its variables resolved through `vars`; tag default `default_tag`)
/// until it holds, is final, `until` passes or `stop()` says so. `poll` is the
/// time between looks at the log.
wire_verdict probe_wire(echo::wire_log const& log, wire_spec const& spec, variables const& vars,
                        std::string const& default_tag, std::chrono::steady_clock::time_point until,
                        std::function<bool()> const& stop,
                        std::chrono::milliseconds poll = std::chrono::milliseconds(10));

} // namespace sockconf::harness::detail
