// process_stats.hpp: a child's CPU counts among this process's descendants, unless excluded;
// a process's RSS follows what it touches.
#include <sockconf/bench/process_stats.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <ctime>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace sockconf::bench {
namespace {

/// A child that burns `cpu_s` of CPU (at most 5 s of wall time), then sleeps until killed.
pid_t busy_child(double cpu_s)
{
    pid_t const pid = ::fork();
    if (pid == 0) {
        auto const until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        timespec t{};
        do
            ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        while (t.tv_sec + t.tv_nsec / 1e9 < cpu_s && std::chrono::steady_clock::now() < until);
        ::pause();
        ::_exit(0);
    }
    return pid;
}

/// Wait (at most 5 s) until `pid` has used `cpu_s`.
void wait_for_cpu(pid_t pid, double cpu_s)
{
    auto const until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < until) {
        auto const s = read_process_stat(pid);
        if (s && s->cpu_seconds >= cpu_s - 0.015) // /proc counts whole clock ticks (10 ms)
            return;
        ::usleep(10000);
    }
}

TEST(process_stats, a_childs_cpu_counts_unless_it_is_excluded_and_rss_follows_memory)
{
    auto const self = read_process_stat(::getpid());
    ASSERT_TRUE(self);
    EXPECT_EQ(self->ppid, ::getppid());
    {
        std::vector<char> touched(64 << 20, 1); // 64 MiB, every page written
        auto const with = read_process_stat(::getpid());
        ASSERT_TRUE(with);
        EXPECT_GE(with->rss_bytes, self->rss_bytes + (60u << 20)) << touched[12345];
    }

    pid_t const child = busy_child(0.1);
    ASSERT_GT(child, 0);
    wait_for_cpu(child, 0.1);
    auto const all = descendants_cpu_seconds(::getpid(), {});
    auto const without = descendants_cpu_seconds(::getpid(), {child});
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    EXPECT_GE(all, 0.09);
    EXPECT_LT(without, 0.02);
    EXPECT_FALSE(read_process_stat(child)); // reaped: gone from /proc
}

} // namespace
} // namespace sockconf::bench
