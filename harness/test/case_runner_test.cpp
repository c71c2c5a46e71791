// Fixture cases run for real: echo servers on loopback, the reference in-process.
#include "test_env.hpp"

#include <boost/asio/ip/tcp.hpp>

using namespace sockconf;
using namespace sockconf::harness;
using reports::status;

namespace {
test_env::live_env& live()
{
    static test_env::live_env env;
    return env;
}

/// The result of the check whose `where` ends with `suffix`, or "(no check)".
std::string result_at(reports::case_result const& r, std::string const& suffix)
{
    for (auto const& k : r.checks)
        if (k.where.ends_with(suffix))
            return std::string(reports::to_string(k.result));
    return "(no check)";
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

// ${ws} is the case's own listener (servers::open_ws_listeners), not the main one and
// not another case's, and it is gone with the case: cases run beside each other in one
// browser must not queue behind each other's handshakes (RFC 6455 4.1).
TEST(case_runner, each_case_connects_to_ws_listeners_of_its_own)
{
    auto const c = live().load("good_echo.json");
    auto const a = run_case(c, live().env());
    auto const b = run_case(c, live().env());
    ASSERT_EQ(a.wire.size(), 1u);
    ASSERT_EQ(b.wire.size(), 1u);
    auto const port_a = a.wire[0]["local_port"].get<std::uint16_t>();
    EXPECT_NE(port_a, live().servers().ws_port());
    EXPECT_NE(port_a, b.wire[0]["local_port"].get<std::uint16_t>());
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::socket late(ioc);
    boost::system::error_code ec;
    late.connect({boost::asio::ip::make_address("127.0.0.1"), port_a}, ec);
    EXPECT_EQ(ec, boost::asio::error::connection_refused);
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

namespace {
/// An IUT that runs success and complete inside the call (as some platforms
/// do), and is otherwise silent: for the invariant paths the reference never takes.
class sync_callback_factory final : public driver_factory {
    class iut final : public driver {
    public:
        explicit iut(event_sink sink) : sink_(std::move(sink)) {}
        json hello() const override { return describe_hello(); }
        reply execute(json const& command, std::chrono::milliseconds) override
        {
            json out = json::array();
            auto const one = [&](json const& c) -> json {
                if (c.value("fn", "") == "wx.connectSocket") {
                    for (auto const* cb : {"success", "complete"})
                        sink_({{"op", "invoke"}, {"fn", c["args"][0][cb]["$fn"]}, {"args", {{{"errMsg", "connectSocket:ok"}}}},
                               {"sync", true}});
                    return {{"ok", true}, {"value", {{"$handle", "1"}, {"class", "SocketTask"}}}};
                }
                return {{"ok", true}, {"value", {{"$typeof", "undefined"}}}};
            };
            if (command.value("op", "") == "batch") {
                for (auto const& c : command["commands"])
                    out.push_back(one(c));
                return {reply_kind::value, out, {}};
            }
            return reply_from_json(one(command));
        }

    private:
        event_sink sink_;
    };

public:
    static json describe_hello() { return {{"name", "sync"}, {"version", "1"}, {"capabilities", {"websocket"}}}; }
    std::unique_ptr<driver> open(event_sink sink, bool) override { return std::make_unique<iut>(std::move(sink)); }
    json describe() override { return describe_hello(); }
};

json connect_case(json clauses, json expect = json::array())
{
    return json{{"id", "t.sync"}, {"title", "t"}, {"clauses", std::move(clauses)}, {"expect", std::move(expect)},
                {"steps", json::parse(R"([{"call": "wx.connectSocket", "args": {"url": "${ws}/echo?tag=${tag}"}, "as": "task"},
                                          {"call": "task.onOpen", "listener": "open"}])")}};
}
} // namespace

TEST(case_runner, an_invariant_about_an_uncited_clause_is_only_also_seen)
{
    sync_callback_factory factory;
    auto env = live().env();
    run_env sync_env{env.prof, env.settings, env.api, env.clauses, env.invariants, env.servers, factory,
                     sync_callback_factory::describe_hello()};
    // The case tests the close code; success ran synchronously: a finding, not this case's failure.
    auto r = run_case(test_env::make_case(connect_case({"WS-TASK-CLOSE-CODE-DEFAULT-1000"})), sync_env);
    EXPECT_EQ(r.result, status::pass) << r.message;
    auto const also = r.also_seen();
    ASSERT_EQ(also.size(), 1u);
    EXPECT_EQ(also[0]->where, "INV-CALLBACK-ASYNC");
    EXPECT_EQ(also[0]->clauses, (std::vector<std::string>{"WS-CALLBACKS-ASYNC"}));
    EXPECT_EQ(also[0]->observed_norm, "wx.connectSocket success; wx.connectSocket complete");
    // A case that cites the clause is graded by it (WS-CALLBACKS-ASYNC is a SHOULD).
    r = run_case(test_env::make_case(connect_case({"WS-CALLBACKS-ASYNC"})), sync_env);
    EXPECT_EQ(r.result, status::non_strict) << r.message;
    EXPECT_TRUE(r.also_seen().empty());
    EXPECT_EQ(r.message.rfind("invariant INV-CALLBACK-ASYNC: ", 0), 0u) << r.message;
}

TEST(case_runner, every_check_is_judged_after_a_step_fails)
{
    // The wait fails (nothing sends "goodbye"); the expectations are still judged, each on its own.
    auto doc = json::parse(R"({"id": "t.all", "title": "t", "clauses": ["WS-ONMESSAGE-TEXT-IS-STRING", "WS-ONMESSAGE-ORDER"],
      "steps": [
        {"call": "wx.connectSocket", "args": {"url": "${ws}/echo?tag=${tag}"}, "as": "task"},
        {"call": "task.onOpen", "listener": "open"},
        {"call": "task.onMessage", "listener": "msg"},
        {"wait": "open"},
        {"call": "task.send", "args": {"data": "hello"}},
        {"wait": {"for": "msg", "match": {"data": "goodbye"}, "timeout_ms": 300}},
        {"call": "task.close", "args": {}}
      ],
      "expect": [
        {"once": "open"},
        {"event": "msg", "match": {"data": "bye"}},
        {"wire": {"match": {"messages.0.head": "hello"}, "timeout_ms": 300}},
        {"count": "msg", "min": 2},
        {"count": "open", "max": 0},
        {"wire": {"count": 2, "timeout_ms": 300}}
      ]})");
    auto const r = run_case(test_env::make_case(doc), live().env());
    EXPECT_EQ(r.result, status::fail);
    EXPECT_EQ(result_at(r, "/steps/5/wait"), "fail");
    EXPECT_EQ(result_at(r, "/steps/6"), "(no check)"); // the steps stopped at the failed wait
    EXPECT_EQ(result_at(r, "/expect/0"), "pass");
    EXPECT_EQ(result_at(r, "/expect/1"), "fail"); // what did happen is judged: a message, not "bye"
    EXPECT_EQ(result_at(r, "/expect/2"), "pass");
    // What had not happened when the steps stopped is no finding: they never got there …
    EXPECT_EQ(result_at(r, "/expect/3"), "not-run");
    EXPECT_EQ(result_at(r, "/expect/5"), "not-run"); // a second connection never made
    // … but a call too many is one, whenever the steps stopped.
    EXPECT_EQ(result_at(r, "/expect/4"), "fail");
    // The case's message is the first failure's.
    EXPECT_NE(r.message.find("/steps/5/wait"), std::string::npos) << r.message;
}

// A failed last step cut nothing short: what had not happened by then had all the time
// the steps give (and the settle), so its absence is a finding, not "not judged". The same
// with a step after it stays not-run (every_check_is_judged_after_a_step_fails).
TEST(case_runner, after_a_failed_last_step_an_absence_is_judged)
{
    auto doc = json::parse(R"({"id": "t.last", "title": "t", "clauses": ["WS-ONMESSAGE-TEXT-IS-STRING"],
      "steps": [
        {"call": "wx.connectSocket", "args": {"url": "${ws}/echo?tag=${tag}"}, "as": "task"},
        {"call": "task.onOpen", "listener": "open"},
        {"call": "task.onMessage", "listener": "msg"},
        {"wait": "open"},
        {"wire": {"count": 2, "timeout_ms": 200}}
      ],
      "expect": [
        {"once": "msg"}
      ]})");
    auto const r = run_case(test_env::make_case(doc), live().env());
    EXPECT_EQ(r.result, status::fail);
    EXPECT_EQ(result_at(r, "/steps/4/wire"), "fail");
    EXPECT_EQ(result_at(r, "/expect/0"), "fail");

    doc["steps"].push_back(json::parse(R"({"wait": "open"})"));
    auto const cut = run_case(test_env::make_case(doc), live().env());
    EXPECT_EQ(result_at(cut, "/expect/0"), "not-run");
}

TEST(case_runner, a_check_attributed_to_a_should_clause_grades_non_strict)
{
    auto doc = json::parse(R"({"id": "t.attr", "title": "t",
      "clauses": ["WS-TASK-CLOSE-CODE-DEFAULT-1000", "WS-TASK-CLOSE-WHEN-CLOSED-FAILS"],
      "steps": [
        {"call": "wx.connectSocket", "args": {"url": "${ws}/echo?tag=${tag}"}, "as": "task"},
        {"call": "task.onOpen", "listener": "open"},
        {"wait": "open"}
      ],
      "expect": [
        {"never": "open", "clauses": ["WS-TASK-CLOSE-WHEN-CLOSED-FAILS"]}
      ]})");
    auto r = run_case(test_env::make_case(doc), live().env());
    EXPECT_EQ(r.result, status::non_strict) << r.message; // only the SHOULD clause's check failed
    doc["expect"][0].erase("clauses");                    // the case's clauses: a MUST among them
    r = run_case(test_env::make_case(doc), live().env());
    EXPECT_EQ(r.result, status::fail) << r.message;
}

TEST(case_runner, no_allowed_outcome_holding_is_about_the_outcomes_clauses)
{
    // The case cites a MUST (WS-ONMESSAGE-ORDER) that no outcome is about; the
    // outcomes are about a SHOULD. None holds: a finding of the SHOULD only.
    auto doc = json::parse(R"({"id": "t.none", "title": "t",
      "clauses": ["WS-ONMESSAGE-ORDER", "WS-TASK-CLOSE-WHEN-CLOSED-FAILS"],
      "steps": [
        {"call": "wx.connectSocket", "args": {"url": "${ws}/echo?tag=${tag}"}, "as": "task"},
        {"call": "task.onOpen", "listener": "open"},
        {"wait": "open"}
      ],
      "outcomes": [
        {"name": "never opened", "grade": "PASS", "expect": [{"never": "open"}], "clauses": ["WS-TASK-CLOSE-WHEN-CLOSED-FAILS"]},
        {"name": "opened twice", "grade": "NON-STRICT", "expect": [{"count": "open", "equals": 2}], "clauses": ["WS-TASK-CLOSE-WHEN-CLOSED-FAILS"]}
      ]})");
    auto r = run_case(test_env::make_case(doc), live().env());
    ASSERT_FALSE(r.checks.empty());
    auto const& none = r.checks.back();
    EXPECT_EQ(none.title, "one of the allowed outcomes");
    EXPECT_EQ(none.result, reports::check_status::fail);
    EXPECT_EQ(none.clauses, (std::vector<std::string>{"WS-TASK-CLOSE-WHEN-CLOSED-FAILS"}));
    EXPECT_EQ(r.result, status::non_strict) << r.message;
    doc["outcomes"][1].erase("clauses"); // an outcome about the case's clauses: the MUST too
    r = run_case(test_env::make_case(doc), live().env());
    EXPECT_EQ(r.result, status::fail) << r.message;
}

namespace {
/// A TCP echo case against the listener of a `listen` step with `family`.
json listen_case(std::string const& family)
{
    auto doc = json::parse(R"({"id": "t.listen-family", "title": "t", "clauses": ["TCP-CREATE-TYPE-IPV6"], "requires": ["tcp"],
      "steps": [
        {"listen": {"as": "v"}},
        {"call": "wx.createTCPSocket", "args": {"type": "ipv6"}, "as": "sock"},
        {"call": "sock.onConnect", "listener": "conn"},
        {"call": "sock.onMessage", "listener": "msg"},
        {"call": "sock.connect", "args": {"address": "${listen.v.host}", "port": "${listen.v.port}"}},
        {"wait": "conn"},
        {"call": "sock.write", "args": ["x"]},
        {"wait": "msg"},
        {"call": "sock.close"}
      ],
      "expect": [{"wire": {"tag": "${listen.v.tag}", "count": 1}}]})");
    doc["steps"][0]["listen"]["family"] = family;
    return doc;
}
} // namespace

TEST(case_runner, a_listen_step_with_family_ipv6_listens_on_ipv6_loopback)
{
    auto const r = run_case(test_env::make_case(listen_case("ipv6")), live().env());
    if (r.result == status::skip) {
        // A host without ::1: the case says so instead of failing.
        EXPECT_NE(r.message.find("cannot listen on [::1]"), std::string::npos) << r.message;
        GTEST_SKIP() << r.message;
    }
    EXPECT_EQ(r.result, status::pass) << r.message;
    ASSERT_EQ(r.wire.size(), 1u);
    EXPECT_EQ(r.wire[0]["remote_address"], "::1");
    // The same case on family ipv4: the peer is 127.0.0.1 (a v6 socket reaches it v4-mapped).
    auto const v4 = run_case(test_env::make_case(listen_case("ipv4")), live().env());
    EXPECT_EQ(v4.result, status::pass) << v4.message;
    ASSERT_EQ(v4.wire.size(), 1u);
    EXPECT_EQ(v4.wire[0]["remote_address"], "127.0.0.1");
}

TEST(case_runner, a_case_using_the_lan_peer_is_skipped_without_one_and_runs_with_one)
{
    auto const doc = json::parse(R"({"id": "t.lan", "title": "t", "clauses": ["TCP-CONNECT-LAN-NON-LOCAL-ALLOWED"], "requires": ["tcp"],
      "steps": [
        {"call": "wx.createTCPSocket", "as": "sock"},
        {"call": "sock.onConnect", "listener": "conn"},
        {"call": "sock.connect", "args": {"address": "${lan.host}", "port": "${lan.port}"}},
        {"wait": "conn"},
        {"call": "sock.close"}
      ]})");
    auto const c = test_env::make_case(doc);
    ASSERT_TRUE(c.needs_lan_peer);
    auto const r = run_case(c, live().env());
    EXPECT_EQ(r.result, status::skip);
    EXPECT_NE(r.message.find("--lan-peer HOST:PORT"), std::string::npos) << r.message;
    // Given a peer (here the echo servers' own TCP port), ${lan.host} and ${lan.port} are its.
    auto env = live().env();
    env.lan_peer = std::pair{env.servers.host(), env.servers.tcp_port()};
    auto const with = run_case(c, env);
    EXPECT_EQ(with.result, status::pass) << with.message;
    // A case that only mentions the LAN peer in its notes does not need one.
    auto plain = doc;
    plain["steps"][2]["args"] = {{"address", "${tcp.host}"}, {"port", "${tcp.port}"}};
    plain["notes"] = "unlike ${lan.host}";
    EXPECT_FALSE(test_env::make_case(plain).needs_lan_peer);
}
