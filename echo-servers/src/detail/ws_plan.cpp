#include "ws_plan.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <charconv>
#include <utility>

namespace sockconf::echo::detail {

namespace {

template <class Int>
std::optional<Int> parse_int(std::string_view s)
{
    Int v{};
    auto const [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size())
        return std::nullopt;
    return v;
}

// The paths of echo-servers/README.md's table; any other is not_found.
constexpr std::pair<std::string_view, ws_behaviour> paths[] = {
    {"/", ws_behaviour::echo},           {"/echo", ws_behaviour::echo},
    {"/close", ws_behaviour::close},     {"/reject", ws_behaviour::reject},
    {"/handshake", ws_behaviour::handshake}, {"/delay", ws_behaviour::echo}, // echo after the delay
    {"/hang", ws_behaviour::hang},       {"/push", ws_behaviour::push},
    {"/drop", ws_behaviour::drop},       {"/fragment", ws_behaviour::fragment},
};

} // namespace

std::string_view behaviour_name(ws_behaviour b) noexcept
{
    switch (b) {
    case ws_behaviour::echo: return "echo";
    case ws_behaviour::close: return "close";
    case ws_behaviour::reject: return "reject";
    case ws_behaviour::handshake: return "handshake";
    case ws_behaviour::hang: return "hang";
    case ws_behaviour::push: return "push";
    case ws_behaviour::drop: return "drop";
    case ws_behaviour::fragment: return "fragment";
    case ws_behaviour::not_found: return "";
    }
    return "";
}

ws_plan plan_for(std::string_view target)
{
    ws_plan p;
    auto const parsed = boost::urls::parse_origin_form(target);
    if (!parsed) {
        p.bad_target = parsed.error().message();
        return p;
    }
    auto const& u = *parsed;
    std::string const path = u.path();
    for (auto const& [known, what] : paths) {
        if (path == known) {
            p.what = what;
            break;
        }
    }

    // Malformed numbers fall back to the documented defaults rather than failing
    // the connection: the case under test is the client, not the URL.
    for (auto const& param : u.params()) {
        if (param.key == "tag")
            p.tag = param.value;
        else if (param.key == "code") {
            // 0 sends a close frame without a status code; beyond 4999 is not a code.
            if (auto c = parse_int<unsigned>(param.value); c && *c <= 4999)
                p.close_code = static_cast<std::uint16_t>(*c);
        } else if (param.key == "reason")
            // A close frame's payload is at most 125 bytes: 2 for the code, 123 for the reason.
            p.close_reason = param.value.substr(0, 123);
        else if (param.key == "after") {
            if (auto n = parse_int<std::uint64_t>(param.value))
                p.close_after = *n;
        } else if (param.key == "protocol") {
            p.protocol = param.value;
        } else if (param.key == "delay_ms" || (param.key == "ms" && path == "/delay")) {
            // At most 10 minutes: a typo must not park a connection for ever.
            if (auto n = parse_int<std::uint64_t>(param.value))
                p.delay_ms = std::min(*n, wait_cap_ms);
        } else if (param.key == "count") {
            if (auto n = parse_int<std::uint64_t>(param.value))
                p.push_count = std::min(*n, count_cap);
        } else if (param.key == "ping") {
            if (auto n = parse_int<std::uint64_t>(param.value))
                p.ping_count = std::min(*n, count_cap);
        } else if (param.key == "ping_interval_ms") {
            if (auto n = parse_int<std::uint64_t>(param.value))
                p.ping_interval_ms = std::min(*n, wait_cap_ms);
        } else if (param.key == "size") {
            if (auto n = parse_int<std::size_t>(param.value)) {
                p.push_size = std::min(*n, push_size_cap);
                p.fragment_size = *n;
            }
        } else if (param.key == "binary") {
            p.push_binary = param.value == "1" || param.value == "true";
        } else if (param.key == "status") {
            // Only final statuses: a 1xx would leave the client waiting for more.
            if (auto s = parse_int<unsigned>(param.value); s && *s >= 200 && *s <= 599)
                p.reject_status = *s;
        }
    }
    return p;
}

std::optional<ws_refusal> refusal_for(ws_plan const& p)
{
    if (!p.bad_target.empty())
        return ws_refusal{400, "bad request target: " + p.bad_target};
    if (p.what == ws_behaviour::not_found)
        return ws_refusal{404, {}};
    if (p.what == ws_behaviour::reject)
        return ws_refusal{p.reject_status, {}};
    return std::nullopt;
}

std::string chosen_protocol(ws_plan const& p, std::vector<std::string> const& offered)
{
    if (!p.protocol)
        return {};
    if (*p.protocol == "first")
        return offered.empty() ? std::string{} : offered.front();
    if (std::find(offered.begin(), offered.end(), *p.protocol) != offered.end())
        return *p.protocol;
    return {};
}

} // namespace sockconf::echo::detail
