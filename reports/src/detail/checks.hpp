// What the writers show of a case's checks and of the deviations, computed in one
// place so report.md, report.html and junit.xml say the same.
#pragma once

#include <sockconf/reports/deviations.hpp>
#include <sockconf/reports/result.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sockconf::reports::detail {

/// The failing checks of `c` that count (failed, errored, timed out), in the
/// order they were judged: everything its status rests on, not only the first.
std::vector<check_result const*> counting_failures(case_result const& c);

/// How many of `c`'s checks were never reached.
std::size_t not_run(case_result const& c);

/// Case id -> the indexes into `ds` of the deviations it shows (decided or seen).
std::map<std::string, std::vector<std::size_t>> deviations_by_case(std::vector<deviation> const& ds);

/// Indexes into `ds` of what the team can fix, and of the host's limits, each in rank order.
struct deviation_split {
    std::vector<std::size_t> fixable, host_limits;
};
deviation_split split(std::vector<deviation> const& ds);

/// A check's result as a reader says it: "pass", "held" (an outcome), "fail",
/// "not held" (an allowed outcome missed while it did not decide the case),
/// "also seen" (a failing check that does not count), "error", "timeout", "not run".
std::string_view verdict(check_result const& k);

/// The parts joined with `sep`.
std::string join(std::vector<std::string> const& parts, std::string_view sep);

} // namespace sockconf::reports::detail
