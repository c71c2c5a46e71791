// Upgraded WebSocket connections held open and idle (nothing sent, nothing read): the
// crowd a server carries while a smaller part of it works, for `sockconf bench --scenario
// scale` (10,000 connections, 1,000 of them active).
#pragma once

#include <sockconf/bench/load.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace sockconf::bench {

class idle_connections {
public:
    /// Open `count` ws:// connections to `target`, at most `concurrency` handshakes at once,
    /// the whole within `timeout`; they stay open until this is destroyed. Never throws for
    /// a connection that fails: opened() and error() say how it went.
    idle_connections(load_target const& target, std::size_t count, std::chrono::milliseconds timeout,
                     std::size_t concurrency = 256);
    ~idle_connections();
    idle_connections(idle_connections const&) = delete;
    idle_connections& operator=(idle_connections const&) = delete;

    std::size_t opened() const noexcept;
    /// The first failure ("" when every connection opened).
    std::string const& error() const noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace sockconf::bench
