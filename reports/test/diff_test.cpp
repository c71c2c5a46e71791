#include "sample_report.hpp"

#include <sockconf/reports/diff.hpp>

#include <sstream>

using namespace sockconf::reports;

TEST(diff, classifies_every_kind_of_change)
{
    auto const a = golden::sample_report();
    auto b = a;
    b.cases[0].result = status::fail;         // PASS -> FAIL: new failure
    auto broke = b.cases[1].checks[1];        // ... by a new deviation
    broke.where = "suites/websocket/lifecycle.json#/expect/9";
    broke.clauses = {"WS-TASK-SEND-STRING"};
    broke.subject = "SocketTask.onMessage listener";
    broke.expected_norm = "data \"hi\"";
    broke.observed_norm = "data <b>\"ho\"</b>";
    b.cases[0].checks.push_back(broke);
    b.cases[1].result = status::pass;         // FAIL -> PASS: fixed, and its two deviations with it
    std::erase_if(b.cases[1].checks, [](auto const& k) { return k.counts && k.result == check_status::fail; });
    b.cases[2].result = status::timeout;      // ERROR -> TIMEOUT: changed
    b.cases.erase(b.cases.begin() + 3);       // removed
    auto added = a.cases[0];
    added.id = "ws.new.case";
    b.cases.push_back(added);                 // added
    auto const d = diff_reports(a, b);
    EXPECT_EQ(d.count(change_kind::new_failure), 1u);
    EXPECT_EQ(d.count(change_kind::fix), 1u);
    EXPECT_EQ(d.count(change_kind::changed), 1u);
    EXPECT_EQ(d.count(change_kind::added), 1u);
    EXPECT_EQ(d.count(change_kind::removed), 1u);
    EXPECT_EQ(d.unchanged, 1u);
    EXPECT_EQ(d.changes.front().id, "ws.lifecycle.echo-text");
    EXPECT_EQ(d.count(deviation_change_kind::added), 1u);
    EXPECT_EQ(d.count(deviation_change_kind::fixed), 2u);
    EXPECT_EQ(d.count(deviation_change_kind::not_judged), 0u);
    EXPECT_EQ(d.deviations_unchanged, 1u) << "INV-CALLBACK-ASYNC, still seen";
    EXPECT_EQ(d.deviations.front().cases, (std::vector<std::string>{"ws.lifecycle.echo-text"}));

    std::ostringstream out;
    write_diff_markdown(d, "old.json", "new.json", out);
    golden::expect_golden("diff.md", out.str());
}

TEST(diff, identical_runs_have_no_change)
{
    auto const a = golden::sample_report();
    auto const d = diff_reports(a, a);
    EXPECT_TRUE(d.changes.empty());
    EXPECT_EQ(d.unchanged, a.cases.size());
}

TEST(diff, a_deviation_whose_cases_were_not_judged_is_not_called_fixed)
{
    auto const a = golden::sample_report();
    auto b = a;
    b.cases[1].result = status::timeout; // the case that showed the close code and header deviations
    b.cases[1].checks.clear();
    b.cases[4].checks.pop_back();        // INV-CALLBACK-ASYNC gone from ws.limit.sixth; still in echo-text
    auto const d = diff_reports(a, b);
    EXPECT_EQ(d.count(deviation_change_kind::fixed), 0u);
    ASSERT_EQ(d.count(deviation_change_kind::not_judged), 2u);
    for (auto const& c : d.deviations)
        EXPECT_EQ(c.not_judged, (std::vector<std::string>{"ws.lifecycle.close-code"})) << c.id;
    EXPECT_EQ(d.deviations_unchanged, 1u);
    std::ostringstream out;
    write_diff_markdown(d, "a.json", "b.json", out);
    EXPECT_NE(out.str().find("## Deviations not seen in B, whose cases B did not judge"), std::string::npos) << out.str();
    EXPECT_NE(out.str().find("; not judged: ws.lifecycle.close-code |"), std::string::npos) << out.str();
}

TEST(diff, a_new_deviation_alone_is_not_a_new_failure)
{
    auto const a = golden::sample_report();
    auto b = a;
    // Same statuses; the failing case fails one more way.
    auto more = b.cases[1].checks[1];
    more.clauses = {"WS-TASK-SEND-STRING"};
    more.subject = "something else";
    b.cases[1].checks.push_back(more);
    auto const d = diff_reports(a, b);
    EXPECT_EQ(d.count(deviation_change_kind::added), 1u);
    EXPECT_EQ(d.count(change_kind::new_failure), 0u);
    EXPECT_EQ(d.deviations.front().level, "MUST");
}
