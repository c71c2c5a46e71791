// `sockconf bench`'s engine: the scenarios, run from typed options. The command
// line (options, --home and --profile resolved) is cli/src/bench_command.cpp:
//
//   sockconf::bench::bench_options o;   // filled from the command line
//   return sockconf::bench::run_bench(o, home, profile_file, settings_file);
//
// Scenarios (results schema: bench/README.md):
//   echo      the load generator (this process, CPU 0) against `sockconf serve --json`
//             (its own process, CPU 1): ws, wss and tcp, each size, text and binary
//             (tcp: binary), and handshakes (ws) 1 and 8 at a time; server CPU from /proc
//   reference the reference through its wx API against the same servers, next to
//             a plain Beast client (one async_write/async_read per message)
//   iut       an IUT through the harness driver (--iut CMD or --iut-page DIR):
//             wx.connectSocket, K sends in flight, onMessage counted
//   peer      (--peers) the load generator against each peer of bench/peers/
#pragma once

#include <sockconf/common/exit_code.hpp>
#include <sockconf/harness/driver_factory.hpp>

#include <atomic>
#include <cstddef>
#include <string>
#include <vector>

namespace sockconf::bench {

struct bench_options {
    std::vector<std::string> scenarios;  ///< empty: echo and reference (and iut when an IUT is given)
    std::vector<std::string> transports{"ws", "wss", "tcp"}; ///< wss: echo and peer scenarios only
    std::vector<std::string> payloads{"binary", "text"};
    std::vector<std::size_t> sizes{16, 1024, 65536, 1048576};
    std::vector<unsigned> handshake_concurrency{1, 8};
    unsigned connections = 0; ///< 0: by size (8; the scale scenario: 1000 active)
    unsigned idle = 9000;     ///< the scale scenario: upgraded connections held idle beside the active ones
    unsigned in_flight = 0;   ///< 0: by size (16 up to 1 KiB, 4 at 64 KiB, 2 above; over wss:// 1 above)
    double seconds = 2.0;
    double warmup = 0.5;
    bool quick = false;       ///< CI-sized: 0.3 s windows; 16 B and 64 KiB, handshakes 8 at a time (unless chosen)
    int client_cpu = 0;       ///< -1: don't pin
    int server_cpu = 1;
    std::string server;       ///< server command; empty: this program's `serve --json`
    /// The iut scenario's IUT (harness/driver_factory.hpp). One page: the scenario
    /// opens one instance per connection, one connection unless --connections.
    harness::iut_options iut{.pages = 1};
    std::string iut_name;     ///< target name of the IUT in results; empty: its hello's name
    bool peers = false;       ///< also run against bench/peers/ (see bench/README.md)
    unsigned repeats = 1;     ///< runs of every measurement, interleaved; the median is reported
    std::string out = "bench.json";
    std::string html;         ///< also write the charts page here (reports::write_bench_html)
    std::string compare;      ///< an earlier results file: print ratios
    /// Measure nothing: merge these results files (their results one after the other,
    /// e.g. one `--scenario iut` run per platform) into `out` and, with `html`, one page.
    std::vector<std::string> render;
    /// Ctrl-C's flag (or null): once set, the measurement under way ends within
    /// 50 ms and is dropped, no other starts, and the results so far are written
    /// with "interrupted": true.
    std::atomic<bool> const* interrupted = nullptr;
};

/// Run what `o` asks for; `home` holds specs/ (and bench/peers/), `profile_file`
/// is the profile to load for the reference and IUT scenarios. Prints a line
/// per measurement, writes o.out, prints the --compare table. Returns ok,
/// infrastructure when a server or the IUT could not be started or the results
/// not written, usage for bad options (the iut scenario without an IUT).
exit_code run_bench(bench_options const& o, std::string const& home, std::string const& profile_file,
                    std::string const& settings_file);

} // namespace sockconf::bench
