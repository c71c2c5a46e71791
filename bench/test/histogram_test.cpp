// histogram.hpp: buckets, percentiles, merge.
#include <sockconf/bench/histogram.hpp>

#include <gtest/gtest.h>

namespace sockconf::bench {
namespace {

TEST(histogram, buckets_are_contiguous_and_at_most_one_eighth_octave_wide)
{
    for (unsigned b = 16; b < 400; ++b) {
        auto const lo = latency_histogram::upper_bound_ns(b - 1) + 1;
        auto const hi = latency_histogram::upper_bound_ns(b);
        EXPECT_EQ(latency_histogram::bucket_of(lo), b);
        EXPECT_EQ(latency_histogram::bucket_of(hi), b);
        EXPECT_LE(double(hi) / double(lo), 1.126) << b;
    }
    EXPECT_EQ(latency_histogram::bucket_of(0), 0u);
    EXPECT_EQ(latency_histogram::bucket_of(15), 15u);
}

TEST(histogram, buckets_counted_elsewhere_add_up_as_if_recorded_here)
{
    latency_histogram recorded, added;
    for (std::uint64_t ns : {900u, 1000u, 1000u, 250000u}) {
        recorded.record(ns);
        EXPECT_TRUE(added.add_bucket(latency_histogram::bucket_of(ns), 1));
    }
    added.note_max_ns(250000);
    EXPECT_EQ(added.count(), recorded.count());
    EXPECT_EQ(added.buckets(), recorded.buckets());
    EXPECT_DOUBLE_EQ(added.percentile_us(0.99), recorded.percentile_us(0.99));
    EXPECT_DOUBLE_EQ(added.max_us(), recorded.max_us());
    EXPECT_FALSE(added.add_bucket(latency_histogram::bucket_count(), 1));
    EXPECT_EQ(added.count(), 4u); // nothing counted for a bucket out of range
}

TEST(histogram, percentiles_of_a_known_distribution)
{
    latency_histogram h;
    for (std::uint64_t us = 1; us <= 1000; ++us)
        h.record(us * 1000); // 1 µs .. 1000 µs, uniform
    EXPECT_EQ(h.count(), 1000u);
    EXPECT_DOUBLE_EQ(h.max_us(), 1000.0);
    auto near = [](double got, double want) { return got >= want && got <= want * 1.13; };
    EXPECT_TRUE(near(h.percentile_us(0.50), 500)) << h.percentile_us(0.50);
    EXPECT_TRUE(near(h.percentile_us(0.90), 900)) << h.percentile_us(0.90);
    EXPECT_TRUE(near(h.percentile_us(0.99), 990)) << h.percentile_us(0.99);
    EXPECT_LE(h.percentile_us(0.999), 1000.0);
    EXPECT_DOUBLE_EQ(h.percentile_us(1.0), 1000.0);
}

TEST(histogram, empty_reports_zero_and_buckets_list_only_non_empty)
{
    latency_histogram h;
    EXPECT_EQ(h.percentile_us(0.5), 0.0);
    EXPECT_TRUE(h.buckets().empty());
    h.record(5000);
    h.record(5001);
    h.record(900000);
    auto const b = h.buckets();
    ASSERT_EQ(b.size(), 2u);
    EXPECT_EQ(b[0].second, 2u);
    EXPECT_GE(b[0].first, 5.001);
    EXPECT_EQ(b[1].second, 1u);
    EXPECT_GE(b[1].first, 900.0);
}

TEST(histogram, merge_adds_counts_and_keeps_the_max)
{
    latency_histogram a, b;
    a.record(1000);
    b.record(2000);
    b.record(3000);
    a.merge(b);
    EXPECT_EQ(a.count(), 3u);
    EXPECT_DOUBLE_EQ(a.max_us(), 3.0);
    a.reset();
    EXPECT_EQ(a.count(), 0u);
}

} // namespace
} // namespace sockconf::bench
