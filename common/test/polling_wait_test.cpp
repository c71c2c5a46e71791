#include <sockconf/common/polling_wait.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace sockconf {
namespace {

using clock_type = std::chrono::steady_clock;

// The reason the function exists: a flag set with no notification (as Ctrl-C's
// handler sets one) still ends the wait, long before its deadline.
TEST(polling_wait, a_flag_set_without_a_notification_ends_the_wait)
{
    std::mutex m;
    std::condition_variable cv;
    std::atomic<bool> flag{false};
    std::thread setter([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        flag = true; // no notify
    });
    auto const deadline = clock_type::now() + std::chrono::seconds(10);
    std::unique_lock lock(m);
    EXPECT_TRUE(wait_polling(cv, lock, deadline, [&] { return flag.load(); }));
    EXPECT_LT(clock_type::now(), deadline);
    EXPECT_TRUE(lock.owns_lock());
    lock.unlock();
    setter.join();
}

TEST(polling_wait, a_notification_ends_it_and_the_lock_guards_the_predicate)
{
    std::mutex m;
    std::condition_variable cv;
    int value = 0; // guarded by m
    std::thread setter([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        std::lock_guard g(m);
        value = 7;
        cv.notify_all();
    });
    std::unique_lock lock(m);
    EXPECT_TRUE(wait_polling(cv, lock, clock_type::now() + std::chrono::seconds(10), [&] { return value == 7; }));
    lock.unlock();
    setter.join();
}

TEST(polling_wait, a_predicate_already_true_returns_at_once_even_past_the_deadline)
{
    std::mutex m;
    std::condition_variable cv;
    std::unique_lock lock(m);
    EXPECT_TRUE(wait_polling(cv, lock, clock_type::now() - std::chrono::seconds(1), [] { return true; }));
}

TEST(polling_wait, the_deadline_ends_a_wait_whose_predicate_stays_false)
{
    std::mutex m;
    std::condition_variable cv;
    std::unique_lock lock(m);
    int tested = 0;
    auto const deadline = clock_type::now() + std::chrono::milliseconds(3 * poll_interval.count() + 10);
    EXPECT_FALSE(wait_polling(cv, lock, deadline, [&] { return ++tested < 0; }));
    EXPECT_GE(clock_type::now(), deadline);
    // It polled: the predicate was tested more than once with no notification.
    EXPECT_GE(tested, 2);
}

} // namespace
} // namespace sockconf
