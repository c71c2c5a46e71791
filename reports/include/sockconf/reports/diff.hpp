// Comparing two runs (`sockconf report diff A.json B.json`): which cases broke,
// which were fixed, which changed status otherwise, which appeared or went; and
// which deviations (deviations.hpp, matched by id) are new and which are gone.
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

enum class deviation_change_kind {
    added,     ///< seen in B, not in A
    fixed,     ///< seen in A; not in B, where every case that showed it was judged again
    not_judged ///< seen in A; not in B, but some case that showed it was not judged in B
               ///< (absent, SKIP, UNIMPLEMENTED, ERROR or TIMEOUT): nothing says it is gone
};

struct deviation_change {
    std::string id;
    deviation_change_kind kind = deviation_change_kind::added;
    std::string level;
    std::string headline; ///< B's for a new deviation, A's otherwise
    bool host_limit = false;
    std::vector<std::string> cases; ///< the cases that show it (B's for a new one, A's otherwise)
    std::vector<std::string> not_judged; ///< not_judged: those of `cases` B did not judge
};

struct report_diff {
    std::vector<case_change> changes; ///< by kind (in enum order), then id
    std::size_t unchanged = 0;
    std::vector<deviation_change> deviations; ///< by kind (in enum order), then B's or A's rank
    std::size_t deviations_unchanged = 0;     ///< seen in both

    std::size_t count(change_kind k) const;
    std::size_t count(deviation_change_kind k) const;
};

/// Conforming is reports::conforming (SKIP included). A new deviation is not
/// a new failure: its id rests on the harness's wording of the check, so two
/// sockconf versions can name one behaviour twice (reports/README.md, "diff").
report_diff diff_reports(run_report const& a, run_report const& b);

/// Markdown (fits a job summary): counts, then a table per kind of case change,
/// then the new deviations, the fixed ones and those B did not judge. `a_name` and
/// `b_name` label the two runs. Strings from IUTs are escaped.
void write_diff_markdown(report_diff const& d, std::string const& a_name, std::string const& b_name, std::ostream& out);

} // namespace sockconf::reports
