// What a control API request asks (control.hpp), read from its method and target
// with no sockets: the path, the tag, and for /listen and /unlisten the port, the
// address and the TCP behaviour, or the 4xx answer a bad one gets. answer_control
// then does the I/O; fuzz/ feeds this with bytes.
#pragma once

#include <sockconf/echo/control.hpp>
#include <sockconf/echo/servers.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace sockconf::echo::detail {

struct control_request {
    std::string path; ///< /listen, /unlisten, /wire or /closed-port
    std::string tag;
    // /listen and /unlisten only:
    std::uint16_t port = 0;   ///< 0: any free port
    std::string address;      ///< `host`, or the family's (listen_address_for)
    tcp_behaviour behaviour;  ///< /listen only
};

/// The bounds of a control request (header and body, bytes): it is one short GET.
template <class Parser>
void limit_control_request(Parser& parser)
{
    parser.body_limit(4096);
    parser.header_limit(8192);
}

/// The request, or the answer to a bad one (400, 404, 405), checked in the order
/// control.hpp's answers imply. `host`: the servers' host.
std::variant<control_request, control_reply> read_control_request(std::string_view method, std::string_view target,
                                                                   std::string const& host);

} // namespace sockconf::echo::detail
