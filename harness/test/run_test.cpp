#include "test_env.hpp"

#include <sockconf/harness/run.hpp>

using namespace sockconf;
using namespace sockconf::harness;

TEST(run, globs_select_ids)
{
    EXPECT_TRUE(id_matches("", "ws.a"));
    EXPECT_TRUE(id_matches("ws.*", "ws.lifecycle.echo"));
    EXPECT_FALSE(id_matches("ws.*", "tcp.basic"));
    EXPECT_TRUE(id_matches("ws.x,tcp.*", "tcp.basic"));
    EXPECT_TRUE(id_matches("ws.?", "ws.a"));
}

TEST(run, an_interrupted_run_skips_what_it_did_not_start)
{
    test_env::live_env live;
    std::atomic<bool> stop{true};
    auto env = live.env();
    env.interrupted = &stop;
    std::vector<test_case> cases = {live.load("good_echo.json"), live.load("wrong_echo.json")};
    std::size_t reported = 0;
    auto results = run_cases(cases, env, 2, [&](std::size_t, std::size_t, reports::case_result const&) { ++reported; });
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(reported, 2u);
    for (auto const& r : results) {
        EXPECT_EQ(r.result, reports::status::skip);
        EXPECT_EQ(r.message, "interrupted");
    }
    EXPECT_EQ(results[0].id, "fixture.good-echo"); // order of the input, not of completion
}

TEST(run, parallel_results_keep_input_order)
{
    test_env::live_env live;
    std::vector<test_case> cases = {live.load("wrong_echo.json"), live.load("good_echo.json")};
    auto results = run_cases(cases, live.env(), 2, {});
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results[0].result, reports::status::fail);
    EXPECT_EQ(results[1].result, reports::status::pass) << results[1].message;
}
