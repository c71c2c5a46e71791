// Deviations: a run's failing checks grouped by cause (reports/README.md,
// "Deviations (deviations.hpp)"). Many cases usually fail for a handful of behaviours;
// this is the list a platform team reads first.
//
// Grouping: a failing check of a case that was judged (PASS, NON-STRICT,
// INFORMATIONAL or FAIL; not ERROR, TIMEOUT or a case that did not run) joins
// the deviation of its signature:
//  - a global invariant: its id and clause (one finding per invariant and
//    clause, whatever the variants: they are listed as `observed`);
//  - a step that failed and is attributed to the whole case (something the
//    case needed broke: a call threw or returned the wrong thing, a listener it
//    waited for never came, whatever the case goes on to test): its subject,
//    normalised expected and observed, without the clauses; the deviation
//    lists the clauses of every case it decided;
//  - an allowed-outcomes check: its clauses, subject (the outcome names) and
//    normalised misses;
//  - anything else: its clauses, subject, normalised expected and observed.
// Within one case, failing checks that test the same clauses are one behaviour
// seen several ways (a fail callback never called, so success was, so the
// order is wrong): the first of them, in the order the checks were judged
// (steps, expectations, invariants, outcomes), names it; the others stay in
// the case's checks. Per-outcome misses that did not decide the case are not
// deviations.
// Deviations are ranked by the number of cases they were seen in, most first.
#pragma once

#include <sockconf/reports/result.hpp>

#include <string>
#include <vector>

namespace sockconf::reports {

struct deviation {
    /// "DEV-" and 8 hex digits of the signature: the same behaviour has the same
    /// id in every run and on every platform (report diff, the matrix, repro files).
    std::string id;
    std::string invariant;            ///< INV-... when it is a global invariant's finding
    std::vector<std::string> clauses; ///< the clauses it breaks (a needed step's: every case's, first seen first)
    std::string level;                ///< the strongest of their levels ("MUST" …; "" if unknown)
    std::string subject;              ///< what it is about ("SocketTask.onClose listener")
    std::string expected;             ///< what the documents ask for
    std::vector<std::string> observed; ///< what was seen instead (distinct, at most 8)
    std::vector<std::string> cases;   ///< cases whose status it decided (FAIL, NON-STRICT …)
    std::vector<std::string> seen_in; ///< cases where it was seen without deciding their status
    /// The IUT's host cannot do otherwise (clause_info::host_limits of its hello's
    /// "host"): shown apart from what the team can fix.
    bool host_limit = false;
    std::string host_limit_reason;
    std::string example_case;          ///< one case that shows it
    std::string example_where;         ///< and where in it
    std::vector<std::string> excerpt;  ///< the trace lines it points at in that case; if it points at
                                       ///< none (nothing was called), the case's last lines

    std::size_t case_count() const noexcept { return cases.size() + seen_in.size(); }
    /// One line: "success/fail/complete called synchronously (INV-CALLBACK-ASYNC)",
    /// "SocketTask.onClose listener: expected code 1000, observed code 1005 (WS-…)".
    std::string headline() const;
};

/// The deviations of `r`, ranked.
std::vector<deviation> deviations_of(run_report const& r);

/// Cases that did not conform by failing: FAIL, ERROR, TIMEOUT (UNIMPLEMENTED
/// and SKIP say nothing about the IUT's behaviour).
std::size_t failing_cases(run_report const& r);

/// The line every writer opens the list with: "28 failing cases, 9 deviations"
/// (", and 2 limits of the host" when some are). `ds` is deviations_of(r).
std::string deviations_summary(run_report const& r, std::vector<deviation> const& ds);

/// The deviations of `ds` (deviations_of(r)) that are new: each decided at least
/// one case whose result the run's expectations did not foresee (case_result::
/// unexpected), so that the run fails because of it. Without an expectations file
/// every non-conforming case is unexpected, so every deviation that decided a case
/// is new. Expectations are per case: a case listed as FAIL accepts whatever made
/// it fail. Indexes into `ds`, in rank order.
std::vector<std::size_t> new_deviations(run_report const& r, std::vector<deviation> const& ds);

/// The id of a signature ("DEV-" + 8 hex digits of its FNV-1a hash).
std::string deviation_id(std::string const& signature);

} // namespace sockconf::reports
