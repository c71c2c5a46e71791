// sockconf-load: the load generator alone, for measuring any echo server by hand
// or from scripts (bench/peers). Exit codes (sockconf/common/exit_code.hpp): 0
// measured, 1 the run had errors or no replies, 2 usage, 3 the connections could
// not be set up.
#include <sockconf/bench/affinity.hpp>
#include <sockconf/bench/load.hpp>
#include <sockconf/bench/result.hpp>
#include <sockconf/common/exit_code.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

using namespace sockconf::bench;
using sockconf::exit_code;
using sockconf::to_int;

int main(int argc, char** argv)
{
    CLI::App app{"sockconf-load: N connections with K messages in flight against a WebSocket or TCP echo "
                 "server (or --handshakes: connect + upgrade + close per second); prints msgs/s, MB/s, "
                 "latency percentiles and client CPU"};
    std::string url, tcp;
    load_options lo;
    handshake_options ho;
    double seconds = 4.0, warmup = 1.0;
    bool text = false, binary = false, as_json = false, handshakes = false;
    int cpu = -1;
    unsigned timeout_ms = 5000;
    std::string target_name = "server", scenario = "echo";
    auto* url_opt = app.add_option("--url", url, "WebSocket echo URL (ws://127.0.0.1:P/path, or wss:// with TLS 1.3 and the certificate not verified)");
    app.add_option("--tcp", tcp, "TCP echo address HOST:PORT")->excludes(url_opt);
    app.add_option("--connections,-c", lo.connections, "Connections")->capture_default_str()->check(CLI::Range(1u, 10000u));
    app.add_option("--in-flight,-k", lo.in_flight, "Messages in flight per connection")->capture_default_str()->check(CLI::Range(1u, 100000u));
    app.add_option("--size,-s", lo.size, "Payload bytes per message")->capture_default_str()->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30));
    app.add_flag("--text", text, "Text frames (payload abc...z repeated)");
    app.add_flag("--binary", binary, "Binary frames (the default)");
    app.add_option("--seconds", seconds, "Measured window")->capture_default_str()->check(CLI::Range(0.01, 3600.0));
    app.add_option("--warmup", warmup, "Seconds run before the window, not counted")->capture_default_str()->check(CLI::Range(0.0, 600.0));
    app.add_option("--max-messages", lo.max_messages, "End the window after this many replies (0: none)")->capture_default_str();
    app.add_option("--connect-timeout-ms", timeout_ms, "Per connection: TCP connect + upgrade (handshakes: the whole handshake)")->capture_default_str()->check(CLI::Range(1u, 600000u));
    app.add_flag("--verify", lo.verify, "Compare every echoed byte with what was sent (costs client CPU)");
    app.add_flag("--handshakes", handshakes, "Measure handshakes per second instead (ws only)");
    app.add_option("--concurrency", ho.concurrency, "Handshakes under way at once")->capture_default_str()->check(CLI::Range(1u, 10000u));
    app.add_option("--max-handshakes", ho.max_handshakes, "End the window after this many handshakes (0: none)")->capture_default_str();
    app.add_option("--cpu", cpu, "Pin this process to that CPU (-1: don't)")->capture_default_str();
    app.add_flag("--json", as_json, "Print the result as one JSON object (the results schema of bench/README.md)");
    app.add_option("--target", target_name, "Name of what is measured, for --json")->capture_default_str();
    app.add_option("--scenario", scenario, "Scenario name, for --json")->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    if (url.empty() == tcp.empty()) {
        std::cerr << "error: give --url ws://... or --tcp HOST:PORT\n";
        return to_int(exit_code::usage);
    }
    if (text && binary) {
        std::cerr << "error: --text or --binary, not both\n";
        return to_int(exit_code::usage);
    }
    try {
        lo.target = url.empty() ? parse_tcp_address(tcp) : parse_ws_url(url);
    } catch (std::exception const& e) {
        std::cerr << "error: " << e.what() << "\n";
        return to_int(exit_code::usage);
    }
    if (cpu >= 0)
        if (auto ec = pin_to_cpu(0, cpu))
            std::cerr << "warning: cannot pin to CPU " << cpu << ": " << ec.message() << "\n";
    measurement_id const id{scenario, target_name, to_string(lo.target.kind)};

    if (handshakes) {
        if (lo.target.kind != transport::ws) {
            std::cerr << "error: --handshakes needs a ws:// --url\n";
            return to_int(exit_code::usage);
        }
        ho.target = lo.target;
        ho.duration = std::chrono::duration<double>(seconds);
        ho.warmup = std::chrono::duration<double>(warmup);
        ho.timeout = std::chrono::milliseconds(timeout_ms);
        auto const r = run_handshakes(ho);
        if (as_json)
            std::cout << handshake_json(id, ho, r, std::nullopt).dump() << std::endl;
        else
            std::cout << fmt::format("handshakes {}:{}{}, {} at a time: {:.0f}/s ({} in {:.2f} s), client CPU {:.2f}{}\n",
                                     ho.target.host, ho.target.port, ho.target.path, ho.concurrency, r.per_s(),
                                     r.handshakes, r.duration_s, r.client_cpu,
                                     r.error.empty() ? "" : fmt::format("; {} failed, first: {}", r.failures, r.error));
        return to_int(r.handshakes == 0 || r.failures != 0 ? exit_code::unexpected : exit_code::ok);
    }

    lo.payload = text ? payload_kind::text : payload_kind::binary;
    lo.duration = std::chrono::duration<double>(seconds);
    lo.warmup = std::chrono::duration<double>(warmup);
    lo.connect_timeout = std::chrono::milliseconds(timeout_ms);
    load_result r;
    try {
        r = run_load(lo);
    } catch (std::exception const& e) {
        std::cerr << "error: " << e.what() << "\n";
        return to_int(exit_code::infrastructure);
    }
    if (as_json) {
        std::cout << throughput_json(id, lo, r, std::nullopt).dump() << std::endl;
    } else {
        std::cout << fmt::format(
            "{} {}:{}{} {} {} B, {} conn x {} in flight: {:.0f} msgs/s, {:.1f} MB/s ({} msgs in {:.2f} s)\n"
            "  latency us: p50 {:.1f}  p90 {:.1f}  p99 {:.1f}  p99.9 {:.1f}  max {:.1f}; client CPU {:.2f}\n",
            to_string(lo.target.kind), lo.target.host, lo.target.port,
            is_websocket(lo.target.kind) ? lo.target.path : "", to_string(lo.payload), lo.size, lo.connections,
            lo.in_flight, r.msgs_per_s(), r.mb_per_s(), r.messages, r.duration_s, r.latency.percentile_us(0.5),
            r.latency.percentile_us(0.9), r.latency.percentile_us(0.99), r.latency.percentile_us(0.999),
            r.latency.max_us(), r.client_cpu);
        if (!r.error.empty())
            std::cout << "  error: " << r.error << "\n";
        if (lo.verify)
            std::cout << "  verify: " << r.mismatches << " mismatching byte(s)\n";
    }
    return to_int(r.messages == 0 || !r.error.empty() || r.mismatches != 0 ? exit_code::unexpected : exit_code::ok);
}
