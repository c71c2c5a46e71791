#include "ref_test_util.hpp"

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

} // namespace
} // namespace sockconf::ref::test
