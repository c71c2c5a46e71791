// sockconf's echo servers against the peers of one `sockconf bench --peers` run.
//
// Every measurement runs once per round, and within a round sockconf and each peer
// run back to back at the same load. A round's ratio compares two windows seconds
// apart, so the machine's drift (on a shared host, a third of the rate between
// runs) cancels out; the ratio of two medians can pair a good window of one with a
// bad window of the other. So the figure reported is the median of the rounds'
// ratios, with their range: what BENCHMARKS.md's goal table shows.
#pragma once

#include <sockconf/common/value.hpp>

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace sockconf::bench {

/// Median, lowest and highest of the rounds' ratios (sockconf / peer).
struct ratio_spread {
    double median = 0;
    double min = 0;
    double max = 0;
};

struct peer_ratio {
    std::string load;  ///< "ws binary 64 KiB", "tcp binary 16 B", "handshakes 8 at a time"
    std::string peer;  ///< the peer's target name: uwebsockets, ws, epoll-echo
    std::size_t rounds = 0; ///< rounds measured on both sides
    ratio_spread rate;      ///< msgs/s (handshakes: handshakes/s)
    /// The same per server CPU-second; absent when no round knows both servers' CPU.
    std::optional<ratio_spread> per_server_cpu_s;
};

/// The ratios of sockconf's server to each peer at every load both ran, in the order
/// of sockconf's results. `results`: a bench document's "results" (echo and peer
/// scenarios; others are ignored). Rounds are paired by their number ("rounds" of a
/// result); a result without "rounds" (one run) is its own round 0. A round one side
/// lacks (it failed) is left out of that pair.
std::vector<peer_ratio> peer_ratios(json const& results);

/// As the results document's "peer_ratios" (bench/README.md).
json to_json(std::vector<peer_ratio> const& ratios);

/// One line per load and peer: the median ratio, its range and the per-CPU median.
void print_peer_ratios(std::vector<peer_ratio> const& ratios, std::ostream& out);

} // namespace sockconf::bench
