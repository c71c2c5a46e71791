#include <sockconf/bench/histogram.hpp>

#include <algorithm>
#include <bit>
#include <cmath>

namespace sockconf::bench {

namespace {
constexpr unsigned sub_bits = std::countr_zero(latency_histogram::sub_buckets); // 3
}

unsigned latency_histogram::bucket_of(std::uint64_t ns) noexcept
{
    if (ns < 2 * sub_buckets)
        return static_cast<unsigned>(ns);
    // Octave e holds [2^e, 2^(e+1)); its top sub_bits bits after the leading one pick the bucket.
    unsigned const e = 63u - static_cast<unsigned>(std::countl_zero(ns));
    unsigned const sub = static_cast<unsigned>((ns >> (e - sub_bits)) & (sub_buckets - 1));
    return 2 * sub_buckets + (e - (sub_bits + 1)) * sub_buckets + sub;
}

std::uint64_t latency_histogram::upper_bound_ns(unsigned bucket) noexcept
{
    if (bucket < 2 * sub_buckets)
        return bucket;
    unsigned const rel = bucket - 2 * sub_buckets;
    unsigned const e = rel / sub_buckets + sub_bits + 1;
    std::uint64_t const sub = rel % sub_buckets;
    // The bucket is [2^e + sub*w, 2^e + (sub+1)*w) with w = 2^(e - sub_bits).
    std::uint64_t const w = std::uint64_t{1} << (e - sub_bits);
    return (std::uint64_t{1} << e) + (sub + 1) * w - 1;
}

void latency_histogram::record(std::uint64_t ns) noexcept
{
    ++counts_[std::min<unsigned>(bucket_of(ns), buckets_ - 1)];
    ++count_;
    max_ns_ = std::max(max_ns_, ns);
}

void latency_histogram::merge(latency_histogram const& other) noexcept
{
    for (unsigned i = 0; i < buckets_; ++i)
        counts_[i] += other.counts_[i];
    count_ += other.count_;
    max_ns_ = std::max(max_ns_, other.max_ns_);
}

bool latency_histogram::add_bucket(unsigned bucket, std::uint64_t n) noexcept
{
    if (bucket >= buckets_)
        return false;
    counts_[bucket] += n;
    count_ += n;
    return true;
}

void latency_histogram::note_max_ns(std::uint64_t max_ns) noexcept { max_ns_ = std::max(max_ns_, max_ns); }

void latency_histogram::reset() noexcept
{
    counts_.fill(0);
    count_ = 0;
    max_ns_ = 0;
}

double latency_histogram::percentile_us(double q) const noexcept
{
    if (count_ == 0)
        return 0.0;
    q = std::clamp(q, 0.0, 1.0);
    auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
    rank = std::max<std::uint64_t>(rank, 1);
    std::uint64_t seen = 0;
    for (unsigned i = 0; i < buckets_; ++i) {
        seen += counts_[i];
        if (seen >= rank)
            return static_cast<double>(std::min(upper_bound_ns(i), max_ns_)) / 1000.0;
    }
    return max_us();
}

std::vector<std::pair<double, std::uint64_t>> latency_histogram::buckets() const
{
    std::vector<std::pair<double, std::uint64_t>> out;
    for (unsigned i = 0; i < buckets_; ++i)
        if (counts_[i] != 0)
            out.emplace_back(static_cast<double>(upper_bound_ns(i)) / 1000.0, counts_[i]);
    return out;
}

} // namespace sockconf::bench
