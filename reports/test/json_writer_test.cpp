#include "sample_report.hpp"

#include <sockconf/reports/json_writer.hpp>

#include <sstream>

using namespace sockconf::reports;

TEST(json_writer, matches_golden)
{
    std::ostringstream out;
    write_json(golden::sample_report(), out);
    golden::expect_golden("report.json", out.str());
}

TEST(json_writer, summary_counts_every_status)
{
    auto j = to_json(golden::sample_report());
    EXPECT_EQ(j["version"], json_report_version);
    EXPECT_EQ(j["summary"]["total"], 5);
    EXPECT_EQ(j["summary"]["PASS"], 1);
    EXPECT_EQ(j["summary"]["FAIL"], 1);
    EXPECT_EQ(j["summary"]["NON-STRICT"], 1);
    EXPECT_EQ(j["cases"][1]["failure"]["where"], "suites/websocket/lifecycle.json#/expect/0");
}

TEST(json_writer, checks_and_deviations)
{
    auto j = to_json(golden::sample_report());
    auto const& failed = j["cases"][1];
    ASSERT_EQ(failed["checks"].size(), 5u);
    EXPECT_EQ(failed["checks"][1]["signature"]["observed"], "1003");
    EXPECT_EQ(failed["checks"][1]["kind"], "expect");
    EXPECT_FALSE(failed["checks"][0].contains("signature")) << "only failing checks carry one";
    EXPECT_EQ(failed["also_seen"], (sockconf::json{"INV-CALLBACK-ASYNC"}));
    EXPECT_EQ(j["cases"][4]["also_seen"], (sockconf::json{"INV-CALLBACK-ASYNC"})) << "the missed outcome is not among them";
    EXPECT_FALSE(j["cases"][3].contains("checks")) << "SKIP: no checks";
    ASSERT_EQ(j["deviations"].size(), 3u);
    auto const& d = j["deviations"][2];
    EXPECT_EQ(d["host_limit"], "a browser's WebSocket cannot send request headers");
    EXPECT_EQ(d["cases"], (sockconf::json{"ws.lifecycle.close-code"}));
    EXPECT_EQ(d["example"]["where"], "suites/websocket/lifecycle.json#/expect/2");
    EXPECT_EQ(j["deviations"][0]["invariant"], "INV-CALLBACK-ASYNC");
    EXPECT_EQ(j["deviations"][0]["seen_in"].size(), 3u);
}

TEST(json_writer, invalid_utf8_from_a_peer_does_not_break_the_report)
{
    auto r = golden::sample_report();
    r.cases[0].message = "bad \xff\xfe bytes";
    std::ostringstream out;
    EXPECT_NO_THROW(write_json(r, out));
    sockconf::json parsed;
    EXPECT_NO_THROW(parsed = sockconf::json::parse(out.str()));
    EXPECT_TRUE(parsed.is_object());
}
