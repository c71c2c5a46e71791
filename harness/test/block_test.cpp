// detail/block: call and get steps run as synchronous blocks on a real IUT
// (the in-process reference), each judged as a check, with its failing paths.
#include "test_env.hpp"

#include "detail/block.hpp"

using namespace sockconf;
using namespace sockconf::harness;
using detail::case_state;
using detail::stop_reason;
using reports::check_status;

namespace {
test_env::live_env& live()
{
    static test_env::live_env env;
    return env;
}

struct fixture {
    test_case c;
    run_env env = live().env();
    case_state s;
    static test_case make(json steps)
    {
        return test_env::make_case(
            json{{"id", "t.block"}, {"title", "t"}, {"clauses", {"WS-TASK-SEND-STRING"}}, {"steps", std::move(steps)}});
    }
    explicit fixture(json steps) : c(make(std::move(steps))), s(c, env)
    {
        s.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        s.vars.set("ws", live().servers().ws_url());
        s.vars.set("tag", "t.block-1-1");
        s.iut = env.factory.open([this](json const& ev) {
            if (ev.value("op", "") == "invoke")
                s.trace.append({{"type", "invoke"}, {"fn", ev["fn"]}, {"arg", ev["args"].empty() ? json() : ev["args"][0]},
                                {"sync", ev.value("sync", false)}});
        }, false);
    }
    stop_reason run() { return detail::run_block(s, c.steps, 0, c.steps.size()); }
};

/// An IUT whose replies to a block are given: for the paths the reference never takes.
class scripted_driver final : public driver {
public:
    explicit scripted_driver(json replies) : replies_(std::move(replies)) {}
    json hello() const override { return {{"name", "scripted"}}; }
    reply execute(json const& command, std::chrono::milliseconds) override
    {
        auto const n = command.value("op", "") == "batch" ? command["commands"].size() : 1;
        json out = json::array();
        for (std::size_t i = 0; i < n; ++i)
            out.push_back(replies_.at(next_++));
        return n == 1 ? reply_from_json(out[0]) : reply{reply_kind::value, out, {}};
    }

private:
    json replies_;
    std::size_t next_ = 0;
};

/// A driver whose IUT answers a block with the wrong number of replies.
class short_reply_driver final : public driver {
public:
    json hello() const override { return {{"name", "short"}}; }
    reply execute(json const&, std::chrono::milliseconds) override { return {reply_kind::value, json::array({json()}), {}}; }
};
} // namespace

TEST(block, a_block_runs_as_one_command_and_each_step_is_a_passed_check)
{
    fixture f(json::parse(R"([
        {"call": "wx.connectSocket", "args": {"url": "${ws}/echo?tag=${tag}"}, "as": "task"},
        {"get": "task.readyState", "expect": 0},
        {"call": "task.onOpen", "listener": "open"}])"));
    EXPECT_EQ(f.run(), stop_reason::none);
    ASSERT_EQ(f.s.checks.size(), 3u);
    for (auto const& k : f.s.checks)
        EXPECT_EQ(k.result, check_status::pass) << k.where << ": " << k.actual;
    // The block's entries come first in the trace, in order, before any event it caused.
    auto const t = f.s.trace.snapshot();
    EXPECT_EQ(t.at(0).value("target", ""), "wx.connectSocket");
    EXPECT_EQ(t.at(1).value("target", ""), "task.readyState");
    EXPECT_EQ(f.s.checks[1].seqs, (std::vector<std::size_t>{2}));
    // Names now mean something: callbacks belong to the call, listeners to the method.
    EXPECT_EQ(f.s.names.meaning("task.success"), "wx.connectSocket success");
    EXPECT_EQ(f.s.names.meaning("open"), "SocketTask.onOpen listener");
}

TEST(block, a_value_that_does_not_match_fails_its_check_and_the_steps_go_on)
{
    fixture f(json::parse(R"([
        {"call": "wx.connectSocket", "args": {"url": "${ws}/echo?tag=${tag}"}, "as": "task"},
        {"get": "task.readyState", "expect": 3},
        {"call": "task.onOpen", "listener": "open"}])"));
    EXPECT_EQ(f.run(), stop_reason::none);
    EXPECT_EQ(f.s.checks[1].result, check_status::fail);
    EXPECT_EQ(f.s.checks[1].actual, "expected 3, got 0");
    EXPECT_EQ(f.s.checks[1].subject, "SocketTask.readyState");
    EXPECT_EQ(f.s.checks[2].result, check_status::pass);
}

TEST(block, a_call_that_throws_when_it_must_not_fails_and_stops_the_steps)
{
    fixture f(json::parse(R"([
        {"call": "wx.connectSocket", "args": {"url": "${ws}/echo?tag=${tag}"}, "as": "task"},
        {"call": "task.close", "args": {}},
        {"call": "task.onOpen", "listener": "open"}])"));
    f.s.iut = std::make_unique<scripted_driver>(json::parse(R"([
        {"ok": true, "value": {"$handle": "1", "class": "SocketTask"}},
        {"ok": false, "thrown": {"name": "TypeError", "message": "close is broken at ws://127.0.0.1:1/x"}},
        {"ok": true, "value": null}])"));
    EXPECT_EQ(f.run(), stop_reason::failed);
    auto const& k = f.s.checks[1];
    EXPECT_EQ(k.result, check_status::fail);
    EXPECT_EQ(k.expected, "task.close to return");
    EXPECT_EQ(k.subject, "SocketTask.close");
    EXPECT_EQ(k.expected_norm, "to return");
    EXPECT_NE(k.observed_norm.find("threw"), std::string::npos) << k.observed_norm;
    EXPECT_EQ(f.s.checks[2].result, check_status::not_run);
}

TEST(block, throws_and_may_throw)
{
    fixture f(json::parse(R"([
        {"call": "wx.connectSocket", "args": {"url": "${ws}/echo?tag=${tag}"}, "as": "task"},
        {"call": "task.close", "args": {}, "as": "c", "may_throw": true},
        {"call": "task.send", "args": {"data": 1}, "throws": {"prefix": "bad data"}},
        {"call": "task.send", "args": {"data": 2}, "throws": true}])"));
    f.s.iut = std::make_unique<scripted_driver>(json::parse(R"([
        {"ok": true, "value": {"$handle": "1", "class": "SocketTask"}},
        {"ok": false, "thrown": {"name": "Error", "message": "no"}},
        {"ok": false, "thrown": {"name": "Error", "message": "other"}},
        {"ok": true, "value": {"$typeof": "undefined"}}])"));
    EXPECT_EQ(f.run(), stop_reason::none);
    // may_throw: allowed, recorded as a call of c.threw.
    EXPECT_EQ(f.s.checks[1].result, check_status::pass);
    auto const t = f.s.trace.snapshot();
    EXPECT_TRUE(std::any_of(t.begin(), t.end(), [](json const& e) { return e.value("fn", "") == "c.threw"; }));
    EXPECT_EQ(f.s.names.meaning("c.threw"), "SocketTask.close threw");
    // throws M: the message must match.
    EXPECT_EQ(f.s.checks[2].result, check_status::fail);
    EXPECT_EQ(f.s.checks[2].actual, "expected a string with prefix \"bad data\", got \"other\"");
    // throws true, but it returned.
    EXPECT_EQ(f.s.checks[3].result, check_status::fail);
    EXPECT_EQ(f.s.checks[3].expected, "task.send to throw");
}

TEST(block, a_method_on_a_name_never_returned_fails_at_once)
{
    fixture f(json::parse(R"([
        {"call": "wx.connectSocket", "args": {"url": "${ws}/echo?tag=${tag}"}, "as": "task"},
        {"wait": {"for": "task.success", "timeout_ms": 1}},
        {"call": "task.send", "args": {"data": "x"}}])"));
    // Run only the last step, as if "task" had never been bound.
    EXPECT_EQ(detail::run_block(f.s, f.c.steps, 2, 3), stop_reason::failed);
    EXPECT_EQ(f.s.checks.at(0).actual, "nothing of that name was returned");
}

TEST(block, an_iut_that_answers_a_block_wrongly_is_an_error)
{
    fixture f(json::parse(R"([
        {"call": "wx.connectSocket", "args": {"url": "${ws}/echo?tag=${tag}"}, "as": "task"},
        {"call": "task.onOpen", "listener": "open"}])"));
    f.s.iut = std::make_unique<short_reply_driver>();
    EXPECT_EQ(f.run(), stop_reason::error);
    ASSERT_EQ(f.s.checks.size(), 1u);
    EXPECT_EQ(f.s.checks[0].result, check_status::error);
    EXPECT_NE(f.s.checks[0].actual.find("answered a block of 2 commands with"), std::string::npos) << f.s.checks[0].actual;
}

TEST(block, a_wrong_return_value_groups_by_its_shape_not_its_content)
{
    // Two refusals with different errMsgs instead of a SocketTask: one behaviour.
    auto observed_norm = [](char const* err) {
        fixture f(json::parse(R"([{"call": "wx.connectSocket", "args": {"url": "${ws}/echo?tag=${tag}"}, "as": "task"}])"));
        f.s.iut = std::make_unique<scripted_driver>(json::array({{{"ok", true}, {"value", {{"errMsg", err}}}}}));
        EXPECT_EQ(f.run(), stop_reason::failed);
        EXPECT_NE(f.s.checks.at(0).actual.find(err), std::string::npos) << "the message shows the value";
        return f.s.checks.at(0).observed_norm;
    };
    EXPECT_EQ(observed_norm("connectSocket:fail invalid url http://a"), "returned an object {errMsg}");
    EXPECT_EQ(observed_norm("connectSocket:fail at most 5"), "returned an object {errMsg}");
}

TEST(block, a_needed_call_that_returns_no_object_fails_for_its_own_clause)
{
    // D41: the case cites something else; the step fails for "returns a SocketTask".
    fixture f(json::parse(R"([{"call": "wx.connectSocket", "args": {"url": "${ws}/echo?tag=${tag}"}, "as": "task"}])"));
    f.s.iut = std::make_unique<scripted_driver>(json::parse(R"([{"ok": true, "value": {"errMsg": "no"}}])"));
    EXPECT_EQ(f.run(), stop_reason::failed);
    EXPECT_EQ(f.s.checks.at(0).clauses, (std::vector<std::string>{"WS-CONNECT-RETURNS-SOCKETTASK"}));
    EXPECT_TRUE(f.s.checks.at(0).counts);
}
