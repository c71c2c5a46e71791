// Reading report.json back into the result model: what `sockconf report diff`,
// `merge` and `matrix` and `sockconf run --rerun-failed` start from.
#pragma once

#include <sockconf/common/json_reader.hpp>
#include <sockconf/reports/result.hpp>

#include <string>

namespace sockconf::reports {

/// Read a report.json (version 1, 2 or 3; schema in reports/README.md). A
/// report before version 3 has no checks: each case that did not pass gets one,
/// made from its failure and attributed to all its clauses (an invariant's
/// failure to the invariant), so deviations still group, by case rather than
/// by normalised cause; "deviations" in the file is never read (it is
/// recomputed from the checks). Throws
/// spec_error naming the file and JSON pointer: E-FILE-READ, E-JSON-SYNTAX,
/// E-REPORT-FORMAT (not a sockconf report), E-REPORT-VERSION (newer than this
/// sockconf), E-REPORT-STATUS (unknown status), or the reader's E-MISSING /
/// E-TYPE for a malformed member.
run_report read_report(std::string const& path);

/// The status a JSON string names ("PASS", "NON-STRICT" …), as report.json and
/// expectations files spell it. Throws spec_error `error_id` at `s`, listing
/// the eight names, for any other string (E-TYPE for a non-string).
status read_status(json_reader const& s, std::string const& error_id);
run_report report_from_json(json const& doc, std::string const& source);

} // namespace sockconf::reports
