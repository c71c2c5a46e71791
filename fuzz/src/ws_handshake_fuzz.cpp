// The echo server's reading of an HTTP upgrade request (ws_handshake.hpp,
// on_request): Beast's request parser with the session's limits
// (detail::limit_request), then everything the session derives from the request
// before answering: the plan of its target (plan_for, refusal_for), whether it is
// an upgrade (checked against Beast's is_upgrade: a difference aborts), the
// header fields (as JSON) and offered subprotocols of the wire record, the subprotocol
// chosen and the 101 of ws_accept.hpp.
#include "fuzz_input.hpp"

#include "detail/ws_accept.hpp"
#include "detail/ws_plan.hpp"
#include "detail/ws_request.hpp"

#include "http_input.hpp"

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    namespace http = boost::beast::http;
    namespace d = sockconf::echo::detail;
    http::request_parser<http::string_body> parser;
    d::limit_request(parser);
    if (!sockconf::fuzz::feed_request(parser, data, size))
        return 0; // the session fails the record: "handshake request: ..."
    auto const& req = parser.get();
    auto const plan = d::plan_for(req.target());
    (void)d::refusal_for(plan);
    d::upgrade_fields const fields(req);
    if (d::is_upgrade(req, fields) != boost::beast::websocket::is_upgrade(req))
        __builtin_trap(); // the session would refuse (or serve) what Beast would not
    (void)sockconf::echo::wire_headers(d::request_header_fields(req)).dump();
    auto const offered = d::offered_protocols(req);
    (void)d::upgrade_answer(req, fields, d::chosen_protocol(plan, offered));
    (void)d::behaviour_name(plan.what);
    return 0;
}
