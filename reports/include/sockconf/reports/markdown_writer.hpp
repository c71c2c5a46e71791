// report.md: a run for people, short enough for a CI job summary: first its
// deviations (deviations.hpp: failing checks grouped by cause, most cases first,
// the host's limits apart), then the IUT and profile, a count per status, a count
// per suite, then every case that failed with every failing check that counts,
// what was also seen, and its trace (folded); one line for other non-passes.
// Every string that came from an IUT or a peer is escaped: it shows as text,
// never as Markdown or HTML.
#pragma once

#include <sockconf/reports/result.hpp>

#include <ostream>
#include <string>
#include <string_view>

namespace sockconf::reports {

void write_markdown(run_report const& r, std::ostream& out);

/// Text for a Markdown paragraph or table cell: one line, no markup, no HTML.
std::string md_escape(std::string_view text);

} // namespace sockconf::reports
