#include <sockconf/bench/server_process.hpp>
#include <sockconf/bench/affinity.hpp>
#include <sockconf/bench/process_stats.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

namespace sockconf::bench {

namespace {

std::string tail(std::string const& s, std::size_t n) { return s.size() > n ? s.substr(s.size() - n) : s; }

} // namespace

server_process::server_process(std::string const& command, int cpu, std::chrono::milliseconds announce_timeout)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe: cannot start " + command);
    pid_ = ::fork();
    if (pid_ < 0)
        throw std::runtime_error("fork: cannot start " + command);
    if (pid_ == 0) {
        ::setpgid(0, 0);
        // A server must not outlive a bench that was killed.
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        ::dup2(fds[1], 1);
        int const devnull = ::open("/dev/null", O_RDONLY);
        ::dup2(devnull, 0);
        if (cpu >= 0)
            (void)pin_to_cpu(0, cpu);
        // Nothing of the bench's but stdin and stdout: a server holding another's pipe
        // or the load's sockets would keep them open past their owner's close.
        ::close_range(3, ~0u, 0);
        ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::setpgid(pid_, pid_); // both sides, so the group exists before either goes on
    ::close(fds[1]);
    out_fd_ = fds[0];

    auto const deadline = std::chrono::steady_clock::now() + announce_timeout;
    std::string seen;
    for (;;) {
        auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            break;
        pollfd p{out_fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0)
            continue;
        char buf[4096];
        auto const n = ::read(out_fd_, buf, sizeof buf);
        if (n <= 0)
            break; // exited
        seen.append(buf, static_cast<std::size_t>(n));
        for (std::size_t nl; (nl = seen.find('\n')) != std::string::npos; seen.erase(0, nl + 1)) {
            auto const line = seen.substr(0, nl);
            auto j = json::parse(line, nullptr, false);
            if (!j.is_discarded() && j.is_object()) {
                announcement_ = std::move(j);
                return;
            }
        }
    }
    stop();
    throw std::runtime_error("`" + command + "` did not announce itself with a JSON line within " +
                             std::to_string(announce_timeout.count()) + " ms" +
                             (seen.empty() ? std::string() : "; it printed: " + tail(seen, 400)));
}

server_process::~server_process() { stop(); }

namespace {

/// The URL under `key` of an announcement, without its trailing slashes; empty when absent.
std::string url_in(json const& announcement, char const* key)
{
    auto const it = announcement.find(key);
    if (it == announcement.end() || !it->is_string())
        return {};
    auto s = it->get<std::string>();
    while (!s.empty() && s.back() == '/')
        s.pop_back();
    return s;
}

} // namespace

std::string server_process::ws_base() const { return url_in(announcement_, "ws"); }

std::string server_process::wss_base() const { return url_in(announcement_, "wss"); }

std::string server_process::tcp_address() const
{
    auto const it = announcement_.find("tcp");
    if (it == announcement_.end() || !it->is_object())
        return {};
    return it->value("host", std::string("127.0.0.1")) + ":" + std::to_string(it->value("port", 0));
}

double server_process::cpu_seconds() const
{
    // The command may be `sh -c server`: dash execs the last command, so PID is the server.
    auto const s = read_process_stat(pid_);
    return s ? s->cpu_seconds : -1;
}

void server_process::stop() noexcept
{
    if (pid_ > 0) {
        ::kill(-pid_, SIGTERM);
        int status = 0;
        bool gone = false;
        for (int i = 0; i < 200 && !gone; ++i) {
            if (::waitpid(pid_, &status, WNOHANG) == pid_)
                gone = true;
            else
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        if (!gone) {
            ::kill(-pid_, SIGKILL);
            ::waitpid(pid_, &status, 0);
        }
        pid_ = -1;
    }
    if (out_fd_ >= 0) {
        ::close(out_fd_);
        out_fd_ = -1;
    }
}

} // namespace sockconf::bench
