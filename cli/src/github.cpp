#include <sockconf/cli/github.hpp>
#include <sockconf/reports/reporter_registry.hpp>
#include <sockconf/reports/summary_writer.hpp>

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>

namespace sockconf::cli {

namespace {

std::string env(char const* name)
{
    auto const* v = std::getenv(name);
    return v ? v : "";
}

} // namespace

void add_github_option(CLI::App* cmd, std::optional<bool>& github)
{
    auto* on = cmd->add_flag_callback(
        "--github", [&github] { github = true; },
        "GitHub Actions: append the job summary (summary.md) to $GITHUB_STEP_SUMMARY and print an annotation per "
        "new deviation (default: the summary when GITHUB_STEP_SUMMARY is set, the annotations when "
        "GITHUB_ACTIONS=true)");
    cmd->add_flag_callback(
           "--no-github", [&github] { github = false; },
           "Neither the job summary nor annotations, whatever the environment (e.g. a shard whose merge reports)")
        ->excludes(on);
}

github_plan plan_github(std::optional<bool> flag)
{
    if (flag == false)
        return {};
    github_plan plan;
    plan.summary_file = env("GITHUB_STEP_SUMMARY");
    plan.annotations = flag == true || env("GITHUB_ACTIONS") == "true";
    if (flag == true && plan.summary_file.empty())
        std::cerr << "note: --github: GITHUB_STEP_SUMMARY is not set, so no job summary is written\n";
    return plan;
}

void report_to_github(github_plan const& plan, reports::run_report const& r, std::ostream& out)
{
    if (!plan.summary_file.empty()) {
        // Appended: the file is the step's, and other tools of the step write to it too.
        std::ofstream file(plan.summary_file, std::ios::app | std::ios::binary);
        if (file)
            reports::write_summary(r, file << "\n");
        if (!file.flush())
            throw std::runtime_error("cannot append the job summary to " + plan.summary_file +
                                     " ($GITHUB_STEP_SUMMARY): " + std::strerror(errno));
    }
    if (plan.annotations)
        reports::reporter_registry::instance().make("github", {&out, "", {}, 0})->on_run_end(r);
}

} // namespace sockconf::cli
