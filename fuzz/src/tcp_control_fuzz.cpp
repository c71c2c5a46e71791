// The TCP behaviour a control API request asks for (`sockconf serve --control`,
// GET /listen?behaviour=B&bytes=N&port=P&family=F): Beast's request parser with
// the control session's limits, then detail::read_control_request, which names
// the listener's tcp_behaviour (tcp_behaviour_from_name), port and address, or
// the 4xx answer, without opening anything. The case loader's `listen` step
// (the other reader of behaviour names) is fuzzed by case_fuzz.
#include "fuzz_input.hpp"

#include "detail/control_request.hpp"

#include "http_input.hpp"

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    namespace http = boost::beast::http;
    namespace d = sockconf::echo::detail;
    http::request_parser<http::string_body> parser;
    d::limit_control_request(parser);
    if (!sockconf::fuzz::feed_request(parser, data, size))
        return 0; // the control session answers nothing
    auto const& req = parser.get();
    for (auto const* host : {"127.0.0.1", "::1"}) {
        auto const r = d::read_control_request(std::string(req.method_string()), std::string(req.target()), host);
        if (auto const* bad = std::get_if<sockconf::echo::control_reply>(&r))
            (void)bad->body.dump(-1, ' ', false, sockconf::json::error_handler_t::replace);
    }
    return 0;
}
