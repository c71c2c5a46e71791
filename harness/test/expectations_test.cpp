#include "test_env.hpp"

#include <sockconf/common/spec_error.hpp>
#include <sockconf/harness/expectations.hpp>
#include <sockconf/reports/deviations.hpp>

using namespace sockconf;
using namespace sockconf::harness;
using reports::status;

namespace {
reports::case_result result(std::string id, status s)
{
    reports::case_result c;
    c.id = std::move(id);
    c.result = s;
    return c;
}

expectations const sample = expectations::from_json(json::parse(R"({
  "format": "sockconf-expectations", "version": 1,
  "cases": {"a.fails": {"status": "FAIL", "reason": "no limit", "link": "https://x.invalid/1"},
            "b.unimplemented": "UNIMPLEMENTED"},
  "flaky": ["c.flaky"]})"), "exp.json");
} // namespace

TEST(expectations, a_listed_status_must_come_exactly_and_a_pass_there_is_unexpected)
{
    auto c = result("a.fails", status::fail);
    sample.apply(c);
    EXPECT_FALSE(c.unexpected);
    EXPECT_EQ(c.expected, "FAIL");
    EXPECT_EQ(c.expected_reason, "no limit https://x.invalid/1");
    c = result("a.fails", status::pass);
    sample.apply(c);
    EXPECT_TRUE(c.unexpected) << "an unexpected pass fails the run";
    c = result("b.unimplemented", status::fail);
    sample.apply(c);
    EXPECT_TRUE(c.unexpected);
}

TEST(expectations, unlisted_cases_must_conform_and_flaky_ones_may_do_anything)
{
    for (auto s : {status::pass, status::non_strict, status::informational, status::skip}) {
        auto c = result("z.other", s);
        sample.apply(c);
        EXPECT_FALSE(c.unexpected) << to_string(s);
    }
    auto c = result("z.other", status::error);
    sample.apply(c);
    EXPECT_TRUE(c.unexpected);
    c = result("c.flaky", status::timeout);
    sample.apply(c);
    EXPECT_FALSE(c.unexpected);
    EXPECT_EQ(c.expected, "flaky");
}

TEST(expectations, from_run_accepts_the_run_and_keeps_reasons_links_and_flaky)
{
    reports::run_report run;
    run.info.profile = "taro";
    run.cases = {result("a.fails", status::fail), result("d.new", status::non_strict), result("e.ok", status::pass)};
    run.cases[1].message = "a SHOULD was missed";
    run.cases.push_back(result("f.failed", status::fail));
    run.cases.back().message = "tag f-1234-5 saw code 1003";
    run.cases.back().failed = reports::failure{"suites/x.json#/expect/2", "code 1000", "code 1003"};
    auto const doc = expectations::from_run(run, sample);
    EXPECT_EQ(doc["cases"]["a.fails"], (json{{"status", "FAIL"}, {"reason", "no limit"}, {"link", "https://x.invalid/1"}}));
    EXPECT_EQ(doc["cases"]["d.new"], (json{{"status", "NON-STRICT"}, {"reason", "a SHOULD was missed"}}));
    EXPECT_FALSE(doc["cases"].contains("e.ok"));
    EXPECT_EQ(doc["cases"]["f.failed"]["reason"], "(from a run) fails at suites/x.json#/expect/2") << "stable, unlike the message";
    EXPECT_EQ(doc["cases"]["b.unimplemented"]["status"], "UNIMPLEMENTED") << "kept: not in this run";
    EXPECT_EQ(doc["flaky"], json::array({"c.flaky"}));
    auto const again = expectations::from_json(doc, "again.json"); // round trip
    auto c = result("a.fails", status::fail);
    again.apply(c);
    EXPECT_FALSE(c.unexpected);
}

TEST(expectations, a_bad_file_names_where)
{
    try {
        expectations::from_json(json::parse(R"({"format":"sockconf-expectations","version":1,"cases":{"x":{"state":"FAIL"}}})"),
                                "e.json");
        FAIL() << "no error";
    } catch (spec_error const& e) {
        EXPECT_EQ(e.id(), "E-UNKNOWN-KEY");
        EXPECT_EQ(e.pointer(), "/cases/x/state");
    }
}

TEST(expectations, a_generated_reason_names_the_deviations_and_is_rewritten_by_the_next_run)
{
    reports::run_report run;
    run.clauses = {{"WS-TASK-CLOSE-CODE-SENT", "MUST", "", "SocketTask.close.md", "close(code) sends it", "", {}}};
    auto c = result("g.code", status::fail);
    reports::check_result k;
    k.kind = reports::check_kind::expect;
    k.where = "suites/x.json#/expect/0";
    k.clauses = {"WS-TASK-CLOSE-CODE-SENT"};
    k.result = reports::check_status::fail;
    k.subject = "the server's record: close_code";
    k.expected_norm = "1000";
    k.observed_norm = "1003";
    c.checks = {k};
    run.cases = {c};
    auto const dev = reports::deviations_of(run).at(0);
    auto doc = expectations::from_run(run, expectations());
    auto const reason = doc["cases"]["g.code"]["reason"].get<std::string>();
    EXPECT_EQ(reason, "(from a run) " + dev.id + " " + dev.headline());
    EXPECT_NE(reason.find("WS-TASK-CLOSE-CODE-SENT"), std::string::npos) << reason;
    // The next run rewrites a generated reason (its deviation may have changed) …
    doc["cases"]["g.code"]["reason"] = "(from a run) DEV-00000000 something older";
    auto const next = expectations::from_run(run, expectations::from_json(doc, "e.json"));
    EXPECT_EQ(next["cases"]["g.code"]["reason"], reason);
    // … and keeps one written by hand.
    doc["cases"]["g.code"]["reason"] = "drops the code: Taro's SocketTask.close, node_modules/x.js:12";
    auto const kept = expectations::from_run(run, expectations::from_json(doc, "e.json"));
    EXPECT_EQ(kept["cases"]["g.code"]["reason"], doc["cases"]["g.code"]["reason"]);
}
