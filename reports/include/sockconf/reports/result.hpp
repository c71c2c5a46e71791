// The result model every writer reads: one run, its cases, their statuses.
#pragma once

#include <sockconf/common/value.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sockconf::reports {

/// A case's final grade (suites/README.md, "The grade" under "Checks, and the clauses each one tests").
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

/// Which part of a case a check is (suites/README.md, "Checks, and the clauses each one tests").
enum class check_kind {
    step,     ///< a step that must succeed: a call, a get, a wait, a wire step
    expect,   ///< an entry of the case's `expect`
    outcome,  ///< one allowed outcome (held or missed)
    invariant ///< a global invariant, checked on every trace
};
/// "step", "expect", "outcome", "invariant".
std::string_view to_string(check_kind k) noexcept;
std::optional<check_kind> check_kind_from_string(std::string_view s) noexcept;

/// What became of one check.
enum class check_status {
    pass,    ///< it held (an outcome: it held)
    fail,    ///< it did not hold (an outcome: it was missed)
    error,   ///< it could not be judged: the IUT or the harness broke
    timeout, ///< it could not be judged: the case ran out of time
    not_run  ///< never reached: an earlier step could not proceed
};
/// "pass", "fail", "error", "timeout", "not-run".
std::string_view to_string(check_status s) noexcept;
std::optional<check_status> check_status_from_string(std::string_view s) noexcept;

/// One check of a case and its result. A case's status is graded from the
/// checks that `count` (harness/include/sockconf/harness/grading.hpp).
struct check_result {
    check_kind kind = check_kind::expect;
    /// "<file>#<pointer>" of the step, expectation or outcome; an invariant's id.
    std::string where;
    /// What it checks, one line ("wait for \"open\"", an outcome's name, an invariant's rule).
    std::string title;
    std::vector<std::string> clauses; ///< the clauses it tests
    check_status result = check_status::pass;
    /// One of `clauses` is cited by the case, so the check decides its status;
    /// otherwise (a global invariant about something the case does not test)
    /// it is only "also seen".
    bool counts = true;
    std::string expected; ///< unless it passed: what was asked for
    std::string actual;   ///< and what happened instead
    /// Unless it passed: the same three, with what differs from run to run
    /// (ports, tags, sequence numbers, names the case chose) normalised, so that
    /// one behaviour seen by many cases groups into one deviation.
    std::string subject, expected_norm, observed_norm;
    std::optional<status> grade; ///< outcome checks: the grade the outcome gives when it holds
    std::vector<std::size_t> seqs; ///< the trace entries it points at
    /// It failed because something had not happened (a call, a connection, a
    /// close): once the steps stopped early that is no finding, and the runner
    /// makes it not_run. Set by the harness while judging; not in report.json.
    bool absent = false;
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
    /// Every check of the case, in the order they were judged (steps, expect,
    /// invariants, outcomes). Empty for a case that did not run (SKIP,
    /// UNIMPLEMENTED) and in reports written before version 3.
    std::vector<check_result> checks;
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
    /// The failing checks that do not decide its status (global invariants
    /// about what the case does not test): "also seen". Missed allowed outcomes
    /// are not among them: they are alternatives the case lists, and only
    /// "none held" (a check of its own) is a finding.
    std::vector<check_result const*> also_seen() const;
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

/// The browser engine a run's pages ran in (report.json run.engine), as the User-Agent of
/// the page that said hello gives it; unknown (empty) when the IUT is a program or the reference.
struct browser_engine {
    std::string name;       ///< "chromium", "firefox", "webkit" or "unknown"; "" when not a browser
    std::string version;    ///< the major version the User-Agent names ("153"), or ""
    std::string user_agent; ///< as the browser sent it

    bool known() const noexcept { return !name.empty(); }
    /// "firefox 153"; "" when not known.
    std::string label() const;
};

/// What a User-Agent says of its engine: Firefox/N is "firefox"; Chrome/N, HeadlessChrome/N,
/// Chromium/N or Edg/N "chromium" (Blink); Version/N with Safari/ "webkit"; anything else
/// "unknown". An empty User-Agent gives an unknown engine (not a browser).
browser_engine engine_of_user_agent(std::string_view user_agent);

struct run_info {
    std::string tool_version;
    std::string started_at; ///< ISO 8601, UTC
    double duration_ms = 0;
    json iut = json::object(); ///< the IUT's hello
    browser_engine engine;     ///< the browser its pages ran in, if any
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
    std::string quote; ///< the seed's words it rests on
    /// Hosts that make the clause impossible to meet, and why ("browser": "a
    /// browser's WebSocket cannot send request headers"); see specs/README.md.
    std::map<std::string, std::string> host_limits;
};

struct run_report {
    run_info info;
    std::vector<case_result> cases;
    /// The clauses the cases cite or their checks test, by id (report.json
    /// "clauses"; empty in a report written before version 2).
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
