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

namespace {

std::vector<test_case> named(std::initializer_list<char const*> ids)
{
    std::vector<test_case> out;
    for (auto const* id : ids) {
        test_case c;
        c.id = id;
        c.suite = std::string(id).starts_with("tcp") ? "tcp" : "websocket";
        out.push_back(c);
    }
    return out;
}

std::vector<std::string> ids(std::vector<test_case> const& cases)
{
    std::vector<std::string> out;
    for (auto const& c : cases)
        out.push_back(c.id);
    return out;
}

} // namespace

TEST(run, shards_partition_the_selection_in_id_order)
{
    auto const all = named({"ws.e", "tcp.b", "ws.a", "tcp.d", "ws.c", "ws.f", "tcp.g"});
    std::vector<std::string> seen;
    for (int i = 1; i <= 3; ++i) {
        auto const part = ids(select_cases(all, {.shard_index = i, .shard_count = 3}));
        EXPECT_TRUE(std::is_sorted(part.begin(), part.end()));
        seen.insert(seen.end(), part.begin(), part.end());
    }
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(seen, ids(select_cases(all, {})));
    EXPECT_EQ(ids(select_cases(all, {.shard_index = 1, .shard_count = 3})), (std::vector<std::string>{"tcp.b", "ws.a", "ws.f"})); // 1st, 4th, 7th
}

TEST(run, filter_exclude_tags_and_only_select)
{
    auto all = named({"ws.a", "ws.b", "tcp.c"});
    all[0].tags = {"smoke"};
    all[1].slow = true;
    EXPECT_EQ(ids(select_cases(all, {.filter = "ws.*", .exclude = "ws.b"})), (std::vector<std::string>{"ws.a"}));
    EXPECT_EQ(ids(select_cases(all, {.tags = {"smoke", "tcp"}})), (std::vector<std::string>{"tcp.c", "ws.a"}));
    EXPECT_EQ(ids(select_cases(all, {.tags = {"slow"}})), (std::vector<std::string>{"ws.b"}));
    EXPECT_EQ(ids(select_cases(all, {.only = std::vector<std::string>{"ws.b"}})), (std::vector<std::string>{"ws.b"}));
    EXPECT_TRUE(select_cases(all, {.only = std::vector<std::string>{}}).empty());
}

TEST(run, shard_text_is_checked)
{
    EXPECT_EQ(shard_from("2/3", "--shard").index, 2);
    for (auto const* bad : {"0/3", "4/3", "3", "a/b", "1/3x", "-1/2"})
        EXPECT_THROW((void)shard_from(bad, "--shard"), spec_error) << bad;
}

TEST(run, the_longest_cases_start_first)
{
    auto all = named({"a", "b", "c"});
    all[2].steps = {step{"/steps/0", {}, sleep_step{500}}};
    EXPECT_EQ(longest_first(all, {}), (std::vector<std::size_t>{2, 0, 1})); // by the waits its steps name
    EXPECT_EQ(longest_first(all, {{"b", 2000.0}}), (std::vector<std::size_t>{1, 2, 0})); // by an earlier run
}
