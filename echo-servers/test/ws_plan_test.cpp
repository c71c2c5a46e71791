// ws_plan (src/detail/ws_plan.hpp): how a request target becomes the plan of
// what a WebSocket connection does, the refusal a target alone decides, and
// the subprotocol the answer selects. Every path, every parameter with its
// default, range and cap, and what bad parameters and bad targets map to
// (echo-servers/README.md, "WebSocket behaviours"). The plan acted on over real
// sockets is covered by servers_test.cpp and frames_test.cpp.
#include "detail/ws_plan.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sockconf::echo::detail {
namespace {

TEST(echo_ws_plan, each_path_picks_its_behaviour)
{
    std::vector<std::pair<std::string, ws_behaviour>> const paths = {
        {"/", ws_behaviour::echo},           {"/echo", ws_behaviour::echo},
        {"/close", ws_behaviour::close},     {"/reject", ws_behaviour::reject},
        {"/handshake", ws_behaviour::handshake}, {"/delay", ws_behaviour::echo},
        {"/hang", ws_behaviour::hang},       {"/push", ws_behaviour::push},
        {"/drop", ws_behaviour::drop},       {"/fragment", ws_behaviour::fragment},
    };
    for (auto const& [path, what] : paths) {
        SCOPED_TRACE(path);
        auto const p = plan_for(path);
        EXPECT_EQ(p.what, what);
        EXPECT_TRUE(p.bad_target.empty());
        EXPECT_EQ(p.what, plan_for(path + "?tag=t").what) << "a query does not change the behaviour";
    }
    EXPECT_EQ(plan_for("/%65cho").what, ws_behaviour::echo) << "the path is compared percent-decoded";
}

TEST(echo_ws_plan, unknown_paths_are_not_found)
{
    for (std::string const path : {"/nope", "/Echo", "/echo/", "/close/x", "/echo.html", "/%2Fecho"}) {
        SCOPED_TRACE(path);
        auto const p = plan_for(path);
        EXPECT_EQ(p.what, ws_behaviour::not_found);
        EXPECT_TRUE(p.bad_target.empty());
        auto const r = refusal_for(p);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 404u);
        EXPECT_EQ(r->why, ""); // the body is the reason phrase
    }
}

TEST(echo_ws_plan, behaviour_names_are_the_wire_records)
{
    EXPECT_EQ(behaviour_name(ws_behaviour::echo), "echo");
    EXPECT_EQ(behaviour_name(ws_behaviour::close), "close");
    EXPECT_EQ(behaviour_name(ws_behaviour::reject), "reject");
    EXPECT_EQ(behaviour_name(ws_behaviour::handshake), "handshake");
    EXPECT_EQ(behaviour_name(ws_behaviour::hang), "hang");
    EXPECT_EQ(behaviour_name(ws_behaviour::push), "push");
    EXPECT_EQ(behaviour_name(ws_behaviour::drop), "drop");
    EXPECT_EQ(behaviour_name(ws_behaviour::fragment), "fragment");
    EXPECT_EQ(behaviour_name(ws_behaviour::not_found), "");
}

TEST(echo_ws_plan, defaults_without_parameters)
{
    auto const p = plan_for("/echo");
    EXPECT_EQ(p.tag, "");
    EXPECT_EQ(p.close_code, 1000);
    EXPECT_EQ(p.close_reason, "");
    EXPECT_EQ(p.close_after, 0u);
    EXPECT_EQ(p.reject_status, 403u);
    EXPECT_FALSE(p.protocol);
    EXPECT_EQ(p.delay_ms, 0u);
    EXPECT_EQ(p.push_count, 0u);
    EXPECT_EQ(p.push_size, 0u);
    EXPECT_FALSE(p.push_binary);
    EXPECT_EQ(p.fragment_size, 0u);
    EXPECT_EQ(p.ping_count, 0u);
    EXPECT_EQ(p.ping_interval_ms, 0u);
    EXPECT_FALSE(refusal_for(p)) << "a served target is not refused by the plan";
}

TEST(echo_ws_plan, tag_is_percent_decoded_with_plus_as_space)
{
    EXPECT_EQ(plan_for("/echo?tag=case-1").tag, "case-1");
    EXPECT_EQ(plan_for("/echo?tag=a+b%20c%2Bd").tag, "a b c+d");
    EXPECT_EQ(plan_for("/echo?tag=%E2%82%AC").tag, "\xE2\x82\xAC");
    EXPECT_EQ(plan_for("/echo?tag=%FF%00x").tag, std::string("\xFF\0x", 3)) << "bytes kept as sent";
    EXPECT_EQ(plan_for("/echo?tag=a&tag=b").tag, "b") << "the last one wins";
    EXPECT_EQ(plan_for("/hang?unknown=1&tag=t").tag, "t") << "unknown parameters are ignored";
}

// A numeric parameter: the target, the plan field it sets, and its value.
struct numeric_case {
    std::string target;
    char const* field;
    std::uint64_t (*get)(ws_plan const&);
    std::uint64_t expected;
};

std::uint64_t close_code(ws_plan const& p) { return p.close_code; }
std::uint64_t close_after(ws_plan const& p) { return p.close_after; }
std::uint64_t reject_status(ws_plan const& p) { return p.reject_status; }
std::uint64_t delay_ms(ws_plan const& p) { return p.delay_ms; }
std::uint64_t push_count(ws_plan const& p) { return p.push_count; }
std::uint64_t push_size(ws_plan const& p) { return p.push_size; }
std::uint64_t fragment_size(ws_plan const& p) { return p.fragment_size; }
std::uint64_t ping_count(ws_plan const& p) { return p.ping_count; }
std::uint64_t ping_interval_ms(ws_plan const& p) { return p.ping_interval_ms; }

// Given values, ranges and caps; a malformed or out-of-range value keeps the
// default (echo-servers/README.md: "Malformed numbers fall back to the defaults").
std::vector<numeric_case> const numeric_cases = {
    // /close: 0 to 4999 sent as given (0: a close frame without a code; reserved ones on purpose).
    {"/close?code=4000", "close_code", close_code, 4000},
    {"/close?code=0", "close_code", close_code, 0},
    {"/close?code=1005", "close_code", close_code, 1005},
    {"/close?code=4999", "close_code", close_code, 4999},
    {"/close?code=5000", "close_code", close_code, 1000},
    {"/close?code=65536", "close_code", close_code, 1000},
    {"/close?code=-1", "close_code", close_code, 1000},
    {"/close?code=abc", "close_code", close_code, 1000},
    {"/close?code=12x", "close_code", close_code, 1000},
    {"/close?code=", "close_code", close_code, 1000},
    {"/close?code=4000.0", "close_code", close_code, 1000},
    {"/close?code=+4000", "close_code", close_code, 1000},
    {"/close?code=%204000", "close_code", close_code, 1000},
    {"/close?code=4000&code=4001", "close_code", close_code, 4001}, // the last one wins
    // after=N, for /close and /drop.
    {"/close?after=3", "close_after", close_after, 3},
    {"/drop?after=2", "close_after", close_after, 2},
    {"/drop?after=x", "close_after", close_after, 0},
    {"/drop?after=-2", "close_after", close_after, 0},
    // /reject: final statuses only (a 1xx would leave the client waiting), else 403.
    {"/reject", "reject_status", reject_status, 403},
    {"/reject?status=401", "reject_status", reject_status, 401},
    {"/reject?status=200", "reject_status", reject_status, 200},
    {"/reject?status=599", "reject_status", reject_status, 599},
    {"/reject?status=101", "reject_status", reject_status, 403},
    {"/reject?status=199", "reject_status", reject_status, 403},
    {"/reject?status=600", "reject_status", reject_status, 403},
    {"/reject?status=x", "reject_status", reject_status, 403},
    // /delay?ms=N; delay_ms=N on every path; at most 10 minutes.
    {"/delay?ms=500", "delay_ms", delay_ms, 500},
    {"/echo?ms=500", "delay_ms", delay_ms, 0}, // ms is /delay's
    {"/reject?delay_ms=700", "delay_ms", delay_ms, 700},
    {"/delay?delay_ms=20", "delay_ms", delay_ms, 20},
    {"/delay?ms=600000", "delay_ms", delay_ms, 600000},
    {"/delay?ms=1000000000", "delay_ms", delay_ms, wait_cap_ms},
    {"/delay?ms=soon", "delay_ms", delay_ms, 0},
    // /push?count=N&size=S.
    {"/push?count=3", "push_count", push_count, 3},
    {"/push?count=1000000", "push_count", push_count, count_cap},
    {"/push?count=many", "push_count", push_count, 0},
    {"/push?size=10", "push_size", push_size, 10},
    {"/push?size=1000000000", "push_size", push_size, push_size_cap},
    {"/push?size=big", "push_size", push_size, 0},
    // /fragment?size=S: kept as given; the session applies Beast's minimum of 8.
    {"/fragment?size=5", "fragment_size", fragment_size, 5},
    {"/fragment?size=0", "fragment_size", fragment_size, 0},
    {"/fragment?size=1000000000", "fragment_size", fragment_size, 1000000000},
    {"/fragment?size=-5", "fragment_size", fragment_size, 0},
    // ping=N with ping_interval_ms=I, on every path.
    {"/push?ping=3", "ping_count", ping_count, 3},
    {"/echo?ping=1000000", "ping_count", ping_count, count_cap},
    {"/echo?ping=x", "ping_count", ping_count, 0},
    {"/echo?ping_interval_ms=50", "ping_interval_ms", ping_interval_ms, 50},
    {"/echo?ping_interval_ms=1000000000", "ping_interval_ms", ping_interval_ms, wait_cap_ms},
    {"/echo?ping_interval_ms=x", "ping_interval_ms", ping_interval_ms, 0},
};

TEST(echo_ws_plan, numeric_parameters_values_ranges_and_caps)
{
    for (auto const& c : numeric_cases) {
        auto const p = plan_for(c.target);
        EXPECT_TRUE(p.bad_target.empty()) << c.target;
        EXPECT_EQ(c.get(p), c.expected) << c.target << ": " << c.field;
    }
}

TEST(echo_ws_plan, close_reason_is_decoded_and_cut_to_123_bytes)
{
    EXPECT_EQ(plan_for("/close?code=4000&reason=bye%20now").close_reason, "bye now");
    EXPECT_EQ(plan_for("/close?reason=" + std::string(200, 'r')).close_reason, std::string(123, 'r'));
    EXPECT_EQ(plan_for("/close?reason=" + std::string(123, 'q')).close_reason, std::string(123, 'q'));
}

TEST(echo_ws_plan, reject_refusal_carries_the_status)
{
    for (unsigned status : {401u, 200u, 599u}) {
        auto const r = refusal_for(plan_for("/reject?status=" + std::to_string(status)));
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, status);
        EXPECT_EQ(r->why, ""); // the body is the reason phrase
    }
    EXPECT_EQ(refusal_for(plan_for("/reject?status=101"))->status, 403u);
}

TEST(echo_ws_plan, push_binary_only_for_1_or_true)
{
    EXPECT_TRUE(plan_for("/push?count=3&size=10&binary=1").push_binary);
    EXPECT_TRUE(plan_for("/push?binary=true").push_binary);
    for (std::string const no : {"0", "false", "yes", "TRUE", ""})
        EXPECT_FALSE(plan_for("/push?binary=" + no).push_binary) << no;
}

TEST(echo_ws_plan, protocol_chosen_only_when_offered)
{
    std::vector<std::string> const offered = {"chat", "superchat"};
    EXPECT_EQ(chosen_protocol(plan_for("/echo"), offered), "") << "no protocol parameter: none";
    EXPECT_EQ(chosen_protocol(plan_for("/echo?protocol=superchat"), offered), "superchat");
    EXPECT_EQ(chosen_protocol(plan_for("/echo?protocol=other"), offered), "");
    EXPECT_EQ(chosen_protocol(plan_for("/echo?protocol=Chat"), offered), "") << "exact match only";
    EXPECT_EQ(chosen_protocol(plan_for("/echo?protocol=first"), offered), "chat");
    EXPECT_EQ(chosen_protocol(plan_for("/echo?protocol=first"), {}), "");
    EXPECT_EQ(chosen_protocol(plan_for("/echo?protocol=chat"), {}), "");
    EXPECT_EQ(plan_for("/echo?protocol=").protocol, std::string{}) << "given but empty";
}

TEST(echo_ws_plan, bad_targets_are_400_with_the_parser_message)
{
    for (std::string const bad : {"echo", "/a b", "/echo?tag=%zz", "http://host/echo", "*", ""}) {
        SCOPED_TRACE(bad);
        auto const p = plan_for(bad);
        EXPECT_FALSE(p.bad_target.empty());
        EXPECT_EQ(p.what, ws_behaviour::not_found);
        EXPECT_EQ(p.tag, "") << "nothing is taken from a target that does not parse";
        auto const r = refusal_for(p);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 400u);
        EXPECT_EQ(r->why, "bad request target: " + p.bad_target);
    }
}

} // namespace
} // namespace sockconf::echo::detail
