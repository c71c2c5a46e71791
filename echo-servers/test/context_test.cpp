// detail/context.hpp: what an accepted connection's wire record says of its endpoints,
// and the session registry.
#include "detail/context.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace {

namespace asio = boost::asio;
using sockconf::echo::wire_log;
using sockconf::echo::wire_record;
using sockconf::echo::detail::accepted_from;
using sockconf::echo::detail::fill_endpoints;
using sockconf::echo::detail::session_base;
using sockconf::echo::detail::session_registry;

struct counted_session final : session_base {
    std::atomic<int> shutdowns{0};
    void shutdown() override { ++shutdowns; }
};

TEST(echo_context, the_remote_address_is_written_as_asio_writes_it)
{
    for (char const* text : {"127.0.0.1", "0.0.0.0", "255.255.255.255", "10.20.3.4", "192.168.100.9", "::1",
                             "::ffff:1.2.3.4", "fe80::1"}) {
        SCOPED_TRACE(text);
        auto const address = asio::ip::make_address(text);
        wire_record r;
        fill_endpoints(accepted_from{{address, 50123}, 8080}, r);
        EXPECT_EQ(r.remote_address, address.to_string());
        EXPECT_EQ(r.remote_port, 50123);
        EXPECT_EQ(r.local_port, 8080);
    }
}

// close_tag_family() reads the open ids from the log, then asks the registry. A
// session whose record the log already shows must be in the registry by then, even
// when the accepting thread is slow between the two (here: 200 ms).
TEST(echo_session_registry, a_record_the_log_shows_open_is_a_session_shut_down_if_finds)
{
    wire_log log;
    session_registry registry;
    auto const s = std::make_shared<counted_session>();
    std::thread accepting([&] {
        registry.add(s, [&] {
            wire_record r;
            r.tag = "case-1";
            auto const id = log.add(std::move(r));
            std::this_thread::sleep_for(std::chrono::milliseconds(200)); // a slow accept
            return id;
        });
    });
    auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    std::vector<std::uint64_t> ids;
    while ((ids = log.open_ids_of_family("case-1")).empty() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::yield();
    ASSERT_EQ(ids.size(), 1u);
    EXPECT_EQ(registry.shut_down_if([&](std::uint64_t id) { return id == ids[0]; }), 1u);
    accepting.join();
    EXPECT_EQ(s->shutdowns, 1);
    registry.remove(s.get());
}

TEST(echo_session_registry, a_closed_registry_refuses_a_session_but_its_record_is_kept)
{
    wire_log log;
    session_registry registry;
    registry.close_all();
    auto const s = std::make_shared<counted_session>();
    EXPECT_FALSE(registry.add(s, [&] { return log.add(wire_record{}); }));
    EXPECT_EQ(registry.size(), 0u);
    EXPECT_EQ(log.all().size(), 1u);
}

} // namespace
