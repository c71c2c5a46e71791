// Writing a run's reports into a directory: the file formats of the reporter
// registry (reporter_registry.hpp), all of them or the ones --format names.
#pragma once

#include <sockconf/reports/result.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace sockconf::reports {

/// --format's values (each comma-separated; the flag may be repeated) as the file
/// formats to write, in registration order: none given means every one, and a
/// format registered as `always` (json: report.json, which --rerun-failed, the
/// next run's scheduling and `report merge`/`diff`/`matrix`/`html` read) is in
/// whatever was asked. An unknown or stream name (console) throws spec_error
/// E-FORMAT naming `flag` and listing the formats.
std::vector<std::string> parse_formats(std::vector<std::string> const& values, std::string_view flag = "--format");

/// --format's help, from the registry: each format, its file and what it is for.
std::string formats_help();

/// The files of the given formats (default: every file format), in order:
/// "report.json, junit.xml, report.md, report.html".
std::string report_files(std::vector<std::string> const& formats = {});

/// Creates `dir` if needed and writes every file format into it.
/// Returns the paths written. Throws std::runtime_error naming the path on failure.
std::vector<std::string> write_report_dir(run_report const& r, std::string const& dir);

/// The same for `formats` (names, as parse_formats returns them; an unknown one
/// throws spec_error E-FORMAT). The files of the other registered formats are
/// removed from `dir`, so that it never holds a report of an earlier run beside
/// this one's.
std::vector<std::string> write_report_dir(run_report const& r, std::string const& dir,
                                          std::vector<std::string> const& formats);

} // namespace sockconf::reports
