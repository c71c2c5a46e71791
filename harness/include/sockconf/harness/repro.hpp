// `sockconf repro`: one case as a self-contained JavaScript file that a platform
// engineer runs where `wx` is a global (their runtime, a devtools console). No
// imports, no dependencies: the case's wx calls as an app would write them, the
// callbacks and listeners recording their calls, the echo servers' URLs of
// `sockconf serve` (a SERVE object at the top, or globalThis.SOCKCONF_SERVE), and
// every expectation and outcome as a check that prints PASS/FAIL with what was
// expected and what was observed, ending with a one-line verdict graded as
// `sockconf run` grades the case.
//
// What the script promises (harness/README.md, "sockconf repro"):
//  - A synchronous block of the case (consecutive call/get steps) is one stretch of
//    statements with no await: no callback or event can run between them. The one
//    exception is the shim's: a call whose bound result is a thenable (Taro's
//    connectSocket returns a Promise of the SocketTask) is awaited before the block
//    goes on, as adapters/js/shim.mjs does.
//  - A wait is `await until(...)` bounded by the case's (else the settings') wait
//    timeout; the whole case by its case timeout.
//  - ${profile.*} values are filled in from the profile at generation; ${ws}, ${wss},
//    ${tcp.*} come from SERVE; ${tag} is made per run.
//  - `listen` steps, ${tcp.port} (a tagged listener), ${tcp.closed_port} and `wire`
//    checks need `sockconf serve --control` (its HTTP control address). Without it a
//    wire check prints NOT CHECKED, and a case that needs a listener stops with a
//    message saying what to start.
#pragma once

#include <sockconf/common/profile.hpp>
#include <sockconf/harness/api_catalog.hpp>
#include <sockconf/harness/clause_catalog.hpp>
#include <sockconf/harness/invariants.hpp>
#include <sockconf/harness/settings.hpp>
#include <sockconf/harness/test_case.hpp>
#include <sockconf/reports/deviations.hpp>

#include <string>
#include <vector>

namespace sockconf::harness {

/// What a script is generated from, besides the case.
struct repro_context {
    profile const& prof;
    harness_settings const& settings; ///< the timings the script waits by, as the run would
    api_catalog const& api;
    clause_catalog const& clauses;
    invariant_catalog const& invariants;
    std::string tool_version;
};

/// The case whose id is `id`. Throws spec_error E-REPRO-CASE ("no case with id …",
/// naming up to 5 ids that share its first words) when there is none.
test_case const& find_case(std::vector<test_case> const& cases, std::string const& id);

/// The script for `c`. `about`: lines for the header comment saying why it was
/// written (e.g. deviation_header()). Throws spec_error E-REPRO-VARIABLE for a
/// variable that has no value here (a ${profile.*} path the profile lacks, ${i}
/// outside a repeat), as running the case would end in ERROR.
std::string repro_script(test_case const& c, repro_context const& ctx, std::vector<std::string> const& about = {});

/// The header lines of a deviation's repro: its id and headline, the clauses it
/// breaks, what the documents ask and what was observed, and the cases it explains.
std::vector<std::string> deviation_header(reports::deviation const& d);

} // namespace sockconf::harness
