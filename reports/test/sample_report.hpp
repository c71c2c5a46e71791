// A fixed run for approval tests: every status, a hostile string, binary data,
// and checks of every kind: passing, failing (two behaviours in one case), one
// never reached, an invariant only "also seen", allowed outcomes held and
// missed, a check the IUT broke, and a clause the IUT's host cannot meet.
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
    r.info.iut = {{"name", "sockconf-reference"}, {"version", "0.0.0-test"}, {"host", "browser"}};
    r.info.profile = "wechat";
    r.info.jobs = 2;
    r.clauses = {{"WS-TASK-SEND-STRING", "MUST", "socket-task.send", "wx.connectSocket.md",
                  "send(string) delivers a text message", "data: the data to send", {}},
                 {"WS-TASK-CLOSE-CODE-SENT", "MUST", "socket-task.close", "SocketTask.close.md",
                  "close(code) sends that code in the close frame", "code: the status code for closing the connection", {}},
                 {"WS-CONNECT-HEADER-SENT", "MUST", "connect", "wx.connectSocket.md",
                  "the header option's fields are sent in the handshake request", "header: the HTTP header",
                  {{"browser", "a browser's WebSocket cannot send request headers"}}},
                 {"WS-CALLBACKS-ASYNC", "SHOULD", "callbacks", "wx.connectSocket.md",
                  "success, fail and complete run after the call has returned", "", {}},
                 {"WS-LIMIT-OVER-REFUSED", "SHOULD", "limits", "wx.connectSocket.md",
                  "a connection beyond the limit is refused by fail", "at most five connections", {}}};

    // What the checks below are made of.
    auto check = [](check_kind kind, std::string where, std::string title, std::vector<std::string> clauses) {
        check_result k;
        k.kind = kind;
        k.where = std::move(where);
        k.title = std::move(title);
        k.clauses = std::move(clauses);
        return k;
    };
    auto failing = [](check_result k, std::string expected, std::string actual, std::string subject,
                      std::string expected_norm, std::string observed_norm, std::vector<std::size_t> seqs) {
        k.result = check_status::fail;
        k.expected = std::move(expected);
        k.actual = std::move(actual);
        k.subject = std::move(subject);
        k.expected_norm = std::move(expected_norm);
        k.observed_norm = std::move(observed_norm);
        k.seqs = std::move(seqs);
        return k;
    };
    auto async = [&](std::string observed, std::vector<std::size_t> seqs) {
        auto k = failing(check(check_kind::invariant, "INV-CALLBACK-ASYNC", "success, fail and complete run after the call",
                               {"WS-CALLBACKS-ASYNC"}),
                         "INV-CALLBACK-ASYNC", "\"open\" #1 ran inside the call that caused it",
                         "success/fail/complete called synchronously", "run after the call has returned", observed,
                         std::move(seqs));
        k.counts = false; // no sample case cites WS-CALLBACKS-ASYNC
        return k;
    };

    case_result pass;
    pass.id = "ws.lifecycle.echo-text";
    pass.title = "A string is echoed as a string";
    pass.suite = "websocket";
    pass.file = "suites/websocket/lifecycle.json";
    pass.clauses = {"WS-TASK-SEND-STRING"};
    pass.result = status::pass;
    pass.duration_ms = 12.25;
    pass.trace = json::array({{{"seq", 1}, {"t_ms", 0.5}, {"type", "invoke"}, {"fn", "open"}}});
    auto const lifecycle = std::string("suites/websocket/lifecycle.json#");
    auto connect = check(check_kind::step, lifecycle + "/steps/0", "call wx.connectSocket", pass.clauses);
    connect.seqs = {1};
    pass.checks = {connect, check(check_kind::expect, lifecycle + "/expect/0", "once [\"msg\"]", pass.clauses),
                   async("wx.connectSocket success", {1})};
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
    failed.clauses = {"WS-TASK-SEND-STRING", "WS-TASK-CLOSE-CODE-SENT", "WS-CONNECT-HEADER-SENT"};
    failed.checks = {
        connect,
        // Two checks of one clause: one behaviour seen twice, one deviation.
        failing(check(check_kind::expect, lifecycle + "/expect/0", "the server saw", {"WS-TASK-CLOSE-CODE-SENT"}),
                "code 1000", "code 1003", "the server's record: close_code", "1000", "1003", {}),
        failing(check(check_kind::expect, lifecycle + "/expect/1", "event [\"closed\"] #0", {"WS-TASK-CLOSE-CODE-SENT"}),
                "code 1000", "code 1003 <&\"'>", "SocketTask.onClose listener", "code 1000", "code 1003", {2}),
        // A clause the IUT's host (a browser) cannot meet.
        failing(check(check_kind::expect, lifecycle + "/expect/2", "the server saw", {"WS-CONNECT-HEADER-SENT"}),
                "x-sockconf-test: \"yes\"", "x-sockconf-test absent", "the server's record: request_headers.x-sockconf-test",
                "\"yes\"", "(absent)", {}),
        async("wx.connectSocket success; SocketTask.send success", {1, 2})};
    r.cases.push_back(failed);

    case_result errored = pass;
    errored.id = "tcp.basic.refused";
    errored.suite = "tcp";
    errored.result = status::error;
    errored.message = "IUT did not answer within 5000 ms\x1b[31m";
    errored.unexpected = true;
    auto broke = check(check_kind::step, "suites/tcp/basic.json#/steps/0", "call wx.createTCPSocket", errored.clauses);
    broke.result = check_status::error;
    broke.expected = "an answer within 5000 ms";
    broke.actual = "none";
    auto never = check(check_kind::expect, "suites/tcp/basic.json#/expect/0", "once [\"msg\"]", errored.clauses);
    never.result = check_status::not_run;
    errored.checks = {broke, never};
    r.cases.push_back(errored);

    case_result skipped = errored;
    skipped.id = "tcp.basic.skipped";
    skipped.result = status::skip;
    skipped.message = "interrupted";
    skipped.unexpected = false;
    skipped.checks.clear();
    r.cases.push_back(skipped);

    case_result graded = pass;
    graded.id = "ws.limit.sixth";
    graded.result = status::non_strict;
    graded.outcome = "refused by onError";
    graded.message = "a SHOULD was missed";
    graded.clauses = {"WS-LIMIT-OVER-REFUSED"};
    auto const limit = std::string("suites/websocket/limits.json#");
    auto by_fail = failing(check(check_kind::outcome, limit + "/outcomes/0", "refused by the fail callback", graded.clauses),
                           "\"c6.fail\" called exactly once", "it was called 0 time(s)", "wx.connectSocket fail",
                           "called exactly once", "never called", {});
    by_fail.counts = false; // missed while another held: not a finding
    by_fail.grade = status::pass;
    auto by_error = check(check_kind::outcome, limit + "/outcomes/1", "refused by onError", graded.clauses);
    by_error.grade = status::non_strict;
    graded.checks = {check(check_kind::step, limit + "/steps/0", "call wx.connectSocket", graded.clauses), by_fail, by_error,
                     async("wx.connectSocket success", {1})};
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

/// Fixed benchmark results (format "sockconf-bench"): two targets, two sizes, a handshake row,
/// and the peer ratios of a --peers run.
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
               {"cpu", nullptr}}}},
            {"peer_ratios",
             {{{"load", "ws binary 16 B"}, {"peer", "uwebsockets"}, {"rounds", 3},
               {"rate", {{"median", 1.01}, {"min", 0.95}, {"max", 1.14}}},
               {"per_server_cpu_s", {{"median", 0.99}, {"min", 0.9}, {"max", 1.1}}}},
              {{"load", "handshakes 8 at a time"}, {"peer", "uwebsockets"}, {"rounds", 3},
               {"rate", {{"median", 1.03}, {"min", 0.93}, {"max", 1.06}}}, {"per_server_cpu_s", nullptr}}}}};
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
