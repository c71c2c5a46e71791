// Running one case: a fresh IUT instance, the steps in order, a settle time,
// then every check: each step that had to succeed, each expectation, the
// global invariants and each allowed outcome, all judged even after one fails
// (a step that cannot proceed stops the steps, not the checking of what already
// happened). The result carries every check, the status graded from them
// (grading.hpp), the first failure that decided it (where, expected, actual),
// the trace and the case's wire records.
#pragma once

#include <sockconf/common/profile.hpp>
#include <sockconf/harness/api_catalog.hpp>
#include <sockconf/harness/clause_catalog.hpp>
#include <sockconf/harness/driver.hpp>
#include <sockconf/harness/invariants.hpp>
#include <sockconf/harness/settings.hpp>
#include <sockconf/harness/test_case.hpp>
#include <sockconf/reports/result.hpp>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace sockconf::echo {
class servers;
}

namespace sockconf::harness {

/// What every case of a run shares.
struct run_env {
    profile const& prof;
    harness_settings const& settings; ///< the harness's timings (specs/settings.json)
    api_catalog const& api;
    clause_catalog const& clauses;
    invariant_catalog const& invariants;
    echo::servers& servers;
    driver_factory& factory;
    json iut_hello; ///< capabilities decide UNIMPLEMENTED
    bool run_slow = false; ///< run cases marked "slow" (else they are SKIP)
    /// Set by Ctrl-C: running cases stop at their next step (SKIP, "interrupted").
    std::atomic<bool> const* interrupted = nullptr;
    /// `--lan-peer HOST:PORT`: a TCP echo peer at a non-local address of the local
    /// network, ${lan.host} and ${lan.port}; cases that use them are SKIP without it.
    std::optional<std::pair<std::string, std::uint16_t>> lan_peer = std::nullopt;
};

/// Run one case. Never throws for anything the IUT or a peer does: that is
/// the result's ERROR. Never takes (much) longer than the case's timeout.
reports::case_result run_case(test_case const& c, run_env const& env);

} // namespace sockconf::harness
