#include <sockconf/harness/trace.hpp>

#include <gtest/gtest.h>

#include <thread>

using namespace sockconf;
using namespace sockconf::harness;

TEST(trace, numbers_entries_in_order)
{
    trace t;
    t.append({{"type", "invoke"}, {"fn", "a"}});
    t.append({{"type", "invoke"}, {"fn", "b"}});
    t.append({{"type", "invoke"}, {"fn", "a"}});
    auto const e = t.snapshot();
    ASSERT_EQ(e.size(), 3u);
    EXPECT_EQ(e[2]["seq"], 3);
    EXPECT_EQ(invocations(e, "a").size(), 2u);
    EXPECT_LE(e[0]["t_ms"].get<double>(), e[2]["t_ms"].get<double>());
}

TEST(trace, wait_wakes_on_append_and_times_out_otherwise)
{
    trace t;
    std::thread writer([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        t.append({{"type", "invoke"}, {"fn", "x"}});
    });
    auto const seen_x = [](std::vector<json> const& e) { return !invocations(e, "x").empty(); };
    EXPECT_TRUE(t.wait_until(seen_x, trace::clock::now() + std::chrono::seconds(5)));
    writer.join();
    auto const seen_y = [](std::vector<json> const& e) { return !invocations(e, "y").empty(); };
    EXPECT_FALSE(t.wait_until(seen_y, trace::clock::now() + std::chrono::milliseconds(30)));
}
