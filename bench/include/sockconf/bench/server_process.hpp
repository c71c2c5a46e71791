// A server under measurement as its own process: started with a shell command,
// optionally pinned to one CPU, announced by one JSON line on its stdout
// (`sockconf serve --json`, the peers of bench/peers/), its CPU time read from
// /proc/PID/stat, stopped with SIGTERM (then SIGKILL).
#pragma once

#include <sockconf/common/value.hpp>

#include <chrono>
#include <string>
#include <sys/types.h>

namespace sockconf::bench {

class server_process {
public:
    /// Start `/bin/sh -c command` in its own process group, pinned to `cpu`
    /// (-1: not pinned), and wait at most `announce_timeout` for its first
    /// stdout line that is a JSON object. Throws std::runtime_error naming the
    /// command (and the end of what it printed) when it exits or stays silent.
    server_process(std::string const& command, int cpu, std::chrono::milliseconds announce_timeout);
    ~server_process(); ///< stop()
    server_process(server_process const&) = delete;
    server_process& operator=(server_process const&) = delete;

    /// The announcement, e.g. {"ws":"ws://127.0.0.1:P","tcp":{"host":"127.0.0.1","port":Q}}.
    json const& announcement() const noexcept { return announcement_; }
    /// "ws://host:port" without a trailing slash; empty when not announced.
    std::string ws_base() const;
    /// "wss://host:port" without a trailing slash; empty when not announced.
    std::string wss_base() const;
    /// "host:port" of the TCP echo; empty when not announced.
    std::string tcp_address() const;
    pid_t pid() const noexcept { return pid_; }

    /// User + system CPU seconds of the process group leader and its waited-for
    /// children so far (/proc/PID/stat); negative when it cannot be read.
    double cpu_seconds() const;

    /// SIGTERM the group, wait up to 2 s, then SIGKILL. Idempotent.
    void stop() noexcept;

private:
    pid_t pid_ = -1;
    int out_fd_ = -1;
    json announcement_;
};

} // namespace sockconf::bench
