// report.json: the canonical, versioned result of a run (schema in reports/README.md).
#pragma once

#include <sockconf/reports/result.hpp>

#include <ostream>

namespace sockconf::reports {

/// 3: every case's checks, and the run's deviations; 2: the clauses; 1: the first.
inline constexpr int json_report_version = 3;

json to_json(run_report const& r);
void write_json(run_report const& r, std::ostream& out);

} // namespace sockconf::reports
