#include "sample_report.hpp"

#include <sockconf/common/spec_error.hpp>
#include <sockconf/reports/json_writer.hpp>
#include <sockconf/reports/deviations.hpp>
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

TEST(report_reader, the_engine_of_a_browser_run_goes_and_comes_back)
{
    auto original = golden::sample_report();
    EXPECT_FALSE(to_json(original)["run"].contains("engine")) << "no browser, no engine";
    original.info.engine = engine_of_user_agent("Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0");
    auto const doc = to_json(original);
    EXPECT_EQ(doc["run"]["engine"],
              (json{{"name", "firefox"}, {"version", "153"},
                    {"user_agent", "Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0"}}));
    auto const back = report_from_json(doc, "report.json");
    EXPECT_EQ(back.info.engine.label(), "firefox 153");
    EXPECT_EQ(to_json(back), doc);
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

TEST(report_reader, a_version_2_report_gets_a_check_from_each_failure)
{
    auto doc = to_json(golden::sample_report());
    doc["version"] = 2;
    doc.erase("deviations");
    for (auto& c : doc["cases"]) {
        c.erase("checks");
        c.erase("also_seen");
    }
    // As version 2 wrote a case an invariant failed.
    auto& inv = doc["cases"][0];
    inv["status"] = "FAIL";
    inv["failure"] = {{"where", "suites/websocket/lifecycle.json#/cases/0 (invariant INV-CALLBACK-ASYNC)"},
                      {"expected", "INV-CALLBACK-ASYNC"},
                      {"actual", "\"open\" #1 ran inside the call that caused it"}};
    auto const r = report_from_json(doc, "v2.json");

    ASSERT_EQ(r.cases[1].checks.size(), 1u) << "the FAIL: its failure as one expect check";
    auto const& k = r.cases[1].checks[0];
    EXPECT_EQ(k.kind, check_kind::expect);
    EXPECT_EQ(k.result, check_status::fail);
    EXPECT_TRUE(k.counts);
    EXPECT_EQ(k.where, "suites/websocket/lifecycle.json#/expect/0");
    EXPECT_EQ(k.clauses, r.cases[1].clauses);
    EXPECT_EQ(k.expected, "code 1000");
    EXPECT_EQ(k.observed_norm, "code 1003");

    EXPECT_TRUE(r.cases[2].checks.empty()) << "an ERROR without a failure: nothing to make a check of";
    EXPECT_TRUE(r.cases[0].checks.size() == 1 && r.cases[0].checks[0].kind == check_kind::invariant);
    EXPECT_EQ(r.cases[0].checks[0].where, "INV-CALLBACK-ASYNC");
    EXPECT_TRUE(r.cases[0].checks[0].clauses.empty()) << "version 2 does not say which clause an invariant tests";
    EXPECT_TRUE(r.cases[3].checks.empty()) << "SKIP";
    EXPECT_TRUE(r.cases[4].checks.empty()) << "NON-STRICT without a failure";

    // And they group like any run's: the FAIL and the invariant, each a deviation (the MUST
    // first; the invariant's level is unknown without its clause).
    auto const ds = deviations_of(r);
    ASSERT_EQ(ds.size(), 2u);
    EXPECT_EQ(ds[0].cases, (std::vector<std::string>{"ws.lifecycle.close-code"}));
    EXPECT_EQ(ds[0].level, "MUST");
    EXPECT_EQ(ds[1].cases, (std::vector<std::string>{"ws.lifecycle.echo-text"}));
    EXPECT_EQ(ds[1].invariant, "INV-CALLBACK-ASYNC");
    EXPECT_EQ(ds[1].level, "");
}

TEST(report_reader, a_version_3_report_keeps_checks_as_written)
{
    auto const r = report_from_json(to_json(golden::sample_report()), "v3.json");
    EXPECT_EQ(r.cases[1].checks.size(), 5u);
    EXPECT_EQ(r.cases[4].checks[1].grade, status::pass);
    EXPECT_FALSE(r.cases[4].checks[1].counts);
    EXPECT_EQ(r.cases[1].checks[2].seqs, (std::vector<std::size_t>{2}));
}
