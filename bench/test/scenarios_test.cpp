// scenarios.hpp: a tiny real `sockconf bench` (the echo servers as their own process,
// a few short measurements) writing its results file; no timing asserts.
#include <sockconf/bench/scenarios.hpp>
#include <sockconf/common/json_file.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace sockconf::bench {
namespace {

/// A tiny bench of the echo servers (their own process), its results written to `out`:
/// 0.1-s windows, no warm-up, no pinning.
bench_options quick(std::string const& out, std::vector<std::string> scenarios, std::vector<std::size_t> sizes,
                    std::vector<unsigned> handshake_concurrency)
{
    bench_options o;
    o.server = SOCKCONF_BIN " serve --json";
    o.scenarios = std::move(scenarios);
    o.sizes = std::move(sizes);
    o.payloads = {"binary"};
    o.handshake_concurrency = std::move(handshake_concurrency);
    o.seconds = 0.1;
    o.warmup = 0;
    o.client_cpu = -1;
    o.server_cpu = -1;
    o.out = out;
    return o;
}

exit_code run(bench_options const& o)
{
    return run_bench(o, SOCKCONF_SOURCE_DIR, SOCKCONF_SOURCE_DIR "/specs/profiles/wechat.json",
                     SOCKCONF_SOURCE_DIR "/specs/settings.json");
}

TEST(scenarios, echo_and_reference_write_a_results_file)
{
    auto const out = (std::filesystem::temp_directory_path() / "sockconf-bench-command-test.json").string();
    ASSERT_EQ(run(quick(out, {"echo", "reference"}, {16}, {2})), exit_code::ok);
    auto const doc = read_json_file(out);
    EXPECT_EQ(doc["format"], "sockconf-bench");
    std::set<std::string> keys;
    for (auto const& r : doc["results"]) {
        keys.insert(r["scenario"].get<std::string>() + " " + r["target"].get<std::string>() + " " +
                    r["transport"].get<std::string>() + " " + r["kind"].get<std::string>());
        EXPECT_FALSE(r.contains("error")) << r.dump();
        if (r["kind"] == "throughput")
            EXPECT_GT(r["messages"].get<std::uint64_t>(), 0u) << r.dump();
        if (r["scenario"] == "echo")
            EXPECT_FALSE(r["cpu"]["server"].is_null()) << "read from /proc";
    }
    // wss: the echo servers only (the reference is measured through its API on ws and tcp).
    EXPECT_EQ(keys, (std::set<std::string>{"echo sockconf-ws ws throughput", "echo sockconf-wss wss throughput",
                                           "echo sockconf-tcp tcp throughput",
                                           "echo sockconf-ws ws handshake", "reference reference ws throughput",
                                           "reference beast-plain-client ws throughput",
                                           "reference reference tcp throughput"}));
    std::filesystem::remove(out);
}

// --repeat: every run is kept in round order (what --peers pairs sockconf and a peer
// by, peer_ratios.hpp), beside the ascending rates and the median.
TEST(scenarios, repeated_runs_keep_every_round_in_order)
{
    auto const out = (std::filesystem::temp_directory_path() / "sockconf-bench-rounds-test.json").string();
    auto o = quick(out, {"echo"}, {16}, {});
    o.transports = {"tcp"};
    o.repeats = 3;
    ASSERT_EQ(run(o), exit_code::ok);
    auto const doc = read_json_file(out);
    ASSERT_EQ(doc["results"].size(), 1u) << doc.dump();
    auto const& r = doc["results"][0];
    ASSERT_EQ(r["rounds"].size(), 3u) << r.dump();
    std::vector<double> rates;
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(r["rounds"][i]["round"], i);
        auto const& per_cpu = r["rounds"][i]["per_server_cpu_s"]; // null: no CPU tick in a 0.1-s window
        EXPECT_TRUE(per_cpu.is_null() || per_cpu.get<double>() > 0) << per_cpu;
        rates.push_back(r["rounds"][i]["rate"].get<double>());
    }
    std::sort(rates.begin(), rates.end());
    EXPECT_EQ(r["runs"], json(rates));
    EXPECT_EQ(r["msgs_per_s"], rates[1]);
    EXPECT_FALSE(r.contains("round")); // the run's own mark is not a field of the result
    EXPECT_FALSE(doc.contains("peer_ratios")); // without --peers
    std::filesystem::remove(out);
}

// The default shape above 64 KiB: two in flight, one over wss:// (its peer, uWebSockets'
// SSLApp, ends a connection with 2 MiB in flight, so both are measured at one).
TEST(scenarios, above_64_kib_wss_keeps_one_message_in_flight_and_the_others_two)
{
    auto const out = (std::filesystem::temp_directory_path() / "sockconf-bench-shape-test.json").string();
    ASSERT_EQ(run(quick(out, {"echo"}, {65536, 65537}, {})), exit_code::ok);
    auto const doc = read_json_file(out);
    std::map<std::string, unsigned> in_flight;
    for (auto const& r : doc["results"])
        if (r["kind"] == "throughput")
            in_flight[r["transport"].get<std::string>() + " " + std::to_string(r["size"].get<std::size_t>())] =
                r["in_flight"].get<unsigned>();
    EXPECT_EQ(in_flight, (std::map<std::string, unsigned>{{"ws 65536", 4}, {"wss 65536", 4}, {"tcp 65536", 4},
                                                          {"ws 65537", 2}, {"wss 65537", 1}, {"tcp 65537", 2}}));
    std::filesystem::remove(out);
}

TEST(scenarios, the_iut_scenario_without_an_iut_is_a_usage_error)
{
    bench_options o;
    o.scenarios = {"iut"};
    EXPECT_EQ(run(o), exit_code::usage);
}

} // namespace
} // namespace sockconf::bench
