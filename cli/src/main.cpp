// sockconf: the command line. Each subcommand is a file of its own (command.hpp);
// here they are put together, and exceptions stop: input errors (spec_error)
// exit 2, infrastructure errors (servers, report files) exit 3.
#include <sockconf/cli/command.hpp>
#include <sockconf/common/exit_code.hpp>
#include <sockconf/common/spec_error.hpp>
#include <sockconf/common/version.hpp>

#include <CLI/CLI.hpp>

#include <iostream>
#include <string>
#include <vector>

using namespace sockconf;

int main(int argc, char** argv)
{
    CLI::App app{"sockconf: conformance, compliance and benchmark harness for the mini-program socket APIs "
                 "(wx.connectSocket / SocketTask, wx.createTCPSocket / TCPSocket)"};
    app.set_version_flag("--version", std::string("sockconf ") + tool_version);
    app.require_subcommand(0, 1);

    auto const run = cli::add_run_command(app); // also what a bare `sockconf` does
    std::vector<cli::command> const commands{
        run,
        cli::add_list_command(app),
        cli::add_lint_command(app),
        cli::add_repro_command(app),
        cli::add_serve_command(app),
        cli::add_report_command(app),
        cli::add_bench_command(app),
        cli::add_errors_command(app),
        cli::add_init_command(app),
    };

    try {
        app.parse(argc, argv);
    } catch (CLI::ParseError const& e) {
        return to_int(app.exit(e) == 0 ? exit_code::ok : exit_code::usage);
    }

    try {
        for (auto const& c : commands)
            if (*c.app)
                return to_int(c.run());
        return to_int(run.run());
    } catch (spec_error const& e) {
        std::cerr << "error: " << e.what() << "\n";
        return to_int(exit_code::usage);
    } catch (std::exception const& e) {
        std::cerr << "error: " << e.what() << "\n";
        return to_int(exit_code::infrastructure);
    }
}
