// `sockconf serve`: the echo servers alone until Ctrl-C (echo-servers/, serve.hpp).
#include <sockconf/cli/command.hpp>
#include <sockconf/echo/serve.hpp>
#include <sockconf/echo/servers.hpp>

#include <CLI/CLI.hpp>

#include <cstdint>
#include <iostream>
#include <limits>
#include <memory>

namespace sockconf::cli {

command add_serve_command(CLI::App& app)
{
    struct options {
        echo::server_options servers;
        bool json = false, control = false;
    };
    auto opts = std::make_shared<options>();
    auto& serve_o = opts->servers;
    auto* serve = app.add_subcommand("serve", "Run the echo servers until Ctrl-C and print their URLs");
    serve->add_option("--host", serve_o.host, "Address to bind (loopback)")->capture_default_str();
    serve->add_option("--ws-port", serve_o.ws_port, "WebSocket port (0: ephemeral)")->capture_default_str();
    serve->add_option("--tcp-port", serve_o.tcp_port, "TCP echo port (0: ephemeral)")->capture_default_str();
    serve->add_flag("--json", opts->json, "Print the URLs as one JSON line");
    serve->add_flag("--control", opts->control,
                    "Also serve an HTTP control address (\"control\" in the JSON line) through which a `sockconf "
                    "repro` script opens TCP listeners, reads the wire log and gets a closed port");
    serve->add_option("--max-message-bytes", serve_o.max_message_bytes,
                      "Largest WebSocket message accepted; a bigger one is closed with 1009 (0: 1 GiB, the most the server buffers)")
        ->capture_default_str();
    serve->add_option("--handshake-timeout-ms", serve_o.handshake_timeout_ms,
                      "Time for each step of a WebSocket opening or closing handshake, and for /hang")
        ->capture_default_str()
        ->check(CLI::Range(std::uint32_t{1}, std::numeric_limits<std::uint32_t>::max()));
    serve->add_option("--wire-messages-max", serve_o.wire_messages_max,
                      "WebSocket messages per connection whose size and head the wire log keeps (later ones are counted)")
        ->capture_default_str();
    serve->add_option("--io-buffer-bytes", serve_o.io_buffer_bytes,
                      "Read buffer of an echoing connection (TCP echo, the WebSocket echo loop)")
        ->capture_default_str()->check(CLI::Range(std::size_t{4096}, std::size_t{1} << 30));
    serve->add_option("--max-connections", serve_o.max_connections,
                      "Most WebSocket connections at once; more are answered 503 (0: no limit)")
        ->capture_default_str();
    serve->add_option("--wire-log-max-records", serve_o.wire_log_max_records,
                      "Wire records kept; beyond it the one that ended first is dropped, never an open one "
                      "(0: no limit)")
        ->capture_default_str();
    return {serve, [opts] {
                return echo::serve_until_signal(opts->servers, opts->json, std::cout, opts->control) == 0
                           ? exit_code::ok
                           : exit_code::infrastructure;
            }};
}

} // namespace sockconf::cli
