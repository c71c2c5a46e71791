// Benchmark results (format "sockconf-bench", bench/README.md) as HTML with
// inline SVG charts: throughput by message size per target (msgs/s and MB/s,
// log scale), latency percentiles per result, a histogram per result (folded),
// handshake rates, and every number in tables. Entries without the fields a
// chart needs are left out of that chart; nothing here throws on bad input.
#pragma once

#include <sockconf/common/value.hpp>

#include <string>

namespace sockconf::reports::detail {

/// The benchmark section (an <h2> and what follows); "" when `bench` has no results.
std::string bench_section(json const& bench);

} // namespace sockconf::reports::detail
