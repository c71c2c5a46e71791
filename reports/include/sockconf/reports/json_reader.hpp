// Reading report.json back into the result model: for commands that work on
// reports already written (the platform matrix, comparisons). The inverse of
// json_writer.hpp for versions 1 and 2 (version 1 has no clause list).
#pragma once

#include <sockconf/reports/result.hpp>

#include <string>

namespace sockconf::reports {

/// Throws spec_error (a std::runtime_error naming `source`, the JSON pointer
/// and what is wrong) when `doc` is not a sockconf report of a version this
/// build reads. Members a writer may add later are ignored.
run_report report_from_json(json const& doc, std::string const& source = "report.json");

/// read_json_file + report_from_json.
run_report read_report(std::string const& path);

} // namespace sockconf::reports
