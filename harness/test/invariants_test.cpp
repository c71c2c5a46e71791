#include "test_env.hpp"

#include <sockconf/common/json_file.hpp>
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
std::vector<callback_call> const one_call = {{"c", "SocketTask.send", "f#/steps/0"}};
std::vector<listener_registration> const task_listeners = {{"open", "1", "SocketTask", "open", "SocketTask.onOpen"},
                                                           {"msg", "1", "SocketTask", "message", "SocketTask.onMessage"},
                                                           {"closed", "1", "SocketTask", "close", "SocketTask.onClose"}};
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
    std::vector<callback_call> two = {{"c", "SocketTask.send", "a"}, {"c", "SocketTask.send", "b"}};
    EXPECT_TRUE(check_invariants(entries({{"c.success", false}, {"c.complete", false}, {"c.fail", false}, {"c.complete", false}}),
                                 two, {}, api).empty());
}

TEST(invariants, synchronous_callbacks_and_listeners_are_caught_apart)
{
    auto v = check_invariants(entries({{"c.success", true}, {"c.complete", false}}), one_call, {}, test_env::api());
    EXPECT_EQ(ids(v), (std::vector<std::string>{"INV-CALLBACK-ASYNC"}));
    EXPECT_NE(v[0].message.find("\"c.success\" #1"), std::string::npos);
    EXPECT_EQ(v[0].api, "SocketTask.send");
    EXPECT_EQ(v[0].what, "SocketTask.send success");
    EXPECT_EQ(v[0].seqs, (std::vector<std::size_t>{1}));
    v = check_invariants(entries({{"open", true}}), {}, task_listeners, test_env::api());
    EXPECT_EQ(ids(v), (std::vector<std::string>{"INV-LISTENER-ASYNC"}));
    EXPECT_EQ(v[0].what, "SocketTask.onOpen listener");
}

TEST(invariants, the_catalog_attributes_each_violation_to_a_clause)
{
    auto const& cat = test_env::invariants();
    EXPECT_EQ(cat.all().size(), invariant_ids().size());
    EXPECT_EQ(cat.clause_for("INV-CALLBACK-ASYNC", "wx.connectSocket"), "WS-CALLBACKS-ASYNC"); // by owner "wx"
    EXPECT_EQ(cat.clause_for("INV-CALLBACK-ONE-RESULT", "wx.closeSocket"), "WS-GLOBAL-CALLBACKS-ONE-RESULT-AND-COMPLETE");
    EXPECT_EQ(cat.clause_for("INV-CALLBACK-ONE-RESULT", "SocketTask.close"), "WS-CALLBACKS-ONE-RESULT-AND-COMPLETE");
    EXPECT_EQ(cat.clause_for("INV-LISTENER-ASYNC", "TCPSocket.onMessage"), "TCP-LISTENERS-ASYNC");
    EXPECT_EQ(cat.clause_for("INV-TASK-OPEN-ONCE", "TCPSocket.onConnect"), "");
}

TEST(invariants, a_catalog_that_does_not_match_the_checker_is_refused)
{
    auto error_of = [](json const& doc) {
        try {
            (void)invariant_catalog::from_json(doc, "invariants.json",
                                               [](std::string const& id) { return test_env::clauses().find(id) != nullptr; });
        } catch (spec_error const& e) {
            return e.id() + " " + e.pointer();
        }
        return std::string("ok");
    };
    auto doc = read_json_file(test_env::source("specs/invariants.json"));
    EXPECT_EQ(error_of(doc), "ok");
    auto unknown = doc;
    unknown["invariants"][0]["id"] = "INV-NOPE";
    EXPECT_EQ(error_of(unknown), "E-INVARIANT-UNKNOWN /invariants/0/id");
    auto missing = doc;
    missing["invariants"].erase(missing["invariants"].begin());
    EXPECT_EQ(error_of(missing), "E-INVARIANT-MISSING /invariants");
    auto bad_clause = doc;
    bad_clause["invariants"][0]["clauses"]["SocketTask"] = "WS-NO-SUCH";
    EXPECT_EQ(error_of(bad_clause), "E-INVARIANT-CLAUSE /invariants/0/clauses/SocketTask");
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
    regs.push_back({"closed2", "1", "SocketTask", "close", "SocketTask.onClose"});
    EXPECT_TRUE(check_invariants(entries({{"closed", false}, {"closed2", false}}), {}, regs, test_env::api()).empty());
}

TEST(invariants, ready_state_never_moves_backwards_per_object)
{
    auto const get = [](std::size_t seq, char const* target, json value, char const* handle) {
        json e = {{"seq", seq}, {"type", "get"}, {"target", target}, {"value", value}};
        if (handle)
            e["handle"] = handle;
        return e;
    };
    auto const& api = test_env::api();
    // 0, 1, 3: states skipped, never revisited.
    EXPECT_TRUE(check_invariants({get(1, "task.readyState", 0, "1"), get(2, "task.readyState", 1, "1"),
                                  get(3, "task.readyState", 3, "1")},
                                 {}, {}, api)
                    .empty());
    // One name bound to a new task (a repeated "as"): its 0 after the old one's 3 is no step back.
    EXPECT_TRUE(check_invariants({get(1, "task.readyState", 3, "1"), get(2, "task.readyState", 0, "2")}, {}, {}, api).empty());
    // Reads that are not numbers (a platform without readyState) are not judged here.
    EXPECT_TRUE(check_invariants({get(1, "task.readyState", 1, "1"), get(2, "task.readyState", nullptr, "1")}, {}, {}, api)
                    .empty());
    auto const v = check_invariants({get(1, "task.readyState", 1, "1"), get(2, "task.readyState", 3, "1"),
                                     get(3, "task.readyState", 1, "1"), get(4, "task.CLOSED", 0, "1")},
                                    {}, {}, api);
    ASSERT_EQ(ids(v), (std::vector<std::string>{"INV-READYSTATE-MONOTONIC"}));
    EXPECT_EQ(v[0].message, "task.readyState read 1 at #3 after 3 at #2");
    EXPECT_EQ(v[0].what, "SocketTask.readyState moved backwards (3 then 1)");
    EXPECT_EQ(v[0].seqs, (std::vector<std::size_t>{2, 3}));
}
