#include <sockconf/reports/result.hpp>

#include <algorithm>

#include <array>
#include <cctype>
#include <cstdio>
#include <functional>
#include <initializer_list>

namespace sockconf::reports {

namespace {
constexpr std::array<std::string_view, 8> names = {
    "PASS", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAIL", "ERROR", "TIMEOUT", "SKIP"};
constexpr std::array<std::string_view, 4> kind_names = {"step", "expect", "outcome", "invariant"};
constexpr std::array<std::string_view, 5> check_status_names = {"pass", "fail", "error", "timeout", "not-run"};

template <class E, std::size_t N>
std::optional<E> from_names(std::array<std::string_view, N> const& all, std::string_view s) noexcept
{
    for (std::size_t i = 0; i < all.size(); ++i)
        if (all[i] == s)
            return static_cast<E>(i);
    return std::nullopt;
}
} // namespace

std::string_view to_string(check_kind k) noexcept { return kind_names[static_cast<std::size_t>(k)]; }
std::optional<check_kind> check_kind_from_string(std::string_view s) noexcept
{
    return from_names<check_kind>(kind_names, s);
}
std::string_view to_string(check_status s) noexcept { return check_status_names[static_cast<std::size_t>(s)]; }
std::optional<check_status> check_status_from_string(std::string_view s) noexcept
{
    return from_names<check_status>(check_status_names, s);
}

std::string_view to_string(status s) noexcept { return names[static_cast<std::size_t>(s)]; }

std::optional<status> status_from_string(std::string_view s) noexcept { return from_names<status>(names, s); }

bool conforming(status s) noexcept
{
    return s == status::pass || s == status::non_strict || s == status::informational ||
           s == status::skip;
}

std::string trace_line(json const& e)
{
    auto str = [&](char const* k) { return e.contains(k) && e[k].is_string() ? e[k].get<std::string>() : std::string(); };
    auto val = [&](char const* k) {
        return e.contains(k) ? " " + e[k].dump(-1, ' ', false, json::error_handler_t::replace) : std::string();
    };
    std::string line = "#" + (e.contains("seq") ? e["seq"].dump() : std::string("?"));
    if (e.contains("t_ms") && e["t_ms"].is_number())
        line += "  " + std::to_string(static_cast<long long>(e["t_ms"].get<double>() * 10) / 10) + "." +
                std::to_string(static_cast<long long>(e["t_ms"].get<double>() * 10) % 10) + " ms";
    auto const type = str("type");
    line += "  " + type;
    if (type == "invoke")
        line += " " + str("fn") + val("arg") + (e.value("sync", false) ? "  (SYNCHRONOUS)" : "");
    else if (type == "call")
        line += " " + str("target") + val("args") +
                (e.contains("threw") ? " threw" + val("threw")
                 : e.contains("error") ? " failed:" + val("error")
                 : e.contains("value") && !e["value"].is_null() ? " ->" + val("value") : "");
    else if (type == "get")
        line += " " + str("target") + " =" + val("value");
    else if (type == "note")
        line += " " + str("text");
    else
        line += val("data");
    return line;
}

std::optional<shard> parse_shard(std::string_view text)
{
    int i = 0, n = 0;
    char slash = 0, extra = 0;
    if (std::sscanf(std::string(text).c_str(), "%d%c%d%c", &i, &slash, &n, &extra) != 3 || slash != '/' || n < 1 ||
        i < 1 || i > n)
        return std::nullopt;
    return shard{i, n};
}

bool case_result::flaky() const noexcept
{
    return std::adjacent_find(attempts.begin(), attempts.end(), std::not_equal_to<>()) != attempts.end();
}

std::vector<check_result const*> case_result::also_seen() const
{
    std::vector<check_result const*> out;
    // An allowed outcome that was missed while another held (or a detail of "none held", which is
    // its own check) does not count either, but it is an alternative the case lists, not a finding.
    for (auto const& c : checks)
        if (!c.counts && c.result == check_status::fail && c.kind != check_kind::outcome)
            out.push_back(&c);
    return out;
}

std::vector<std::size_t> run_report::counts() const
{
    std::vector<std::size_t> n(names.size(), 0);
    for (auto const& c : cases)
        ++n[static_cast<std::size_t>(c.result)];
    return n;
}

std::size_t run_report::count(status s) const { return counts()[static_cast<std::size_t>(s)]; }

std::size_t run_report::unexpected() const
{
    return static_cast<std::size_t>(std::count_if(cases.begin(), cases.end(), [](auto const& c) { return c.unexpected; }));
}

std::string browser_engine::label() const
{
    if (!known())
        return "";
    return version.empty() ? name : name + " " + version;
}

browser_engine engine_of_user_agent(std::string_view ua)
{
    browser_engine out;
    if (ua.empty())
        return out;
    out.user_agent = std::string(ua);
    // The major version after the first of `tokens` found ("Firefox/153.0": "153"). A reduced
    // Chrome User-Agent says 140.0.0.0 whatever the build: only the major number is told
    // apart everywhere.
    auto version_after = [&](std::initializer_list<std::string_view> tokens) -> std::optional<std::string> {
        for (auto token : tokens) {
            auto const at = ua.find(token);
            if (at == std::string_view::npos)
                continue;
            auto to = at + token.size();
            while (to < ua.size() && std::isdigit(static_cast<unsigned char>(ua[to])))
                ++to;
            return std::string(ua.substr(at + token.size(), to - at - token.size()));
        }
        return std::nullopt;
    };
    // Firefox first: Blink and WebKit User-Agents say "like Gecko", never "Firefox/"; Blink's
    // say "Safari/" too, so WebKit is what is left with Safari/ and Version/.
    if (auto v = version_after({"Firefox/"})) {
        out.name = "firefox";
        out.version = *v;
    } else if (auto c = version_after({"HeadlessChrome/", "Chromium/", "Chrome/", "Edg/"})) {
        out.name = "chromium";
        out.version = *c;
    } else if (auto w = ua.find("Safari/") == std::string_view::npos ? std::nullopt : version_after({"Version/"})) {
        out.name = "webkit";
        out.version = *w;
    } else {
        out.name = "unknown";
    }
    return out;
}

} // namespace sockconf::reports
