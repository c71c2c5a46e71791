// GitHub Actions (docs/ci.md, "GitHub Actions"): what `sockconf run` and `sockconf
// report merge` tell a workflow about a finished run, besides the report files.
//
//   - the job summary: summary.md's text (reports/summary_writer.hpp) appended to
//     the file $GITHUB_STEP_SUMMARY names, whenever that variable is set;
//   - annotations: the "github" reporter's workflow commands on stdout (an error per
//     new deviation, a warning per other unexpected result), when GITHUB_ACTIONS is
//     "true".
//
// --github does both whatever the environment says (the summary still needs
// GITHUB_STEP_SUMMARY); --no-github neither (a shard of a run whose merge reports).
#pragma once

#include <sockconf/reports/result.hpp>

#include <iosfwd>
#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace sockconf::cli {

/// --github / --no-github; unset: from the environment.
void add_github_option(CLI::App* cmd, std::optional<bool>& github);

/// What to tell GitHub, from the flag and the environment.
struct github_plan {
    std::string summary_file; ///< where the job summary is appended; "": none
    bool annotations = false;
};
github_plan plan_github(std::optional<bool> flag);

/// Appends the job summary and prints the annotations (on `out`) as `plan` says.
/// Throws std::runtime_error naming the summary file when it cannot be written.
void report_to_github(github_plan const& plan, reports::run_report const& r, std::ostream& out);

} // namespace sockconf::cli
