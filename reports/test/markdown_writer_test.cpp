#include "sample_report.hpp"

#include <sockconf/reports/markdown_writer.hpp>

#include <sstream>

using namespace sockconf::reports;

TEST(markdown_writer, matches_golden)
{
    std::ostringstream out;
    write_markdown(golden::sample_report(), out);
    golden::expect_golden("report.md", out.str());
}

TEST(markdown_writer, strings_from_the_iut_show_as_text_not_markup)
{
    EXPECT_EQ(md_escape("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
    EXPECT_EQ(md_escape("a|b `c` **d** [e](f)"), "a\\|b \\`c\\` \\*\\*d\\*\\* \\[e\\](f)");
    EXPECT_EQ(md_escape("line\nbreak\x1b[31m"), "line break\\x1b\\[31m");
}

TEST(markdown_writer, a_trace_cannot_close_its_code_fence)
{
    auto r = golden::sample_report();
    r.cases[1].trace.push_back({{"seq", 9}, {"type", "note"}, {"text", "```\n# injected heading"}});
    std::ostringstream out;
    write_markdown(r, out);
    auto const md = out.str();
    auto const open = md.find("````text");
    ASSERT_NE(open, std::string::npos) << "the fence must be longer than any backtick run";
    auto const injected = md.find("# injected heading", open);
    auto const close = md.find("\n````\n", open);
    EXPECT_LT(injected, close) << "the injected line stays inside the code block";
}

TEST(markdown_writer, expectations_and_flaky_cases_lead)
{
    std::ostringstream out;
    write_markdown(golden::sample_report_with_expectations(), out);
    golden::expect_golden("report-expectations.md", out.str());
    EXPECT_NE(out.str().find("**2 unexpected result(s)**"), std::string::npos);
    EXPECT_NE(out.str().find("- `ws.limit.sixth`: TIMEOUT, NON-STRICT (counted as expected)"), std::string::npos);
}

TEST(markdown_writer, deviations_come_first_and_failing_cases_list_every_check_that_counts)
{
    std::ostringstream out;
    write_markdown(golden::sample_report(), out);
    auto const md = out.str();
    auto const list = md.find("\n2 failing cases, 2 deviations, and 1 limit of the host:\n\n1. **");
    ASSERT_NE(list, std::string::npos) << md;
    EXPECT_EQ(md.substr(0, list), "# sockconf: sockconf-reference 0.0.0-test\n") << "nothing but the title before it";
    auto const limits = md.find("## Limits of the host");
    auto const summary = md.find("## Summary");
    EXPECT_LT(list, limits);
    EXPECT_LT(limits, summary);
    EXPECT_NE(md.find("- limit of the host: a browser's WebSocket cannot send request headers", limits), std::string::npos);
    // The clause, its level, statement, seed file and quote.
    EXPECT_NE(md.find("- `WS-TASK-CLOSE-CODE-SENT` MUST: close(code) sends that code in the close frame — SocketTask.close.md: "
                      "“code: the status code for closing the connection”"),
              std::string::npos);
    auto const failed = md.find("### FAIL `ws.lifecycle.close-code`");
    ASSERT_NE(failed, std::string::npos);
    EXPECT_NE(md.find("- failing checks (3):\n  - fail expect the server saw at suites/websocket/lifecycle.json\\#/expect/0", failed),
              std::string::npos);
    EXPECT_NE(md.find("  - fail expect the server saw at suites/websocket/lifecycle.json\\#/expect/2", failed), std::string::npos)
        << "not only the first";
    EXPECT_NE(md.find("- also seen: INV-CALLBACK-ASYNC — ", failed), std::string::npos);
    EXPECT_NE(md.find("| `ws.limit.sixth` | NON-STRICT | outcome: refused by onError; a SHOULD was missed; also seen: "
                      "INV-CALLBACK-ASYNC |"),
              std::string::npos)
        << "a missed outcome is not 'also seen'";
}

TEST(markdown_writer, a_deviation_seen_in_many_cases_folds_them_and_escapes_its_strings)
{
    auto r = golden::sample_report();
    auto const base = r.cases[0];
    for (int i = 0; i < 12; ++i) {
        auto c = base;
        c.id = "ws.more.case-" + std::to_string(i);
        r.cases.push_back(c);
    }
    r.cases[1].checks[1].subject = "<img src=x onerror=alert(1)> **bold**";
    std::ostringstream out;
    write_markdown(r, out);
    auto const md = out.str();
    EXPECT_NE(md.find("    - also seen in 15 cases:\n\n      <details><summary>the 15 cases</summary>"), std::string::npos) << md;
    EXPECT_EQ(md.find("<img"), std::string::npos);
    EXPECT_NE(md.find("&lt;img src=x onerror=alert(1)&gt; \\*\\*bold\\*\\*: expected 1000"), std::string::npos);
}

TEST(markdown_writer, a_run_without_failures_has_no_deviation_list)
{
    auto r = golden::sample_report();
    r.cases = {r.cases[3]}; // SKIP
    std::ostringstream out;
    write_markdown(r, out);
    EXPECT_EQ(out.str().find("deviation"), std::string::npos);
    EXPECT_EQ(out.str().rfind("# sockconf: sockconf-reference 0.0.0-test\n\n## Summary\n", 0), 0u);
}
