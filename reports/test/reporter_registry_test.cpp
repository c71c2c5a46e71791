#include "sample_report.hpp"

#include <sockconf/common/spec_error.hpp>
#include <sockconf/reports/reporter_registry.hpp>

#include <sstream>

using namespace sockconf::reports;

TEST(reporter_registry, lists_the_five_file_formats_once_each_and_the_streams_apart)
{
    auto const& reg = reporter_registry::instance();
    EXPECT_EQ(reg.names(reporter_kind::file), (std::vector<std::string>{"json", "junit", "md", "html", "summary"}));
    auto const streams = reg.names(reporter_kind::stream); // and recording-test, registered below
    EXPECT_EQ(std::vector<std::string>(streams.begin(), streams.begin() + 2), (std::vector<std::string>{"console", "github"}));
    ASSERT_NE(reg.find("console"), nullptr);
    EXPECT_EQ(reg.find("console")->kind, reporter_kind::stream);
    EXPECT_EQ(reg.find("console")->file, "");
    std::vector<std::string> files;
    for (auto const& e : reg.entries()) {
        EXPECT_FALSE(e.description.empty()) << e.name;
        EXPECT_TRUE(e.make) << e.name;
        if (e.kind == reporter_kind::file)
            files.push_back(e.file);
    }
    EXPECT_EQ(files, (std::vector<std::string>{"report.json", "junit.xml", "report.md", "report.html", "summary.md"}));
    EXPECT_TRUE(reg.find("json")->always) << "report.json is read back by the run's own machinery";
    EXPECT_FALSE(reg.find("html")->always);
}

TEST(reporter_registry, a_name_is_registered_once)
{
    reporter_registry reg;
    reg.add({"tap", reporter_kind::stream, "", "TAP", false, {}});
    EXPECT_THROW(reg.add({"tap", reporter_kind::stream, "", "TAP again", false, {}}), std::logic_error);
    EXPECT_THROW(reporter_registry::instance().add({"json", reporter_kind::file, "x.json", "", false, {}}),
                 std::logic_error);
}

TEST(reporter_registry, an_unknown_reporter_is_an_input_error_naming_the_reporters)
{
    try {
        reporter_registry::instance().make("xml", {});
        FAIL() << "no error";
    } catch (sockconf::spec_error const& e) {
        EXPECT_EQ(e.id(), "E-FORMAT");
        // (and recording-test, registered below)
        EXPECT_EQ(e.detail().rfind("no reporter \"xml\": the reporters are json, junit, md, html, summary, console, github", 0), 0u)
            << e.detail();
    }
}

// A reporter from outside the library, as a registrar adds it, gets every event in order.
namespace {
struct recording : reporter {
    std::ostream& out;
    explicit recording(std::ostream& o) : out(o) {}
    void on_run_start(run_start const& s) override { out << "start " << s.total << "\n"; }
    void on_round(std::string const& label, std::size_t n) override { out << "round " << label << " " << n << "\n"; }
    void on_case_done(std::size_t done, std::size_t total, case_result const& r) override
    {
        out << done << "/" << total << " " << r.id << "\n";
    }
    void on_run_end(run_report const& r) override { out << "end " << r.cases.size() << "\n"; }
};
reporter_registrar const recording_registrar{{"recording-test", reporter_kind::stream, "", "events, one a line", false,
                                              [](reporter_config const& c) -> std::unique_ptr<reporter> {
                                                  return std::make_unique<recording>(*c.out);
                                              }}};
} // namespace

TEST(reporter_registry, a_registrar_adds_a_reporter_made_by_name)
{
    std::ostringstream out;
    auto r = reporter_registry::instance().make("recording-test", {&out, "", {}, 0});
    auto const report = golden::sample_report();
    r->on_run_start({report.info, 2, ""});
    r->on_case_done(1, 2, report.cases[0]);
    r->on_round("retry 1/1", 1);
    r->on_run_end(report);
    EXPECT_EQ(out.str(), "start 2\n1/2 ws.lifecycle.echo-text\nround retry 1/1 1\nend " +
                             std::to_string(report.cases.size()) + "\n");
}
