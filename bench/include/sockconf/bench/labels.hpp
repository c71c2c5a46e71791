// How the bench spells sizes and rates for people (progress lines, summaries).
#pragma once

#include <cstddef>
#include <string>

namespace sockconf::bench {

/// 16 B, 1 KiB, 64 KiB, 1 MiB; a size that is no whole KiB or MiB in bytes.
std::string size_label(std::size_t size);

/// 1.43M, 587.3k, 653: three significant figures or so.
std::string rate_label(double v);

} // namespace sockconf::bench
