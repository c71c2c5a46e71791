// iut_bench.hpp: the bench command's form, and its reply read strictly (an adapter's
// reply is outside input). The loop itself runs end to end in adapters/node/test and in
// ctest's bench_iut_node.
#include <sockconf/bench/iut_bench.hpp>

#include <gtest/gtest.h>

#include <sstream>

namespace sockconf::bench {
namespace {

json good_reply()
{
    // Latencies of 1000 ns x3 and 20000 ns x1, counted elsewhere.
    return {{"api", "platform"},
            {"transport", "ws"},
            {"connections_opened", 2},
            {"messages", 4},
            {"bytes", 64},
            {"window_ms", 500},
            {"errors", 0},
            {"first_error", nullptr},
            {"histogram",
             {{"sub_buckets", 8},
              {"buckets", {{latency_histogram::bucket_of(1000), 3}, {latency_histogram::bucket_of(20000), 1}}},
              {"max_ns", 20100}}},
            {"cpu", {{"user_s", 0.2}, {"system_s", 0.05}}}};
}

TEST(iut_bench, the_command_carries_the_load_and_its_bounds)
{
    load_options o;
    o.target = parse_ws_url("ws://127.0.0.1:4321/echo?tag=x");
    o.connections = 3;
    o.in_flight = 5;
    o.size = 1024;
    o.payload = payload_kind::text;
    o.warmup = std::chrono::milliseconds(250);
    o.duration = std::chrono::milliseconds(1500);
    auto const c = iut_bench_command(o, iut_api::host);
    EXPECT_EQ(c["op"], "bench");
    EXPECT_EQ(c["api"], "host");
    EXPECT_EQ(c["transport"], "ws");
    EXPECT_EQ(c["url"], "ws://127.0.0.1:4321/echo?tag=x");
    EXPECT_EQ(c["connections"], 3);
    EXPECT_EQ(c["in_flight"], 5);
    EXPECT_EQ(c["size"], 1024);
    EXPECT_EQ(c["payload"], "text");
    EXPECT_EQ(c["warmup_ms"], 250);
    EXPECT_EQ(c["window_ms"], 1500);
    EXPECT_FALSE(c.contains("port"));

    o.target = parse_tcp_address("127.0.0.1:9");
    auto const t = iut_bench_command(o, iut_api::platform);
    EXPECT_EQ(t["transport"], "tcp");
    EXPECT_EQ(t["address"], "127.0.0.1");
    EXPECT_EQ(t["port"], 9);
    EXPECT_FALSE(t.contains("url"));
}

TEST(iut_bench, a_reply_becomes_rates_latencies_and_the_runtimes_cpu)
{
    auto const r = read_iut_bench_reply(good_reply());
    EXPECT_TRUE(r.unavailable.empty());
    EXPECT_EQ(r.load.messages, 4u);
    EXPECT_EQ(r.load.bytes, 64u);
    EXPECT_DOUBLE_EQ(r.load.duration_s, 0.5);
    EXPECT_DOUBLE_EQ(r.load.msgs_per_s(), 8.0);
    EXPECT_EQ(r.load.latency.count(), 4u);
    EXPECT_NEAR(r.load.latency.percentile_us(0.5), 1.0, 0.1);
    EXPECT_DOUBLE_EQ(r.load.latency.max_us(), 20.1);
    ASSERT_TRUE(r.iut_cpu);
    EXPECT_DOUBLE_EQ(*r.iut_cpu, 0.5); // 0.25 s of CPU in a 0.5 s window

    auto no_cpu = good_reply();
    no_cpu["cpu"] = nullptr;
    EXPECT_FALSE(read_iut_bench_reply(no_cpu).iut_cpu);
}

TEST(iut_bench, an_api_that_is_not_there_is_unavailable_not_a_failure)
{
    auto const r = read_iut_bench_reply({{"api", "host"}, {"transport", "tcp"}, {"unavailable", "a page has no TCP"}});
    EXPECT_EQ(r.unavailable, "a page has no TCP");
    EXPECT_EQ(r.load.messages, 0u);
}

/// The message of the invalid_argument a reply throws ("" when it throws none).
std::string refusal(json const& reply)
{
    try {
        read_iut_bench_reply(reply);
    } catch (std::invalid_argument const& e) {
        return e.what();
    }
    return {};
}

TEST(iut_bench, a_loop_that_could_not_connect_fails_with_the_iuts_words)
{
    try {
        read_iut_bench_reply({{"api", "platform"}, {"transport", "ws"}, {"error", "0 of 2 connections opened within 300 ms"},
                              {"connections_opened", 0}, {"errors", 0}, {"first_error", "refused"}});
        FAIL() << "no throw";
    } catch (std::runtime_error const& e) {
        EXPECT_STREQ(e.what(), "the IUT's loop: 0 of 2 connections opened within 300 ms (first error: refused)");
    }
}

TEST(iut_bench, a_broken_reply_is_refused_naming_the_member)
{
    EXPECT_NE(refusal(json::array()).find("value must be an object"), std::string::npos);
    auto r = good_reply();
    r.erase("messages");
    EXPECT_NE(refusal(r).find("messages is missing"), std::string::npos);
    r = good_reply();
    r["bytes"] = -1;
    EXPECT_NE(refusal(r).find("bytes must be a whole number"), std::string::npos);
    r = good_reply();
    r["window_ms"] = "long";
    EXPECT_NE(refusal(r).find("window_ms must be a number"), std::string::npos);
    r = good_reply();
    r["histogram"]["sub_buckets"] = 4;
    EXPECT_NE(refusal(r).find("histogram.sub_buckets must be 8"), std::string::npos);
    r = good_reply();
    r["histogram"]["buckets"][1][0] = 100000;
    EXPECT_NE(refusal(r).find("histogram.buckets[1][0] must be below"), std::string::npos);
    r = good_reply();
    r["histogram"]["buckets"][0] = {1, 2, 3};
    EXPECT_NE(refusal(r).find("histogram.buckets[0] must be [index, count]"), std::string::npos);
    r = good_reply();
    r["messages"] = 5; // the histogram holds 4
    EXPECT_NE(refusal(r).find("counts 4 latencies for 5 messages"), std::string::npos);
    r = good_reply();
    r["cpu"] = {{"user_s", 0.1}};
    EXPECT_NE(refusal(r).find("cpu.system_s is missing"), std::string::npos);
    r = good_reply();
    r["unavailable"] = "";
    EXPECT_NE(refusal(r).find("unavailable must be a non-empty string"), std::string::npos);
}

} // namespace
} // namespace sockconf::bench

namespace sockconf::bench {
namespace {

TEST(iut_bench, the_summary_puts_platform_beside_host_with_their_ratio)
{
    auto const row = [](char const* api, char const* transport, double rate) {
        return json{{"kind", "throughput"}, {"scenario", "iut"}, {"api", api},       {"transport", transport},
                    {"payload", "binary"},  {"size", 1024},      {"msgs_per_s", rate}};
    };
    json const results = json::array({row("platform", "ws", 700), row("host", "ws", 2800),
                                      {{"kind", "unavailable"}, {"scenario", "iut"}, {"api", "host"},
                                       {"transport", "tcp"}, {"payload", "binary"}, {"size", 1024}},
                                      row("platform", "tcp", 5000)});
    std::ostringstream out;
    print_iut_ratios(results, out);
    EXPECT_NE(out.str().find("  ws  binary   1 KiB:  platform      700  host     2.8k  0.25x\n"), std::string::npos)
        << out.str();
    EXPECT_NE(out.str().find("  tcp binary   1 KiB:  platform     5.0k  host unavailable\n"), std::string::npos)
        << out.str();

    std::ostringstream none;
    print_iut_ratios(json::array({{{"kind", "throughput"}, {"scenario", "echo"}}}), none);
    EXPECT_EQ(none.str(), "");
}

} // namespace
} // namespace sockconf::bench
