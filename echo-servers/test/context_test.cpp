// detail/context.hpp: what an accepted connection's wire record says of its endpoints.
#include "detail/context.hpp"

#include <gtest/gtest.h>

namespace {

namespace asio = boost::asio;
using sockconf::echo::wire_record;
using sockconf::echo::detail::accepted_from;
using sockconf::echo::detail::fill_endpoints;

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

} // namespace
