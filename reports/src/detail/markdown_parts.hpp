// Markdown pieces report.md and the job summary (summary.md) share, so that a
// deviation reads the same in both. Strings from IUTs go through md_escape or a
// fence no line can close.
#pragma once

#include <sockconf/reports/deviations.hpp>
#include <sockconf/reports/result.hpp>

#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace sockconf::reports::detail {

/// A fenced block whose fence no line of `text` can close.
std::string fenced(std::string const& text);

/// `text` as inline code when it is an id ([A-Za-z0-9._-]), else escaped text: a
/// report read back may hold anything, and an escape inside a code span shows.
std::string md_id(std::string_view text);

/// "- decided: `a`, `b`" (`label` "decided"); past `fold` ids, folded in <details>
/// under "- decided in 12 cases:" (`indent`: the list item's).
std::string case_list(std::string const& label, std::vector<std::string> const& ids, std::size_t fold,
                      std::string const& indent);

/// One deviation as a Markdown list item numbered `n`: headline, id, level, its
/// clauses (from `clauses`, by id), expected, observed, the cases, an example trace.
void write_deviation(deviation const& d, std::size_t n, std::map<std::string, clause_info const*> const& clauses,
                     std::ostream& out);

/// The run's clauses by id, for write_deviation.
std::map<std::string, clause_info const*> clauses_by_id(run_report const& r);

} // namespace sockconf::reports::detail
