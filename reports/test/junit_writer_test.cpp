#include "sample_report.hpp"

#include <sockconf/reports/junit_writer.hpp>

#include <sstream>

using namespace sockconf::reports;

TEST(junit_writer, matches_golden)
{
    std::ostringstream out;
    write_junit(golden::sample_report(), out);
    golden::expect_golden("junit.xml", out.str());
}

TEST(junit_writer, escapes_markup_and_control_characters)
{
    EXPECT_EQ(xml_escape("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
    EXPECT_EQ(xml_escape(std::string("a\0b\x1b", 4)), "a\\x00b\\x1b");
    EXPECT_EQ(xml_escape("tab\tnl\n"), "tab\tnl\n");
}

TEST(junit_writer, statuses_map_to_junit_elements)
{
    std::ostringstream out;
    write_junit(golden::sample_report(), out);
    auto const xml = out.str();
    EXPECT_NE(xml.find("<testsuites name=\"sockconf\" tests=\"5\" failures=\"1\" errors=\"1\" time="), std::string::npos);
    EXPECT_NE(xml.find("<failure message=\"expected close code 1000"), std::string::npos);
    EXPECT_NE(xml.find("<error message=\"IUT did not answer"), std::string::npos);
    EXPECT_NE(xml.find("<skipped message=\"interrupted\"/>"), std::string::npos);
}

TEST(junit_writer, expectations_decide_failure_and_skipped)
{
    std::ostringstream out;
    write_junit(golden::sample_report_with_expectations(), out);
    auto const xml = out.str();
    golden::expect_golden("junit-expectations.xml", xml);
    // A known FAIL is skipped with its reason; an unexpected pass is a failure.
    EXPECT_NE(xml.find("<skipped message=\"expected FAIL (drops the close code https://example.com/issue/1): expected close code"),
              std::string::npos);
    EXPECT_NE(xml.find("<failure message=\"unexpected PASS: expected FAIL\" type=\"UNEXPECTED-PASS\">"), std::string::npos);
    EXPECT_NE(xml.find("<flakyFailure type=\"TIMEOUT\" message=\"attempt 1 of 2 ended TIMEOUT\"/>"), std::string::npos);
}

TEST(junit_writer, a_failure_lists_every_check_that_counts_and_findings_go_to_system_out)
{
    std::ostringstream out;
    write_junit(golden::sample_report(), out);
    auto const xml = out.str();
    auto const failed = xml.find("name=\"ws.lifecycle.close-code\"");
    ASSERT_NE(failed, std::string::npos);
    for (auto const* check : {"check 1 of 3: fail expect", "check 2 of 3: fail expect", "check 3 of 3: fail expect"})
        EXPECT_NE(xml.find(check, failed), std::string::npos) << check;
    EXPECT_NE(xml.find("  clauses: WS-CONNECT-HEADER-SENT\n  expected: x-sockconf-test: &quot;yes&quot;\n", failed), std::string::npos);
    EXPECT_NE(xml.find("<system-out>also seen: INV-CALLBACK-ASYNC (WS-CALLBACKS-ASYNC): ", failed), std::string::npos);
    EXPECT_NE(xml.find("<system-out>NON-STRICT: a SHOULD was missed\nalso seen: INV-CALLBACK-ASYNC"), std::string::npos);
    EXPECT_NE(xml.find("not run: 1 check(s) an earlier step could not reach"), std::string::npos);
}
