// detail/trace_checks: waits and trace expectations, their failing paths and
// what they report (expected, actual, and the same normalised for grouping).
#include "test_env.hpp"

#include "detail/trace_checks.hpp"

using namespace sockconf;
using namespace sockconf::harness;
using namespace std::chrono_literals;
using detail::case_state;
using detail::stop_reason;
using reports::check_status;

namespace {
test_env::live_env& live()
{
    static test_env::live_env env;
    return env;
}

/// A case whose steps and expectations are `doc`'s, and a state to judge it in.
struct fixture {
    test_case c;
    run_env env = live().env();
    case_state s;
    static test_case make(json doc)
    {
        doc["id"] = "t.trace";
        doc["title"] = "t";
        doc["clauses"] = {"WS-ONMESSAGE-ORDER"};
        return test_env::make_case(doc);
    }
    explicit fixture(json doc, std::int64_t deadline_ms = 10000) : c(make(std::move(doc))), s(c, env)
    {
        s.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(deadline_ms);
        s.vars.set("tag", "t.trace-1-1");
        s.names.add_listener({"msg", "7", "SocketTask", "message", "SocketTask.onMessage"});
        s.names.add_listener({"closed", "7", "SocketTask", "close", "SocketTask.onClose"});
        s.names.add_callbacks({"send", "SocketTask.send", "inline.json#/steps/0"});
    }
    void invoke(char const* fn, json arg) { s.trace.append({{"type", "invoke"}, {"fn", fn}, {"arg", arg}, {"sync", false}}); }
};

json steps_and(json steps, json expect = json::array())
{
    // Every name the expectations use must be declared by a step: a listener step declares them.
    json all = json::array({json{{"call", "wx.connectSocket"}, {"args", {{"url", "${ws}"}}}, {"as", "task"}},
                            json{{"call", "task.onMessage"}, {"listener", "msg"}},
                            json{{"call", "task.onClose"}, {"listener", "closed"}},
                            json{{"call", "task.send"}, {"args", {{"data", "x"}}}, {"as", "send"}}});
    for (auto& s : steps)
        all.push_back(s);
    return json{{"steps", all}, {"expect", expect}};
}
} // namespace

TEST(trace_checks, a_wait_that_is_met_passes_and_points_at_the_calls)
{
    fixture f(steps_and(json::parse(R"([{"wait": {"for": "msg", "match": {"data": "hi"}}}])")));
    f.invoke("msg", {{"data", "hi"}});
    auto const& st = f.c.steps.back();
    EXPECT_EQ(detail::run_wait(f.s, st, std::get<wait_step>(st.action)), stop_reason::none);
    ASSERT_EQ(f.s.checks.size(), 1u);
    EXPECT_EQ(f.s.checks[0].result, check_status::pass);
    EXPECT_EQ(f.s.checks[0].seqs, (std::vector<std::size_t>{1}));
}

TEST(trace_checks, a_wait_not_met_fails_naming_the_first_mismatch_and_stops_the_steps)
{
    fixture f(steps_and(json::parse(R"([{"wait": {"for": "msg", "match": {"data": {"type": "arraybuffer"}}, "timeout_ms": 100}}])")));
    f.invoke("msg", {{"data", "hi"}});
    auto const& st = f.c.steps.back();
    EXPECT_EQ(detail::run_wait(f.s, st, std::get<wait_step>(st.action)), stop_reason::failed);
    auto const& k = f.s.checks.at(0);
    EXPECT_EQ(k.result, check_status::fail);
    EXPECT_NE(k.actual.find("0 matching of 1 call(s); first mismatch: #1 msg data: expected type arraybuffer, got string \"hi\""),
              std::string::npos) << k.actual;
    // Normalised: the listener's meaning, not the name the case chose.
    EXPECT_EQ(k.subject, "SocketTask.onMessage listener");
    EXPECT_EQ(k.expected_norm, "a call with data type arraybuffer");
    EXPECT_EQ(k.observed_norm, "data type string"); // the type, not the text
}

TEST(trace_checks, a_wait_never_called_and_the_case_running_out_of_time)
{
    fixture f(steps_and(json::parse(R"([{"wait": {"for": "closed", "timeout_ms": 100}}])")));
    auto const& st = f.c.steps.back();
    EXPECT_EQ(detail::run_wait(f.s, st, std::get<wait_step>(st.action)), stop_reason::failed);
    EXPECT_EQ(f.s.checks.at(0).observed_norm, "never called");
    // The case's own deadline cuts a longer wait short: TIMEOUT, not FAIL.
    fixture g(steps_and(json::parse(R"([{"wait": {"for": "closed", "timeout_ms": 5000}}])")), 100);
    auto const& gst = g.c.steps.back();
    EXPECT_EQ(detail::run_wait(g.s, gst, std::get<wait_step>(gst.action)), stop_reason::timeout);
    EXPECT_EQ(g.s.checks.at(0).result, check_status::timeout);
}

TEST(trace_checks, a_malformed_event_ends_a_wait_as_error)
{
    fixture f(steps_and(json::parse(R"([{"wait": {"for": "closed", "timeout_ms": 5000}}])")));
    f.s.bad_event = true;
    auto const t0 = std::chrono::steady_clock::now();
    auto const& st = f.c.steps.back();
    EXPECT_EQ(detail::run_wait(f.s, st, std::get<wait_step>(st.action)), stop_reason::error);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
    EXPECT_EQ(f.s.checks.at(0).result, check_status::error);
}

TEST(trace_checks, expectations_fail_with_what_happened)
{
    fixture f(steps_and(json::array(), json::parse(R"([
        {"order": ["send.success", "msg"]},
        {"once": "closed"},
        {"never": "send.fail"},
        {"count": "msg", "min": 3},
        {"event": "msg", "nth": 1, "match": {"data": "b"}},
        {"event": "closed", "match": {"code": 1000}}
    ])")));
    f.invoke("msg", {{"data", "a"}});
    f.invoke("send.success", {{"errMsg", "sendSocketMessage:ok"}});
    f.invoke("msg", {{"data", "c"}});
    f.invoke("send.fail", json::object());
    std::vector<reports::check_result> ks(f.c.expect.size());
    for (std::size_t i = 0; i < ks.size(); ++i)
        detail::judge_trace_expectation(f.s, f.c.expect[i], ks[i]);
    for (auto const& k : ks)
        EXPECT_EQ(k.result, check_status::fail) << k.expected;
    EXPECT_EQ(ks[0].actual, "\"msg\" (#1) came before \"send.success\" (#2)");
    EXPECT_EQ(ks[0].observed_norm, "SocketTask.onMessage listener first");
    EXPECT_EQ(ks[1].actual, "it was called 0 time(s)");
    EXPECT_EQ(ks[1].subject, "SocketTask.onClose listener");
    EXPECT_EQ(ks[2].observed_norm, "called 1 time(s)");
    EXPECT_EQ(ks[2].subject, "SocketTask.send fail");
    EXPECT_EQ(ks[3].actual, "2 call(s)");
    EXPECT_EQ(ks[4].actual, "data: expected \"b\", got \"c\"");
    EXPECT_EQ(ks[4].seqs, (std::vector<std::size_t>{3}));
    EXPECT_EQ(ks[5].actual, "0 call(s)");
    EXPECT_EQ(ks[5].observed_norm, "never called");
}

TEST(trace_checks, expectations_that_hold_stay_passed)
{
    fixture f(steps_and(json::array(), json::parse(R"([{"order": ["msg", "closed"]}, {"count": "msg", "equals": 1}])")));
    f.invoke("msg", {{"data", "a"}});
    f.invoke("closed", {{"code", 1000}});
    for (auto const& e : f.c.expect) {
        reports::check_result k;
        detail::judge_trace_expectation(f.s, e, k);
        EXPECT_EQ(k.result, check_status::pass) << k.actual;
    }
}

TEST(trace_checks, grouping_keys_hold_no_run_specific_value_on_either_side)
{
    // The expected value is substituted (${tag} -> this run's tag): its grouping
    // key must name the variable again, or every run would make a new deviation.
    fixture f(steps_and(json::array(), json::parse(R"([{"event": "msg", "match": {"data": "hello ${tag}"}}])")));
    f.invoke("msg", {{"data", "bye t.trace-1-1"}});
    reports::check_result k;
    detail::judge_trace_expectation(f.s, f.c.expect.at(0), k);
    ASSERT_EQ(k.result, check_status::fail);
    EXPECT_EQ(k.expected_norm.find("t.trace-1-1"), std::string::npos) << k.expected_norm;
    EXPECT_NE(k.expected_norm.find("${tag}"), std::string::npos) << k.expected_norm;
    EXPECT_NE(k.observed_norm.find("bye ${tag}"), std::string::npos) << k.observed_norm;
}
