// --compare: two bench results documents side by side, as ratios.
#pragma once

#include <sockconf/common/value.hpp>

#include <iosfwd>
#include <string>
#include <vector>

namespace sockconf::bench {

struct comparison_row {
    std::string key;  ///< "scenario target transport payload size" (handshakes: "... handshake cN")
    double old_rate = 0; ///< msgs_per_s (handshakes: per_s); 0 when absent
    double new_rate = 0;
    double ratio = 0; ///< new / old; 0 when either is absent
};

/// Key of one result: (scenario, target, transport, payload, size) for
/// throughput, (scenario, target, transport, "handshake", concurrency) for handshakes.
std::string result_key(json const& result);

/// Every key of either document, in the new document's order, then the keys only the old one has.
std::vector<comparison_row> compare_results(json const& old_doc, json const& new_doc);

/// A table: key, old, new, ratio (or "only old" / "only new").
void print_comparison(std::vector<comparison_row> const& rows, std::ostream& out);

} // namespace sockconf::bench
