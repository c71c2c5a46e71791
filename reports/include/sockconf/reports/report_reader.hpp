// Reading report.json back into the result model: what `sockconf report diff`,
// `merge` and `matrix` and `sockconf run --rerun-failed` start from.
#pragma once

#include <sockconf/reports/result.hpp>

#include <string>

namespace sockconf::reports {

/// Read a report.json (version 1 or 2; schema in reports/README.md). Throws
/// spec_error naming the file and JSON pointer: E-FILE-READ, E-JSON-SYNTAX,
/// E-REPORT-FORMAT (not a sockconf report), E-REPORT-VERSION (newer than this
/// sockconf), E-REPORT-STATUS (unknown status), or the reader's E-MISSING /
/// E-TYPE for a malformed member.
run_report read_report(std::string const& path);
run_report report_from_json(json const& doc, std::string const& source);

} // namespace sockconf::reports
