#include "sample_report.hpp"

#include <sockconf/common/spec_error.hpp>
#include <sockconf/reports/json_writer.hpp>
#include <sockconf/reports/report_reader.hpp>

using namespace sockconf;
using namespace sockconf::reports;

TEST(report_reader, reads_back_what_the_json_writer_wrote)
{
    auto const original = golden::sample_report_with_expectations();
    auto const doc = to_json(original);
    auto const back = report_from_json(doc, "report.json");
    EXPECT_EQ(to_json(back), doc); // nothing lost, nothing added
    EXPECT_EQ(back.cases[4].attempts, (std::vector<status>{status::timeout, status::non_strict}));
    EXPECT_EQ(back.clauses.at(0).level, "MUST");
}

TEST(report_reader, reads_a_version_1_report_without_clauses)
{
    auto doc = to_json(golden::sample_report());
    doc["version"] = 1;
    doc.erase("clauses");
    EXPECT_TRUE(report_from_json(doc, "old.json").clauses.empty());
}

TEST(report_reader, errors_name_the_file_the_pointer_and_a_stable_id)
{
    auto expect_error = [](json const& doc, std::string const& id, std::string const& pointer) {
        try {
            (void)report_from_json(doc, "r.json");
            ADD_FAILURE() << "no error for " << doc.dump();
        } catch (spec_error const& e) {
            EXPECT_EQ(e.id(), id) << e.what();
            EXPECT_EQ(e.file(), "r.json");
            EXPECT_EQ(e.pointer(), pointer);
        }
    };
    auto doc = to_json(golden::sample_report());
    expect_error({{"format", "sockconf-expectations"}}, "E-REPORT-FORMAT", "/format");
    auto newer = doc;
    newer["version"] = 99;
    expect_error(newer, "E-REPORT-VERSION", "/version");
    auto bad_status = doc;
    bad_status["cases"][1]["status"] = "BROKEN";
    expect_error(bad_status, "E-REPORT-STATUS", "/cases/1/status");
    auto no_id = doc;
    no_id["cases"][0].erase("id");
    expect_error(no_id, "E-MISSING", "/cases/0");
}
