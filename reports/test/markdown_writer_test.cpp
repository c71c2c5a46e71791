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
