// labels.hpp: how sizes and rates are spelled in progress lines and summaries.
#include <sockconf/bench/labels.hpp>

#include <gtest/gtest.h>

namespace sockconf::bench {
namespace {

TEST(bench_labels, sizes_in_whole_units_else_bytes)
{
    EXPECT_EQ(size_label(16), "16 B");
    EXPECT_EQ(size_label(1024), "1 KiB");
    EXPECT_EQ(size_label(65536), "64 KiB");
    EXPECT_EQ(size_label(1 << 20), "1 MiB");
    EXPECT_EQ(size_label(1500), "1500 B");
    EXPECT_EQ(size_label((1 << 20) + 1024), "1025 KiB");
}

TEST(bench_labels, rates_with_a_unit_from_a_thousand_on)
{
    EXPECT_EQ(rate_label(653), "653");
    EXPECT_EQ(rate_label(587300), "587.3k");
    EXPECT_EQ(rate_label(1430000), "1.43M");
}

} // namespace
} // namespace sockconf::bench
