// Writing a run's reports into a directory, every format at once.
#pragma once

#include <sockconf/reports/result.hpp>

#include <string>
#include <vector>

namespace sockconf::reports {

/// Creates `dir` if needed and writes report.json, junit.xml, report.md and
/// report.html into it.
/// Returns the paths written. Throws std::runtime_error naming the path on failure.
std::vector<std::string> write_report_dir(run_report const& r, std::string const& dir);

} // namespace sockconf::reports
