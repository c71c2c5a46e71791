// Trace matching: check_pattern of the patterns cases use (parsed once, as the
// loader does) against the values
// they are checked on (an invoke event's argument, a wire record), as the case
// runner does for every expectation and every event it scans.
#include <sockconf/harness/matcher.hpp>

#include <benchmark/benchmark.h>

namespace {

using sockconf::json;

// A wire record as the echo servers report it (keys as wire_record::to_json).
json wire_record_value()
{
    json msgs = json::array();
    for (int i = 0; i < 4; ++i)
        msgs.push_back({{"binary", false}, {"size", 5}, {"head", "hello"}});
    return json{{"id", 7}, {"kind", "websocket"}, {"tls", false}, {"tag", "case-42"}, {"behaviour", "echo"},
                {"target", "/echo?tag=case-42"}, {"remote_address", "127.0.0.1"}, {"remote_port", 40000},
                {"local_port", 41000},
                {"request_headers", {{"host", "127.0.0.1:41000"}, {"upgrade", "websocket"}, {"connection", "Upgrade"},
                                     {"sec-websocket-version", "13"}, {"sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="}}},
                {"offered_protocols", json::array()}, {"messages", msgs}, {"messages_received", 4},
                {"bytes_received", 20}, {"head", {{"$arraybuffer", ""}}}, {"bytes_sent", 0}, {"pings_sent", 0},
                {"pongs_received", 0}, {"pings_received", 0}, {"close_code", 1000}, {"close_reason", "bye"},
                {"sent_close_code", 0}, {"http_status", 101}, {"end", "client_closed"}, {"error", ""},
                {"opened_ms", 1.5}, {"closed_ms", 9.25}};
}

void BM_wire_pattern(benchmark::State& state)
{
    auto const value = wire_record_value();
    json const pattern_json = json::parse(R"({"messages.0.binary": false, "messages.0.head": "hello",
        "messages.0.size": 5, "end": "client_closed", "close_code": 1000, "http_status": 101})");
    auto const parsed = sockconf::harness::parse_pattern(sockconf::json_reader(pattern_json, "bench"));
    for (auto _ : state) {
        auto why = sockconf::harness::check_pattern(parsed, value);
        benchmark::DoNotOptimize(why);
    }
    state.SetItemsProcessed(state.iterations());
}

void BM_event_pattern(benchmark::State& state)
{
    // An onMessage callback's argument, and the matchers of a "msg" step.
    json const value = json::parse(R"({"data": {"$arraybuffer": "AAEC//4="}, "remoteInfo": {"address": "127.0.0.1",
        "family": "IPv4", "port": 41000, "size": 5}, "localInfo": {"address": "127.0.0.1", "family": "IPv4", "port": 40000}})");
    json const pattern_json = json::parse(R"({"data": {"type": "arraybuffer", "byte_length": 5,
        "equals": {"$arraybuffer": "AAEC//4="}}, "remoteInfo.size": 5, "remoteInfo.family": {"one_of": ["IPv4", "IPv6"]}})");
    auto const parsed = sockconf::harness::parse_pattern(sockconf::json_reader(pattern_json, "bench"));
    for (auto _ : state) {
        auto why = sockconf::harness::check_pattern(parsed, value);
        benchmark::DoNotOptimize(why);
    }
    state.SetItemsProcessed(state.iterations());
}

void BM_text_equals(benchmark::State& state)
{
    json const value = {{"data", "h\xc3\xa9llo \xe2\x82\xac"}};
    json const pattern_json = json::parse(R"({"data": {"type": "string", "equals": "héllo €", "byte_length": 10}})");
    auto const parsed = sockconf::harness::parse_pattern(sockconf::json_reader(pattern_json, "bench"));
    for (auto _ : state) {
        auto why = sockconf::harness::check_pattern(parsed, value);
        benchmark::DoNotOptimize(why);
    }
    state.SetItemsProcessed(state.iterations());
}

} // namespace

BENCHMARK(BM_wire_pattern);
BENCHMARK(BM_event_pattern);
BENCHMARK(BM_text_equals);
