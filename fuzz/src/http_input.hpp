// The HTTP targets' input: all of it given to a request parser as http::async_read
// hands a client's bytes over, then the end of the stream.
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <cstdint>

namespace sockconf::fuzz {

/// True when `parser` holds a whole request (the session goes on to answer it).
inline bool feed_request(boost::beast::http::request_parser<boost::beast::http::string_body>& parser,
                         std::uint8_t const* data, std::size_t size)
{
    namespace http = boost::beast::http;
    boost::beast::error_code ec;
    std::size_t used = 0;
    while (used < size && !parser.is_done()) {
        auto const n = parser.put(boost::asio::buffer(data + used, size - used), ec);
        used += n;
        if (ec || n == 0)
            break;
    }
    if (ec == http::error::need_more)
        ec = {};
    if (!ec && !parser.is_done())
        parser.put_eof(ec);
    return !ec && parser.is_done();
}

} // namespace sockconf::fuzz
