#include <sockconf/bench/labels.hpp>

#include <fmt/format.h>

namespace sockconf::bench {

std::string size_label(std::size_t size)
{
    if (size >= 1024 * 1024 && size % (1024 * 1024) == 0)
        return fmt::format("{} MiB", size / (1024 * 1024));
    if (size >= 1024 && size % 1024 == 0)
        return fmt::format("{} KiB", size / 1024);
    return fmt::format("{} B", size);
}

std::string rate_label(double v)
{
    if (v >= 1e6)
        return fmt::format("{:.2f}M", v / 1e6);
    if (v >= 1e3)
        return fmt::format("{:.1f}k", v / 1e3);
    return fmt::format("{:.0f}", v);
}

} // namespace sockconf::bench
