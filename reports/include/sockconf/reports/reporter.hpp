// A reporter: what follows a run and tells someone about it (the console as cases
// end, a report file at the end). Modelled on Catch2's reporters; the registry of
// them (name -> factory) is reporter_registry.hpp.
//
// The contract, in the order a run calls it:
//   on_run_start(start)          once, before any case ends;
//   on_round(label, cases)       before each extra round of attempts (--repeat, --retry-unexpected);
//   on_case_done(done, total, r) after each case (each attempt) ends, `done` of `total` in the round;
//   on_run_end(report)           once, with the finished report (every case, the clauses, the duration).
// on_case_done is called from the run's worker threads but one call at a time (the
// run holds its lock), so a reporter needs no lock of its own. A reporter that
// cannot write throws std::runtime_error naming what it could not write. Every
// hook does nothing by default: a file reporter only needs on_run_end.
#pragma once

#include <sockconf/reports/result.hpp>

#include <cstddef>
#include <string>

namespace sockconf::reports {

/// What a run says as it starts.
struct run_start {
    run_info info;         ///< tool_version, iut (its hello), profile, jobs, shard …; no duration yet
    std::size_t total = 0; ///< the cases of the first round
    std::string servers;   ///< where the echo servers listen, one phrase ("ws://…, wss://… and tcp HOST:PORT")
};

class reporter {
public:
    virtual ~reporter() = default;

    virtual void on_run_start(run_start const&) {}
    virtual void on_round(std::string const& /*label*/, std::size_t /*cases*/) {}
    virtual void on_case_done(std::size_t /*done*/, std::size_t /*total*/, case_result const&) {}
    virtual void on_run_end(run_report const&) {}
};

} // namespace sockconf::reports
