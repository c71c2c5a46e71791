// `sockconf report diff|merge|matrix|html`: work with report.json files (reports/).
#include <sockconf/cli/command.hpp>
#include <sockconf/cli/github.hpp>
#include <sockconf/cli/shared.hpp>
#include <sockconf/reports/diff.hpp>
#include <sockconf/reports/html_writer.hpp>
#include <sockconf/reports/matrix.hpp>
#include <sockconf/reports/merge.hpp>
#include <sockconf/reports/report_dir.hpp>
#include <sockconf/reports/reporter_registry.hpp>
#include <sockconf/reports/report_reader.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <optional>

namespace sockconf::cli {

namespace {

exit_code cmd_report_diff(std::string const& a, std::string const& b)
{
    auto const d = reports::diff_reports(reports::read_report(a), reports::read_report(b));
    reports::write_diff_markdown(d, a, b, std::cout);
    return d.count(reports::change_kind::new_failure) ? exit_code::unexpected : exit_code::ok;
}

exit_code cmd_report_merge(std::vector<std::string> const& inputs, std::string const& report_dir,
                           std::vector<std::string> const& format_flags, std::optional<bool> github_flag)
{
    auto const formats = reports::parse_formats(format_flags);
    auto const github = plan_github(github_flag);
    std::vector<reports::run_report> parts;
    for (auto const& path : inputs)
        parts.push_back(reports::read_report(path));
    auto const merged = reports::merge_reports(parts, inputs);
    for (auto const& path : reports::write_report_dir(merged, report_dir, formats))
        std::cout << "wrote " << path << "\n";
    std::cout << fmt::format("{} case(s) from {} report(s), {} unexpected result(s)\n", merged.cases.size(),
                             parts.size(), merged.unexpected());
    report_to_github(github, merged, std::cout); // the merged run, once, when the shards ran with --no-github
    return merged.unexpected() || merged.info.interrupted ? exit_code::unexpected : exit_code::ok;
}

exit_code cmd_report_matrix(std::vector<std::string> const& inputs, std::string const& format, std::string const& output,
                      std::vector<std::string> const& links)
{
    if (!links.empty() && links.size() != inputs.size())
        throw spec_error("E-USAGE", "", "", fmt::format("--links gives {} link(s) for {} report(s)", links.size(), inputs.size()));
    std::vector<reports::run_report> runs;
    for (auto const& path : inputs)
        runs.push_back(reports::read_report(path));
    write_out(output, [&](std::ostream& o) {
        if (format == "html")
            reports::write_matrix_html(runs, o, links);
        else
            reports::write_matrix_markdown(runs, o, links);
    });
    return exit_code::ok;
}

exit_code cmd_report_html(std::string const& input, std::string const& output)
{
    auto const r = reports::read_report(input);
    write_out(output, [&](std::ostream& o) { reports::write_html(r, o); });
    return exit_code::ok;
}

} // namespace

command add_report_command(CLI::App& app)
{
    struct options {
        std::vector<std::string> diff_inputs, merge_inputs, merge_formats;
        std::string merge_dir = "sockconf-report";
        std::vector<std::string> matrix_inputs, matrix_links;
        std::string matrix_format = "md", matrix_out, html_input, html_out;
        std::optional<bool> merge_github;
    };
    auto opts = std::make_shared<options>();
    auto& [diff_inputs, merge_inputs, merge_formats, merge_dir, matrix_inputs, matrix_links, matrix_format, matrix_out, html_input,
           html_out, merge_github] = *opts;
    auto* report_cmd = app.add_subcommand("report", "Work with report.json files: diff, merge, matrix, html");
    report_cmd->require_subcommand(1);
    auto* diff = report_cmd->add_subcommand(
        "diff", "Compare two runs: new failures, fixes, changed statuses, added and removed cases (Markdown on "
                "stdout); exit 1 when B has a new failure");
    diff->add_option("reports", diff_inputs, "A.json B.json")->required()->expected(2)->check(CLI::ExistingFile);
    auto* merge = report_cmd->add_subcommand(
        "merge", "Join the reports of the shards of one run (--shard 1/N … N/N) into the full run's report; exit 1 "
                 "on unexpected results, as the run would");
    merge->add_option("reports", merge_inputs, "The shards' report.json files")->required()->check(CLI::ExistingFile);
    merge->add_option("--report-dir", merge_dir, "Where the merged " + reports::report_files() + " (--format) go")->capture_default_str();
    merge->add_option("--format", merge_formats, reports::formats_help());
    add_github_option(merge, merge_github);

    auto* matrix = report_cmd->add_subcommand(
        "matrix", "Several runs side by side (one per IUT or profile): a compatibility matrix in Markdown or HTML");
    matrix->add_option("reports", matrix_inputs, "report.json files, one column each")->required()->check(CLI::ExistingFile);
    matrix->add_option("--format", matrix_format, "md (GitHub Markdown) or html (one self-contained page)")
        ->capture_default_str()->check(CLI::IsMember({"md", "html"}));
    matrix->add_option("-o,--output", matrix_out, "Write here instead of stdout");
    matrix->add_option("--links", matrix_links,
                       "Make each column heading a link (relative path, e.g. taro-h5/report.md), one per report");
    auto* html = report_cmd->add_subcommand("html", "Render a report.json as report.html (one self-contained page)");
    html->add_option("report", html_input, "report.json")->required()->check(CLI::ExistingFile);
    html->add_option("-o,--output", html_out, "Write here instead of stdout");
    return {report_cmd, [opts, diff, merge, matrix, html] {
                auto const& o = *opts;
                if (*diff)
                    return cmd_report_diff(o.diff_inputs[0], o.diff_inputs[1]);
                if (*merge)
                    return cmd_report_merge(o.merge_inputs, o.merge_dir, o.merge_formats, o.merge_github);
                if (*matrix)
                    return cmd_report_matrix(o.matrix_inputs, o.matrix_format, o.matrix_out, o.matrix_links);
                return cmd_report_html(o.html_input, o.html_out);
            }};
}

} // namespace sockconf::cli
