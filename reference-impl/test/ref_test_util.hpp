// Shared helpers of the reference tests: the profile, a recorder of callbacks
// and events with deadline waits, and running API calls on the loop.
#pragma once

#include <sockconf/common/profile.hpp>
#include <sockconf/ref/runtime.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sockconf::ref::test {

using namespace std::chrono_literals;

/// Every wait of the tests is bounded by this.
inline constexpr auto wait_limit = 10s;

inline profile wechat_profile() { return profile::load(SOCKCONF_SOURCE_DIR "/specs/profiles/wechat.json"); }

/// Records every call of the functions it makes, in order, noting whether the
/// call happened while an API call made through call() was still running
/// (which would be a synchronous callback: a JS-semantics violation).
class recorder {
public:
    struct entry {
        std::string name;
        json value;
        bool sync = false;
    };

    function fn(std::string name)
    {
        return [this, name = std::move(name)](json const& v) { record(name, v); };
    }
    listener lst(std::string name) { return std::make_shared<function const>(fn(std::move(name))); }
    callbacks cbs(std::string const& prefix)
    {
        return {fn(prefix + ".success"), fn(prefix + ".fail"), fn(prefix + ".complete")};
    }

    /// Run `api` on the loop, marked as "inside an API call", and wait for it.
    template <class F>
    void call(runtime& rt, F&& api)
    {
        ASSERT_TRUE(rt.run_sync(
            [&] {
                in_call_ = true;
                api();
                in_call_ = false;
            },
            wait_limit))
            << "the loop did not run the call in time";
    }

    /// Wait until `name` was recorded `n` times. False on timeout.
    bool wait(std::string const& name, std::size_t n = 1)
    {
        std::unique_lock lk(mu_);
        return cv_.wait_for(lk, wait_limit, [&] { return count_locked(name) >= n; });
    }

    std::size_t count(std::string const& name) const
    {
        std::lock_guard lk(mu_);
        return count_locked(name);
    }
    /// The value of the first call of `name` (null when none).
    json first(std::string const& name) const
    {
        std::lock_guard lk(mu_);
        for (auto const& e : log_)
            if (e.name == name)
                return e.value;
        return nullptr;
    }
    /// The values of every call of `name`, in order.
    std::vector<json> all(std::string const& name) const
    {
        std::lock_guard lk(mu_);
        std::vector<json> out;
        for (auto const& e : log_)
            if (e.name == name)
                out.push_back(e.value);
        return out;
    }
    std::vector<std::string> names() const
    {
        std::lock_guard lk(mu_);
        std::vector<std::string> out;
        for (auto const& e : log_)
            out.push_back(e.name);
        return out;
    }
    bool any_sync() const
    {
        std::lock_guard lk(mu_);
        for (auto const& e : log_)
            if (e.sync)
                return true;
        return false;
    }
    /// Let the loop run queued work so late or duplicate events would show up.
    static void settle(runtime& rt)
    {
        for (int i = 0; i < 3; ++i)
            ASSERT_TRUE(rt.run_sync([] {}, wait_limit));
        std::this_thread::sleep_for(30ms);
        ASSERT_TRUE(rt.run_sync([] {}, wait_limit));
    }

    void record(std::string const& name, json const& v)
    {
        std::lock_guard lk(mu_);
        log_.push_back({name, v, in_call_.load()});
        cv_.notify_all();
    }

private:
    std::size_t count_locked(std::string const& name) const
    {
        std::size_t n = 0;
        for (auto const& e : log_)
            n += e.name == name;
        return n;
    }

    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::vector<entry> log_;
    std::atomic<bool> in_call_{false};
};

/// Wait for `pred` (polled) with the test deadline.
inline bool eventually(std::function<bool()> const& pred)
{
    auto const deadline = std::chrono::steady_clock::now() + wait_limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred())
            return true;
        std::this_thread::sleep_for(5ms);
    }
    return pred();
}

/// The index of `name` in `names` (names.size() when absent).
inline std::size_t index_of(std::vector<std::string> const& names, std::string const& name)
{
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == name)
            return i;
    return names.size();
}

/// A loopback TCP port that is listening but never accepts nor answers: a
/// connect succeeds (kernel backlog) and a WebSocket handshake hangs forever.
class silent_listener {
public:
    silent_listener();
    ~silent_listener();
    int port() const noexcept { return port_; }

private:
    int fd_ = -1;
    int port_ = 0;
};

/// A loopback port with nothing listening (bound once, then closed).
int closed_port();

} // namespace sockconf::ref::test

// POSIX sockets keep Asio out of the test binaries.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

namespace sockconf::ref::test {

inline int bind_loopback(int fd)
{
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
        return 0;
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    return ntohs(a.sin_port);
}

inline silent_listener::silent_listener()
{
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    port_ = bind_loopback(fd_);
    ::listen(fd_, 16);
}

inline silent_listener::~silent_listener() { ::close(fd_); }

inline int closed_port()
{
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    int port = bind_loopback(fd);
    ::close(fd);
    return port;
}

} // namespace sockconf::ref::test
