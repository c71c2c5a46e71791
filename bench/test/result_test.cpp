// result.hpp: the shape of the results JSON (bench/README.md).
#include <sockconf/bench/result.hpp>

#include <gtest/gtest.h>

namespace sockconf::bench {
namespace {

TEST(result, throughput_has_every_schema_field)
{
    load_options o;
    o.size = 1024;
    o.connections = 8;
    o.in_flight = 16;
    o.payload = payload_kind::text;
    load_result r;
    r.duration_s = 2.0;
    r.messages = 1000;
    r.bytes = 1024000;
    r.client_cpu = 0.5;
    for (int i = 1; i <= 100; ++i)
        r.latency.record(i * 1000);
    auto const j = throughput_json({"echo", "sockconf-ws", "ws"}, o, r, 0.75);
    EXPECT_EQ(j["kind"], "throughput");
    EXPECT_EQ(j["scenario"], "echo");
    EXPECT_EQ(j["target"], "sockconf-ws");
    EXPECT_EQ(j["transport"], "ws");
    EXPECT_EQ(j["payload"], "text");
    EXPECT_EQ(j["size"], 1024);
    EXPECT_EQ(j["connections"], 8);
    EXPECT_EQ(j["in_flight"], 16);
    EXPECT_EQ(j["duration_s"], 2.0);
    EXPECT_EQ(j["messages"], 1000);
    EXPECT_EQ(j["msgs_per_s"], 500.0);
    EXPECT_EQ(j["mb_per_s"], 0.51);
    for (auto const* k : {"p50", "p90", "p99", "p999", "max"})
        EXPECT_TRUE(j["latency_us"][k].is_number()) << k;
    EXPECT_EQ(j["latency_us"]["max"], 100.0);
    auto const& b = j["latency_us"]["buckets"];
    ASSERT_TRUE(b.is_array());
    std::uint64_t total = 0;
    for (auto const& pair : b) {
        ASSERT_EQ(pair.size(), 2u);
        total += pair[1].get<std::uint64_t>();
    }
    EXPECT_EQ(total, 100u);
    EXPECT_EQ(j["cpu"]["client"], 0.5);
    EXPECT_EQ(j["cpu"]["server"], 0.75);
    EXPECT_EQ(j["per_cpu_s"]["client"], 1000.0); // 500 msgs/s on half a core
    EXPECT_DOUBLE_EQ(j["per_cpu_s"]["server"].get<double>(), 666.67);
    EXPECT_FALSE(j.contains("error"));
}

TEST(result, handshake_and_unmeasured_server_cpu)
{
    handshake_options o;
    o.concurrency = 8;
    handshake_result r;
    r.duration_s = 4.0;
    r.handshakes = 400;
    auto const j = handshake_json({"echo", "sockconf-ws", "ws"}, o, r, std::nullopt);
    EXPECT_EQ(j["kind"], "handshake");
    EXPECT_EQ(j["concurrency"], 8);
    EXPECT_EQ(j["handshakes"], 400);
    EXPECT_EQ(j["per_s"], 100.0);
    EXPECT_TRUE(j["cpu"]["server"].is_null());
    EXPECT_TRUE(j["per_cpu_s"]["server"].is_null()); // no CPU, no rate per CPU-second
    EXPECT_TRUE(j["per_cpu_s"]["client"].is_null()); // a client CPU of 0 says nothing either
}

TEST(result, document_carries_format_version_and_machine)
{
    auto const d = bench_document("sockconf bench --quick", "2026-11-23T21:00:00Z", json::array());
    EXPECT_EQ(d["format"], "sockconf-bench");
    EXPECT_EQ(d["version"], 1);
    EXPECT_EQ(d["command"], "sockconf bench --quick");
    for (auto const* k : {"cpu_model", "cores", "kernel", "compiler", "boost", "load_avg"})
        EXPECT_TRUE(d["machine"].contains(k)) << k;
    EXPECT_EQ(d["machine"]["boost"].get<std::string>().substr(0, 2), "1.");
    EXPECT_TRUE(d["results"].is_array());
    EXPECT_EQ(utc_now().size(), 20u);
}

TEST(result, a_result_s_rate_is_per_s_for_handshakes_and_0_where_there_is_none)
{
    EXPECT_EQ(result_rate({{"kind", "throughput"}, {"msgs_per_s", 1500.0}, {"per_s", 9.0}}), 1500.0);
    EXPECT_EQ(result_rate({{"kind", "handshake"}, {"per_s", 19000.0}, {"msgs_per_s", 9.0}}), 19000.0);
    EXPECT_EQ(result_rate({{"kind", "unavailable"}, {"unavailable", "no TCP"}}), 0.0);
    EXPECT_EQ(result_rate({{"kind", 3}, {"msgs_per_s", "fast"}}), 0.0);
    EXPECT_EQ(result_rate(json(7)), 0.0);
}

} // namespace
} // namespace sockconf::bench
