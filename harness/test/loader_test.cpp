#include "test_env.hpp"

#include <cctype>

using namespace sockconf;
using namespace sockconf::harness;

namespace {
spec_error only_error(std::string const& file)
{
    auto r = load_suites({test_env::fixture("bad/" + file)}, test_env::api(), test_env::clauses());
    EXPECT_TRUE(r.cases.empty()) << file;
    if (r.errors.size() != 1)
        throw std::runtime_error(file + ": expected one error, got " + std::to_string(r.errors.size()));
    return r.errors.front();
}
} // namespace

struct bad_case {
    char const* file;
    char const* id;
    char const* pointer;
    char const* says;
};
// So that test listings (and ctest's test names) show the fixture, not raw bytes.
void PrintTo(bad_case const& c, std::ostream* os) { *os << c.file; }

class loader_rejects : public ::testing::TestWithParam<bad_case> {};

TEST_P(loader_rejects, naming_file_pointer_and_what_was_expected)
{
    auto const& p = GetParam();
    auto const e = only_error(p.file);
    EXPECT_EQ(e.id(), p.id);
    EXPECT_EQ(e.pointer(), p.pointer);
    EXPECT_NE(e.file().find(p.file), std::string::npos);
    EXPECT_NE(std::string(e.what()).find(p.says), std::string::npos) << e.what();
}

INSTANTIATE_TEST_SUITE_P(
    fixtures, loader_rejects,
    ::testing::Values(
        bad_case{"syntax.json", "E-JSON-SYNTAX", "", "line 2"},
        bad_case{"unknown_clause.json", "E-CASE-CLAUSE", "/clauses/0", "WS-NO-SUCH-CLAUSE"},
        bad_case{"unknown_step.json", "E-CASE-STEP", "/steps/0", "a step has one of call"},
        bad_case{"unknown_method.json", "E-CASE-TARGET", "/steps/1/call", "SocketTask has no method \"offOpen\""},
        bad_case{"undeclared_name.json", "E-CASE-NAME", "/steps/2/wait", "\"opne\" is not a listener"},
        bad_case{"unknown_variable.json", "E-CASE-VARIABLE", "/steps/0/args/url", "${wsx}"},
        bad_case{"bad_matcher.json", "E-MATCHER", "/steps/1/expect", "a matcher object takes only"},
        bad_case{"duplicate_id.json", "E-CASE-DUPLICATE", "/cases/1/id", "bad.dup"},
        bad_case{"bad_repeat_value.json", "E-TYPE", "/steps/0/args/header/x/times", "expected an integer"},
        bad_case{"bad_listen.json", "E-ENUM", "/steps/0/listen/behaviour", "expected echo, close_after, reset"},
        bad_case{"bad_listen_family.json", "E-ENUM", "/steps/0/listen/family", "expected ipv4 or ipv6, got \"inet6\""},
        bad_case{"bad_bind.json", "E-CASE-NAME", "/steps/2/wait/bind/Header", "[a-z0-9_]+"},
        bad_case{"check_clause.json", "E-CASE-CLAUSE", "/expect/0/clauses/0", "\"WS-ONOPEN-ONCE\" is not one of the case's clauses"}),
    // Stable test names: the fixture's file name.
    [](::testing::TestParamInfo<bad_case> const& info) {
        std::string name = info.param.file;
        for (auto& ch : name)
            if (!std::isalnum(static_cast<unsigned char>(ch)))
                ch = '_';
        return name;
    });

TEST(loader, bad_files_do_not_hide_good_ones)
{
    auto r = load_suites({test_env::fixture("bad"), test_env::fixture("good_echo.json")}, test_env::api(),
                         test_env::clauses());
    EXPECT_EQ(r.errors.size(), 13u);
    ASSERT_EQ(r.cases.size(), 1u);
    EXPECT_EQ(r.cases[0].id, "fixture.good-echo");
}

TEST(loader, missing_path_is_an_error)
{
    auto r = load_suites({"/nonexistent/sockconf"}, test_env::api(), test_env::clauses());
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].id(), "E-FILE-READ");
}

TEST(loader, the_projects_suites_are_valid)
{
    auto r = load_suites({test_env::source("suites")}, test_env::api(), test_env::clauses(), test_env::source("suites"));
    for (auto const& e : r.errors)
        ADD_FAILURE() << e.what();
    EXPECT_GE(r.cases.size(), 30u);
    for (auto const& c : r.cases)
        EXPECT_TRUE(c.suite == "websocket" || c.suite == "tcp") << c.id << " in " << c.suite;
}

TEST(loader, a_case_of_the_legacy_globals_is_fresh_whatever_it_says)
{
    // The legacy globals are platform-wide state: a reused instance carries them over (D64).
    auto const global = test_env::make_case(json::parse(R"({"id": "t.global", "title": "t",
      "clauses": ["WS-TASK-READYSTATE"], "requires": ["websocket", "legacy-globals"], "fresh": false,
      "steps": [{"call": "wx.sendSocketMessage", "args": {"data": "x"}}]})"));
    EXPECT_TRUE(global.fresh);
    auto const task = test_env::make_case(json::parse(R"({"id": "t.task", "title": "t", "clauses": ["WS-TASK-READYSTATE"],
      "requires": ["websocket"],
      "steps": [{"call": "wx.connectSocket", "args": {"url": "${ws}"}, "as": "task"}, {"call": "task.onOpen", "listener": "open"}]})"));
    EXPECT_FALSE(task.fresh);
}

TEST(loader, a_case_becomes_types_once)
{
    auto const c = test_env::make_case(json::parse(R"({"id": "t.typed", "title": "t",
      "clauses": ["WS-ONMESSAGE-TEXT-IS-STRING", "WS-ONMESSAGE-ORDER"],
      "steps": [
        {"call": "wx.connectSocket", "args": {"url": "${ws}"}, "as": "task"},
        {"call": "task.onMessage", "listener": "msg"},
        {"repeat": 2, "steps": [{"call": "task.send", "args": {"data": "m${i}"}, "as": "s${i}", "throws": true}]},
        {"wait": {"for": ["msg"], "match": {"data": {"prefix": "m"}}, "count": 2, "bind": {"first": "data"}},
         "clauses": ["WS-ONMESSAGE-ORDER"]}
      ],
      "expect": [{"count": "msg", "min": 2}, {"event": "msg", "nth": 1, "match": {"data": "m1"}}],
      "outcomes": [{"name": "o", "grade": "NON-STRICT", "expect": [{"never": "s0.fail"}]}]})"));
    ASSERT_EQ(c.steps.size(), 4u);
    auto const& call = std::get<call_step>(c.steps[0].action);
    EXPECT_EQ(call.target, "wx.connectSocket");
    EXPECT_EQ(call.as, "task");
    EXPECT_EQ(std::get<call_step>(c.steps[1].action).listener, "msg");
    auto const& rep = std::get<repeat_step>(c.steps[2].action);
    ASSERT_EQ(rep.steps.size(), 1u);
    EXPECT_EQ(rep.steps[0].pointer, "/steps/2/steps/0");
    EXPECT_EQ(std::get<call_step>(rep.steps[0].action).throws, call_step::throw_rule::any);
    auto const& w = std::get<wait_step>(c.steps[3].action);
    EXPECT_EQ(w.count, 2u);
    ASSERT_TRUE(w.match);
    EXPECT_EQ(w.match->entries.at(0).first, "data");
    EXPECT_EQ(w.bind, (std::vector<std::pair<std::string, std::string>>{{"first", "data"}}));
    EXPECT_EQ(c.steps[3].clauses, (std::vector<std::string>{"WS-ONMESSAGE-ORDER"}));
    EXPECT_EQ(c.clauses_of(c.steps[3].clauses), (std::vector<std::string>{"WS-ONMESSAGE-ORDER"}));
    EXPECT_EQ(c.clauses_of(c.steps[0].clauses), c.clauses); // none of its own: the case's
    EXPECT_EQ(std::get<count_expect>(c.expect[0].what).min, 2u);
    EXPECT_EQ(std::get<event_expect>(c.expect[1].what).nth, 1u);
    ASSERT_EQ(c.outcomes.size(), 1u);
    EXPECT_EQ(c.outcomes[0].grade, reports::status::non_strict);
    EXPECT_EQ(c.outcomes[0].expect.at(0).pointer, "/outcomes/0/expect/0");
}
