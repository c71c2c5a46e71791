// The CI views of a run: summary.md (summary_writer.hpp) and GitHub's annotations
// (github_annotations.hpp), approved against golden files, and what they rest on:
// which deviations are new (deviations.hpp, new_deviations) and the escaping.
#include "sample_report.hpp"

#include <sockconf/reports/deviations.hpp>
#include <sockconf/reports/github_annotations.hpp>
#include <sockconf/reports/reporter_registry.hpp>
#include <sockconf/reports/summary_writer.hpp>

#include <sstream>

using namespace sockconf::reports;

namespace {

std::string summary_of(run_report const& r)
{
    std::ostringstream out;
    write_summary(r, out);
    return out.str();
}

std::string annotations_of(run_report const& r)
{
    std::ostringstream out;
    write_github_annotations(r, out);
    return out.str();
}

std::vector<std::string> lines_of(std::string const& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

} // namespace

TEST(ci_writers, summary_matches_golden)
{
    golden::expect_golden("summary.md", summary_of(golden::sample_report()));
    golden::expect_golden("summary-expectations.md", summary_of(golden::sample_report_with_expectations()));
}

TEST(ci_writers, annotations_match_golden)
{
    golden::expect_golden("annotations.txt", annotations_of(golden::sample_report()));
    golden::expect_golden("annotations-expectations.txt", annotations_of(golden::sample_report_with_expectations()));
}

TEST(ci_writers, a_deviation_is_new_when_it_decided_an_unexpected_result)
{
    // Without expectations the FAIL is unexpected: both deviations it decided are new.
    auto const plain = golden::sample_report();
    auto const ds = deviations_of(plain);
    ASSERT_EQ(ds.size(), 3u) << "two the case decided, the invariant only seen";
    auto const fresh = new_deviations(plain, ds);
    ASSERT_EQ(fresh.size(), 2u);
    for (auto i : fresh)
        EXPECT_EQ(ds[i].cases, std::vector<std::string>{"ws.lifecycle.close-code"});
    // Listed as FAIL: the same deviations, none new.
    auto const known = golden::sample_report_with_expectations();
    EXPECT_TRUE(new_deviations(known, deviations_of(known)).empty());
}

TEST(ci_writers, one_error_per_new_deviation_and_a_warning_per_other_unexpected_result)
{
    auto const plain = lines_of(annotations_of(golden::sample_report()));
    auto const count = [](std::vector<std::string> const& lines, std::string const& prefix) {
        return std::count_if(lines.begin(), lines.end(), [&](auto const& l) { return l.starts_with(prefix); });
    };
    EXPECT_EQ(count(plain, "::error "), 2);
    EXPECT_EQ(count(plain, "::warning "), 1) << "the unexpected ERROR, which no deviation decided";
    auto const known = lines_of(annotations_of(golden::sample_report_with_expectations()));
    EXPECT_EQ(count(known, "::error "), 0);
    ASSERT_EQ(count(known, "::warning "), 2) << "the unexpected pass and the ERROR";
    EXPECT_NE(known[0].find("title=sockconf unexpected PASS,file=suites/websocket/lifecycle.json::ws.lifecycle.echo-text: "
                            "PASS, expected FAIL%0Aif the change is intended"),
              std::string::npos)
        << known[0];
    EXPECT_TRUE(annotations_of(run_report{}).empty());
}

TEST(ci_writers, annotation_text_cannot_end_the_command_or_start_another)
{
    EXPECT_EQ(github_escape_data("50% off\r\n::error::x"), "50%25 off%0D%0A::error::x");
    EXPECT_EQ(github_escape_property("a,b: c%\n"), "a%2Cb%3A c%25%0A");
    EXPECT_EQ(github_escape_data("red\x1b[31m\ttab"), "red\\x1b[31m\\x09tab");
    auto r = golden::sample_report();
    r.cases[1].file = "./odd, dir: x/lifecycle.json";
    for (auto& k : r.cases[1].checks)
        k.observed_norm += "\n::warning::injected 100%";
    auto const text = annotations_of(r);
    for (auto const& line : lines_of(text))
        EXPECT_TRUE(line.starts_with("::error ") || line.starts_with("::warning ")) << line;
    EXPECT_NE(text.find(",file=odd%2C dir%3A x/lifecycle.json::"), std::string::npos) << text;
    EXPECT_NE(text.find("%0A::warning::injected 100%25"), std::string::npos) << text;
}

TEST(ci_writers, summary_folds_what_is_not_new_into_a_table_and_names_unexplained_results)
{
    auto const md = summary_of(golden::sample_report_with_expectations());
    EXPECT_EQ(md.rfind("## sockconf: sockconf-reference 0.0.0-test: 2 unexpected result(s)\n", 0), 0u) << md;
    EXPECT_NE(md.find("; 0 new.\n"), std::string::npos);
    EXPECT_EQ(md.find("### New deviations"), std::string::npos);
    EXPECT_NE(md.find("### Other deviations (3)"), std::string::npos);
    EXPECT_NE(md.find("| `ws.lifecycle.echo-text` | PASS | FAIL | |"), std::string::npos) << md;
    auto const plain = summary_of(golden::sample_report());
    EXPECT_NE(plain.find("### New deviations (2)\n\nNo expectations file"), std::string::npos) << plain;
    EXPECT_NE(plain.find("| `tcp.basic.refused` | ERROR | a conforming result |"), std::string::npos) << plain;
}

TEST(ci_writers, registered_as_the_summary_format_and_the_github_stream)
{
    auto const& reg = reporter_registry::instance();
    ASSERT_NE(reg.find("summary"), nullptr);
    EXPECT_EQ(reg.find("summary")->file, "summary.md");
    ASSERT_NE(reg.find("github"), nullptr);
    EXPECT_EQ(reg.find("github")->kind, reporter_kind::stream);
    std::ostringstream out;
    reg.make("github", {&out, "", {}, 0})->on_run_end(golden::sample_report());
    EXPECT_EQ(out.str(), annotations_of(golden::sample_report()));
}
