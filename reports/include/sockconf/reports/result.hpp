// The result model every writer reads: one run, its cases, their statuses.
#pragma once

#include <sockconf/common/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sockconf::reports {

/// A case's final grade (design.md, "Grades and results").
enum class status {
    pass,
    non_strict,    ///< a SHOULD missed; conforming
    informational, ///< behaviour recorded, nothing required
    unimplemented, ///< the IUT lacks a capability the case needs
    fail,
    error,         ///< the IUT or the harness broke
    timeout,
    skip
};

/// "PASS", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAIL", "ERROR", "TIMEOUT", "SKIP".
std::string_view to_string(status s) noexcept;
std::optional<status> status_from_string(std::string_view s) noexcept;
/// Without an expectations file, these are the results a run accepts.
bool conforming(status s) noexcept;

/// Where and why a case did not pass.
struct failure {
    std::string where;    ///< "<file>#<json pointer>" of the step or expectation
    std::string expected; ///< what the case asked for
    std::string actual;   ///< what happened instead
};

struct case_result {
    std::string id;
    std::string title;
    std::string suite; ///< folder under suites/ ("websocket", "tcp")
    std::string file;
    std::vector<std::string> clauses;
    status result = status::error;
    std::string outcome;  ///< name of the allowed outcome that held, if the case lists outcomes
    double duration_ms = 0;
    std::string message;  ///< one line: why, for anything but PASS
    std::optional<failure> failed;
    json trace = json::array(); ///< API events, wire form (see harness/README.md)
    json wire = json::array();  ///< echo-server records of the case's tag

    /// What the run's expectations file says of this case: "" when it lists
    /// nothing (then a conforming status is expected), a status name, or "flaky".
    std::string expected;
    std::string expected_reason; ///< and why, with a link if it gave one
    /// The status is not what was expected: a run with one fails (exit 1).
    bool unexpected = false;

    /// Every status the case ended with when it ran more than once (--repeat,
    /// --retry-unexpected), in order; empty when it ran once. `result` is the
    /// status the run counts (see harness/README.md, "Repeats and retries").
    std::vector<status> attempts;
    /// Its attempts did not all end alike.
    bool flaky() const noexcept;
};

/// One trace entry as a line for people: "#3  12.5 ms  invoke msg {"data":"hi"}".
std::string trace_line(json const& entry);

/// One shard of a run split N ways (`sockconf run --shard I/N`).
struct shard {
    int index = 0; ///< 1-based
    int count = 0;
};
/// "I/N" with 1 <= I <= N, else nullopt.
std::optional<shard> parse_shard(std::string_view text);

struct run_info {
    std::string tool_version;
    std::string started_at; ///< ISO 8601, UTC
    double duration_ms = 0;
    json iut = json::object(); ///< the IUT's hello
    std::string profile;
    int jobs = 0;
    std::string filter;
    std::string exclude;            ///< --exclude globs
    std::vector<std::string> tags;  ///< --tag: only cases with one of these
    std::string shard;              ///< "I/N" when the run is one shard of N, else ""
    int repeat = 1;                 ///< --repeat
    int retry_unexpected = 0;       ///< --retry-unexpected
    bool interrupted = false;
    std::string expectations; ///< the expectations file, if the run had one
};

/// A clause the run's cases cite, as the clause catalog states it: enough for
/// a reader of the report to see what each case checks without the catalog.
struct clause_info {
    std::string id;
    std::string level; ///< "MUST", "SHOULD", "MAY" or "INFO"
    std::string area;
    std::string seed;  ///< the seed document it comes from
    std::string statement;
};

struct run_report {
    run_info info;
    std::vector<case_result> cases;
    /// The clauses the cases cite, by id (report.json "clauses"; empty in a
    /// report written before version 2).
    std::vector<clause_info> clauses;
    /// Benchmark results (bench/README.md, format "sockconf-bench") when the
    /// run has them; null otherwise. Not part of report.json.
    json bench = nullptr;

    /// Count of cases with each status, in the order of `status`.
    std::vector<std::size_t> counts() const;
    std::size_t count(status s) const;
    std::size_t unexpected() const;
};

} // namespace sockconf::reports
