#include <sockconf/common/profile.hpp>
#include <sockconf/common/spec_error.hpp>

#include <gtest/gtest.h>

#include <filesystem>

using namespace sockconf;

namespace {
std::string const wechat = std::string(SOCKCONF_SOURCE_DIR) + "/specs/profiles/wechat.json";

/// The error loading `doc` gives; a default one (empty id) when it loads.
spec_error rejection(json const& doc)
{
    try {
        profile::from_json(doc, "x.json");
    } catch (spec_error const& e) {
        return e;
    }
    ADD_FAILURE() << "the profile loaded";
    return spec_error("", "", "", "");
}
} // namespace

TEST(profile, wechat_loads_with_documented_values)
{
    auto p = profile::load(wechat);
    EXPECT_EQ(p.id, "wechat");
    EXPECT_EQ(p.limits.max_concurrent_websockets, 5);
    EXPECT_EQ(p.switches.close_default_code, 1000);
    EXPECT_EQ(p.limits.close_reason_max_bytes, 123);
}

TEST(profile, blocked_ports_are_inclusive_ranges)
{
    auto p = profile::load(wechat);
    EXPECT_TRUE(p.tcp_port_blocked(0));
    EXPECT_TRUE(p.tcp_port_blocked(1023));
    EXPECT_FALSE(p.tcp_port_blocked(1024));
    EXPECT_FALSE(p.tcp_port_blocked(7999));
    EXPECT_TRUE(p.tcp_port_blocked(8000));
    EXPECT_TRUE(p.tcp_port_blocked(8100));
    EXPECT_FALSE(p.tcp_port_blocked(8101));
    EXPECT_TRUE(p.tcp_port_blocked(27019));
}

TEST(profile, missing_field_is_named)
{
    auto doc = profile::load(wechat).raw;
    doc["timings"].erase("tcp_connect_timeout_s");
    auto const e = rejection(doc);
    EXPECT_EQ(e.id(), "E-MISSING");
    EXPECT_EQ(e.pointer(), "/timings");
    EXPECT_NE(std::string(e.what()).find("tcp_connect_timeout_s"), std::string::npos);
}

TEST(profile, a_harness_timing_is_refused_saying_where_it_moved)
{
    // The harness's timings are in specs/settings.json; a profile naming one would seem to set
    // a value the harness ignores.
    for (auto const* key : {"case_timeout_ms", "wait_timeout_ms", "settle_ms"}) {
        auto doc = profile::load(wechat).raw;
        doc["timings"][key] = 30;
        auto const e = rejection(doc);
        EXPECT_EQ(e.id(), "E-PROFILE-HARNESS-TIMING") << key;
        EXPECT_EQ(e.file(), "x.json");
        EXPECT_EQ(e.pointer(), std::string("/timings/") + key);
        EXPECT_NE(std::string(e.what()).find("specs/settings.json"), std::string::npos) << e.what();
    }
}

TEST(profile, no_shipped_profile_names_a_harness_timing)
{
    for (auto const& e : std::filesystem::directory_iterator(std::string(SOCKCONF_SOURCE_DIR) + "/specs/profiles"))
        EXPECT_NO_THROW(profile::load(e.path().string())) << e.path();
}

TEST(profile, bad_enum_is_named)
{
    auto doc = profile::load(wechat).raw;
    doc["switches"]["limit_refusal"] = "shout";
    auto const e = rejection(doc);
    EXPECT_EQ(e.id(), "E-ENUM");
    EXPECT_EQ(e.pointer(), "/switches/limit_refusal");
}

TEST(profile, allowed_domains_null_allows_any_host_and_a_list_only_its_hosts)
{
    auto doc = profile::load(wechat).raw;
    EXPECT_TRUE(profile::from_json(doc, "x.json").domain_allowed("127.0.0.1"));
    doc["switches"]["allowed_domains"] = {"Example.com", "localhost"};
    auto const p = profile::from_json(doc, "x.json");
    EXPECT_TRUE(p.domain_allowed("localhost"));
    EXPECT_TRUE(p.domain_allowed("example.COM"));
    EXPECT_FALSE(p.domain_allowed("127.0.0.1"));
    EXPECT_FALSE(p.domain_allowed("example.com.evil"));
    doc["switches"]["allowed_domains"] = "localhost";
    auto const e = rejection(doc);
    EXPECT_EQ(e.id(), "E-TYPE");
    EXPECT_EQ(e.pointer(), "/switches/allowed_domains");
}

TEST(profile, tcp_switches_and_error_codes_come_from_the_file)
{
    auto const p = profile::load(wechat);
    EXPECT_EQ(p.switches.tcp_default_family, ip_family::v4);
    EXPECT_TRUE(p.switches.tcp_allow_loopback);
    EXPECT_FALSE(p.switches.tcp_bind_wifi);
    EXPECT_EQ(p.tcp_error_codes.socket, -2);
    EXPECT_EQ(p.tcp_error_codes.connect_failed, -4);
    EXPECT_EQ(p.tcp_error_codes.android_only, 5);
    auto doc = p.raw;
    doc["tcp_error_codes"].erase("invalid_bssid");
    auto e = rejection(doc);
    EXPECT_EQ(e.id(), "E-MISSING");
    EXPECT_EQ(e.pointer(), "/tcp_error_codes");
    doc = p.raw;
    doc["switches"]["tcp_default_family"] = "IPX";
    e = rejection(doc);
    EXPECT_EQ(e.id(), "E-ENUM");
    EXPECT_EQ(e.pointer(), "/switches/tcp_default_family");
}
