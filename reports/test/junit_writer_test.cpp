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
    EXPECT_NE(xml.find("tests=\"5\" failures=\"1\" errors=\"1\" skipped=\"1\""), std::string::npos);
    EXPECT_NE(xml.find("<failure message=\"expected close code 1000"), std::string::npos);
    EXPECT_NE(xml.find("<error message=\"IUT did not answer"), std::string::npos);
    EXPECT_NE(xml.find("<skipped message=\"interrupted\"/>"), std::string::npos);
}
