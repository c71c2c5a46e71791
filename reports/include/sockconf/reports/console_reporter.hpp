// The console as a reporter: a line per case as it ends, then the run's summary
// (counts, wall time against the critical path, the top deviations, flaky cases,
// unexpected results). Registered as "console", a stream reporter (not a --format).
#pragma once

#include <sockconf/reports/reporter.hpp>
#include <sockconf/reports/reporter_registry.hpp>

#include <cstddef>
#include <ostream>
#include <string>

namespace sockconf::reports {

class console_reporter : public reporter {
public:
    /// `config.report_dir` and `config.formats` say where the full list of
    /// deviations is; `config.expectations_not_run` is reported with the unexpected count.
    console_reporter(std::ostream& out, reporter_config config);

    /// "sockconf 0.1.0: 224 case(s) against NAME VERSION (profile P), 32 job(s); servers …"
    void on_run_start(run_start const& start) override;
    /// "-- retry 1/1: 3 case(s)"
    void on_round(std::string const& label, std::size_t cases) override;
    /// "[  1/224] PASS          ws.id (12 ms)"; for anything but a conforming
    /// result (and SKIP) its message, and where it failed with its trace.
    void on_case_done(std::size_t done, std::size_t total, case_result const& r) override;
    /// "204 PASS, 20 SKIP in 2.9 s", "wall … critical path …", "N passed, N failed",
    /// the ten deviations most cases show, flaky cases, unexpected results.
    void on_run_end(run_report const& report) override;

private:
    void print_deviations(run_report const& report, std::size_t top) const;

    std::ostream& out_;
    reporter_config config_;
    std::size_t width_ = 1; ///< digits of the round's case count
};

} // namespace sockconf::reports
