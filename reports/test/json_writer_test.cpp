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

TEST(json_writer, invalid_utf8_from_a_peer_does_not_break_the_report)
{
    auto r = golden::sample_report();
    r.cases[0].message = "bad \xff\xfe bytes";
    std::ostringstream out;
    EXPECT_NO_THROW(write_json(r, out));
    EXPECT_NO_THROW((void)sockconf::json::parse(out.str()));
}
