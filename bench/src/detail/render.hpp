// `sockconf bench --render`: several results files (one per platform, say) as one
// document and its HTML page.
#pragma once

#include <sockconf/bench/scenarios.hpp>

namespace sockconf::bench::detail {

/// Merge the results of `o.render` into `o.out` (and `o.html`); the first file gives
/// the document's other fields. A file that is not a results file is a usage error.
exit_code render_results(bench_options const& o);

} // namespace sockconf::bench::detail
