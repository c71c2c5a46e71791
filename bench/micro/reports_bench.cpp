// Report writing: report.json, junit.xml and report.md of a 200-case run
// (mostly passes, some failures with a failure record, a few skips; every case
// with a trace of 12 entries and one wire record), written to memory.
#include <sockconf/common/version.hpp>
#include <sockconf/reports/json_writer.hpp>
#include <sockconf/reports/junit_writer.hpp>
#include <sockconf/reports/markdown_writer.hpp>

#include <benchmark/benchmark.h>

#include <sstream>
#include <string>

namespace {

using sockconf::json;
namespace reports = sockconf::reports;

reports::run_report make_report(std::size_t cases)
{
    reports::run_report r;
    r.info.tool_version = sockconf::tool_version;
    r.info.started_at = "2026-11-23T21:00:00Z";
    r.info.duration_ms = 5230.5;
    r.info.iut = {{"name", "sockconf-reference"}, {"version", sockconf::tool_version}, {"capabilities", json::array()}};
    r.info.profile = "wechat";
    r.info.jobs = 8;
    for (std::size_t i = 0; i < 20; ++i)
        r.clauses.push_back({"ws.send." + std::to_string(i), "MUST", "websocket", "wx.connectSocket.md",
                             "SocketTask.send sends the data as one message <b>" + std::to_string(i) + "</b>"});
    json wire = json::array();
    wire.push_back({{"id", 1}, {"kind", "websocket"}, {"tag", "t"}, {"behaviour", "echo"}, {"target", "/echo?tag=t"},
                    {"messages", json::array({{{"binary", false}, {"size", 5}, {"head", "hello"}}})},
                    {"messages_received", 1}, {"bytes_received", 5}, {"end", "client_closed"}, {"http_status", 101}});
    for (std::size_t i = 0; i < cases; ++i) {
        reports::case_result c;
        c.id = "ws.case." + std::to_string(i);
        c.title = "case " + std::to_string(i) + " checks that \"send\" & <close> behave";
        c.suite = i % 3 == 0 ? "tcp" : "websocket";
        c.file = "suites/websocket/send.json";
        c.clauses = {"ws.send." + std::to_string(i % 20)};
        c.result = i % 13 == 0 ? reports::status::fail : i % 40 == 0 ? reports::status::skip : reports::status::pass;
        c.duration_ms = 12.5 + static_cast<double>(i % 7);
        if (c.result == reports::status::fail) {
            c.message = "expected a msg event, got none within 500 ms";
            c.failed = reports::failure{"suites/websocket/send.json#/cases/3/steps/4", "event msg", "nothing"};
        }
        for (int k = 0; k < 12; ++k)
            c.trace.push_back({{"seq", k + 1}, {"t_ms", 0.8 * k}, {"type", k % 2 ? "call" : "invoke"},
                               {"target", "task.send"}, {"args", json::array({{{"data", "hello <world>"}}})},
                               {"value", nullptr}});
        c.wire = wire;
        r.cases.push_back(std::move(c));
    }
    return r;
}

template <class Write>
void run_writer(benchmark::State& state, Write write)
{
    auto const report = make_report(200);
    std::size_t bytes = 0;
    for (auto _ : state) {
        std::ostringstream out;
        write(report, out);
        bytes = out.str().size();
        benchmark::DoNotOptimize(bytes);
    }
    state.counters["output_bytes"] = static_cast<double>(bytes);
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
}

void BM_write_json(benchmark::State& state) { run_writer(state, reports::write_json); }
void BM_write_junit(benchmark::State& state) { run_writer(state, reports::write_junit); }
void BM_write_markdown(benchmark::State& state) { run_writer(state, reports::write_markdown); }

} // namespace

BENCHMARK(BM_write_json)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_write_junit)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_write_markdown)->Unit(benchmark::kMillisecond);
