#include "sample_report.hpp"

#include <sockconf/reports/diff.hpp>

#include <sstream>

using namespace sockconf::reports;

TEST(diff, classifies_every_kind_of_change)
{
    auto const a = golden::sample_report();
    auto b = a;
    b.cases[0].result = status::fail;         // PASS -> FAIL: new failure
    b.cases[1].result = status::pass;         // FAIL -> PASS: fixed
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
