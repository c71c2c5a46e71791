// The in-runtime load loop of an IUT (specs/adapter-protocol.md, "The bench command"):
// one `bench` command, and the IUT runs the whole load itself, through its platform's
// connectSocket / createTCPSocket or, as the baseline, through its host's own WebSocket /
// TCP, timing each message in its own runtime. Only the totals and the latency histogram
// cross the adapter protocol, so the figure is the platform's, not the pipe's.
#pragma once

#include <sockconf/bench/load.hpp>
#include <sockconf/common/value.hpp>

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace sockconf::harness {
class driver_factory;
}

namespace sockconf::bench {

/// What the loop loads through.
enum class iut_api {
    platform, ///< the wx-style module's connectSocket / createTCPSocket
    host      ///< the host's own WebSocket (a browser's, Node's `ws`) or TCP: the baseline
};
std::string_view to_string(iut_api a) noexcept;

struct iut_bench_result {
    /// messages, bytes, the window and the latency histogram, as the IUT counted them;
    /// client_cpu is unused (see iut_cpu).
    load_result load;
    /// The IUT runtime's CPU over the window, as a fraction of one core; nullopt when the
    /// runtime cannot say (a browser page).
    std::optional<double> iut_cpu;
    std::string unavailable; ///< non-empty: the IUT has no such API here, and why
};

/// The `bench` command for `o` (its target, shape, payload and windows) through `api`.
json iut_bench_command(load_options const& o, iut_api api);

/// The reply's value to a result. A value that breaks the reply's shape (a hostile or
/// broken adapter) throws std::invalid_argument naming the member and what was wrong; a
/// loop that could not open its connections ({"error": ...}) throws std::runtime_error
/// with the IUT's words.
iut_bench_result read_iut_bench_reply(json const& value);

/// Open a fresh instance from `factory`, send it the command and wait for its reply, at
/// most the warm-up, the window and the connect timeout plus a margin. Throws
/// std::runtime_error when the IUT refuses the command, fails or does not answer.
iut_bench_result run_iut_bench(harness::driver_factory& factory, load_options const& o, iut_api api);

/// The loop's rates side by side, one line per load: the platform's, the host's own, and
/// their ratio (what the platform's wrapper costs; 1.00: nothing). `results`: a bench
/// document's; nothing is printed when none is of the loop (scenario iut with an api).
void print_iut_ratios(json const& results, std::ostream& out);

} // namespace sockconf::bench
