// detail/ws_request.hpp: what the wire record keeps of an upgrade request's fields.
#include "detail/ws_request.hpp"

#include <boost/beast/http/fields.hpp>

#include <gtest/gtest.h>

namespace {

namespace http = boost::beast::http;
using sockconf::json;
using sockconf::echo::detail::request_header_fields;
using sockconf::echo::wire_headers;
using sockconf::echo::detail::offered_protocols;

TEST(echo_ws_request, headers_by_lower_case_name_with_repeats_joined_in_order)
{
    http::fields f;
    f.insert(http::field::host, "127.0.0.1:9");
    f.insert("X-Dup", "first");
    f.insert("Sec-WebSocket-Extensions", "permessage-deflate");
    f.insert("x-DUP", "second");
    f.insert("X-Empty", "");
    auto const h = request_header_fields(f);
    EXPECT_EQ(h.size(), 5u);
    EXPECT_EQ(h.find("x-dup"), "first, second");
    EXPECT_EQ(wire_headers(h), (json{{"host", "127.0.0.1:9"},
                                     {"x-dup", "first, second"},
                                     {"sec-websocket-extensions", "permessage-deflate"},
                                     {"x-empty", ""}}));
}

TEST(echo_ws_request, offered_protocols_are_split_trimmed_and_empty_items_dropped)
{
    http::fields f;
    f.insert(http::field::sec_websocket_protocol, " chat ,, v2.x");
    f.insert(http::field::sec_websocket_protocol, "last");
    EXPECT_EQ(offered_protocols(f), (std::vector<std::string>{"chat", "v2.x", "last"}));
}

} // namespace
