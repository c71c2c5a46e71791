#include "sample_report.hpp"

#include <sockconf/common/spec_error.hpp>
#include <sockconf/reports/report_dir.hpp>

#include <algorithm>
#include <filesystem>
#include <unistd.h>

using namespace sockconf::reports;
namespace fs = std::filesystem;

TEST(report_dir, writes_every_format_and_creates_the_directory)
{
    auto const dir = fs::temp_directory_path() / ("sockconf-report-test-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    auto written = write_report_dir(golden::sample_report(), (dir / "nested").string());
    ASSERT_EQ(written.size(), 5u);
    EXPECT_TRUE(fs::exists(dir / "nested" / "report.json"));
    EXPECT_TRUE(fs::exists(dir / "nested" / "junit.xml"));
    EXPECT_TRUE(fs::exists(dir / "nested" / "report.md"));
    EXPECT_TRUE(fs::exists(dir / "nested" / "report.html"));
    EXPECT_TRUE(fs::exists(dir / "nested" / "summary.md"));
    EXPECT_FALSE(fs::exists(dir / "nested" / "report.json.tmp"));
    fs::remove_all(dir);
}

TEST(report_dir, unwritable_directory_is_an_error_naming_it)
{
    try {
        write_report_dir(golden::sample_report(), "/proc/sockconf-cannot-be-here");
        FAIL() << "no error";
    } catch (std::runtime_error const& e) {
        EXPECT_NE(std::string(e.what()).find("/proc/sockconf-cannot-be-here"), std::string::npos);
    }
}

TEST(report_dir, format_names_every_file_format_by_default_and_always_json)
{
    EXPECT_EQ(parse_formats({}), (std::vector<std::string>{"json", "junit", "md", "html", "summary"}));
    EXPECT_EQ(parse_formats({"md,junit"}), (std::vector<std::string>{"json", "junit", "md"}))
        << "registration order, report.json always";
    EXPECT_EQ(parse_formats({"html", " md , html"}), (std::vector<std::string>{"json", "md", "html"}))
        << "repeated, spaces, twice";
    EXPECT_EQ(parse_formats({"json"}), (std::vector<std::string>{"json"}));
}

TEST(report_dir, an_unknown_format_is_an_input_error_listing_the_formats)
{
    auto const error = [](std::vector<std::string> const& values) {
        try {
            parse_formats(values, "--format");
        } catch (sockconf::spec_error const& e) {
            EXPECT_EQ(e.id(), "E-FORMAT");
            return e.detail();
        }
        return std::string("no error");
    };
    EXPECT_EQ(error({"md,xml"}), "unknown report format \"xml\" in --format: the formats are json, junit, md, html, summary");
    EXPECT_EQ(error({"console"}).rfind("\"console\" in --format is not a file format (", 0), 0u) << error({"console"});
    EXPECT_EQ(error({","}), "--format names no format: the formats are json, junit, md, html, summary");
    EXPECT_THROW(write_report_dir(golden::sample_report(), "/tmp", {"pdf"}), sockconf::spec_error);
}

TEST(report_dir, a_subset_writes_only_those_files_and_removes_an_earlier_run_s_others)
{
    auto const dir = fs::temp_directory_path() / ("sockconf-report-subset-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    write_report_dir(golden::sample_report(), dir.string());
    ASSERT_TRUE(fs::exists(dir / "report.html"));
    auto const written = write_report_dir(golden::sample_report(), dir.string(), parse_formats({"md,junit"}));
    EXPECT_EQ(written, (std::vector<std::string>{(dir / "report.json").string(), (dir / "junit.xml").string(),
                                                 (dir / "report.md").string()}));
    std::vector<std::string> there;
    for (auto const& e : fs::directory_iterator(dir))
        there.push_back(e.path().filename().string());
    std::sort(there.begin(), there.end());
    EXPECT_EQ(there, (std::vector<std::string>{"junit.xml", "report.json", "report.md"}));
    fs::remove_all(dir);
}

TEST(report_dir, help_and_file_list_come_from_the_registry)
{
    EXPECT_EQ(report_files(), "report.json, junit.xml, report.md, report.html, summary.md");
    EXPECT_EQ(report_files({"json", "md"}), "report.json, report.md");
    auto const help = formats_help();
    for (auto const* part : {" json = report.json, ", "always written", " junit = junit.xml, ", " md = report.md, ",
                             " html = report.html, ", " summary = summary.md, "})
        EXPECT_NE(help.find(part), std::string::npos) << part << " in " << help;
    EXPECT_EQ(help.find("console"), std::string::npos);
}
