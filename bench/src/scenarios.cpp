// `sockconf bench`'s engine: the scenarios and their measurements, the results file and
// page, --compare (rounds and progress lines: detail/rounds.hpp; --render: detail/render.hpp;
// its command line options: cli/src/bench_command.cpp).
#include <sockconf/bench/affinity.hpp>
#include <sockconf/bench/api_load.hpp>
#include <sockconf/bench/compare.hpp>
#include <sockconf/bench/idle_connections.hpp>
#include <sockconf/bench/iut_bench.hpp>
#include <sockconf/bench/labels.hpp>
#include <sockconf/bench/peer_ratios.hpp>
#include <sockconf/bench/process_stats.hpp>
#include <sockconf/bench/result.hpp>
#include <sockconf/bench/scenarios.hpp>
#include <sockconf/bench/server_process.hpp>

#include <sockconf/common/json_file.hpp>
#include <sockconf/common/profile.hpp>
#include <sockconf/harness/driver_factory.hpp>
#include <sockconf/harness/settings.hpp>
#include <sockconf/reports/html_writer.hpp>

#include "detail/render.hpp"
#include "detail/rounds.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <unistd.h>

namespace sockconf::bench {

namespace {

using detail::measurement;

namespace fs = std::filesystem;
using seconds_d = std::chrono::duration<double>;

std::string self_exe()
{
    std::error_code ec;
    auto const p = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string("sockconf") : p.string();
}

bool has(std::vector<std::string> const& list, char const* name)
{
    return std::find(list.begin(), list.end(), name) != list.end();
}

/// The server's CPU over a measured window, as a fraction of one core.
struct server_cpu_meter {
    server_process const* server = nullptr;
    double cpu0 = 0;
    std::chrono::steady_clock::time_point t0;
    std::optional<double> fraction;

    void start()
    {
        if (!server)
            return;
        cpu0 = server->cpu_seconds();
        t0 = std::chrono::steady_clock::now();
    }
    void end()
    {
        if (!server || cpu0 < 0)
            return;
        auto const cpu1 = server->cpu_seconds();
        auto const wall = seconds_d(std::chrono::steady_clock::now() - t0).count();
        if (cpu1 >= 0 && wall > 0)
            fraction = (cpu1 - cpu0) / wall;
    }
};

/// Connections and messages in flight for a message size (performance.md's setup).
/// wss:// above 64 KiB keeps one in flight, not two: uWebSockets' SSLApp, the wss
/// peer, ends a connection that has 2 MiB or more in flight (BENCHMARKS.md), and
/// the pair is only a ratio when both are measured alike.
std::pair<unsigned, unsigned> shape_for(bench_options const& o, std::size_t size, transport t)
{
    unsigned const conns = o.connections ? o.connections : 8;
    unsigned const above_64k = t == transport::wss ? 1 : 2;
    unsigned const k = o.in_flight ? o.in_flight : size <= 1024 ? 16 : size <= 65536 ? 4 : above_64k;
    return {conns, k};
}

payload_kind payload_of(std::string const& s) { return s == "text" ? payload_kind::text : payload_kind::binary; }

/// Options for the load generator against `target` at `size`.
load_options load_for(bench_options const& o, load_target const& target, std::size_t size, payload_kind payload)
{
    load_options lo;
    lo.target = target;
    std::tie(lo.connections, lo.in_flight) = shape_for(o, size, target.kind);
    lo.size = size;
    lo.payload = payload;
    lo.duration = seconds_d(o.seconds);
    lo.warmup = seconds_d(o.warmup);
    lo.stop = o.interrupted;
    return lo;
}

/// A load measurement with server CPU: `runner` is run_load or an API load.
measurement throughput(std::string label, measurement_id id, load_options lo, server_process const* server,
                       std::function<load_result(load_options const&)> runner)
{
    auto group = fmt::format("{} {} {}", id.transport, to_string(lo.payload), lo.size);
    return {std::move(label), [=] {
                server_cpu_meter meter{server};
                auto opts = lo;
                opts.on_window_start = [&] { meter.start(); };
                opts.on_window_end = [&] { meter.end(); };
                auto const r = runner(opts);
                return throughput_json(id, opts, r, meter.fraction);
            }, std::move(group)};
}

/// `active` connections under load beside `idle` ones held open (idle_connections.hpp):
/// the load's rate and latency, and the server's RSS before, with the idle ones, and at the
/// window's end; what an idle and an active connection add to it. The server keeps what
/// an earlier size's run grew (the allocator does not give it back), so the figures of a
/// size after the first start from there.
measurement scale_measurement(bench_options const& o, server_process const& server, std::size_t size)
{
    auto lo = load_for(o, parse_ws_url(server.ws_base() + "/echo"), size, payload_kind::binary);
    lo.connections = o.connections ? o.connections : 1000;
    lo.connect_timeout = std::chrono::milliseconds(30000);
    auto const idle_count = o.idle;
    auto const* srv = &server;
    return {fmt::format("scale sockconf-ws {} idle + {} active binary {}", idle_count, lo.connections, size_label(size)),
            [=] {
                auto const rss = [srv] {
                    auto const s = read_process_stat(srv->pid());
                    return s ? s->rss_bytes : 0;
                };
                auto const before = rss();
                idle_connections idle(lo.target, idle_count, lo.connect_timeout);
                auto const with_idle = rss();
                std::uint64_t loaded = 0;
                server_cpu_meter meter{srv};
                auto opts = lo;
                opts.on_window_start = [&] { meter.start(); };
                opts.on_window_end = [&] {
                    meter.end();
                    loaded = rss();
                };
                auto const r = run_load(opts);
                auto j = throughput_json({"scale", "sockconf-ws", "ws"}, opts, r, meter.fraction);
                j["idle"] = idle.opened();
                if (!idle.error().empty())
                    j["error"] = "idle connections: " + idle.error();
                j["server_rss_bytes"] = {{"before", before}, {"with_idle", with_idle}, {"loaded", loaded}};
                // What one more idle connection costs, and one more busy one (its buffers filled).
                if (before && with_idle > before && idle.opened())
                    j["server_rss_per_idle_connection_bytes"] = (with_idle - before) / idle.opened();
                if (with_idle && loaded > with_idle)
                    j["server_rss_per_active_connection_bytes"] = (loaded - with_idle) / opts.connections;
                return j;
            },
            fmt::format("scale {}", size)};
}

/// The IUT's in-runtime loop through `api` (iut_bench.hpp), with the server's CPU over
/// the whole command (the IUT's warm-up and window: the harness cannot see its window).
/// The IUT's CPU is the runtime's own count over its window when it gives one (Node);
/// else that of every process this one started except `servers` (the IUT program, or
/// the browser launcher and all of Chromium), over the whole command.
measurement iut_loop(std::string label, std::string const& iut_name, load_options lo, server_process const* server,
                     std::vector<pid_t> servers, harness::driver_factory* factory, iut_api api)
{
    auto const t = to_string(lo.target.kind);
    auto group = fmt::format("iut {} {} {}", t, to_string(lo.payload), lo.size);
    measurement_id const id{"iut", iut_name + " " + std::string(to_string(api)), t};
    return {std::move(label), [=] {
                server_cpu_meter meter{server};
                auto opts = lo;
                double tree0 = 0;
                auto t0 = std::chrono::steady_clock::now();
                std::optional<double> tree;
                opts.on_window_start = [&] {
                    meter.start();
                    tree0 = descendants_cpu_seconds(::getpid(), servers);
                    t0 = std::chrono::steady_clock::now();
                };
                opts.on_window_end = [&] {
                    meter.end();
                    auto const wall = seconds_d(std::chrono::steady_clock::now() - t0).count();
                    if (wall > 0)
                        tree = (descendants_cpu_seconds(::getpid(), servers) - tree0) / wall;
                };
                auto const r = run_iut_bench(*factory, opts, api);
                if (!r.unavailable.empty())
                    return json{{"kind", "unavailable"}, {"scenario", id.scenario}, {"target", id.target},
                                {"transport", id.transport}, {"payload", to_string(opts.payload)}, {"size", opts.size},
                                {"api", to_string(api)}, {"unavailable", r.unavailable}};
                auto j = throughput_json(id, opts, r.load, meter.fraction);
                j["api"] = to_string(api);
                // The client is the IUT: its CPU as its runtime counted it, else its processes'.
                auto const cpu = r.iut_cpu ? r.iut_cpu : tree;
                j["cpu"]["client"] = cpu ? json(std::round(*cpu * 100) / 100) : json(nullptr);
                j["client_cpu_from"] = r.iut_cpu ? "runtime" : "processes";
                j["per_cpu_s"] = per_cpu_second(r.load.msgs_per_s(), j["cpu"]);
                return j;
            }, std::move(group)};
}

/// The targets one server's results are named by, per transport.
struct server_names {
    std::string ws, wss, tcp;
    /// A peer: one name whatever the transport.
    static server_names of(std::string const& name) { return {name, name, name}; }
};

/// The load generator's measurements of one server: ws and wss at each size and
/// payload, tcp at each size, handshakes (ws).
void add_server_measurements(std::vector<measurement>& ms, bench_options const& o, std::string const& scenario,
                             server_process const& server, server_names const& names, bool with_handshakes)
{
    auto const ws = server.ws_base();
    auto const tcp = server.tcp_address();
    auto const want = [&](char const* t) { return has(o.transports, t); };
    auto const websocket = [&](std::string const& base, std::string const& name, char const* t, std::size_t size) {
        if (!want(t) || base.empty())
            return;
        for (auto const& p : o.payloads) {
            auto lo = load_for(o, parse_ws_url(base + "/echo"), size, payload_of(p));
            ms.push_back(throughput(fmt::format("{} {} {} {} {}", scenario, name, t, p, size_label(size)),
                                    {scenario, name, t}, lo, &server, run_load));
        }
    };
    for (auto size : o.sizes) {
        websocket(ws, names.ws, "ws", size);
        websocket(server.wss_base(), names.wss, "wss", size);
        if (want("tcp") && !tcp.empty()) {
            auto lo = load_for(o, parse_tcp_address(tcp), size, payload_kind::binary);
            ms.push_back(throughput(fmt::format("{} {} tcp binary {}", scenario, names.tcp, size_label(size)),
                                    {scenario, names.tcp, "tcp"}, lo, &server, run_load));
        }
    }
    if (!with_handshakes || ws.empty() || !want("ws"))
        return;
    for (auto c : o.handshake_concurrency) {
        handshake_options ho;
        ho.target = parse_ws_url(ws + "/echo");
        ho.concurrency = c;
        ho.duration = seconds_d(o.seconds);
        ho.warmup = seconds_d(std::min(o.warmup, 0.5));
        ho.stop = o.interrupted;
        measurement_id const id{scenario, names.ws, "ws"};
        auto const* srv = &server;
        ms.push_back({fmt::format("{} {} handshakes {} at a time", scenario, names.ws, c), [=] {
                          server_cpu_meter meter{srv};
                          auto opts = ho;
                          opts.on_window_start = [&] { meter.start(); };
                          opts.on_window_end = [&] { meter.end(); };
                          auto const r = run_handshakes(opts);
                          return handshake_json(id, opts, r, meter.fraction);
                      }, fmt::format("handshakes {}", c)});
    }
}

/// The peers of bench/peers/ (each prints one JSON line and runs until SIGTERM or --max-seconds).
struct peer {
    std::string name;
    std::string command;
};

std::vector<peer> known_peers(std::string const& home, double bound_s)
{
    auto const bin = fs::path(self_exe()).parent_path();
    auto const peers = fs::path(home) / "bench" / "peers";
    auto const bound = fmt::format(" --max-seconds {}", static_cast<int>(bound_s) + 1);
    std::vector<peer> out;
    if (fs::exists(peers / "node_modules" / "uwebsockets"))
        out.push_back({"uwebsockets", "exec node " + (peers / "uwebsockets.mjs").string() + bound});
    if (fs::exists(peers / "node_modules" / "ws"))
        out.push_back({"ws", "exec node " + (peers / "ws.mjs").string() + bound});
    if (fs::exists(bin / "epoll_echo"))
        out.push_back({"epoll-echo", "exec " + (bin / "epoll_echo").string() + bound});
    return out;
}

} // namespace

exit_code run_bench(bench_options const& in, std::string const& home, std::string const& profile_file,
                    std::string const& settings_file)
{
    if (!in.render.empty())
        return detail::render_results(in);
    auto o = in;
    if (o.quick) { // shorter windows; fewer sizes and handshake runs unless they were chosen
        bench_options const defaults;
        o.seconds = std::min(o.seconds, 0.3);
        o.warmup = std::min(o.warmup, 0.1);
        if (o.sizes == defaults.sizes)
            o.sizes = {16, 65536};
        if (o.handshake_concurrency == defaults.handshake_concurrency)
            o.handshake_concurrency = {8};
    }
    bool const has_iut = !o.iut.reference();
    if (o.scenarios.empty()) {
        o.scenarios = {"echo", "reference"};
        if (has_iut)
            o.scenarios.push_back("iut");
    }
    auto const wants = [&](char const* s) { return has(o.scenarios, s); };
    if (wants("iut") && !has_iut) {
        std::cerr << "error: the iut scenario needs --iut CMD or --iut-page DIR\n";
        return exit_code::usage;
    }

    // The command line as given, for the results file.
    std::string command;
    {
        std::ifstream f("/proc/self/cmdline", std::ios::binary);
        for (std::string arg; std::getline(f, arg, '\0');)
            command += (command.empty() ? "" : " ") + (command.empty() ? fs::path(arg).filename().string() : arg);
    }
    auto const started_at = utc_now();
    if (available_cpus() < 2 && o.server_cpu >= 0)
        std::cerr << "warning: one CPU only: client and server share it\n";
    if (o.client_cpu >= 0)
        if (auto ec = pin_to_cpu(0, o.client_cpu))
            std::cerr << "warning: cannot pin the client to CPU " << o.client_cpu << ": " << ec.message() << "\n";

    // A bound on every server process: the whole run cannot take longer than this.
    double const per = o.seconds + o.warmup + 1.0;
    double const bound = per * 64 * o.repeats + 60;
    auto const server_cmd = o.server.empty() ? "exec " + self_exe() + " serve --json" : o.server;
    std::unique_ptr<server_process> server;
    try {
        server = std::make_unique<server_process>(server_cmd, o.server_cpu, std::chrono::seconds(10));
    } catch (std::exception const& e) {
        std::cerr << "error: cannot start the server: " << e.what() << "\n";
        return exit_code::infrastructure;
    }
    std::cout << fmt::format("sockconf bench: server `{}` (pid {}, CPU {}), client CPU {}; {} s windows after {} s warm-up, {} run(s) each\n",
                             server_cmd, server->pid(), o.server_cpu, o.client_cpu, o.seconds, o.warmup, o.repeats)
              << std::flush;

    std::vector<measurement> ms;
    std::vector<std::unique_ptr<server_process>> peer_servers;
    if (wants("echo"))
        add_server_measurements(ms, o, "echo", *server, {"sockconf-ws", "sockconf-wss", "sockconf-tcp"}, true);
    if (o.peers) {
        auto const peers = known_peers(home, bound);
        if (peers.empty())
            std::cerr << "warning: --peers: no peer installed (bench/peers/setup.sh; epoll_echo is built with sockconf)\n";
        for (auto const& p : peers) {
            try {
                peer_servers.push_back(std::make_unique<server_process>(p.command, o.server_cpu, std::chrono::seconds(20)));
                add_server_measurements(ms, o, "peer", *peer_servers.back(), server_names::of(p.name), true);
                std::cout << fmt::format("peer {}: `{}`\n", p.name, p.command);
            } catch (std::exception const& e) {
                std::cerr << "warning: peer " << p.name << " did not start: " << e.what() << "\n";
            }
        }
    }

    if (wants("scale"))
        for (auto size : o.sizes)
            ms.push_back(scale_measurement(o, *server, size));
    group_side_by_side(ms);

    std::optional<profile> prof;
    if (wants("reference") || wants("iut"))
        prof = profile::load(profile_file);
    if (wants("reference")) {
        auto const ws = server->ws_base();
        // The plain client gets the connections the profile lets the reference open: same load, side by side.
        auto const ws_cap = [&](load_options lo) {
            if (prof->limits.max_concurrent_websockets > 0)
                lo.connections = std::min<unsigned>(lo.connections, unsigned(prof->limits.max_concurrent_websockets));
            return lo;
        };
        for (auto size : o.sizes)
            for (auto const& t : o.transports) {
                if (t == "ws")
                    for (auto const& p : o.payloads) {
                        auto lo = ws_cap(load_for(o, parse_ws_url(ws + "/echo"), size, payload_of(p)));
                        lo.connect_timeout = std::chrono::milliseconds(10000);
                        auto const& pr = *prof;
                        ms.push_back(throughput(fmt::format("reference reference ws {} {}", p, size_label(size)),
                                                {"reference", "reference", "ws"}, lo, server.get(),
                                                [&pr](load_options const& x) { return run_reference_load(pr, x); }));
                        ms.push_back(throughput(fmt::format("reference beast-plain-client ws {} {}", p, size_label(size)),
                                                {"reference", "beast-plain-client", "ws"}, lo, server.get(),
                                                run_beast_plain_load));
                    }
                else if (t == "tcp") { // (wss: not through the reference's API)
                    auto lo = load_for(o, parse_tcp_address(server->tcp_address()), size, payload_kind::binary);
                    auto const& pr = *prof;
                    ms.push_back(throughput(fmt::format("reference reference tcp binary {}", size_label(size)),
                                            {"reference", "reference", "tcp"}, lo, server.get(),
                                            [&pr](load_options const& x) { return run_reference_load(pr, x); }));
                }
            }
    }

    std::unique_ptr<harness::driver_factory> factory;
    std::string iut_name = o.iut_name;
    if (wants("iut")) {
        auto const ca = server->announcement().value("ca_pem", std::string());
        auto const settings = harness::harness_settings::load(settings_file);
        auto const wait = harness::hello_wait(o.iut, settings); // an instance per connection, each saying hello
        try {
            factory = harness::make_driver_factory(o.iut, home, *prof, settings, ca, std::cout);
        } catch (std::exception const& e) {
            std::cerr << "error: cannot start the IUT: " << e.what() << "\n";
            return exit_code::infrastructure;
        }
        auto const hello = factory->describe();
        if (hello.contains("error")) {
            std::cerr << "error: the IUT did not start: " << hello["error"].dump() << "\n";
            return exit_code::infrastructure;
        }
        if (iut_name.empty())
            iut_name = hello.value("name", std::string("iut"));
        auto const ws = server->ws_base();
        auto const caps = hello.value("capabilities", json::array());
        auto* f = factory.get();
        std::vector<pid_t> servers{server->pid()}; // the IUT's CPU is every other child's
        for (auto const& p : peer_servers)
            servers.push_back(p->pid());
        if (std::find(caps.begin(), caps.end(), "bench") != caps.end()) {
            // The IUT runs the load itself: the platform's API, then its host's own beside it.
            for (auto size : o.sizes) {
                std::vector<load_options> loads;
                if (has(o.transports, "ws"))
                    for (auto const& p : o.payloads)
                        loads.push_back(load_for(o, parse_ws_url(ws + "/echo"), size, payload_of(p)));
                if (has(o.transports, "tcp"))
                    loads.push_back(load_for(o, parse_tcp_address(server->tcp_address()), size, payload_kind::binary));
                for (auto& lo : loads) {
                    lo.connect_timeout = wait;
                    // The platform may open only as many tasks as its profile allows; the
                    // host's loop gets the same load, so the two compare.
                    if (lo.target.kind == transport::ws && prof->limits.max_concurrent_websockets > 0)
                        lo.connections = std::min<unsigned>(lo.connections, unsigned(prof->limits.max_concurrent_websockets));
                    for (auto api : {iut_api::platform, iut_api::host})
                        ms.push_back(iut_loop(fmt::format("iut {} {} {} {} {}", iut_name, to_string(api), to_string(lo.target.kind),
                                                          to_string(lo.payload), size_label(size)),
                                              iut_name, lo, server.get(), servers, f, api));
                }
            }
        } else {
            // An adapter without the loop: every message crosses the adapter protocol, so
            // this measures the pipe as much as the platform (the label says so).
            for (auto size : o.sizes)
                for (auto const& p : o.payloads) {
                    auto lo = load_for(o, parse_ws_url(ws + "/echo"), size, payload_of(p));
                    lo.connections = o.connections ? o.connections : 1; // one instance per connection
                    lo.connect_timeout = wait;
                    ms.push_back(throughput(fmt::format("iut {} pipe ws {} {}", iut_name, p, size_label(size)),
                                            {"iut", iut_name + " pipe", "ws"}, lo, server.get(),
                                            [f](load_options const& x) { return run_driver_load(*f, x); }));
                }
        }
    }

    auto results = run_all(ms, o.repeats, o.interrupted);
    std::vector<peer_ratio> ratios;
    if (o.peers) {
        ratios = peer_ratios(results);
        print_peer_ratios(ratios, std::cout);
    }
    print_iut_ratios(results, std::cout);
    auto doc = bench_document(command, started_at, std::move(results));
    if (o.peers)
        doc["peer_ratios"] = to_json(ratios);
    if (o.interrupted && o.interrupted->load())
        doc["interrupted"] = true; // Ctrl-C: the measurements finished before it, not all asked for
    auto rc = exit_code::ok;
    try {
        write_json_file(o.out, doc);
        std::cout << "wrote " << o.out << "\n";
        if (!o.html.empty()) {
            write_file_atomically(o.html, [&](std::ostream& f) { reports::write_bench_html(doc, f); });
            std::cout << "wrote " << o.html << "\n";
        }
    } catch (std::exception const& e) {
        std::cerr << "error: " << e.what() << "\n";
        rc = exit_code::infrastructure;
    }
    if (!o.compare.empty()) {
        std::cout << "\ncompared with " << o.compare << ":\n";
        print_comparison(compare_results(read_json_file(o.compare), doc), std::cout);
    }
    return rc;
}

} // namespace sockconf::bench
