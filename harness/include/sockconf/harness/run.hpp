// Running many cases: a pool of `jobs` workers, each case on a fresh IUT
// instance, progress as cases finish, results in the cases' (id) order.
#pragma once

#include <sockconf/harness/case_runner.hpp>
#include <sockconf/harness/expectations.hpp>
#include <sockconf/reports/result.hpp>

#include <functional>
#include <map>
#include <optional>
#include <utility>
#include <string>
#include <vector>

namespace sockconf::harness {

/// Called once per finished case, from worker threads (serialised by run_cases):
/// (index of finished cases so far, total, result).
using progress_fn = std::function<void(std::size_t done, std::size_t total, reports::case_result const&)>;

/// Run `cases` with `jobs` workers (>= 1), starting them in `order` (indices
/// into `cases`; empty: as given). Results are in the order of `cases`. Cases
/// not started when env.interrupted is set are reported as SKIP ("interrupted").
std::vector<reports::case_result> run_cases(std::vector<test_case> const& cases, run_env const& env,
                                            int jobs, progress_fn const& progress,
                                            std::vector<std::size_t> const& order = {});

/// A start order that puts the longest cases first, so that the run's wall time
/// approaches its longest case (a pool finishing on one long straggler wastes
/// the other workers). `cost_ms`: case id -> duration of an earlier run (the
/// previous report, as ctest keeps its cost data); a case it lacks is costed by
/// the real waits its steps name (sleep_ms).
std::vector<std::size_t> longest_first(std::vector<test_case> const& cases, std::map<std::string, double> const& cost_ms);

/// How often cases run (`sockconf run --repeat`, `--retry-unexpected`).
struct attempt_policy {
    int repeat = 1;           ///< every case runs this many times, in rounds
    int retry_unexpected = 0; ///< then a case with an unexpected result runs again, up to this many times
};

/// Called before each round after the first: (round label, e.g. "repeat 2/3"
/// or "retry 1/2", cases in it).
using round_fn = std::function<void(std::string const& label, std::size_t cases)>;

/// run_cases under `policy`, with `expected` applied to every attempt. A case
/// that ran more than once records every status in `attempts`; its counted
/// result is its first unexpected attempt, else its last attempt — except that
/// a retry ending as expected counts (the case is then flaky, not unexpected).
std::vector<reports::case_result> run_attempts(std::vector<test_case> const& cases, run_env const& env, int jobs,
                                               expectations const& expected, attempt_policy const& policy,
                                               progress_fn const& progress, round_fn const& on_round,
                                               std::vector<std::size_t> const& order = {});

/// Which of the loaded cases a run takes (`sockconf run` flags).
struct selection {
    std::string filter;  ///< --filter: ids matching (id_matches), "" for all
    std::string exclude; ///< --exclude: ids matching are dropped
    std::vector<std::string> tags; ///< --tag: cases with at least one of these tags
    /// --shard I/N: after the other criteria, the cases in id order are dealt
    /// round-robin to N shards and the run takes shard I (1-based). 0/0: all.
    int shard_index = 0, shard_count = 0;
    /// --rerun-failed: only these ids (empty optional: no such restriction).
    std::optional<std::vector<std::string>> only;
};

/// A case's tags: its own "tags", its suite folder, the capabilities it
/// requires, and "slow" / "fresh" when it is.
std::vector<std::string> tags_of(test_case const& c);

/// The cases `sel` takes from `cases`, in id order (the order of every report).
std::vector<test_case> select_cases(std::vector<test_case> cases, selection const& sel);

/// reports::parse_shard, or spec_error E-SHARD naming `source` (the flag or
/// environment variable the text came from).
reports::shard shard_from(std::string const& text, std::string const& source);

/// Shell-style glob (*, ?, [..]) against a case id; an empty glob matches all.
/// A comma separates alternatives: "ws.*,tcp.basic.*".
bool id_matches(std::string const& glob, std::string const& id);

} // namespace sockconf::harness
