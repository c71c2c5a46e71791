// peer_ratios.hpp: sockconf against each peer, round by round, on hand-made results.
#include <sockconf/bench/peer_ratios.hpp>

#include <gtest/gtest.h>

#include <sstream>

namespace sockconf::bench {
namespace {

/// A throughput result of `scenario`/`target` whose rounds had these rates and
/// per server CPU-s (0: unknown).
json result(std::string scenario, std::string target, std::string transport, std::size_t size,
            std::vector<std::pair<int, std::pair<double, double>>> const& rounds)
{
    json rs = json::array();
    for (auto const& [n, v] : rounds)
        rs.push_back({{"round", n}, {"rate", v.first}, {"per_server_cpu_s", v.second > 0 ? json(v.second) : json()}});
    return {{"kind", "throughput"}, {"scenario", scenario}, {"target", target}, {"transport", transport},
            {"payload", "binary"},  {"size", size},         {"msgs_per_s", 1.0},  {"rounds", rs}};
}

TEST(bench_peer_ratios, the_median_of_each_round_s_ratio_not_the_ratio_of_medians)
{
    // Round 0 was a bad window for sockconf, round 2 for the peer: the medians' ratio
    // (100/100) hides that sockconf was ahead in every round but the first.
    json const results = json::array({
        result("echo", "sockconf-ws", "ws", 65536, {{0, {50, 50}}, {1, {100, 100}}, {2, {110, 110}}}),
        result("peer", "uwebsockets", "ws", 65536, {{0, {100, 100}}, {1, {90, 100}}, {2, {50, 50}}}),
    });
    auto const r = peer_ratios(results);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].load, "ws binary 64 KiB");
    EXPECT_EQ(r[0].peer, "uwebsockets");
    EXPECT_EQ(r[0].rounds, 3u);
    EXPECT_NEAR(r[0].rate.median, 100.0 / 90, 1e-9);
    EXPECT_DOUBLE_EQ(r[0].rate.min, 0.5);
    EXPECT_DOUBLE_EQ(r[0].rate.max, 2.2);
    ASSERT_TRUE(r[0].per_server_cpu_s);
    EXPECT_DOUBLE_EQ(r[0].per_server_cpu_s->median, 1.0);
}

TEST(bench_peer_ratios, rounds_pair_by_number_and_one_side_s_missing_round_is_left_out)
{
    json const results = json::array({
        result("echo", "sockconf-tcp", "tcp", 16, {{0, {100, 0}}, {1, {300, 0}}, {3, {200, 0}}}),
        result("peer", "epoll-echo", "tcp", 16, {{0, {100, 0}}, {2, {999, 0}}, {3, {100, 0}}}),
        result("peer", "ws", "ws", 16, {{0, {1, 0}}}), // no sockconf ws row: no pair
    });
    auto const r = peer_ratios(results);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].load, "tcp binary 16 B");
    EXPECT_EQ(r[0].rounds, 2u);
    EXPECT_DOUBLE_EQ(r[0].rate.median, 1.5); // even count: the middle two's mean (1 and 2)
    EXPECT_FALSE(r[0].per_server_cpu_s);     // no round knows both servers' CPU
}

TEST(bench_peer_ratios, a_single_run_and_handshakes_and_the_printed_and_json_forms)
{
    json const results = json::array({
        {{"kind", "handshake"}, {"scenario", "echo"}, {"target", "sockconf-ws"}, {"transport", "ws"},
         {"concurrency", 8}, {"per_s", 150.0}, {"per_cpu_s", {{"server", 300.0}}}},
        {{"kind", "handshake"}, {"scenario", "peer"}, {"target", "uwebsockets"}, {"transport", "ws"},
         {"concurrency", 8}, {"per_s", 100.0}, {"per_cpu_s", {{"server", 100.0}}}},
        {{"kind", "throughput"}, {"scenario", "reference"}, {"target", "sockconf-ws"}, {"transport", "ws"}},
    });
    auto const r = peer_ratios(results);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].load, "handshakes 8 at a time");
    EXPECT_EQ(r[0].rounds, 1u);
    EXPECT_DOUBLE_EQ(r[0].rate.median, 1.5);
    EXPECT_DOUBLE_EQ(r[0].per_server_cpu_s->median, 3.0);

    auto const j = to_json(r);
    EXPECT_EQ(j[0]["load"], "handshakes 8 at a time");
    EXPECT_EQ(j[0]["rate"]["median"], 1.5);
    EXPECT_EQ(j[0]["per_server_cpu_s"]["max"], 3.0);
    std::ostringstream out;
    print_peer_ratios(r, out);
    EXPECT_NE(out.str().find("handshakes 8 at a time   vs uwebsockets  1.50x (rounds 1.50-1.50), per server CPU-s 3.00x\n"), std::string::npos)
        << out.str();
}

TEST(bench_peer_ratios, fields_of_the_wrong_type_are_skipped_not_thrown)
{
    json const results = json::array({
        1, "x", json::object(),
        {{"kind", 3}, {"scenario", "echo"}},
        result("echo", "sockconf-ws", "ws", 16, {{0, {100, 0}}}),
        {{"kind", "throughput"}, {"scenario", "peer"}, {"target", "uwebsockets"}, {"transport", "ws"},
         {"payload", "binary"}, {"size", 16}, {"per_cpu_s", "fast"},
         {"rounds", {1, {{"round", "0"}, {"rate", 50}}, {{"round", 0}, {"rate", "50"}}, {{"round", 0}, {"rate", 50}}}}},
    });
    std::vector<peer_ratio> r;
    ASSERT_NO_THROW(r = peer_ratios(results));
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].rounds, 1u); // only the well-formed round
    EXPECT_DOUBLE_EQ(r[0].rate.median, 2.0);
    EXPECT_TRUE(peer_ratios(json("not an array")).empty());
}

} // namespace
} // namespace sockconf::bench
