// The subcommands of `sockconf`, one file each in cli/src/ (run_command.cpp …).
// Each adds itself and its options to the app and says what to run once the
// command line is parsed; main runs the one that was chosen (none: run).
#pragma once

#include <sockconf/common/exit_code.hpp>

#include <functional>

namespace CLI {
class App;
}

namespace sockconf::cli {

struct command {
    CLI::App* app = nullptr; ///< the subcommand; `*app` is true when the command line chose it
    /// What it does. Throws spec_error for bad input (exit 2), any other
    /// std::exception when what it stands on fails (exit 3).
    std::function<exit_code()> run;
};

command add_run_command(CLI::App& app);    ///< run the suites against an IUT, write the reports
command add_list_command(CLI::App& app);   ///< the cases, or the clauses and what tests them
command add_lint_command(CLI::App& app);   ///< validate specs, profiles and cases
command add_repro_command(CLI::App& app);  ///< one case as a self-contained JavaScript file
command add_serve_command(CLI::App& app);  ///< the echo servers until Ctrl-C
command add_report_command(CLI::App& app); ///< report diff, merge, matrix, html
command add_bench_command(CLI::App& app);  ///< throughput, latency, handshakes (bench/)
command add_errors_command(CLI::App& app); ///< the error catalog: every E-* id, or one explained
command add_init_command(CLI::App& app);   ///< a new platform's adapter folder: a wx stub and a profile

} // namespace sockconf::cli
