#include "sample_report.hpp"

#include <sockconf/reports/report_dir.hpp>

#include <filesystem>
#include <unistd.h>

using namespace sockconf::reports;
namespace fs = std::filesystem;

TEST(report_dir, writes_every_format_and_creates_the_directory)
{
    auto const dir = fs::temp_directory_path() / ("sockconf-report-test-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    auto written = write_report_dir(golden::sample_report(), (dir / "nested").string());
    ASSERT_EQ(written.size(), 4u);
    EXPECT_TRUE(fs::exists(dir / "nested" / "report.json"));
    EXPECT_TRUE(fs::exists(dir / "nested" / "junit.xml"));
    EXPECT_TRUE(fs::exists(dir / "nested" / "report.md"));
    EXPECT_TRUE(fs::exists(dir / "nested" / "report.html"));
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
