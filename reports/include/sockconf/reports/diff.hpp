// Comparing two runs (`sockconf report diff A.json B.json`): which cases broke,
// which were fixed, which changed status otherwise, which appeared or went.
#pragma once

#include <sockconf/reports/result.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace sockconf::reports {

enum class change_kind {
    new_failure, ///< conforming in A (or absent), not conforming in B
    fix,         ///< not conforming in A, conforming in B
    changed,     ///< another status in B, on the same side of conforming
    added,       ///< only in B, conforming
    removed      ///< only in A
};

struct case_change {
    std::string id;
    change_kind kind = change_kind::changed;
    std::optional<status> before; ///< absent: the case is not in A
    std::optional<status> after;  ///< absent: the case is not in B
    std::string message;          ///< B's message (A's for a removed case)
};

struct report_diff {
    std::vector<case_change> changes; ///< by kind (in enum order), then id
    std::size_t unchanged = 0;

    std::size_t count(change_kind k) const;
};

/// Conforming is reports::conforming (SKIP included).
report_diff diff_reports(run_report const& a, run_report const& b);

/// Markdown (fits a job summary): counts, then a table per kind. `a_name` and
/// `b_name` label the two runs. Strings from IUTs are escaped.
void write_diff_markdown(report_diff const& d, std::string const& a_name, std::string const& b_name, std::ostream& out);

} // namespace sockconf::reports
