// A case's status from its checks, decided in this one place (suites/README.md,
// "Outcomes and grades" and "Checks, and the clauses each one tests").
//
//  1. A check that could not be judged because the IUT or the harness broke
//     makes the case ERROR; one cut short by the case's timeout, TIMEOUT.
//  2. Otherwise every failing check that counts (it tests a clause the case
//     cites) is graded by the strongest level among its cited clauses: MUST ->
//     FAIL, SHOULD or MAY -> NON-STRICT, INFO -> INFORMATIONAL.
//  3. The allowed outcome that held gives its grade (PASS, NON-STRICT or
//     INFORMATIONAL); none holding is a failing check like any other.
//  4. The case gets the worst of 2 and 3 (FAIL > NON-STRICT > INFORMATIONAL >
//     PASS); its message and failure are those of the first check that decided it.
// Failing checks that do not count (global invariants about clauses the case
// does not cite) never change the status: they are "also seen".
#pragma once

#include <sockconf/harness/clause_catalog.hpp>
#include <sockconf/harness/test_case.hpp>
#include <sockconf/reports/result.hpp>

#include <optional>
#include <string>
#include <vector>

namespace sockconf::harness {

struct graded {
    reports::status result = reports::status::pass;
    std::string message;                   ///< one line, for anything but PASS
    std::optional<reports::failure> failed; ///< the check that decided it
    std::string outcome;                   ///< the allowed outcome that held
};

/// The status of case `c` from `checks` (those of one run of it).
graded grade_case(test_case const& c, std::vector<reports::check_result> const& checks,
                  clause_catalog const& clauses);

/// The status a failing check of these clauses gives: FAIL for a MUST among
/// them, else NON-STRICT for a SHOULD or MAY, else INFORMATIONAL. Unknown ids count as MUST.
reports::status status_for_clauses(std::vector<std::string> const& ids, clause_catalog const& clauses);

} // namespace sockconf::harness
