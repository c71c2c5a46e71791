#include "ref_test_util.hpp"

#include <sockconf/echo/servers.hpp>
#include <sockconf/ref/runtime.hpp>
#include <sockconf/ref/socket_task.hpp>

#include <optional>

namespace sockconf::ref::test {
namespace {

class ref_socket_task : public ::testing::Test {
protected:
    void SetUp() override { srv_.start(); }

    std::string url(std::string const& target) const { return srv_.ws_url() + target; }

    /// wx.connectSocket on the loop with recorded callbacks and listeners
    /// ("<p>.success", "<p>.open", "<p>.message", "<p>.error", "<p>.close").
    std::shared_ptr<socket_task> connect(runtime& rt, json options, std::string const& p = "t")
    {
        std::shared_ptr<socket_task> task;
        rec_.call(rt, [&] {
            task = rt.connect_socket(options, rec_.cbs(p));
            task->on_open(rec_.lst(p + ".open"));
            task->on_message(rec_.lst(p + ".message"));
            task->on_error(rec_.lst(p + ".error"));
            task->on_close(rec_.lst(p + ".close"));
        });
        return task;
    }

    std::shared_ptr<socket_task> open(runtime& rt, std::string const& target, std::string const& p = "t")
    {
        auto task = connect(rt, json{{"url", url(target)}}, p);
        EXPECT_TRUE(rec_.wait(p + ".open")) << "no onOpen";
        return task;
    }

    void send(runtime& rt, socket_task& t, json data, std::string const& p)
    {
        rec_.call(rt, [&] { t.send(json{{"data", std::move(data)}}, rec_.cbs(p)); });
    }
    void close(runtime& rt, socket_task& t, json options, std::string const& p)
    {
        rec_.call(rt, [&] { t.close(options, rec_.cbs(p)); });
    }

    /// The single wire record of `tag` once it ended.
    std::optional<echo::wire_record> ended(std::string const& tag)
    {
        std::optional<echo::wire_record> r;
        eventually([&] {
            auto recs = srv_.log().by_tag(tag);
            if (recs.size() == 1 && recs[0].end != echo::conn_end::open)
                r = recs[0];
            return r.has_value();
        });
        return r;
    }

    /// Exactly one of success/fail, then complete; returns the result.
    json settled(std::string const& p, bool expect_ok)
    {
        EXPECT_TRUE(rec_.wait(p + ".complete")) << p << " never completed";
        auto const names = rec_.names();
        EXPECT_EQ(rec_.count(p + ".success"), expect_ok ? 1u : 0u) << p;
        EXPECT_EQ(rec_.count(p + ".fail"), expect_ok ? 0u : 1u) << p;
        EXPECT_EQ(rec_.count(p + ".complete"), 1u) << p;
        EXPECT_LT(index_of(names, p + (expect_ok ? ".success" : ".fail")), index_of(names, p + ".complete"));
        return rec_.first(p + (expect_ok ? ".success" : ".fail"));
    }

    echo::servers srv_;
    recorder rec_;
};

TEST_F(ref_socket_task, ConnectSucceedsAsynchronouslyThenOpens)
{
    runtime rt(wechat_profile());
    auto task = connect(rt, json{{"url", url("/echo?tag=open")}});
    auto const ok = settled("t", true);
    EXPECT_EQ(ok["errMsg"], "connectSocket:ok");
    EXPECT_EQ(ok["socketTaskId"], task->id());
    EXPECT_EQ(task->id(), 1u);
    ASSERT_TRUE(rec_.wait("t.open"));
    auto const header = rec_.first("t.open")["header"];
    ASSERT_TRUE(header.is_object());
    bool has_upgrade = false;
    for (auto const& [k, v] : header.items())
        has_upgrade |= (k == "Upgrade" || k == "upgrade") && v == "websocket";
    EXPECT_TRUE(has_upgrade) << header.dump();
    EXPECT_EQ(task->state(), ready_state::open);
    EXPECT_EQ(rt.live_websockets(), 1u);
    EXPECT_FALSE(rec_.any_sync());
}

TEST_F(ref_socket_task, EchoKeepsTextAsStringAndBinaryAsArrayBuffer)
{
    runtime rt(wechat_profile());
    auto task = open(rt, "/echo?tag=types");
    send(rt, *task, "hello", "s1");
    send(rt, *task, make_array_buffer(std::string("\x00\x01\xff", 3)), "s2");
    EXPECT_EQ(settled("s1", true)["errMsg"], "sendSocketMessage:ok");
    EXPECT_EQ(settled("s2", true)["errMsg"], "sendSocketMessage:ok");
    ASSERT_TRUE(rec_.wait("t.message", 2));
    auto const messages = rec_.all("t.message");
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[0]["data"], "hello");
    ASSERT_TRUE(is_array_buffer(messages[1]["data"]));
    EXPECT_EQ(array_buffer_bytes(messages[1]["data"]), std::string("\x00\x01\xff", 3));
    EXPECT_FALSE(rec_.any_sync());
}

TEST_F(ref_socket_task, BinaryEchoStaysArrayBuffer)
{
    runtime rt(wechat_profile());
    auto task = open(rt, "/echo?tag=bin");
    send(rt, *task, make_array_buffer(std::string("\x00\x01\xff", 3)), "s");
    ASSERT_TRUE(rec_.wait("t.message"));
    auto const data = rec_.first("t.message")["data"];
    ASSERT_TRUE(is_array_buffer(data));
    EXPECT_EQ(array_buffer_bytes(data), std::string("\x00\x01\xff", 3));
}

TEST_F(ref_socket_task, CloseDefaultsTo1000OnTheWire)
{
    runtime rt(wechat_profile());
    auto task = open(rt, "/echo?tag=dflt");
    ready_state after_call = ready_state::connecting;
    rec_.call(rt, [&] {
        task->close(json::object(), rec_.cbs("c"));
        after_call = task->state();
    });
    EXPECT_EQ(after_call, ready_state::closing);
    EXPECT_EQ(settled("c", true)["errMsg"], "closeSocket:ok");
    ASSERT_TRUE(rec_.wait("t.close"));
    EXPECT_EQ(rec_.first("t.close")["code"], 1000);
    EXPECT_EQ(task->state(), ready_state::closed);
    auto const r = ended("dflt");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->close_code, 1000);
    EXPECT_EQ(rec_.count("t.error"), 0u);
    recorder::settle(rt);
    EXPECT_EQ(rec_.count("t.close"), 1u);
}

TEST_F(ref_socket_task, CloseSendsTheGivenCodeAndReason)
{
    runtime rt(wechat_profile());
    auto task = open(rt, "/echo?tag=given");
    close(rt, *task, json{{"code", 4321}, {"reason", "done here"}}, "c");
    ASSERT_TRUE(rec_.wait("t.close"));
    // onClose reports the server's close frame: this server echoes the code only.
    EXPECT_EQ(rec_.first("t.close")["code"], 4321);
    auto const r = ended("given");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->close_code, 4321);
    EXPECT_EQ(r->close_reason, "done here");
}

TEST_F(ref_socket_task, QueuedSendsGoOutBeforeTheCloseFrame)
{
    runtime rt(wechat_profile());
    auto task = open(rt, "/echo?tag=flush");
    rec_.call(rt, [&] {
        for (int i = 0; i < 5; ++i)
            task->send(json{{"data", "m" + std::to_string(i)}}, rec_.cbs("s" + std::to_string(i)));
        task->close(json::object(), rec_.cbs("c"));
    });
    for (int i = 0; i < 5; ++i)
        settled("s" + std::to_string(i), true);
    auto const r = ended("flush");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->messages.size(), 5u);
    EXPECT_EQ(r->close_code, 1000);
}

TEST_F(ref_socket_task, ServerCloseReportsItsCodeAndReason)
{
    runtime rt(wechat_profile());
    auto task = connect(rt, json{{"url", url("/close?code=4001&reason=bye&tag=srv")}});
    ASSERT_TRUE(rec_.wait("t.close"));
    EXPECT_EQ(rec_.first("t.close"), (json{{"code", 4001}, {"reason", "bye"}}));
    auto const names = rec_.names();
    EXPECT_LT(index_of(names, "t.open"), index_of(names, "t.close"));
    EXPECT_EQ(rec_.count("t.error"), 0u);
    EXPECT_EQ(task->state(), ready_state::closed);
    EXPECT_EQ(rt.live_websockets(), 0u);
}

TEST_F(ref_socket_task, ServerCloseWithoutReasonGivesEmptyReason)
{
    runtime rt(wechat_profile());
    connect(rt, json{{"url", url("/close?tag=noreason")}});
    ASSERT_TRUE(rec_.wait("t.close"));
    EXPECT_EQ(rec_.first("t.close"), (json{{"code", 1000}, {"reason", ""}}));
}

TEST_F(ref_socket_task, RejectedHandshakeGivesErrorThenClose1006)
{
    runtime rt(wechat_profile());
    auto task = connect(rt, json{{"url", url("/reject?status=403&tag=rej")}});
    settled("t", true); // success means "task created"
    ASSERT_TRUE(rec_.wait("t.close"));
    auto const names = rec_.names();
    EXPECT_EQ(rec_.count("t.open"), 0u);
    ASSERT_EQ(rec_.count("t.error"), 1u);
    EXPECT_LT(index_of(names, "t.error"), index_of(names, "t.close"));
    EXPECT_EQ(rec_.first("t.error")["errMsg"], "Invalid HTTP status");
    EXPECT_EQ(rec_.first("t.close"), (json{{"code", 1006}, {"reason", "abnormal closure"}}));
    EXPECT_EQ(task->state(), ready_state::closed);
    EXPECT_EQ(rt.live_websockets(), 0u);
}

TEST_F(ref_socket_task, RefusedConnectionGivesErrorThenClose)
{
    runtime rt(wechat_profile());
    auto task = connect(rt, json{{"url", "ws://127.0.0.1:" + std::to_string(closed_port()) + "/"}});
    ASSERT_TRUE(rec_.wait("t.close"));
    EXPECT_EQ(rec_.count("t.error"), 1u);
    EXPECT_NE(rec_.first("t.error")["errMsg"].get<std::string>().find("Connection refused"), std::string::npos);
    EXPECT_EQ(rec_.first("t.close")["code"], 1006);
}

TEST_F(ref_socket_task, HandshakeTimeoutGivesErrorThenClose)
{
    silent_listener hang;
    runtime rt(wechat_profile());
    connect(rt, json{{"url", "ws://127.0.0.1:" + std::to_string(hang.port()) + "/"}, {"timeout", 100}});
    ASSERT_TRUE(rec_.wait("t.close"));
    EXPECT_EQ(rec_.first("t.error")["errMsg"], "Timed out connecting to server.");
    EXPECT_EQ(rec_.first("t.close")["code"], 1006);
    EXPECT_EQ(rt.live_websockets(), 0u);
}

TEST_F(ref_socket_task, SendBeforeOpenFails)
{
    runtime rt(wechat_profile());
    // One block of JS: the handshake cannot complete between the two calls.
    rec_.call(rt, [&] {
        auto task = rt.connect_socket(json{{"url", url("/echo?tag=early")}}, rec_.cbs("t"));
        task->send(json{{"data", "too early"}}, rec_.cbs("s"));
    });
    EXPECT_EQ(settled("s", false)["errMsg"], "sendSocketMessage:fail WebSocket is not connected");
}

TEST_F(ref_socket_task, SendOfUnknownDataFails)
{
    runtime rt(wechat_profile());
    auto task = open(rt, "/echo?tag=unk");
    send(rt, *task, 42, "s");
    EXPECT_EQ(settled("s", false)["errMsg"], "sendSocketMessage:fail unknown data");
}

TEST_F(ref_socket_task, InvalidCodeAndOverlongReasonAreRejectedAndTheSocketStaysOpen)
{
    runtime rt(wechat_profile());
    auto task = open(rt, "/echo?tag=stay");
    close(rt, *task, json{{"code", 1001}}, "c1");
    EXPECT_EQ(settled("c1", false)["errMsg"],
              "closeSocket:fail The code must be either 1000, or between 3000 and 4999");
    // 62 two-byte characters: 124 UTF-8 bytes, one over the profile's 123.
    std::string reason;
    for (int i = 0; i < 62; ++i)
        reason += "\xc3\xa9";
    close(rt, *task, json{{"code", 1000}, {"reason", reason}}, "c2");
    EXPECT_EQ(settled("c2", false)["errMsg"], "closeSocket:fail The reason must be no longer than 123 UTF-8 bytes");
    EXPECT_EQ(task->state(), ready_state::open);
    send(rt, *task, "still here", "s");
    ASSERT_TRUE(rec_.wait("t.message"));
    EXPECT_EQ(rec_.first("t.message")["data"], "still here");
    EXPECT_EQ(rec_.count("t.close"), 0u);
}

TEST_F(ref_socket_task, ReasonLimitComesFromTheProfile)
{
    auto p = wechat_profile();
    p.limits.close_reason_max_bytes = 3;
    runtime rt(p);
    auto task = open(rt, "/echo?tag=lim");
    close(rt, *task, json{{"reason", "four"}}, "c");
    EXPECT_EQ(settled("c", false)["errMsg"], "closeSocket:fail The reason must be no longer than 3 UTF-8 bytes");
}

TEST_F(ref_socket_task, CloseWhenClosedFails)
{
    runtime rt(wechat_profile());
    auto task = open(rt, "/echo?tag=twice");
    close(rt, *task, json::object(), "c1");
    close(rt, *task, json::object(), "c2");
    settled("c1", true);
    EXPECT_EQ(settled("c2", false)["errMsg"], "closeSocket:fail WebSocket is not connected");
    ASSERT_TRUE(rec_.wait("t.close"));
    close(rt, *task, json::object(), "c3");
    EXPECT_EQ(settled("c3", false)["errMsg"], "closeSocket:fail WebSocket is not connected");
}

TEST_F(ref_socket_task, CloseWhileConnectingAbortsWithoutOpen)
{
    silent_listener hang;
    runtime rt(wechat_profile());
    auto task = connect(rt, json{{"url", "ws://127.0.0.1:" + std::to_string(hang.port()) + "/"}});
    close(rt, *task, json{{"code", 3001}, {"reason", "never mind"}}, "c");
    settled("c", true);
    ASSERT_TRUE(rec_.wait("t.close"));
    EXPECT_EQ(rec_.first("t.close"), (json{{"code", 3001}, {"reason", "never mind"}}));
    auto const names = rec_.names();
    EXPECT_LT(index_of(names, "c.success"), index_of(names, "t.close"));
    recorder::settle(rt);
    EXPECT_EQ(rec_.count("t.open"), 0u);
    EXPECT_EQ(rec_.count("t.error"), 0u);
    EXPECT_EQ(rec_.count("t.close"), 1u);
    EXPECT_EQ(task->state(), ready_state::closed);
    EXPECT_EQ(rt.live_websockets(), 0u);
}

TEST_F(ref_socket_task, MissingUrlFailsWithoutEvents)
{
    runtime rt(wechat_profile());
    auto task = connect(rt, json::object(), "a");
    EXPECT_EQ(settled("a", false)["errMsg"],
              "connectSocket:fail parameter error: parameter.url should be String instead of Undefined;");
    auto task2 = connect(rt, json{{"url", 5}}, "b");
    EXPECT_EQ(settled("b", false)["errMsg"],
              "connectSocket:fail parameter error: parameter.url should be String instead of Number;");
    recorder::settle(rt);
    for (auto const* p : {"a", "b"})
        for (auto const* e : {".open", ".error", ".close"})
            EXPECT_EQ(rec_.count(std::string(p) + e), 0u);
    EXPECT_EQ(task->state(), ready_state::closed);
    EXPECT_EQ(rt.live_websockets(), 0u);
}

TEST_F(ref_socket_task, ConcurrencyLimitRefusesWithFailAndFreesOnClose)
{
    auto p = wechat_profile();
    p.limits.max_concurrent_websockets = 2;
    p.switches.limit_refusal = refusal_channel::fail_callback;
    runtime rt(p);
    auto a = open(rt, "/echo?tag=l1", "a");
    auto b = open(rt, "/echo?tag=l2", "b");
    auto c = connect(rt, json{{"url", url("/echo?tag=l3")}}, "c");
    EXPECT_EQ(settled("c", false)["errMsg"], "connectSocket:fail exceed max task count");
    EXPECT_EQ(c->state(), ready_state::closed);
    close(rt, *a, json::object(), "close-a");
    ASSERT_TRUE(rec_.wait("a.close"));
    auto d = connect(rt, json{{"url", url("/echo?tag=l4")}}, "d");
    settled("d", true);
    ASSERT_TRUE(rec_.wait("d.open"));
    recorder::settle(rt);
    EXPECT_EQ(rec_.count("c.open") + rec_.count("c.error") + rec_.count("c.close"), 0u);
    EXPECT_EQ(rt.live_websockets(), 2u);
    EXPECT_TRUE(srv_.log().by_tag("l3").empty()) << "a refused task must not reach the wire";
}

TEST_F(ref_socket_task, ConcurrencyLimitRefusesWithErrorEvent)
{
    auto p = wechat_profile();
    p.limits.max_concurrent_websockets = 1;
    p.switches.limit_refusal = refusal_channel::error_event;
    runtime rt(p);
    auto a = open(rt, "/echo?tag=e1", "a");
    auto c = connect(rt, json{{"url", url("/echo?tag=e2")}}, "c");
    settled("c", true);
    ASSERT_TRUE(rec_.wait("c.close"));
    EXPECT_EQ(rec_.first("c.error")["errMsg"], "createSocketTask:fail exceed max task count");
    EXPECT_EQ(rec_.first("c.close")["code"], 1006);
    auto const names = rec_.names();
    EXPECT_LT(index_of(names, "c.success"), index_of(names, "c.error"));
    EXPECT_LT(index_of(names, "c.error"), index_of(names, "c.close"));
    EXPECT_EQ(rt.live_websockets(), 1u);
}

TEST_F(ref_socket_task, HeadersAndProtocolsGoIntoTheHandshakeButNeverReferer)
{
    runtime rt(wechat_profile());
    auto task = connect(rt, json{{"url", url("/handshake?tag=hs")},
                                 {"header", {{"X-Token", "abc"}, {"Referer", "https://evil.example/"}}},
                                 {"protocols", {"chat", "v2"}},
                                 {"tcpNoDelay", true},
                                 {"unknownKey", 1}});
    ASSERT_TRUE(rec_.wait("t.message"));
    auto const hs = json::parse(rec_.first("t.message")["data"].get<std::string>());
    EXPECT_EQ(hs["headers"]["x-token"], "abc");
    EXPECT_FALSE(hs["headers"].contains("referer"));
    EXPECT_EQ(hs["protocols"], json::array({"chat", "v2"}));
    EXPECT_EQ(hs["target"], "/handshake?tag=hs");
}

TEST_F(ref_socket_task, EveryListenerGetsTheEventInOrderAndIdsAreUnique)
{
    runtime rt(wechat_profile());
    std::shared_ptr<socket_task> a, b;
    rec_.call(rt, [&] {
        a = rt.connect_socket(json{{"url", url("/echo?tag=m1")}}, {});
        b = rt.connect_socket(json{{"url", url("/echo?tag=m2")}}, {});
        a->on_open(rec_.lst("open1"));
        a->on_open(rec_.lst("open2"));
    });
    EXPECT_NE(a->id(), b->id());
    ASSERT_TRUE(rec_.wait("open2"));
    auto const names = rec_.names();
    EXPECT_LT(index_of(names, "open1"), index_of(names, "open2"));
}

runtime_options trusting(std::string pem) { return runtime_options{.trusted_ca_pem = std::move(pem)}; }

TEST_F(ref_socket_task, WssEchoesAndClosesLikeWs)
{
    ASSERT_FALSE(srv_.ca_pem().empty());
    runtime rt(wechat_profile(), trusting(srv_.ca_pem()));
    auto task = connect(rt, json{{"url", srv_.wss_url() + "/echo?tag=wss"}});
    EXPECT_EQ(settled("t", true)["errMsg"], "connectSocket:ok");
    ASSERT_TRUE(rec_.wait("t.open")) << rec_.first("t.error").dump();
    EXPECT_EQ(task->state(), ready_state::open);
    send(rt, *task, "hello", "s1");
    send(rt, *task, make_array_buffer(std::string("\x00\xff", 2)), "s2");
    ASSERT_TRUE(rec_.wait("t.message", 2));
    auto const messages = rec_.all("t.message");
    EXPECT_EQ(messages[0]["data"], "hello");
    ASSERT_TRUE(is_array_buffer(messages[1]["data"]));
    EXPECT_EQ(array_buffer_bytes(messages[1]["data"]), std::string("\x00\xff", 2));
    ready_state after_call = ready_state::connecting;
    rec_.call(rt, [&] {
        task->close(json{{"code", 4001}, {"reason", "bye"}}, rec_.cbs("c"));
        after_call = task->state();
    });
    EXPECT_EQ(after_call, ready_state::closing);
    settled("c", true);
    ASSERT_TRUE(rec_.wait("t.close"));
    EXPECT_EQ(rec_.first("t.close")["code"], 4001);
    EXPECT_EQ(rec_.count("t.error"), 0u);
    auto const r = ended("wss");
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->tls);
    EXPECT_EQ(r->close_code, 4001);
    EXPECT_FALSE(rec_.any_sync());
}

TEST_F(ref_socket_task, WssServerCloseReportsItsCode)
{
    runtime rt(wechat_profile(), trusting(srv_.ca_pem()));
    connect(rt, json{{"url", srv_.wss_url() + "/close?code=4100&reason=done&tag=wssc"}});
    ASSERT_TRUE(rec_.wait("t.close"));
    EXPECT_EQ(rec_.count("t.open"), 1u);
    EXPECT_EQ(rec_.first("t.close")["code"], 4100);
    EXPECT_EQ(rec_.first("t.close")["reason"], "done");
}

TEST_F(ref_socket_task, WssWithAnUntrustedCertificateGivesErrorThenClose1006)
{
    // The system trust store does not know the echo servers' throwaway CA.
    runtime rt(wechat_profile());
    auto task = connect(rt, json{{"url", srv_.wss_url() + "/echo?tag=untrusted"}});
    settled("t", true);
    ASSERT_TRUE(rec_.wait("t.close"));
    EXPECT_EQ(rec_.count("t.open"), 0u);
    ASSERT_EQ(rec_.count("t.error"), 1u);
    auto const err = rec_.first("t.error")["errMsg"].get<std::string>();
    EXPECT_NE(err.find("TLS handshake failed"), std::string::npos) << err;
    EXPECT_NE(err.find("certificate verify failed"), std::string::npos) << err;
    EXPECT_EQ(rec_.first("t.close")["code"], 1006);
    auto const names = rec_.names();
    EXPECT_LT(index_of(names, "t.error"), index_of(names, "t.close"));
    EXPECT_EQ(task->state(), ready_state::closed);
    EXPECT_EQ(rt.live_websockets(), 0u);
}

TEST_F(ref_socket_task, WssTrustingAnotherCaFails)
{
    // A second server's CA is a different throwaway CA: trusted_ca_pem is exact.
    echo::servers other;
    other.start();
    runtime rt(wechat_profile(), trusting(other.ca_pem()));
    connect(rt, json{{"url", srv_.wss_url() + "/echo?tag=otherca"}});
    ASSERT_TRUE(rec_.wait("t.close"));
    EXPECT_EQ(rec_.count("t.open"), 0u);
    EXPECT_NE(rec_.first("t.error")["errMsg"].get<std::string>().find("certificate verify failed"),
              std::string::npos);
    EXPECT_EQ(rec_.first("t.close")["code"], 1006);
}

TEST_F(ref_socket_task, WssByHostNameVerifiesTheName)
{
    // The certificate names localhost (DNS SAN) besides the IP SANs.
    runtime rt(wechat_profile(), trusting(srv_.ca_pem()));
    connect(rt, json{{"url", "wss://localhost:" + std::to_string(srv_.wss_port()) + "/echo?tag=byname"}});
    ASSERT_TRUE(rec_.wait("t.open")) << rec_.first("t.error").dump();
}

TEST_F(ref_socket_task, WssToAPlainWsPortFailsTheTlsHandshake)
{
    runtime rt(wechat_profile(), trusting(srv_.ca_pem()));
    connect(rt, json{{"url", "wss://127.0.0.1:" + std::to_string(srv_.ws_port()) + "/echo?tag=plain"}});
    ASSERT_TRUE(rec_.wait("t.close"));
    EXPECT_EQ(rec_.count("t.open"), 0u);
    EXPECT_NE(rec_.first("t.error")["errMsg"].get<std::string>().find("TLS handshake failed"), std::string::npos);
    EXPECT_EQ(rec_.first("t.close")["code"], 1006);
}

TEST_F(ref_socket_task, BadTrustedCaPemGivesErrorThenClose)
{
    runtime rt(wechat_profile(), trusting("not a certificate"));
    connect(rt, json{{"url", srv_.wss_url() + "/echo?tag=badpem"}});
    settled("t", true);
    ASSERT_TRUE(rec_.wait("t.close"));
    EXPECT_NE(rec_.first("t.error")["errMsg"].get<std::string>().find("TLS setup failed"), std::string::npos);
    EXPECT_EQ(rec_.first("t.close")["code"], 1006);
    EXPECT_EQ(rt.live_websockets(), 0u);
}

TEST_F(ref_socket_task, LegacySingleConnectionClosesThePreviousTask)
{
    runtime rt(profile::load(SOCKCONF_SOURCE_DIR "/specs/profiles/wechat-legacy.json"));
    ASSERT_TRUE(rt.config().switches.legacy_single_connection);
    auto a = open(rt, "/echo?tag=lg1", "a");
    auto b = connect(rt, json{{"url", url("/echo?tag=lg2")}}, "b");
    EXPECT_EQ(settled("b", true)["errMsg"], "connectSocket:ok");
    ASSERT_TRUE(rec_.wait("a.close"));
    EXPECT_EQ(rec_.first("a.close")["code"], 1000);
    ASSERT_TRUE(rec_.wait("b.open"));
    EXPECT_EQ(a->state(), ready_state::closed);
    EXPECT_EQ(b->state(), ready_state::open);
    auto const r = ended("lg1");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->close_code, 1000);
    // A CONNECTING task is closed too (never opens).
    std::shared_ptr<socket_task> c, d;
    rec_.call(rt, [&] {
        c = rt.connect_socket(json{{"url", url("/echo?tag=lg3")}}, {});
        c->on_open(rec_.lst("c.open"));
        c->on_close(rec_.lst("c.close"));
        d = rt.connect_socket(json{{"url", url("/echo?tag=lg4")}}, {});
        d->on_open(rec_.lst("d.open"));
    });
    ASSERT_TRUE(rec_.wait("c.close"));
    ASSERT_TRUE(rec_.wait("d.open"));
    ASSERT_TRUE(rec_.wait("b.close"));
    EXPECT_EQ(rec_.count("c.open"), 0u);
}

} // namespace
} // namespace sockconf::ref::test
