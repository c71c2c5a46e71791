// The compatibility matrix: several runs (one per IUT, or per profile) side by
// side. A header with each run's IUT (hello name and version), profile and
// count per status; per deviation (by id) the number of cases it was seen in on
// each run, host limits marked; then every case, grouped by suite, with its status in each
// run (cases whose status is the same everywhere are folded together); then
// every clause with, per run, the worst status of the cases citing it
// (FAIL > TIMEOUT > ERROR > UNIMPLEMENTED > NON-STRICT > INFORMATIONAL > PASS > SKIP).
// A case or clause missing from a run shows as "–".
// Every string from a report is escaped (Markdown: md_escape; HTML: html_escape).
#pragma once

#include <sockconf/reports/result.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace sockconf::reports {

/// Renders on GitHub (tables, <details> for the folded rows). `links`, when
/// given, makes run i's column heading a link to links[i] (e.g. its report.md,
/// relative to the matrix): a relative path; anything but letters, digits and
/// -._~/# is percent-encoded, so no link can leave the page's directory tree
/// by a scheme or break out of the Markdown.
void write_matrix_markdown(std::vector<run_report> const& runs, std::ostream& out,
                           std::vector<std::string> const& links = {});

/// One self-contained page (as report.html: no network, strict CSP), with a
/// suite filter and a switch to show only the rows that differ. `links` as above.
void write_matrix_html(std::vector<run_report> const& runs, std::ostream& out,
                       std::vector<std::string> const& links = {});

} // namespace sockconf::reports
