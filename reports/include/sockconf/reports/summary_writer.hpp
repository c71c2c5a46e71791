// summary.md: a run on one page for a CI job summary (GitHub's $GITHUB_STEP_SUMMARY,
// a GitLab artifact): the verdict, a count per status, the new deviations in full
// (deviations.hpp, new_deviations: what fails the run), the other deviations in a
// table, and the unexpected results no new deviation explains (an unexpected pass,
// an ERROR). report.md has everything else. It opens with a level-2 heading, so
// that several steps' summaries appended to one page stay apart. Strings from the
// IUT are escaped as in report.md.
#pragma once

#include <sockconf/reports/result.hpp>

#include <ostream>

namespace sockconf::reports {

void write_summary(run_report const& r, std::ostream& out);

} // namespace sockconf::reports
