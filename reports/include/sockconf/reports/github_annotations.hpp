// GitHub Actions workflow commands for a finished run (docs/ci.md, "GitHub
// Actions"): an `::error` annotation per new deviation (deviations.hpp,
// new_deviations: each decided a case the expectations did not foresee), most
// cases first, and a `::warning` per unexpected result no new deviation explains
// (an unexpected pass, an ERROR or TIMEOUT). Nothing for a run as expected.
//
//   ::error title=sockconf DEV-1c10b56e (MUST),file=suites/websocket/close.json::SocketTask.onClose …%0Aexpected: …
//
// `file` is the case file of a case it decided (relative as the run named it; GitHub
// shows an annotation whose file is not in the repository without a link). Text is
// escaped as GitHub's toolkit escapes it: '%', CR and LF in the message; ',' and ':'
// too in a property; other control characters show as \xNN. So an annotation is one
// line, and nothing from the IUT can end it, start another command or style the log.
#pragma once

#include <sockconf/reports/result.hpp>

#include <ostream>
#include <string>
#include <string_view>

namespace sockconf::reports {

void write_github_annotations(run_report const& r, std::ostream& out);

/// A workflow command's message: % -> %25, CR -> %0D, LF -> %0A (as GitHub's toolkit
/// escapes it), and any other control character as the text \xNN.
std::string github_escape_data(std::string_view text);
/// A workflow command's property value: github_escape_data, and : -> %3A, , -> %2C.
std::string github_escape_property(std::string_view text);

} // namespace sockconf::reports
