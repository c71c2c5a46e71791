// api_load.hpp against the in-process echo servers: the reference through its
// API, the plain Beast client, and the reference through the harness driver.
// Bounded by count; no timing asserts.
#include <sockconf/bench/api_load.hpp>
#include "echo_fixture.hpp"
#include <sockconf/harness/driver.hpp>

#include <gtest/gtest.h>

namespace sockconf::bench {
namespace {

class api_load : public test::echo_fixture {
protected:
    void SetUp() override
    {
        echo_fixture::SetUp();
        prof_ = profile::load(SOCKCONF_SOURCE_DIR "/specs/profiles/wechat.json");
    }
    load_options options(transport kind, std::size_t size, payload_kind p)
    {
        auto o = echo_fixture::options(kind, size, 2, 4);
        o.payload = p;
        o.max_messages = 300;
        return o;
    }
    profile prof_;
};

void expect_counted(load_result const& r, load_options const& o)
{
    EXPECT_EQ(r.error, "");
    EXPECT_GE(r.messages, o.max_messages);
    EXPECT_EQ(r.bytes, r.messages * o.size);
    EXPECT_EQ(r.latency.count(), r.messages);
}

TEST_F(api_load, reference_ws_binary_and_text)
{
    for (auto p : {payload_kind::binary, payload_kind::text}) {
        auto const o = options(transport::ws, 100, p);
        expect_counted(run_reference_load(prof_, o), o);
    }
}

TEST_F(api_load, reference_tcp)
{
    auto const o = options(transport::tcp, 1000, payload_kind::binary);
    expect_counted(run_reference_load(prof_, o), o);
}

TEST_F(api_load, beast_plain_client)
{
    auto const o = options(transport::ws, 70000, payload_kind::binary);
    expect_counted(run_beast_plain_load(o), o);
}

TEST_F(api_load, reference_through_the_driver)
{
    auto factory = harness::make_reference_factory(prof_);
    auto o = options(transport::ws, 64, payload_kind::text);
    o.connections = 1;
    expect_counted(run_driver_load(*factory, o), o);
}

TEST_F(api_load, a_refused_connection_throws)
{
    auto o = options(transport::ws, 16, payload_kind::binary);
    o.connect_timeout = std::chrono::milliseconds(3000);
    s_->stop();
    EXPECT_THROW(run_reference_load(prof_, o), std::runtime_error);
    EXPECT_THROW(run_beast_plain_load(o), std::runtime_error);
}

} // namespace
} // namespace sockconf::bench
