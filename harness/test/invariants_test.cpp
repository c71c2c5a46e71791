#include "test_env.hpp"

#include <sockconf/harness/invariants.hpp>

using namespace sockconf;
using namespace sockconf::harness;

namespace {
std::vector<json> entries(std::initializer_list<std::pair<char const*, bool>> fns)
{
    std::vector<json> out;
    std::size_t seq = 0;
    for (auto const& [fn, sync] : fns)
        out.push_back({{"seq", ++seq}, {"type", "invoke"}, {"fn", fn}, {"sync", sync}});
    return out;
}
std::vector<std::string> ids(std::vector<violation> const& v)
{
    std::vector<std::string> out;
    for (auto const& x : v)
        out.push_back(x.id);
    return out;
}
std::vector<callback_call> const one_call = {{"c", "f#/steps/0"}};
std::vector<listener_registration> const task_listeners = {
    {"open", "1", "SocketTask", "open"}, {"msg", "1", "SocketTask", "message"}, {"closed", "1", "SocketTask", "close"}};
} // namespace

TEST(invariants, a_clean_trace_has_none)
{
    auto e = entries({{"c.success", false}, {"c.complete", false}, {"open", false}, {"msg", false}, {"closed", false}});
    EXPECT_TRUE(check_invariants(e, one_call, task_listeners, test_env::api()).empty());
}

TEST(invariants, callbacks_exactly_one_result_then_complete)
{
    auto const& api = test_env::api();
    EXPECT_EQ(ids(check_invariants(entries({{"c.complete", false}}), one_call, {}, api)),
              (std::vector<std::string>{"INV-CALLBACK-ONE-RESULT"}));
    EXPECT_EQ(ids(check_invariants(entries({{"c.success", false}, {"c.fail", false}, {"c.complete", false}}), one_call, {}, api)),
              (std::vector<std::string>{"INV-CALLBACK-ONE-RESULT"}));
    EXPECT_EQ(ids(check_invariants(entries({{"c.complete", false}, {"c.success", false}}), one_call, {}, api)),
              (std::vector<std::string>{"INV-CALLBACK-COMPLETE"}));
    EXPECT_EQ(ids(check_invariants(entries({{"c.success", false}}), one_call, {}, api)),
              (std::vector<std::string>{"INV-CALLBACK-COMPLETE"}));
    // Two calls sharing a name (a repeated "as") get two results.
    std::vector<callback_call> two = {{"c", "a"}, {"c", "b"}};
    EXPECT_TRUE(check_invariants(entries({{"c.success", false}, {"c.complete", false}, {"c.fail", false}, {"c.complete", false}}),
                                 two, {}, api).empty());
}

TEST(invariants, synchronous_callbacks_are_caught)
{
    auto v = check_invariants(entries({{"c.success", true}, {"c.complete", false}}), one_call, {}, test_env::api());
    EXPECT_EQ(ids(v), (std::vector<std::string>{"INV-CALLBACK-ASYNC"}));
    EXPECT_NE(v[0].message.find("\"c.success\" #1"), std::string::npos);
}

TEST(invariants, task_lifecycle)
{
    auto const& api = test_env::api();
    EXPECT_EQ(ids(check_invariants(entries({{"open", false}, {"open", false}}), {}, task_listeners, api)),
              (std::vector<std::string>{"INV-TASK-OPEN-ONCE"}));
    EXPECT_EQ(ids(check_invariants(entries({{"open", false}, {"closed", false}, {"msg", false}}), {}, task_listeners, api)),
              (std::vector<std::string>{"INV-TASK-NOTHING-AFTER-CLOSE"}));
    auto twice = ids(check_invariants(entries({{"closed", false}, {"closed", false}}), {}, task_listeners, api));
    EXPECT_EQ(twice, (std::vector<std::string>{"INV-TASK-CLOSE-ONCE", "INV-TASK-NOTHING-AFTER-CLOSE"}));
}

TEST(invariants, several_close_listeners_share_one_close_event)
{
    std::vector<listener_registration> regs = task_listeners;
    regs.push_back({"closed2", "1", "SocketTask", "close"});
    EXPECT_TRUE(check_invariants(entries({{"closed", false}, {"closed2", false}}), {}, regs, test_env::api()).empty());
}
