#include "ref_test_util.hpp"

#include <sockconf/common/version.hpp>
#include <sockconf/echo/servers.hpp>
#include <sockconf/ref/binding.hpp>
#include <sockconf/ref/runtime.hpp>

namespace sockconf::ref::test {
namespace {

/// A binding on a runtime; invokes are recorded under their fn NAME.
class ref_binding : public ::testing::Test {
protected:
    ref_binding() : rt_(wechat_profile()) {}

    void SetUp() override
    {
        srv_.start();
        ASSERT_TRUE(rt_.run_sync([&] {
            b_ = std::make_unique<binding>(rt_, [this](json const& ev) {
                invokes_.record(ev["fn"].get<std::string>(), ev);
            });
        }, wait_limit));
    }
    void TearDown() override
    {
        ASSERT_TRUE(rt_.run_sync([&] { b_.reset(); }, wait_limit));
    }

    json exec(json const& command)
    {
        json reply;
        EXPECT_TRUE(rt_.run_sync([&] { reply = b_->execute(command); }, wait_limit));
        return reply;
    }
    /// The payload of the first invoke of `fn` (args[0]), checked for form.
    json payload(std::string const& fn)
    {
        auto const ev = invokes_.first(fn);
        EXPECT_EQ(ev["op"], "invoke");
        EXPECT_EQ(ev["sync"], false) << fn << " was invoked inside execute()";
        EXPECT_EQ(ev["args"].size(), 1u);
        return ev["args"][0];
    }
    static json fn(std::string const& name) { return json{{"$fn", name}}; }
    /// `args` is the argument array: pass json::array({fn("x")}), never `{fn("x")}`, which
    /// is that one object under clang (CWG 1467: a braced list of one T copies it) and an
    /// array under gcc.
    static json call(json self, std::string const& fn, json args)
    {
        return json{{"op", "call"}, {"this", std::move(self)}, {"fn", fn}, {"args", std::move(args)}};
    }

    runtime rt_;
    echo::servers srv_;
    recorder invokes_;
    std::unique_ptr<binding> b_;
};

TEST_F(ref_binding, Hello)
{
    EXPECT_EQ(b_->hello(), (json{{"name", "sockconf-reference"},
                                 {"version", tool_version},
                                 {"profile", "wechat"},
                                 {"capabilities", {"websocket", "legacy-globals", "tcp", "virtual-clock"}}}));
}

TEST_F(ref_binding, WebSocketRoundTripThroughCommands)
{
    // One synchronous block: the listeners are in place before the handshake can finish.
    auto const batch = exec(json{{"op", "batch"},
                                 {"commands",
                                  {json{{"op", "call"},
                                        {"fn", "wx.connectSocket"},
                                        {"as", "t"},
                                        {"args", {{{"url", srv_.ws_url() + "/echo?tag=b1"},
                                                   {"success", fn("ok")},
                                                   {"fail", fn("ko")},
                                                   {"complete", fn("done")}}}}},
                                   call(json{{"$ref", "t"}}, "onOpen", json::array({fn("opened")})),
                                   call(json{{"$ref", "t"}}, "onMessage", json::array({fn("got")}))}}});
    ASSERT_EQ(batch["ok"], true) << batch.dump();
    auto const reply = batch["value"][0];
    ASSERT_EQ(reply["ok"], true) << reply.dump();
    auto const task = reply["value"];
    EXPECT_EQ(task, (json{{"$handle", "1"}, {"class", "SocketTask"}}));
    EXPECT_EQ(exec(json{{"op", "get"}, {"this", task}, {"prop", "CLOSED"}})["value"], 3);
    EXPECT_EQ(exec(json{{"op", "get"}, {"this", task}, {"prop", "socketTaskId"}})["value"], 1);

    ASSERT_TRUE(invokes_.wait("done"));
    EXPECT_EQ(payload("ok"), (json{{"errMsg", "connectSocket:ok"}, {"socketTaskId", 1}}));
    EXPECT_EQ(invokes_.count("ko"), 0u);
    ASSERT_TRUE(invokes_.wait("opened"));
    EXPECT_EQ(exec(json{{"op", "get"}, {"this", task}, {"prop", "readyState"}})["value"], 1);

    exec(call(task, "send", {{{"data", {{"$arraybuffer", "AAH/"}}}, {"success", fn("sent")}}}));
    ASSERT_TRUE(invokes_.wait("got"));
    EXPECT_EQ(payload("got"), (json{{"data", {{"$arraybuffer", "AAH/"}}}}));
    EXPECT_EQ(payload("sent"), (json{{"errMsg", "sendSocketMessage:ok"}}));

    exec(call(task, "onClose", json::array({fn("closed")})));
    EXPECT_EQ(exec(call(task, "close", {{{"code", 3000}, {"complete", fn("close.done")}}}))["ok"], true);
    ASSERT_TRUE(invokes_.wait("closed"));
    EXPECT_EQ(payload("closed")["code"], 3000);
    EXPECT_EQ(payload("close.done"), (json{{"errMsg", "closeSocket:ok"}}));
    EXPECT_FALSE(invokes_.any_sync());
}

TEST_F(ref_binding, LegacyGlobalsAreFunctions)
{
    auto const none = exec(json{{"op", "call"}, {"fn", "wx.sendSocketMessage"},
                                {"args", {{{"data", "x"}, {"fail", fn("nosend")}}}}});
    EXPECT_EQ(none, (json{{"ok", true}, {"value", nullptr}}));
    ASSERT_TRUE(invokes_.wait("nosend"));
    EXPECT_EQ(payload("nosend"), (json{{"errMsg", "sendSocketMessage:fail WebSocket is not connected"}}));

    for (auto const* f : {"wx.onSocketOpen", "wx.onSocketMessage", "wx.onSocketClose", "wx.onSocketError"})
        EXPECT_EQ(exec(json{{"op", "call"}, {"fn", f}, {"args", {fn(std::string(f).substr(3))}}})["ok"], true) << f;
    exec(json{{"op", "call"}, {"fn", "wx.connectSocket"}, {"args", {{{"url", srv_.ws_url() + "/echo?tag=bg"}}}}});
    ASSERT_TRUE(invokes_.wait("onSocketOpen"));
    exec(json{{"op", "call"}, {"fn", "wx.sendSocketMessage"},
              {"args", {{{"data", "hey"}, {"success", fn("sent")}}}}});
    ASSERT_TRUE(invokes_.wait("onSocketMessage"));
    EXPECT_EQ(payload("onSocketMessage"), (json{{"data", "hey"}}));
    EXPECT_EQ(payload("sent"), (json{{"errMsg", "sendSocketMessage:ok"}}));
    exec(json{{"op", "call"}, {"fn", "wx.closeSocket"}, {"args", {{{"code", 1000}, {"success", fn("closed.ok")}}}}});
    ASSERT_TRUE(invokes_.wait("onSocketClose"));
    EXPECT_EQ(payload("onSocketClose")["code"], 1000);
    EXPECT_EQ(payload("closed.ok"), (json{{"errMsg", "closeSocket:ok"}}));
    EXPECT_EQ(invokes_.count("onSocketError"), 0u);
    EXPECT_FALSE(invokes_.any_sync());
}

TEST_F(ref_binding, BatchIsOneSynchronousBlockWithNamedObjects)
{
    // connectSocket, then readyState and a send in the same block: nothing can
    // happen in between, so the task is still CONNECTING and the send must fail.
    auto const reply = exec(json{
        {"op", "batch"},
        {"commands",
         {json{{"op", "call"}, {"fn", "wx.connectSocket"}, {"as", "t"},
               {"args", {{{"url", srv_.ws_url() + "/echo?tag=batch"}}}}},
          json{{"op", "get"}, {"this", {{"$ref", "t"}}}, {"prop", "readyState"}},
          call(json{{"$ref", "t"}}, "onOpen", json::array({fn("opened")})),
          call(json{{"$ref", "t"}}, "send", {{{"data", "early"}, {"fail", fn("early.fail")}}})}}});
    ASSERT_EQ(reply["ok"], true) << reply.dump();
    ASSERT_EQ(reply["value"].size(), 4u);
    EXPECT_EQ(reply["value"][0]["value"], (json{{"$handle", "1"}, {"class", "SocketTask"}}));
    EXPECT_EQ(reply["value"][1]["value"], 0);
    EXPECT_EQ(reply["value"][2], (json{{"ok", true}, {"value", nullptr}}));
    ASSERT_TRUE(invokes_.wait("early.fail"));
    EXPECT_EQ(payload("early.fail")["errMsg"], "sendSocketMessage:fail WebSocket is not connected");
    ASSERT_TRUE(invokes_.wait("opened"));
    EXPECT_FALSE(invokes_.any_sync());
}

TEST_F(ref_binding, TcpOffWithTheSameFunctionAndWithNoArgument)
{
    auto const reply = exec(json{{"op", "call"}, {"fn", "wx.createTCPSocket"}, {"args", json::array()}});
    ASSERT_EQ(reply["ok"], true) << reply.dump();
    auto const s = reply["value"];
    EXPECT_EQ(s["class"], "TCPSocket");
    exec(call(s, "onMessage", json::array({fn("a")})));
    exec(call(s, "onMessage", json::array({fn("a")})));
    exec(call(s, "onMessage", json::array({fn("b")})));
    exec(call(s, "offMessage", json::array({fn("a")})));
    exec(call(s, "onConnect", json::array({fn("connected")})));
    exec(call(s, "onClose", json::array({fn("closed")})));
    exec(call(s, "connect", {{{"address", "127.0.0.1"}, {"port", srv_.tcp_port()}}}));
    ASSERT_TRUE(invokes_.wait("connected"));
    EXPECT_EQ(exec(call(s, "write", {"hi"}))["ok"], true);
    ASSERT_TRUE(invokes_.wait("b"));
    EXPECT_EQ(payload("b")["message"], (json{{"$arraybuffer", "aGk="}}));
    EXPECT_EQ(invokes_.count("a"), 0u);
    exec(call(s, "offMessage", json::array())); // no argument: remove all
    exec(call(s, "write", {"again"}));
    exec(call(s, "close", json::array()));
    ASSERT_TRUE(invokes_.wait("closed"));
    recorder::settle(rt_);
    EXPECT_EQ(invokes_.count("b"), 1u);
}

TEST_F(ref_binding, ThrownErrorsAreReportedAsThrown)
{
    auto p = wechat_profile();
    p.limits.tcp_create_max = 1;
    runtime rt(p);
    std::unique_ptr<binding> b;
    json second;
    ASSERT_TRUE(rt.run_sync([&] {
        b = std::make_unique<binding>(rt, [](json const&) {});
        b->execute(json{{"op", "call"}, {"fn", "wx.createTCPSocket"}});
        second = b->execute(json{{"op", "call"}, {"fn", "wx.createTCPSocket"}});
        b.reset();
    }, wait_limit));
    EXPECT_EQ(second, (json{{"ok", false}, {"thrown", {{"name", "Error"}, {"message", "[TCPSocket] created too much."}}}}));
}

TEST_F(ref_binding, ClockCommandMovesTheCreationWindow)
{
    auto p = wechat_profile();
    p.limits.tcp_create_max = 1;
    p.limits.tcp_create_window_ms = 300'000;
    runtime rt(p);
    std::unique_ptr<binding> b;
    json refused, early, moved, after, bad;
    ASSERT_TRUE(rt.run_sync([&] {
        b = std::make_unique<binding>(rt, [](json const&) {});
        auto const create = json{{"op", "call"}, {"fn", "wx.createTCPSocket"}};
        b->execute(create);
        refused = b->execute(create);
        b->execute(json{{"op", "clock"}, {"advance_ms", 299'000}});
        early = b->execute(create);
        moved = b->execute(json{{"op", "clock"}, {"advance_ms", 1'000}});
        after = b->execute(create);
        bad = b->execute(json{{"op", "clock"}});
        b.reset();
    }, wait_limit));
    EXPECT_EQ(refused["ok"], false);
    EXPECT_EQ(early["ok"], false) << "still inside the window";
    EXPECT_EQ(moved, (json{{"ok", true}, {"value", nullptr}}));
    EXPECT_EQ(after["ok"], true) << after.dump();
    EXPECT_EQ(bad, (json{{"ok", false}, {"error", "\"clock\" needs \"advance_ms\" as a number >= 0"}}));
}

TEST_F(ref_binding, BadCommandsGetPreciseErrors)
{
    auto const task = exec(json{{"op", "call"}, {"fn", "wx.connectSocket"}, {"args", {{{"url", srv_.ws_url()}}}}})["value"];
    auto error = [&](json const& c) {
        auto const r = exec(c);
        EXPECT_EQ(r["ok"], false) << c.dump();
        return r.value("error", std::string("<no error>"));
    };
    EXPECT_EQ(error(json::array()), "a command must be an object, got []");
    EXPECT_EQ(error(json{{"op", "fly"}}), "unknown op \"fly\"");
    EXPECT_EQ(error(json{{"op", "batch"}}), "\"batch\" needs \"commands\" as an array");
    EXPECT_EQ(error(json{{"op", "get"}, {"this", {{"$ref", "nobody"}}}, {"prop", "readyState"}}),
              "no object named \"nobody\" (see \"as\")");
    EXPECT_EQ(error(json{{"fn", "wx.connectSocket"}}), "\"op\" must be a string (\"call\", \"get\", \"batch\" or \"clock\")");
    EXPECT_EQ(error(json{{"op", "call"}, {"fn", "wx.connectSocket"}, {"args", 1}}), "\"args\" must be an array, got 1");
    EXPECT_EQ(error(call(json{{"$handle", "99"}}, "send", json::array())), "unknown handle \"99\"");
    EXPECT_EQ(error(call(task, "send", {{{"data", {{"$arraybuffer", 5}}}}})),
              "malformed argument: $arraybuffer must be a base64 string");
}

TEST_F(ref_binding, MissingFunctionsThrowTypeErrorAndPropertiesReadLikeJs)
{
    auto const task = exec(json{{"op", "call"}, {"fn", "wx.connectSocket"}, {"args", {{{"url", srv_.ws_url()}}}}})["value"];
    auto const get = [&](std::string const& prop) {
        return exec(json{{"op", "get"}, {"this", task}, {"prop", prop}});
    };
    EXPECT_EQ(exec(json{{"op", "call"}, {"fn", "wx.request"}}),
              (json{{"ok", false}, {"thrown", {{"name", "TypeError"}, {"message", "wx.request is not a function"}}}}));
    EXPECT_EQ(exec(call(task, "offOpen", json::array())),
              (json{{"ok", false}, {"thrown", {{"name", "TypeError"}, {"message", "SocketTask.offOpen is not a function"}}}}));
    EXPECT_EQ(get("send"), (json{{"ok", true}, {"value", {{"$typeof", "function"}}}}));
    EXPECT_EQ(get("onClose"), (json{{"ok", true}, {"value", {{"$typeof", "function"}}}}));
    EXPECT_EQ(get("offOpen"), (json{{"ok", true}, {"value", {{"$typeof", "undefined"}}}}));
    EXPECT_EQ(get("bufferedAmount"), (json{{"ok", true}, {"value", {{"$typeof", "undefined"}}}}));
    exec(call(task, "close", json::array()));
}

} // namespace
} // namespace sockconf::ref::test
