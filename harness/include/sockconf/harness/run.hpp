// Running many cases: a pool of `jobs` workers, each case on a fresh IUT
// instance, progress as cases finish, results in the cases' (id) order.
#pragma once

#include <sockconf/harness/case_runner.hpp>
#include <sockconf/reports/result.hpp>

#include <functional>
#include <string>
#include <vector>

namespace sockconf::harness {

/// Called once per finished case, from worker threads (serialised by run_cases):
/// (index of finished cases so far, total, result).
using progress_fn = std::function<void(std::size_t done, std::size_t total, reports::case_result const&)>;

/// Run `cases` with `jobs` workers (>= 1). Cases not started when
/// env.interrupted is set are reported as SKIP ("interrupted").
std::vector<reports::case_result> run_cases(std::vector<test_case> const& cases, run_env const& env,
                                            int jobs, progress_fn const& progress);

/// Shell-style glob (*, ?, [..]) against a case id; an empty glob matches all.
/// A comma separates alternatives: "ws.*,tcp.basic.*".
bool id_matches(std::string const& glob, std::string const& id);

} // namespace sockconf::harness
