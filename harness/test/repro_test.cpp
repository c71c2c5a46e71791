// repro.hpp: a case as a JavaScript file. The text is checked here (the calls as
// an app writes them, blocks without await, every expectation and outcome, the
// profile's values); harness/test/repro.test.mjs runs generated scripts for real.
#include "test_env.hpp"

#include <sockconf/common/spec_error.hpp>
#include <sockconf/harness/repro.hpp>

#include <gtest/gtest.h>

#include <regex>

namespace sockconf::harness {
namespace {

using test_env::make_case;

repro_context ctx() { return {test_env::wechat(), test_env::settings(), test_env::api(), test_env::clauses(), test_env::invariants(), "test"}; }

/// The script's own part: everything before the helpers appended to every script.
std::string case_part(std::string const& script)
{
    auto const at = script.find("function sockconfRuntime(");
    EXPECT_NE(at, std::string::npos);
    return script.substr(0, at);
}

/// Every stretch between beginBlock() and the next endBlock().
std::vector<std::string> blocks(std::string const& text)
{
    std::vector<std::string> out;
    for (auto at = text.find("beginBlock();"); at != std::string::npos; at = text.find("beginBlock();", at + 1)) {
        auto const end = text.find("endBlock();", at);
        EXPECT_NE(end, std::string::npos) << "a block that never ends at " << at;
        out.push_back(text.substr(at, end - at));
    }
    return out;
}

json echo_case()
{
    return json::parse(R"({
      "id": "t.repro.echo",
      "title": "A string sent is echoed back as a string",
      "clauses": ["WS-TASK-SEND-STRING", "WS-ONMESSAGE-TEXT-IS-STRING"],
      "requires": ["websocket"],
      "steps": [
        {"call": "wx.connectSocket", "args": {"url": "${ws}/echo?tag=${tag}"}, "as": "task"},
        {"get": "task.readyState", "expect": 0},
        {"call": "task.onOpen", "listener": "open"},
        {"call": "task.onMessage", "listener": "msg"},
        {"call": "task.onClose", "listener": "closed"},
        {"wait": "open"},
        {"call": "task.send", "args": {"data": "hello"}, "as": "send"},
        {"wait": {"for": "msg", "match": {"data": {"type": "string", "equals": "hello"}}, "timeout_ms": 3000}},
        {"call": "task.close", "args": {}},
        {"wait": "closed"}
      ],
      "expect": [
        {"order": ["open", "send.success", "msg", "closed"]},
        {"once": "open"},
        {"event": "closed", "match": {"code": 1000}},
        {"wire": {"match": {"close_code": 1000, "messages.0.head": "hello"}}}
      ]
    })");
}

TEST(repro, the_calls_are_written_as_an_app_writes_them)
{
    auto const js = case_part(repro_script(make_case(echo_case()), ctx()));
    // The URL of sockconf serve and this run's tag; the callbacks recorded under the case's names.
    EXPECT_NE(js.find("task = wx.connectSocket({ url: `${SERVE.ws}/echo?tag=${TAG}`, "
                      "...callbacks(\"task\", \"wx.connectSocket\") });"),
              std::string::npos)
        << js;
    EXPECT_NE(js.find("got(\"/steps/1\", \"task.readyState\", () => task.readyState, 0);"), std::string::npos) << js;
    EXPECT_NE(js.find("task.onOpen(listener(\"open\", task, \"SocketTask.onOpen\"));"), std::string::npos) << js;
    EXPECT_NE(js.find("task.send({ data: \"hello\", ...callbacks(\"send\", \"SocketTask.send\") });"), std::string::npos);
    // A call without "as" names its callbacks after its step, as the runner does.
    EXPECT_NE(js.find("task.close({ ...callbacks(\"step8\", \"SocketTask.close\") });"), std::string::npos) << js;
    // Waits: the case's timeout, else the harness settings'.
    EXPECT_NE(js.find("await until(\"/steps/5/wait\", \"open\", { timeoutMs: " +
                      std::to_string(test_env::settings().wait_timeout_ms) + " });"),
              std::string::npos)
        << js;
    EXPECT_NE(js.find("await until(\"/steps/7/wait\", \"msg\", { match: { data: { equals: \"hello\", type: \"string\" } }, "
                      "timeoutMs: 3000 });"),
              std::string::npos)
        << js;
    // Taro: a thenable returned for the SocketTask is awaited, and the comment says so.
    EXPECT_NE(js.find("if (isThenable(task)) { endBlock(); task = await settled(task, \"wx.connectSocket\"); beginBlock(); } "
                      "// a Promise (Taro)"),
              std::string::npos)
        << js;
}

TEST(repro, a_synchronous_block_has_no_await_inside)
{
    auto const js = case_part(repro_script(make_case(echo_case()), ctx()));
    auto const b = blocks(js);
    ASSERT_EQ(b.size(), 4u) << js; // steps 0-4 (split once by the thenable guard), 6, 8
    EXPECT_NE(b[0].find("wx.connectSocket"), std::string::npos);
    EXPECT_NE(b[1].find("task.onClose"), std::string::npos) << b[1];
    std::regex const await_re(R"(\bawait\b)");
    for (auto const& block : b)
        EXPECT_FALSE(std::regex_search(block, await_re)) << block;
    // The waits are between blocks, awaited.
    EXPECT_LT(js.find("task.onClose("), js.find("await until(\"/steps/5/wait\""));
    EXPECT_LT(js.find("await until(\"/steps/5/wait\""), js.find("task.send("));
}

TEST(repro, every_expectation_is_a_check)
{
    auto const js = case_part(repro_script(make_case(echo_case()), ctx()));
    EXPECT_NE(js.find("await expect(\"/expect/0\", order(\"open\", \"send.success\", \"msg\", \"closed\"));"), std::string::npos)
        << js;
    EXPECT_NE(js.find("await expect(\"/expect/1\", once(\"open\"));"), std::string::npos);
    EXPECT_NE(js.find("await expect(\"/expect/2\", event(\"closed\", 0, { code: 1000 }));"), std::string::npos);
    EXPECT_NE(js.find("await expect(\"/expect/3\", wire({ match: { close_code: 1000, \"messages.0.head\": \"hello\" } }));"),
              std::string::npos);
    EXPECT_NE(js.find("invariants();"), std::string::npos);
    // The header: the case, its clauses with their levels, how to run it, the behaviour it uses.
    EXPECT_NE(js.find("// sockconf repro: t.repro.echo\n// A string sent is echoed back as a string\n"), std::string::npos);
    EXPECT_NE(js.find("//   WS-TASK-SEND-STRING (MUST)"), std::string::npos) << js;
    EXPECT_NE(js.find("sockconf serve --control --json"), std::string::npos);
    EXPECT_NE(js.find("//   ${ws}/echo?tag=${tag}  echo every message"), std::string::npos) << js;
    EXPECT_NE(js.find("const SERVE = globalThis.SOCKCONF_SERVE ?? {"), std::string::npos);
    // The wire check needs the control address, and the script says it uses it.
    EXPECT_NE(js.find("uses: [\"ws\",\"wire\"]"), std::string::npos) << js;
}

TEST(repro, outcomes_profile_values_loops_and_listeners)
{
    auto const c = make_case(json::parse(R"({
      "id": "t.repro.mixed",
      "title": "mixed",
      "clauses": ["WS-TASK-SEND-STRING"],
      "requires": ["websocket", "tcp"],
      "steps": [
        {"listen": {"as": "srv", "behaviour": "close_after", "bytes": 3}},
        {"repeat": "${profile.limits.max_concurrent_websockets}", "steps": [
          {"call": "wx.connectSocket", "args": {"url": "${ws}/echo?tag=${tag}-${i}"}, "as": "t${i}"},
          {"call": "t${i}.onOpen", "listener": "open${i}"},
          {"wait": "open${i}"}
        ]},
        {"call": "t0.close", "args": {"code": 1000}, "callbacks": false},
        {"call": "wx.createTCPSocket", "as": "sock", "may_throw": true},
        {"call": "sock.connect", "args": {"address": "127.0.0.1", "port": "${listen.srv.port}"}},
        {"call": "sock.write", "args": [{"$arraybuffer_text": "abcd"}]},
        {"sleep_ms": 50}
      ],
      "expect": [{"count": ["open0", "t0.fail"], "min": 1}, {"never": ["t0.fail", "sock.threw"]}],
      "outcomes": [
        {"name": "refused by fail", "grade": "PASS", "expect": [{"once": "t0.fail"}]},
        {"name": "anything else", "grade": "NON-STRICT", "expect": [{"wire": {"tag": "${listen.srv.tag}", "count": 1}}]}
      ]
    })"));
    auto const js = case_part(repro_script(c, ctx()));
    auto const n = std::to_string(test_env::wechat().limits.max_concurrent_websockets);
    EXPECT_NE(js.find("for (let i = 0; i < " + n + "; i++) { // /steps/1: repeat"), std::string::npos) << js;
    EXPECT_NE(js.find("objects[`t${i}`] = wx.connectSocket({ url: `${SERVE.ws}/echo?tag=${TAG}-${i}`"), std::string::npos) << js;
    EXPECT_NE(js.find("objects[`t${i}`].onOpen(listener(`open${i}`, objects[`t${i}`], \"SocketTask.onOpen\"));"),
              std::string::npos)
        << js;
    EXPECT_NE(js.find("objects[\"t0\"].close({ code: 1000 });"), std::string::npos) << js;
    EXPECT_NE(js.find("await listen(\"/steps/0/listen\", \"srv\", { behaviour: \"close_after\", bytes: 3 });"), std::string::npos)
        << js;
    EXPECT_NE(js.find("sock = mayThrow(\"sock\", () => wx.createTCPSocket());"), std::string::npos) << js;
    EXPECT_NE(js.find("sock?.connect({ address: \"127.0.0.1\", port: listeners.srv.port });"), std::string::npos) << js;
    EXPECT_NE(js.find("sock?.write(utf8(\"abcd\"));"), std::string::npos) << js;
    EXPECT_NE(js.find("await expect(\"/expect/0\", count([\"open0\", \"t0.fail\"], { min: 1 }));"), std::string::npos) << js;
    EXPECT_NE(js.find("await expect(\"/expect/1\", never(\"t0.fail\", \"sock.threw\"));"), std::string::npos) << js;
    EXPECT_NE(js.find("{ at: \"/outcomes/0\", name: \"refused by fail\", grade: \"PASS\", expect: [\n"), std::string::npos) << js;
    EXPECT_NE(js.find("[\"/outcomes/1/expect/0\", wire({ tag: listeners.srv.tag, count: 1 })],"), std::string::npos) << js;
    // What the case left open is closed at the end; the listener name needs the control address.
    EXPECT_NE(js.find("return finish([sock, ...Object.values(objects)]);"), std::string::npos) << js;
    EXPECT_NE(js.find("TCP listener: close_after (bytes 3)"), std::string::npos) << js;
}

TEST(repro, a_listener_of_a_family_and_the_lan_peer)
{
    auto const c = make_case(json::parse(R"({
      "id": "t.repro.family-lan",
      "title": "family and LAN",
      "clauses": ["TCP-CREATE-TYPE-IPV6"],
      "requires": ["tcp"],
      "steps": [
        {"listen": {"as": "v6", "family": "ipv6"}},
        {"call": "wx.createTCPSocket", "args": {"type": "ipv6"}, "as": "a"},
        {"call": "a.connect", "args": {"address": "${listen.v6.host}", "port": "${listen.v6.port}"}},
        {"call": "wx.createTCPSocket", "as": "b"},
        {"call": "b.connect", "args": {"address": "${lan.host}", "port": "${lan.port}"}}
      ]
    })"));
    auto const js = case_part(repro_script(c, ctx()));
    EXPECT_NE(js.find("await listen(\"/steps/0/listen\", \"v6\", { behaviour: \"echo\", family: \"ipv6\" });"), std::string::npos)
        << js;
    EXPECT_NE(js.find("a.connect({ address: listeners.v6.host, port: listeners.v6.port });"), std::string::npos) << js;
    // The LAN peer is SERVE's to fill in, as sockconf run takes it from --lan-peer.
    EXPECT_NE(js.find("b.connect({ address: SERVE.lan.host, port: SERVE.lan.port });"), std::string::npos) << js;
    EXPECT_NE(js.find("lan: { host: \"LAN_HOST\", port: \"PORT\" },"), std::string::npos) << js;
    EXPECT_NE(js.find("\"lan\""), std::string::npos) << js; // in FACTS.uses: the script stops while it is a placeholder
}

TEST(repro, undefined_is_undefined_in_arguments_and_a_value_to_compare_in_matchers)
{
    auto doc = echo_case();
    doc["steps"][1]["expect"] = json{{"$typeof", "undefined"}};
    doc["steps"][6]["args"]["extra"] = json{{"$typeof", "undefined"}};
    auto const js = case_part(repro_script(make_case(doc), ctx()));
    EXPECT_NE(js.find("got(\"/steps/1\", \"task.readyState\", () => task.readyState, { $typeof: \"undefined\" });"),
              std::string::npos)
        << js;
    EXPECT_NE(js.find("task.send({ data: \"hello\", extra: undefined, ...callbacks("), std::string::npos) << js;
}

TEST(repro, a_deviation_names_itself_in_the_header)
{
    reports::deviation d;
    d.id = "DEV-0badcafe";
    d.clauses = {"WS-ONCLOSE-LAST"};
    d.level = "MUST";
    d.subject = "SocketTask.onClose listener";
    d.expected = "code 1000";
    d.observed = {"code 1005"};
    d.cases = {"a.case", "b.case"};
    d.seen_in = {"c.case"};
    d.example_case = "t.repro.echo";
    auto const js = repro_script(make_case(echo_case()), ctx(), deviation_header(d));
    EXPECT_NE(js.find("// Deviation DEV-0badcafe: SocketTask.onClose listener: expected code 1000, observed code 1005 "
                      "(WS-ONCLOSE-LAST)\n"),
              std::string::npos)
        << case_part(js);
    EXPECT_NE(js.find("//   it decided: a.case, b.case\n//   also seen in: c.case\n"), std::string::npos);
}

TEST(repro, an_unknown_case_id_is_a_spec_error_naming_similar_ids)
{
    std::vector<test_case> cases = {make_case(echo_case())};
    EXPECT_EQ(&find_case(cases, "t.repro.echo"), &cases[0]);
    try {
        find_case(cases, "t.repro.echoes");
        FAIL() << "no error";
    } catch (spec_error const& e) {
        EXPECT_EQ(e.id(), "E-REPRO-CASE");
        EXPECT_NE(std::string(e.what()).find("no case with id \"t.repro.echoes\""), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("similar: t.repro.echo"), std::string::npos) << e.what();
    }
}

TEST(repro, a_profile_value_the_profile_lacks_is_an_error)
{
    auto doc = echo_case();
    doc["steps"][6]["args"]["data"] = "${profile.no.such.value}";
    try {
        repro_script(make_case(doc), ctx());
        FAIL() << "no error";
    } catch (spec_error const& e) {
        EXPECT_EQ(e.id(), "E-REPRO-VARIABLE");
        EXPECT_NE(std::string(e.what()).find("${profile.no.such.value}"), std::string::npos) << e.what();
    }
}

} // namespace
} // namespace sockconf::harness
