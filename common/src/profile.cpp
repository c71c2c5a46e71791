#include <sockconf/common/json_file.hpp>
#include <sockconf/common/json_reader.hpp>
#include <sockconf/common/profile.hpp>

#include <algorithm>
#include <cctype>

namespace sockconf {

profile profile::from_json(json const& doc, std::string const& source)
{
    json_reader r(doc, source);
    // "$schema": where editors find specs/schemas/profile.schema.json; nothing to the harness.
    r.only_keys({"$schema", "id", "title", "base_library", "limits", "timings", "switches", "tcp_error_codes", "notes"});
    profile p;
    p.id = r.at("id").non_empty_string();
    p.title = r.at("title").string();
    p.base_library = r.at("base_library").non_empty_string();

    auto l = r.at("limits");
    l.only_keys({"max_concurrent_websockets", "close_reason_max_bytes", "tcp_create_max",
                 "tcp_create_window_ms", "tcp_blocked_ports"});
    p.limits.max_concurrent_websockets = int(l.at("max_concurrent_websockets").integer_in(1, 1024));
    p.limits.close_reason_max_bytes = int(l.at("close_reason_max_bytes").integer_in(0, 123));
    p.limits.tcp_create_max = int(l.at("tcp_create_max").integer_in(1, 1'000'000));
    p.limits.tcp_create_window_ms = l.at("tcp_create_window_ms").integer_in(1, 86'400'000);
    auto ports = l.at("tcp_blocked_ports");
    ports.expect_array();
    for (std::size_t i = 0; i < ports.size(); ++i) {
        auto e = ports.at(i);
        // A port, or an inclusive range [lo, hi].
        if (e.value().is_array()) {
            if (e.size() != 2)
                e.fail("E-TYPE", "expected a port or a range [low, high]");
            auto lo = int(e.at(std::size_t{0}).integer_in(0, 65535));
            auto hi = int(e.at(std::size_t{1}).integer_in(lo, 65535));
            p.limits.tcp_blocked_ports.emplace_back(lo, hi);
        } else {
            auto port = int(e.integer_in(0, 65535));
            p.limits.tcp_blocked_ports.emplace_back(port, port);
        }
    }

    auto t = r.at("timings");
    // The harness's own timings moved to specs/settings.json: a profile still naming
    // one would look as if it set it while the harness reads the settings file.
    for (auto const* key : {"case_timeout_ms", "wait_timeout_ms", "settle_ms"})
        if (auto moved = t.find(key))
            moved->fail("E-PROFILE-HARNESS-TIMING",
                        std::string("timings.") + key +
                            " is a harness setting, not a platform fact: it moved to specs/settings.json "
                            "(`sockconf run --settings FILE` overrides it); remove it from this profile");
    t.only_keys({"ws_connect_timeout_ms", "tcp_connect_timeout_s"});
    p.timings.ws_connect_timeout_ms = t.at("ws_connect_timeout_ms").integer_in(1, 3'600'000);
    p.timings.tcp_connect_timeout_s = t.at("tcp_connect_timeout_s").integer_in(1, 3600);

    auto s = r.at("switches");
    s.only_keys({"legacy_single_connection", "wss_only", "allowed_domains", "close_default_code", "limit_refusal",
                 "tcp_default_family", "tcp_allow_loopback", "tcp_bind_wifi", "connect_returns_promise"});
    p.switches.legacy_single_connection = s.at("legacy_single_connection").boolean();
    p.switches.wss_only = s.at("wss_only").boolean();
    if (auto domains = s.at("allowed_domains"); !domains.value().is_null()) {
        domains.expect_array();
        p.switches.allowed_domains.emplace();
        for (std::size_t i = 0; i < domains.size(); ++i)
            p.switches.allowed_domains->push_back(domains.at(i).non_empty_string());
    }
    p.switches.close_default_code = int(s.at("close_default_code").integer_in(1000, 4999));
    auto refusal = s.at("limit_refusal");
    auto const channel = refusal.string();
    if (channel == "fail_callback")
        p.switches.limit_refusal = refusal_channel::fail_callback;
    else if (channel == "error_event")
        p.switches.limit_refusal = refusal_channel::error_event;
    else
        refusal.fail("E-ENUM", "expected \"fail_callback\" or \"error_event\", got \"" + channel + "\"");
    auto family = s.at("tcp_default_family");
    auto const fam = family.string();
    if (fam == "IPv4")
        p.switches.tcp_default_family = ip_family::v4;
    else if (fam == "IPv6")
        p.switches.tcp_default_family = ip_family::v6;
    else
        family.fail("E-ENUM", "expected \"IPv4\" or \"IPv6\", got \"" + fam + "\"");
    p.switches.tcp_allow_loopback = s.at("tcp_allow_loopback").boolean();
    p.switches.tcp_bind_wifi = s.at("tcp_bind_wifi").boolean();
    p.switches.connect_returns_promise = s.at("connect_returns_promise").boolean();

    auto codes = r.at("tcp_error_codes");
    auto& c = p.tcp_error_codes;
    std::pair<char const*, int*> const fields[] = {
        {"system", &c.system},           {"socket", &c.socket},
        {"no_permission", &c.no_permission}, {"connect_failed", &c.connect_failed},
        {"invalid_address", &c.invalid_address}, {"invalid_port", &c.invalid_port},
        {"invalid_bssid", &c.invalid_bssid}, {"wifi_system", &c.wifi_system},
        {"android_only", &c.android_only}, {"android_too_old", &c.android_too_old}};
    codes.only_keys({"system", "socket", "no_permission", "connect_failed", "invalid_address", "invalid_port",
                     "invalid_bssid", "wifi_system", "android_only", "android_too_old"});
    for (auto const& [name, field] : fields)
        *field = int(codes.at(name).integer_in(-1000, 1000));

    p.raw = doc;
    p.raw.erase("$schema"); // not a platform fact: no ${profile.$schema}, no `when` on it
    return p;
}

profile profile::load(std::string const& path) { return from_json(read_json_file(path), path); }

bool profile::tcp_port_blocked(int port) const noexcept
{
    for (auto const& [lo, hi] : limits.tcp_blocked_ports)
        if (port >= lo && port <= hi)
            return true;
    return false;
}

bool profile::domain_allowed(std::string_view host) const noexcept
{
    if (!switches.allowed_domains)
        return true;
    auto const same = [](char a, char b) { return std::tolower((unsigned char)a) == std::tolower((unsigned char)b); };
    return std::any_of(switches.allowed_domains->begin(), switches.allowed_domains->end(),
                       [&](std::string const& d) { return std::equal(d.begin(), d.end(), host.begin(), host.end(), same); });
}

} // namespace sockconf
