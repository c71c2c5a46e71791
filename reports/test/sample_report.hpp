// A fixed run for approval tests: every status, a hostile string, binary data.
#pragma once

#include <sockconf/reports/result.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace sockconf::reports::golden {

inline run_report sample_report()
{
    run_report r;
    r.info.tool_version = "0.0.0-test";
    r.info.started_at = "2026-01-01T00:00:00Z";
    r.info.duration_ms = 1234.5;
    r.info.iut = {{"name", "sockconf-reference"}, {"version", "0.0.0-test"}};
    r.info.profile = "wechat";
    r.info.jobs = 2;
    r.clauses = {{"WS-TASK-SEND-STRING", "MUST", "socket-task.send", "wx.connectSocket.md",
                  "send(string) delivers a text message"}};

    case_result pass;
    pass.id = "ws.lifecycle.echo-text";
    pass.title = "A string is echoed as a string";
    pass.suite = "websocket";
    pass.file = "suites/websocket/lifecycle.json";
    pass.clauses = {"WS-TASK-SEND-STRING"};
    pass.result = status::pass;
    pass.duration_ms = 12.25;
    pass.trace = json::array({{{"seq", 1}, {"t_ms", 0.5}, {"type", "invoke"}, {"fn", "open"}}});
    r.cases.push_back(pass);

    case_result failed = pass;
    failed.id = "ws.lifecycle.close-code";
    failed.result = status::fail;
    failed.message = "expected close code 1000, got 1003 <&\"'>";
    failed.failed = failure{"suites/websocket/lifecycle.json#/expect/0", "code 1000", "code 1003"};
    failed.trace.push_back({{"seq", 2},
                            {"type", "invoke"},
                            {"fn", "msg"},
                            {"arg", {{"data", {{"$arraybuffer", "AAEC"}}}}}});
    failed.wire = json::array({{{"close_code", 1003}}});
    failed.unexpected = true; // as a run without expectations marks it
    r.cases.push_back(failed);

    case_result errored = pass;
    errored.id = "tcp.basic.refused";
    errored.suite = "tcp";
    errored.result = status::error;
    errored.message = "IUT did not answer within 5000 ms\x1b[31m";
    errored.unexpected = true;
    r.cases.push_back(errored);

    case_result skipped = errored;
    skipped.id = "tcp.basic.skipped";
    skipped.result = status::skip;
    skipped.message = "interrupted";
    skipped.unexpected = false;
    r.cases.push_back(skipped);

    case_result graded = pass;
    graded.id = "ws.limit.sixth";
    graded.result = status::non_strict;
    graded.outcome = "refused by onError";
    graded.message = "a SHOULD was missed";
    r.cases.push_back(graded);
    return r;
}

/// sample_report() run against an expectations file: one known FAIL, one
/// unexpected pass, one case flaky across retries.
inline run_report sample_report_with_expectations()
{
    auto r = sample_report();
    r.info.expectations = "expectations/reference.json";
    r.info.retry_unexpected = 2;
    auto& known = r.cases[1]; // FAIL, listed as FAIL
    known.expected = "FAIL";
    known.expected_reason = "drops the close code https://example.com/issue/1";
    known.unexpected = false;
    auto& surprise = r.cases[0]; // PASS, listed as FAIL
    surprise.expected = "FAIL";
    surprise.unexpected = true;
    auto& flaky = r.cases[4]; // NON-STRICT on its second attempt
    flaky.attempts = {status::timeout, status::non_strict};
    return r;
}

/// Fixed benchmark results (format "sockconf-bench"): two targets, two sizes, a handshake row.
inline json sample_bench()
{
    auto tp = [](char const* target, double size, double msgs, double p50) {
        return json{{"kind", "throughput"}, {"scenario", "echo"}, {"target", target}, {"transport", "ws"},
                    {"payload", "binary"}, {"size", size}, {"connections", 8}, {"in_flight", 16},
                    {"duration_s", 4.0}, {"messages", msgs * 4}, {"msgs_per_s", msgs},
                    {"mb_per_s", msgs * size / 1e6},
                    {"latency_us", {{"p50", p50}, {"p90", p50 * 1.2}, {"p99", p50 * 2}, {"p999", p50 * 5},
                                    {"max", p50 * 11}, {"buckets", {{p50 / 2, 10}, {p50, 500}, {p50 * 2, 60}, {p50 * 16, 1}}}}},
                    {"cpu", {{"client", 0.65}, {"server", 0.99}}}};
    };
    return {{"format", "sockconf-bench"},
            {"version", 1},
            {"started_at", "2026-01-01T00:00:00Z"},
            {"command", "sockconf bench --quick"},
            {"machine", {{"cpu_model", "test cpu"}, {"cores", 2}, {"kernel", "6.1"}, {"compiler", "gcc 12"},
                         {"boost", "1.81"}, {"load_avg", 0.3}}},
            {"results",
             {tp("sockconf-ws", 16, 1420000, 80), tp("sockconf-ws", 1024, 1220000, 95),
              tp("uwebsockets", 16, 1400000, 78), tp("uwebsockets", 1024, 1180000, 99),
              {{"kind", "handshake"}, {"scenario", "echo"}, {"target", "sockconf-ws"}, {"transport", "ws"},
               {"concurrency", 8}, {"duration_s", 4.0}, {"handshakes", 76000}, {"per_s", 19000.0},
               {"cpu", nullptr}}}}};
}

/// Compare `actual` with the golden file; SOCKCONF_UPDATE_GOLDEN=1 rewrites it.
inline void expect_golden(std::string const& name, std::string const& actual)
{
    auto const path = std::string(SOCKCONF_GOLDEN_DIR) + "/" + name;
    if (std::getenv("SOCKCONF_UPDATE_GOLDEN")) {
        std::ofstream(path, std::ios::binary) << actual;
        return;
    }
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in) << "missing golden file " << path
                    << " (run with SOCKCONF_UPDATE_GOLDEN=1 to create it)";
    std::stringstream want;
    want << in.rdbuf();
    EXPECT_EQ(actual, want.str()) << "differs from " << path;
}

} // namespace sockconf::reports::golden
