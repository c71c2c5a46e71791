// What the wire record (and the /handshake report) keeps of an HTTP upgrade
// request's header fields: the fields as they came (header_fields.hpp), and
// the offered subprotocols (split on commas, trimmed, empty items
// left out). Templated on Beast's field containers; no I/O.
#pragma once

#include <sockconf/echo/wire_log.hpp>

#include <boost/beast/http/field.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace sockconf::echo::detail {

/// The bounds of an upgrade request the session reads (header and body, bytes):
/// a client cannot make the server buffer more.
template <class Parser>
void limit_request(Parser& parser)
{
    parser.header_limit(64 * 1024);
    parser.body_limit(64 * 1024);
}

inline std::string_view trim(std::string_view s)
{
    auto const first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos)
        return {};
    auto const last = s.find_last_not_of(" \t");
    return s.substr(first, last - first + 1);
}

/// The fields as they came, sized first so that the record's copy is one
/// allocation of each kind: it runs for every handshake.
template <class Fields>
header_fields request_header_fields(Fields const& fields)
{
    std::size_t count = 0, bytes = 0;
    for (auto const& f : fields) {
        ++count;
        bytes += f.name_string().size() + f.value().size();
    }
    header_fields out;
    out.reserve(count, bytes);
    for (auto const& f : fields) {
        auto const name = f.name_string();
        auto const value = f.value();
        out.add({name.data(), name.size()}, {value.data(), value.size()});
    }
    return out;
}

template <class Fields>
std::vector<std::string> offered_protocols(Fields const& fields)
{
    std::vector<std::string> out;
    for (auto const& f : fields) {
        if (f.name() != boost::beast::http::field::sec_websocket_protocol)
            continue;
        std::string_view rest = f.value();
        while (!rest.empty()) {
            auto const comma = rest.find(',');
            auto const item = trim(rest.substr(0, comma));
            if (!item.empty())
                out.emplace_back(item);
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        }
    }
    return out;
}

} // namespace sockconf::echo::detail
