#include "test_env.hpp"

#include <sockconf/common/spec_error.hpp>
#include <sockconf/harness/settings.hpp>

#include <gtest/gtest.h>

using namespace sockconf;
using namespace sockconf::harness;

namespace {
json good() { return json::parse(R"({"case_timeout_ms": 8000, "wait_timeout_ms": 2500, "settle_ms": 0, "adapter_message_max_bytes": 65536, "adapter_case_events_max": 100, "notes": {"x": "y"}})"); }

/// The error loading `doc` gives; a default one (empty id) when it loads.
spec_error rejection(json const& doc)
{
    try {
        harness_settings::from_json(doc, "settings.json");
    } catch (spec_error const& e) {
        return e;
    }
    ADD_FAILURE() << "the settings loaded";
    return spec_error("", "", "", "");
}
} // namespace

TEST(settings, a_good_document_gives_its_values)
{
    auto const s = harness_settings::from_json(good(), "settings.json");
    EXPECT_EQ(s.case_timeout_ms, 8000);
    EXPECT_EQ(s.wait_timeout_ms, 2500);
    EXPECT_EQ(s.settle_ms, 0);
    EXPECT_EQ(s.adapter_message_max_bytes, 65536);
    EXPECT_EQ(s.adapter_case_events_max, 100);
}

TEST(settings, the_shipped_file_loads)
{
    auto const s = harness_settings::load(test_env::source("specs/settings.json"));
    EXPECT_EQ(s.case_timeout_ms, 10000);
    EXPECT_EQ(s.wait_timeout_ms, 5000);
    EXPECT_EQ(s.settle_ms, 30);
}

TEST(settings, a_missing_key_is_named_not_defaulted)
{
    // The defaults live in specs/settings.json, not in code: a file without a key is wrong.
    for (auto const* key : {"case_timeout_ms", "wait_timeout_ms", "settle_ms", "adapter_message_max_bytes",
                            "adapter_case_events_max"}) {
        auto doc = good();
        doc.erase(key);
        auto const e = rejection(doc);
        EXPECT_EQ(e.id(), "E-MISSING") << key;
        EXPECT_EQ(e.file(), "settings.json");
        EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
}

TEST(settings, a_bad_type_or_range_is_named_with_its_pointer)
{
    auto doc = good();
    doc["wait_timeout_ms"] = "5000";
    auto e = rejection(doc);
    EXPECT_EQ(e.id(), "E-TYPE");
    EXPECT_EQ(e.pointer(), "/wait_timeout_ms");
    doc = good();
    doc["settle_ms"] = 1.5;
    EXPECT_EQ(rejection(doc).id(), "E-TYPE");
    doc = good();
    doc["case_timeout_ms"] = 0;
    e = rejection(doc);
    EXPECT_EQ(e.id(), "E-RANGE");
    EXPECT_EQ(e.pointer(), "/case_timeout_ms");
    doc = good();
    doc["notes"] = "text";
    EXPECT_EQ(rejection(doc).id(), "E-TYPE");
    EXPECT_EQ(rejection(json::array()).id(), "E-TYPE");
}

TEST(settings, an_unknown_key_is_refused)
{
    // A typo (or a platform fact put here) must not pass silently.
    auto doc = good();
    doc["settle_time_ms"] = 30;
    auto e = rejection(doc);
    EXPECT_EQ(e.id(), "E-UNKNOWN-KEY");
    EXPECT_NE(std::string(e.what()).find("settle_time_ms"), std::string::npos) << e.what();
    doc = good();
    doc["ws_connect_timeout_ms"] = 60000;
    EXPECT_EQ(rejection(doc).id(), "E-UNKNOWN-KEY");
}

TEST(settings, a_missing_file_is_a_read_error_naming_it)
{
    try {
        harness_settings::load("/nonexistent/settings.json");
        ADD_FAILURE() << "loaded";
    } catch (spec_error const& e) {
        EXPECT_EQ(e.id(), "E-FILE-READ");
        EXPECT_EQ(e.file(), "/nonexistent/settings.json");
    }
}

TEST(settings, the_file_is_the_flag_else_the_homes)
{
    EXPECT_EQ(settings_path("/h", ""), "/h/specs/settings.json");
    EXPECT_EQ(settings_path("/h", "my.json"), "my.json");
}
