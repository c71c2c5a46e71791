#include "ref_test_util.hpp"

#include <sockconf/echo/servers.hpp>
#include <sockconf/ref/runtime.hpp>
#include <sockconf/ref/socket_task.hpp>
#include <sockconf/ref/tcp_socket.hpp>

#include <future>
#include <stdexcept>

namespace sockconf::ref::test {
namespace {

TEST(ref_runtime, PostRunsOnTheLoopThread)
{
    runtime rt(wechat_profile());
    EXPECT_FALSE(rt.on_loop_thread());
    std::promise<bool> on_loop;
    rt.post([&] { on_loop.set_value(rt.on_loop_thread()); });
    auto f = on_loop.get_future();
    ASSERT_EQ(f.wait_for(wait_limit), std::future_status::ready);
    EXPECT_TRUE(f.get());
}

TEST(ref_runtime, RunSyncRunsAndWaits)
{
    runtime rt(wechat_profile());
    int x = 0;
    ASSERT_TRUE(rt.run_sync([&] { x = 42; }, wait_limit));
    EXPECT_EQ(x, 42);
}

TEST(ref_runtime, RunSyncReturnsFalseOnTimeout)
{
    runtime rt(wechat_profile());
    std::promise<void> release;
    auto released = release.get_future().share();
    // Block the loop until we release it, so the second call cannot run in time.
    rt.post([released] { released.wait_for(wait_limit); });
    EXPECT_FALSE(rt.run_sync([] {}, 20ms));
    release.set_value();
    EXPECT_TRUE(rt.run_sync([] {}, wait_limit));
}

TEST(ref_runtime, RunSyncRethrowsAndTheLoopSurvives)
{
    runtime rt(wechat_profile());
    EXPECT_THROW(rt.run_sync([] { throw std::runtime_error("boom"); }, wait_limit), std::runtime_error);
    EXPECT_TRUE(rt.run_sync([] {}, wait_limit));
}

TEST(ref_runtime, RunSyncOnTheLoopIsRefused)
{
    runtime rt(wechat_profile());
    bool refused = false;
    ASSERT_TRUE(rt.run_sync(
        [&] {
            try {
                rt.run_sync([] {}, 10ms);
            } catch (std::logic_error const&) {
                refused = true;
            }
        },
        wait_limit));
    EXPECT_TRUE(refused);
}

TEST(ref_runtime, AThrowingPostedTaskDoesNotStopTheLoop)
{
    runtime rt(wechat_profile());
    rt.post([] { throw std::runtime_error("uncaught in a task"); });
    EXPECT_TRUE(rt.run_sync([] {}, wait_limit));
}

TEST(ref_runtime, DestroyedWhileAHandshakeIsPendingReturns)
{
    silent_listener hang;
    std::shared_ptr<socket_task> kept; // the user may keep the task past the runtime
    auto done = std::async(std::launch::async, [&] {
        auto rt = std::make_unique<runtime>(wechat_profile());
        recorder rec;
        rec.call(*rt, [&] {
            kept = rt->connect_socket(json{{"url", "ws://127.0.0.1:" + std::to_string(hang.port()) + "/"}},
                                      rec.cbs("connect"));
            kept->on_close(rec.lst("close"));
        });
        EXPECT_TRUE(rec.wait("connect.success"));
        EXPECT_EQ(kept->state(), ready_state::connecting);
        rt.reset();
        EXPECT_EQ(rec.count("close"), 0u) << "no events once the runtime is being destroyed";
    });
    ASSERT_EQ(done.wait_for(wait_limit), std::future_status::ready) << "~runtime hung";
    done.get();
}

TEST(ref_runtime, DestroyedWithAConnectedTcpSocketReturns)
{
    silent_listener peer;
    auto done = std::async(std::launch::async, [&] {
        auto rt = std::make_unique<runtime>(wechat_profile());
        recorder rec;
        std::shared_ptr<tcp_socket> s;
        rec.call(*rt, [&] {
            s = rt->create_tcp_socket(json::object());
            s->on(tcp_event::connect, rec.lst("connect"));
            s->connect(json{{"address", "127.0.0.1"}, {"port", peer.port()}});
        });
        EXPECT_TRUE(rec.wait("connect"));
        rt.reset();
    });
    ASSERT_EQ(done.wait_for(wait_limit), std::future_status::ready) << "~runtime hung";
    done.get();
}

TEST(ref_runtime, TcpCreationLimitPerRollingWindow)
{
    auto p = wechat_profile();
    p.limits.tcp_create_max = 3;
    p.limits.tcp_create_window_ms = 200;
    runtime rt(p);
    std::string thrown;
    ASSERT_TRUE(rt.run_sync(
        [&] {
            for (int i = 0; i < 3; ++i)
                rt.create_tcp_socket(json::object());
            try {
                rt.create_tcp_socket(json::object());
            } catch (js_error const& e) {
                thrown = e.what();
            }
        },
        wait_limit));
    EXPECT_EQ(thrown, "[TCPSocket] created too much.");
    std::this_thread::sleep_for(300ms); // the window rolls on
    bool created = false;
    ASSERT_TRUE(rt.run_sync([&] { created = rt.create_tcp_socket(json::object()) != nullptr; }, wait_limit));
    EXPECT_TRUE(created);
}

TEST(ref_runtime, ConfigIsTheGivenProfile)
{
    auto p = wechat_profile();
    p.limits.max_concurrent_websockets = 7;
    runtime rt(p);
    EXPECT_EQ(rt.config().limits.max_concurrent_websockets, 7);
    EXPECT_EQ(rt.config().id, "wechat");
    EXPECT_EQ(rt.live_websockets(), 0u);
}

// ---- legacy wx.* globals ----------------------------------------------------

/// Global listeners "g.open", "g.message", "g.error", "g.close".
void add_globals(runtime& rt, recorder& rec)
{
    rec.call(rt, [&] {
        rt.on_socket_open(rec.lst("g.open"));
        rt.on_socket_message(rec.lst("g.message"));
        rt.on_socket_error(rec.lst("g.error"));
        rt.on_socket_close(rec.lst("g.close"));
    });
}

std::shared_ptr<socket_task> connect_recorded(runtime& rt, recorder& rec, std::string const& url, std::string const& p)
{
    std::shared_ptr<socket_task> t;
    rec.call(rt, [&] {
        t = rt.connect_socket(json{{"url", url}}, {});
        t->on_open(rec.lst(p + ".open"));
        t->on_message(rec.lst(p + ".message"));
        t->on_error(rec.lst(p + ".error"));
        t->on_close(rec.lst(p + ".close"));
    });
    return t;
}

TEST(ref_runtime, GlobalsWithoutATaskFailNotConnected)
{
    runtime rt(wechat_profile());
    recorder rec;
    rec.call(rt, [&] {
        rt.send_socket_message(json{{"data", "x"}}, rec.cbs("send"));
        rt.close_socket(json::object(), rec.cbs("close"));
    });
    ASSERT_TRUE(rec.wait("send.complete"));
    ASSERT_TRUE(rec.wait("close.complete"));
    EXPECT_EQ(rec.first("send.fail")["errMsg"], "sendSocketMessage:fail WebSocket is not connected");
    EXPECT_EQ(rec.first("close.fail")["errMsg"], "closeSocket:fail WebSocket is not connected");
    EXPECT_EQ(rec.count("send.success") + rec.count("close.success"), 0u);
    EXPECT_FALSE(rec.any_sync());
}

TEST(ref_runtime, GlobalsActOnTheTaskAndGetItsEventsAfterItsOwnListeners)
{
    echo::servers srv;
    srv.start();
    runtime rt(wechat_profile());
    recorder rec;
    add_globals(rt, rec);
    auto a = connect_recorded(rt, rec, srv.ws_url() + "/echo?tag=g1", "a");
    ASSERT_TRUE(rec.wait("g.open"));
    rec.call(rt, [&] { rt.send_socket_message(json{{"data", "hi"}}, rec.cbs("send")); });
    ASSERT_TRUE(rec.wait("g.message"));
    EXPECT_EQ(rec.first("send.success")["errMsg"], "sendSocketMessage:ok");
    EXPECT_EQ(rec.first("g.message")["data"], "hi");
    EXPECT_EQ(rec.first("a.message")["data"], "hi");
    rec.call(rt, [&] { rt.close_socket(json{{"code", 4000}, {"reason", "r"}}, rec.cbs("close")); });
    ASSERT_TRUE(rec.wait("g.close"));
    EXPECT_EQ(rec.first("close.success")["errMsg"], "closeSocket:ok");
    EXPECT_EQ(rec.first("g.close")["code"], 4000);
    auto const names = rec.names();
    for (auto const* e : {"open", "message", "close"})
        EXPECT_LT(index_of(names, std::string("a.") + e), index_of(names, std::string("g.") + e)) << e;
    EXPECT_EQ(a->state(), ready_state::closed);
    // The task is CLOSED now: the globals say so.
    rec.call(rt, [&] {
        rt.send_socket_message(json{{"data", "late"}}, rec.cbs("send2"));
        rt.close_socket(json::object(), rec.cbs("close2"));
    });
    ASSERT_TRUE(rec.wait("close2.complete"));
    EXPECT_EQ(rec.first("send2.fail")["errMsg"], "sendSocketMessage:fail WebSocket is not connected");
    EXPECT_EQ(rec.first("close2.fail")["errMsg"], "closeSocket:fail WebSocket is not connected");
    recorder::settle(rt);
    EXPECT_EQ(rec.count("g.close"), 1u);
    EXPECT_EQ(rec.count("g.error"), 0u);
    EXPECT_FALSE(rec.any_sync());
}

TEST(ref_runtime, GlobalCloseWhileConnectingFailsAndTheAttemptGoesOn)
{
    silent_listener silent;
    runtime rt(wechat_profile());
    recorder rec;
    add_globals(rt, rec);
    auto a = connect_recorded(rt, rec, "ws://127.0.0.1:" + std::to_string(silent.port()) + "/", "a");
    rec.call(rt, [&] { rt.close_socket(json::object(), rec.cbs("close")); });
    ASSERT_TRUE(rec.wait("close.complete"));
    EXPECT_EQ(rec.first("close.fail")["errMsg"], "closeSocket:fail WebSocket is not connected");
    recorder::settle(rt);
    EXPECT_EQ(a->state(), ready_state::connecting);
    EXPECT_EQ(rec.count("a.close") + rec.count("g.close"), 0u);
    rec.call(rt, [&] { a->close(json::object(), {}); }); // the task's close still aborts it
    ASSERT_TRUE(rec.wait("g.close"));
    EXPECT_EQ(rec.count("a.close"), 1u);
}

TEST(ref_runtime, GlobalsFollowTheMostRecentlyCreatedTask)
{
    echo::servers srv;
    srv.start();
    runtime rt(wechat_profile());
    recorder rec;
    auto a = connect_recorded(rt, rec, srv.ws_url() + "/echo?tag=ga", "a");
    ASSERT_TRUE(rec.wait("a.open"));
    // Registered after a's onOpen: a's open is not replayed.
    add_globals(rt, rec);
    rec.call(rt, [&] { rt.send_socket_message(json{{"data", "to-a"}}, {}); });
    ASSERT_TRUE(rec.wait("g.message"));
    EXPECT_EQ(rec.first("g.message")["data"], "to-a");
    EXPECT_EQ(rec.count("g.open"), 0u);

    auto b = connect_recorded(rt, rec, srv.ws_url() + "/echo?tag=gb", "b");
    ASSERT_TRUE(rec.wait("g.open"));
    ASSERT_TRUE(rec.wait("b.open"));
    rec.call(rt, [&] {
        rt.send_socket_message(json{{"data", "to-b"}}, {});
        a->send(json{{"data", "a-direct"}}, {});
    });
    ASSERT_TRUE(rec.wait("b.message"));
    ASSERT_TRUE(rec.wait("a.message", 2));
    EXPECT_EQ(rec.first("b.message")["data"], "to-b");
    EXPECT_EQ(rec.all("a.message")[1]["data"], "a-direct");
    // a is no longer current: its events do not reach the globals.
    rec.call(rt, [&] { a->close(json::object(), {}); });
    ASSERT_TRUE(rec.wait("a.close"));
    recorder::settle(rt);
    auto const gm = rec.all("g.message");
    ASSERT_EQ(gm.size(), 2u);
    EXPECT_EQ(gm[1]["data"], "to-b");
    EXPECT_EQ(rec.count("g.close"), 0u);
    rec.call(rt, [&] { rt.close_socket(json::object(), {}); });
    ASSERT_TRUE(rec.wait("g.close"));
    ASSERT_TRUE(rec.wait("b.close"));
}

TEST(ref_runtime, GlobalListenersAppend)
{
    echo::servers srv;
    srv.start();
    runtime rt(wechat_profile());
    recorder rec;
    rec.call(rt, [&] {
        rt.on_socket_open(rec.lst("open1"));
        rt.on_socket_open(rec.lst("open2"));
        rt.on_socket_open(nullptr); // ignored
    });
    connect_recorded(rt, rec, srv.ws_url() + "/echo?tag=gl", "a");
    ASSERT_TRUE(rec.wait("open2"));
    auto const names = rec.names();
    EXPECT_LT(index_of(names, "open1"), index_of(names, "open2"));
    EXPECT_EQ(rec.count("open1"), 1u);
}

} // namespace
} // namespace sockconf::ref::test
