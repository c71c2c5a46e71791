#include "sample_report.hpp"

#include <sockconf/reports/json_reader.hpp>
#include <sockconf/reports/json_writer.hpp>

#include <stdexcept>

using namespace sockconf::reports;
using sockconf::json;

TEST(json_reader, reads_back_what_the_writer_wrote)
{
    auto const doc = to_json(golden::sample_report());
    auto const back = report_from_json(doc);
    EXPECT_EQ(to_json(back), doc);
    ASSERT_EQ(back.cases.size(), 5u);
    EXPECT_EQ(back.cases[1].result, status::fail);
    ASSERT_TRUE(back.cases[1].failed);
    EXPECT_EQ(back.cases[1].failed->where, "suites/websocket/lifecycle.json#/expect/0");
    ASSERT_EQ(back.clauses.size(), 1u);
    EXPECT_EQ(back.clauses[0].area, "socket-task.send");
}

TEST(json_reader, reads_the_committed_version_1_platform_reports)
{
    for (auto name : {"reference", "taro-h5", "uni-h5", "mpx", "taro-rn"}) {
        auto const r = read_report(std::string(SOCKCONF_PLATFORMS_DIR) + "/" + name + "/report.json");
        EXPECT_GT(r.cases.size(), 100u) << name;
        EXPECT_TRUE(r.clauses.empty()) << name << ": version 1 has no clause list";
        EXPECT_FALSE(r.info.iut.value("name", "").empty()) << name;
    }
}

TEST(json_reader, says_where_a_document_is_not_a_report)
{
    auto doc = to_json(golden::sample_report());
    doc["cases"][2]["status"] = "GREEN";
    try {
        report_from_json(doc, "x.json");
        FAIL() << "no error";
    } catch (std::runtime_error const& e) {
        std::string const what = e.what();
        EXPECT_NE(what.find("x.json"), std::string::npos) << what;
        EXPECT_NE(what.find("/cases/2/status"), std::string::npos) << what;
    }
    EXPECT_THROW(report_from_json(json{{"format", "sockconf-expectations"}, {"version", 1}}), std::runtime_error);
    doc = to_json(golden::sample_report());
    doc["version"] = json_report_version + 1;
    EXPECT_THROW(report_from_json(doc), std::runtime_error);
}
