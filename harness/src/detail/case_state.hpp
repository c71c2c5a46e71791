// The state of one case run that the runner's parts share: the trace, the
// variables, the names, the IUT instance, the clock, and the checks judged so
// far. Owned by case_runner.cpp; the parts (block, trace_checks, wire_probe)
// read and extend it.
#pragma once

#include "names.hpp"
#include "variables.hpp"

#include <sockconf/harness/case_runner.hpp>
#include <sockconf/harness/driver.hpp>
#include <sockconf/harness/test_case.hpp>
#include <sockconf/harness/trace.hpp>
#include <sockconf/reports/result.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace sockconf::harness::detail {

using clock = std::chrono::steady_clock;

struct case_state {
    case_state(test_case const& c_, run_env const& env_) : c(c_), env(env_), vars(env_.prof) {}

    test_case const& c;
    run_env const& env;
    harness::trace trace;
    variables vars;
    case_names names;
    std::unique_ptr<driver> iut;
    clock::time_point deadline;
    std::string tag;
    std::map<std::string, json> bound;          ///< name -> the value the IUT returned for it
    std::map<std::string, std::string> classes; ///< name -> the class of the object it will hold
    std::set<std::string> thrown;               ///< "as" names whose creation threw (may_throw)
    std::atomic<bool> bad_event{false};          ///< the IUT sent something that is not an event
    /// What the first bad event was, for the case's message. Written (once, by the
    /// driver's thread) before bad_event is set, read after it is seen set.
    std::string bad_event_text;
    std::vector<reports::check_result> checks;

    bool interrupted() const { return env.interrupted && env.interrupted->load(); }
    std::chrono::milliseconds remaining() const
    {
        return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
    }
    std::int64_t case_timeout_ms() const { return c.timeout_ms.value_or(env.settings.case_timeout_ms); }
    /// A command's timeout: the settings' wait timeout, at most what the case has left.
    std::chrono::milliseconds command_timeout() const
    {
        return std::max(std::chrono::milliseconds(1),
                        std::min(remaining(), std::chrono::milliseconds(env.settings.wait_timeout_ms)));
    }
    bool has_capability(std::string const& cap) const;
    /// "the IUT sent a malformed event", with what it was when known.
    std::string bad_event_message() const
    {
        return bad_event_text.empty() ? "the IUT sent a malformed event" : "the IUT broke the adapter protocol: " + bad_event_text;
    }

    /// A new check of this case at `pointer` (relative to the case), testing
    /// `own` clauses (empty: the case's). Appended to `checks`; returns it.
    reports::check_result& add_check(reports::check_kind kind, std::string const& pointer, std::string title,
                                     std::vector<std::string> const& own);
    /// Mark `k` failed: what was asked and what happened (for the message), and
    /// the same three for grouping; fail() replaces run-specific values (tags,
    /// ports, URLs) in expected_norm and observed_norm by their ${names}.
    void fail(reports::check_result& k, std::string expected, std::string actual, std::string subject,
              std::string expected_norm, std::string observed_norm, std::vector<std::size_t> seqs = {}) const;
    /// fail(), for a check that failed because something did not happen (yet):
    /// `k.absent`, so that it is not judged once the steps stopped early.
    void missing(reports::check_result& k, std::string expected, std::string actual, std::string subject,
                 std::string expected_norm, std::string observed_norm, std::vector<std::size_t> seqs = {}) const;
    /// Mark `k` as not judged: the IUT or the harness broke (error) or time ran out.
    void broke(reports::check_result& k, reports::check_status why, std::string expected, std::string actual) const;
};

/// Why the steps stopped early.
enum class stop_reason { none, failed, error, timeout, interrupted };

} // namespace sockconf::harness::detail
