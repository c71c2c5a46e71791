// `sockconf bench`: the command line of the benchmarks; the engine it runs is
// bench/ (sockconf/bench/scenarios.hpp: run_bench on typed options).
#include <sockconf/bench/scenarios.hpp>
#include <sockconf/cli/command.hpp>
#include <sockconf/cli/interrupt.hpp>
#include <sockconf/cli/shared.hpp>

#include <CLI/CLI.hpp>

#include <cstddef>
#include <memory>

namespace sockconf::cli {

command add_bench_command(CLI::App& app)
{
    struct options {
        std::string home, profile = default_profile, settings; ///< resolved here: run_bench takes the folder and the files
        bool profile_given = false;
        bench::bench_options bench;
    };
    auto opts = std::make_shared<options>();
    auto& o = opts->bench;
    auto* cmd = app.add_subcommand(
        "bench",
        "Throughput, latency and handshake rate: the echo servers driven by the load generator (echo), the reference "
        "client through its API next to a plain Beast client (reference), an IUT through its driver (iut), and peer "
        "servers (--peers); results as JSON (schema: bench/README.md)");
    cmd->add_option("--home", opts->home, "Folder holding specs/ (default: as for run)");
    cmd->add_option("--profile", opts->profile,
                    "Profile of the reference and IUT scenarios (default with --iut-page: the profile the platform "
                    "folder's platform.json names)")
        ->capture_default_str()
        ->each([o = opts.get()](std::string const&) { o->profile_given = true; });
    cmd->add_option("--settings", opts->settings,
                    "The harness settings file (the reference's hello is awaited for its wait_timeout_ms, a program's or page's at least 30 s; "
                    "default: HOME/specs/settings.json)");
    cmd->add_option("--scenario", o.scenarios,
                    "echo, reference, iut, scale (default: echo and reference; iut with --iut/--iut-page; scale: "
                    "--idle connections held open beside --connections active ones, 1000 unless given)")
        ->check(CLI::IsMember({"echo", "reference", "iut", "scale"}));
    cmd->add_option("--idle", o.idle, "The scale scenario: upgraded connections held idle beside the active ones")
        ->capture_default_str()->check(CLI::Range(0u, 50000u));
    cmd->add_option("--transport", o.transports, "ws, wss, tcp (wss: the echo and peer scenarios only)")
        ->capture_default_str()
        ->check(CLI::IsMember({"ws", "wss", "tcp"}));
    cmd->add_option("--payload", o.payloads, "binary, text (tcp: binary only)")->capture_default_str()->check(CLI::IsMember({"binary", "text"}));
    cmd->add_option("--size", o.sizes, "Message sizes in bytes")->capture_default_str()->check(CLI::Range(std::size_t{1}, std::size_t{64} << 20));
    cmd->add_option("--handshake-concurrency", o.handshake_concurrency, "Handshakes under way at once, per measurement")->capture_default_str()->check(CLI::Range(1u, 1000u));
    cmd->add_option("--connections", o.connections, "Connections (0: 8)")->capture_default_str()->check(CLI::Range(0u, 1000u));
    cmd->add_option("--in-flight", o.in_flight, "Messages in flight per connection (0: 16 up to 1 KiB, 4 at 64 KiB, 2 above, 1 above over wss://)")->capture_default_str()->check(CLI::Range(0u, 10000u));
    cmd->add_option("--seconds", o.seconds, "Measured window of each measurement")->capture_default_str()->check(CLI::Range(0.05, 600.0));
    cmd->add_option("--warmup", o.warmup, "Run before each window, not counted")->capture_default_str()->check(CLI::Range(0.0, 60.0));
    cmd->add_option("--repeat", o.repeats, "Runs of each measurement, interleaved; the median is reported")->capture_default_str()->check(CLI::Range(1u, 15u));
    cmd->add_flag("--quick", o.quick, "CI-sized: 0.3 s windows; 16 B and 64 KiB, handshakes 8 at a time, unless --size / --handshake-concurrency say otherwise");
    cmd->add_option("--client-cpu", o.client_cpu, "CPU this process is pinned to (-1: none)")->capture_default_str();
    cmd->add_option("--server-cpu", o.server_cpu, "CPU the server process is pinned to (-1: none)")->capture_default_str();
    cmd->add_option("--server", o.server, "Server command printing one JSON line (default: this program's `serve --json`)");
    add_iut_options(cmd, o.iut); // as for run: an IUT given adds the iut scenario
    cmd->add_option("--iut-name", o.iut_name, "Target name of the IUT in the results (default: its hello name)");
    cmd->add_flag("--peers", o.peers, "Also measure the peers of bench/peers/ (uwebsockets, ws, epoll-echo: those installed) and print sockconf's ratio to each");
    cmd->add_option("--out", o.out, "Results file")->capture_default_str();
    cmd->add_option("--html", o.html, "Also write the results as one self-contained HTML page (throughput by size, latency)");
    cmd->add_option("--compare", o.compare, "An earlier results file: print new/old ratios")->check(CLI::ExistingFile);
    cmd->add_option("--render", o.render,
                    "Measure nothing: merge these results files into --out and, with --html, one page (e.g. one "
                    "--scenario iut run per platform, side by side)")
        ->check(CLI::ExistingFile);
    return {cmd, [opts] {
                auto const home = find_home(opts->home);
                auto const profile = choose_profile(home, opts->profile, opts->profile_given, opts->bench.iut);
                // Ctrl-C: the measurement under way ends, and the results so far are written.
                auto o = opts->bench;
                o.interrupted = &interrupt_on_signals();
                o.iut.interrupted = o.interrupted;
                auto const rc = bench::run_bench(o, home, profile_path(home, profile),
                                                 harness::settings_path(home, opts->settings));
                restore_default_signals();
                return rc;
            }};
}

} // namespace sockconf::cli
