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
