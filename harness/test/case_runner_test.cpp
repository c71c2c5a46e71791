// Fixture cases run for real: echo servers on loopback, the reference in-process.
#include "test_env.hpp"

using namespace sockconf;
using namespace sockconf::harness;
using reports::status;

namespace {
test_env::live_env& live()
{
    static test_env::live_env env;
    return env;
}
} // namespace

TEST(case_runner, a_correct_case_passes_with_trace_and_wire)
{
    auto const c = live().load("good_echo.json");
    auto const r = run_case(c, live().env());
    EXPECT_EQ(r.result, status::pass) << r.message;
    EXPECT_FALSE(r.trace.empty());
    ASSERT_EQ(r.wire.size(), 1u);
    EXPECT_EQ(r.wire[0]["close_code"], 4000);
}

TEST(case_runner, a_wrong_case_fails_naming_step_expectation_and_what_happened)
{
    auto const c = live().load("wrong_echo.json");
    auto const r = run_case(c, live().env());
    EXPECT_EQ(r.result, status::fail);
    ASSERT_TRUE(r.failed);
    EXPECT_NE(r.failed->where.find("wrong_echo.json#/steps/5/wait"), std::string::npos) << r.failed->where;
    EXPECT_NE(r.failed->expected.find("\"msg\""), std::string::npos) << r.failed->expected;
    EXPECT_NE(r.failed->expected.find("goodbye"), std::string::npos) << r.failed->expected;
    EXPECT_NE(r.failed->actual.find("expected \"goodbye\", got \"hello\""), std::string::npos) << r.failed->actual;
    EXPECT_NE(r.message.find("/steps/5"), std::string::npos) << r.message;
}

TEST(case_runner, outcomes_pick_the_first_that_holds)
{
    auto const r = run_case(live().by_id("outcomes.json", "fixture.outcome-second"), live().env());
    EXPECT_EQ(r.result, status::informational) << r.message;
    EXPECT_EQ(r.outcome, "refused");
}

TEST(case_runner, a_missing_capability_is_unimplemented)
{
    auto const r = run_case(live().by_id("outcomes.json", "fixture.unimplemented"), live().env());
    EXPECT_EQ(r.result, status::unimplemented);
    EXPECT_NE(r.message.find("bluetooth"), std::string::npos);
}

TEST(case_runner, a_case_for_other_profiles_is_skipped_with_the_reason)
{
    auto const r = run_case(live().by_id("outcomes.json", "fixture.not-for-this-profile"), live().env());
    EXPECT_EQ(r.result, status::skip);
    EXPECT_EQ(r.message, "not for profile wechat: switches.legacy_single_connection: expected true, got false");
}

TEST(case_runner, the_case_timeout_bounds_every_wait)
{
    auto const t0 = std::chrono::steady_clock::now();
    auto const r = run_case(live().by_id("outcomes.json", "fixture.times-out"), live().env());
    EXPECT_EQ(r.result, status::timeout) << r.message;
    // The wait asked for 5 s; the case allows 300 ms. Bounded, with slack for a loaded machine.
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(4));
}

TEST(case_runner, expectations_are_checked_after_the_steps)
{
    // close() with an invalid code fails; "never complete" then cannot hold.
    auto doc = json::parse(R"({"id": "t.after-steps", "title": "t", "clauses": ["WS-TASK-CLOSE-CODE-INVALID-REJECTED"],
      "steps": [
      {"call": "wx.connectSocket", "args": {"url": "${ws}/echo?tag=${tag}"}, "as": "task"},
      {"call": "task.onOpen", "listener": "open"},
      {"wait": "open"},
      {"call": "task.close", "args": {"code": 1, "reason": "bad code"}, "as": "x", "callbacks": false}
    ]})");
    auto r = run_case(test_env::make_case(doc), live().env());
    EXPECT_EQ(r.result, status::pass) << r.message; // no callbacks given: nothing to check
    doc["steps"][3].erase("callbacks");
    doc["steps"].push_back(json::parse(R"({"wait": {"for": "x.fail"}})"));
    doc["expect"] = json::parse(R"([{"never": "x.complete"}])");
    r = run_case(test_env::make_case(doc), live().env());
    EXPECT_EQ(r.result, status::fail);
    EXPECT_NE(r.message.find("/expect/0"), std::string::npos) << r.message;
}
