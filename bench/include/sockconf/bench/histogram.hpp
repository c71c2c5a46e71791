// A log-bucket latency histogram: constant-time record, no allocation after
// construction, percentiles good to one bucket (about 9% wide).
#pragma once

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

namespace sockconf::bench {

class latency_histogram {
public:
    /// Sub-buckets per power of two: a bucket's upper bound is at most
    /// 2^(1/8) ~ 1.09 times its lower bound.
    static constexpr unsigned sub_buckets = 8;

    /// Count one sample of `ns` nanoseconds.
    void record(std::uint64_t ns) noexcept;
    /// Add every sample of `other`.
    void merge(latency_histogram const& other) noexcept;
    void reset() noexcept;
    /// Count `n` samples in `bucket` (a histogram recorded elsewhere with the same
    /// buckets: an IUT's in-runtime loop) and note `max_ns` as a sample's; false, and
    /// nothing counted, when the bucket is out of range.
    bool add_bucket(unsigned bucket, std::uint64_t n) noexcept;
    void note_max_ns(std::uint64_t max_ns) noexcept;

    std::uint64_t count() const noexcept { return count_; }
    /// Largest sample, in microseconds (exact); 0 when empty.
    double max_us() const noexcept { return static_cast<double>(max_ns_) / 1000.0; }
    /// The upper bound, in microseconds, of the bucket holding the sample at
    /// quantile q in [0, 1] (nearest rank); never above max_us(). 0 when empty.
    double percentile_us(double q) const noexcept;
    /// Non-empty buckets as {upper bound in microseconds, count}, ascending.
    std::vector<std::pair<double, std::uint64_t>> buckets() const;

    /// The bucket a sample of `ns` falls into, and a bucket's upper bound in ns
    /// (exposed for tests).
    static unsigned bucket_of(std::uint64_t ns) noexcept;
    static std::uint64_t upper_bound_ns(unsigned bucket) noexcept;
    /// Buckets there are (valid indexes are below it).
    static constexpr unsigned bucket_count() noexcept { return buckets_; }

private:
    // Values below 2*sub_buckets ns are exact; above, 8 buckets per octave up to 2^64.
    static constexpr unsigned buckets_ = 2 * sub_buckets + 60 * sub_buckets;
    std::array<std::uint64_t, buckets_> counts_{};
    std::uint64_t count_ = 0;
    std::uint64_t max_ns_ = 0;
};

} // namespace sockconf::bench
