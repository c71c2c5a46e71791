// `sockconf bench`: the scenarios, as a library entry point the sockconf
// command line wires in (harness/src/main.cpp):
//
//   sockconf::bench::bench_options bench_o;
//   auto* bench_cmd = sockconf::bench::add_bench_command(app, bench_o);
//   ...
//   if (*bench_cmd) return sockconf::bench::run_bench(bench_o, home, profile_file);
//
// Scenarios (results schema: bench/README.md):
//   echo      the load generator (this process, CPU 0) against `sockconf serve --json`
//             (its own process, CPU 1): ws and tcp, each size, text and binary
//             (tcp: binary), and handshakes 1 and 8 at a time; server CPU from /proc
//   reference the reference through its wx API against the same servers, next to
//             a plain Beast client (one async_write/async_read per message)
//   iut       an IUT through the harness driver (--iut CMD or --iut-page DIR):
//             wx.connectSocket, K sends in flight, onMessage counted
//   peer      (--peers) the load generator against each peer of bench/peers/
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace sockconf::bench {

struct bench_options {
    std::string home;              ///< --home (resolved by the caller)
    std::string profile = "wechat"; ///< --profile (resolved by the caller)
    std::string settings;          ///< --settings: the harness settings file (empty: HOME/specs/settings.json)
    std::vector<std::string> scenarios;  ///< empty: echo and reference (and iut when an IUT is given)
    std::vector<std::string> transports{"ws", "tcp"};
    std::vector<std::string> payloads{"binary", "text"};
    std::vector<std::size_t> sizes{16, 1024, 65536, 1048576};
    std::vector<unsigned> handshake_concurrency{1, 8};
    unsigned connections = 0; ///< 0: by size (8)
    unsigned in_flight = 0;   ///< 0: by size (16 up to 1 KiB, 4 at 64 KiB, 2 at 1 MiB)
    double seconds = 2.0;
    double warmup = 0.5;
    bool quick = false;       ///< CI-sized: 0.3 s windows; 16 B and 64 KiB, handshakes 8 at a time (unless chosen)
    int client_cpu = 0;       ///< -1: don't pin
    int server_cpu = 1;
    std::string server;       ///< server command; empty: this program's `serve --json`
    std::string iut, iut_page, browser;
    std::string iut_name;     ///< target name of the IUT in results; empty: its hello's name
    bool peers = false;       ///< also run against bench/peers/ (see bench/README.md)
    unsigned repeats = 1;     ///< runs of every measurement, interleaved; the median is reported
    std::string out = "bench.json";
    std::string html;         ///< also write the charts page here (reports::write_bench_html)
    std::string compare;      ///< an earlier results file: print ratios
};

/// Add the `bench` subcommand with its options (bound to `o`) to `app`.
CLI::App* add_bench_command(CLI::App& app, bench_options& o);

/// Run what `o` asks for; `home` holds specs/ (and bench/peers/), `profile_file`
/// is the profile to load for the reference and IUT scenarios. Prints a line
/// per measurement, writes o.out, prints the --compare table. Returns 0, or 3
/// when a server or IUT could not be started, 2 for bad options.
int run_bench(bench_options const& o, std::string const& home, std::string const& profile_file);

} // namespace sockconf::bench
