// The in-process echo servers (ws://, wss:// and tcp) the load tests drive, and
// load options aimed at them, bounded by count.
#pragma once

#include <sockconf/bench/load.hpp>
#include <sockconf/echo/servers.hpp>

#include <gtest/gtest.h>

#include <optional>

namespace sockconf::bench::test {

class echo_fixture : public ::testing::Test {
protected:
    void SetUp() override
    {
        s_.emplace(echo::server_options{});
        s_->start();
    }

    /// `connections` x `in_flight` of `size`-byte messages, no warm-up, ended by
    /// max_messages (set by the test) well before the 10 s window.
    load_options options(transport kind, std::size_t size, unsigned connections, unsigned in_flight)
    {
        load_options o;
        o.target = kind == transport::tcp ? parse_tcp_address("127.0.0.1:" + std::to_string(s_->tcp_port()))
                                          : parse_ws_url((kind == transport::wss ? s_->wss_url() : s_->ws_url()) + "/echo");
        o.size = size;
        o.connections = connections;
        o.in_flight = in_flight;
        o.warmup = std::chrono::duration<double>(0);
        o.duration = std::chrono::duration<double>(10);
        return o;
    }

    std::optional<echo::servers> s_;
};

} // namespace sockconf::bench::test
