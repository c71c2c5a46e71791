// The bench results JSON ("format": "sockconf-bench", "version": 1; the schema is
// in bench/README.md and is shared with the HTML report: fields may be added,
// never renamed).
#pragma once

#include <sockconf/bench/load.hpp>
#include <sockconf/common/value.hpp>

#include <optional>
#include <string>
#include <vector>

namespace sockconf::bench {

/// What a measurement was of: the key --compare matches results by.
struct measurement_id {
    std::string scenario;  ///< echo | reference | iut | peer
    std::string target;    ///< sockconf-ws, sockconf-tcp, uwebsockets, beast-plain-client, ...
    std::string transport; ///< ws | wss | tcp
};

/// One "kind": "throughput" result. server_cpu: fraction of one core, absent when not measurable.
json throughput_json(measurement_id const& id, load_options const& o, load_result const& r,
                     std::optional<double> server_cpu);

/// One "kind": "handshake" result.
json handshake_json(measurement_id const& id, handshake_options const& o, handshake_result const& r,
                    std::optional<double> server_cpu);

/// A rate per CPU-second of each side: {"client": rate / cpu.client, "server": rate /
/// cpu.server}, null where that CPU is unknown or 0. Machines differ in speed; the work a
/// CPU-second does compares across them better than a rate does. `cpu` as in a result.
json per_cpu_second(double rate, json const& cpu);

/// A result's rate: "msgs_per_s", or "per_s" for a handshake result; 0 when absent or
/// not a number (an unavailable result, a file from elsewhere).
double result_rate(json const& result);

/// {"cpu_model", "cores", "kernel", "compiler", "boost", "load_avg"} of this machine now.
json machine_json();

/// Current UTC time as 2026-11-23T21:00:00Z.
std::string utc_now();

/// The whole document around `results`.
json bench_document(std::string const& command, std::string const& started_at, json results);

} // namespace sockconf::bench
