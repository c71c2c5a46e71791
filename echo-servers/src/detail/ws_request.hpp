// What the wire record (and the /handshake report) keeps of an HTTP upgrade
// request's header fields: the headers by lower-case name, repeats joined by
// ", ", and the offered subprotocols (split on commas, trimmed, empty items
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

/// ASCII lower case (header names are tokens: ASCII, RFC 9110 5.1), without
/// the locale std::tolower consults per character.
inline std::string lower(std::string_view s)
{
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

inline std::string_view trim(std::string_view s)
{
    auto const first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos)
        return {};
    auto const last = s.find_last_not_of(" \t");
    return s.substr(first, last - first + 1);
}

/// One lookup per field, the lower-cased name moved in as the key: it runs for
/// every handshake.
template <class Fields>
json header_object(Fields const& fields)
{
    json out = json::object();
    auto& object = out.get_ref<json::object_t&>();
    for (auto const& f : fields) {
        auto const value = f.value();
        auto const [it, added] = object.try_emplace(lower(f.name_string()), nullptr);
        if (added) {
            it->second = std::string(value);
        } else {
            auto& joined = it->second.template get_ref<std::string&>();
            joined.append(", ").append(value.data(), value.size());
        }
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
