#include "sample_report.hpp"

#include <sockconf/reports/report_reader.hpp>
#include <sockconf/reports/matrix.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace sockconf::reports;

namespace {

/// The sample run, and a second IUT that differs: one case fails, one is
/// missing, one only it has, and it ran with an expectations file.
std::vector<run_report> two_runs()
{
    auto a = golden::sample_report();
    auto b = golden::sample_report();
    b.info.iut = {{"name", "other-iut"}, {"version", "2.0"}};
    b.info.profile = "taro";
    b.info.expectations = "expectations.json";
    b.cases[0].result = status::fail;
    b.cases[0].unexpected = true;
    b.cases.erase(b.cases.begin() + 3); // tcp.basic.skipped
    auto extra = b.cases[0];
    extra.id = "ws.only.here";
    extra.result = status::unimplemented;
    extra.clauses = {"WS-ONLY"};
    b.cases.push_back(extra);
    b.clauses.push_back({"WS-ONLY", "SHOULD", "socket-task.misc", "x.md", "only here"});
    return {a, b};
}

std::string markdown(std::vector<run_report> const& runs)
{
    std::ostringstream out;
    write_matrix_markdown(runs, out);
    return out.str();
}

std::string html(std::vector<run_report> const& runs)
{
    std::ostringstream out;
    write_matrix_html(runs, out);
    return out.str();
}

} // namespace

TEST(matrix, markdown_matches_golden) { golden::expect_golden("matrix.md", markdown(two_runs())); }

TEST(matrix, html_matches_golden) { golden::expect_golden("matrix.html", html(two_runs())); }

TEST(matrix, a_row_per_case_with_each_runs_status_and_the_worst_per_clause)
{
    auto const md = markdown(two_runs());
    EXPECT_NE(md.find("| ws.lifecycle.echo-text | PASS | **FAIL** |"), std::string::npos) << md;
    EXPECT_NE(md.find("| tcp.basic.skipped | SKIP | – |"), std::string::npos);
    EXPECT_NE(md.find("| ws.only.here | – | UNIMPLEMENTED |"), std::string::npos);
    // Same status in both: folded.
    EXPECT_NE(md.find("| tcp.basic.refused | **ERROR** |"), std::string::npos);
    // WS-TASK-SEND-STRING: the sample's cases are PASS, FAIL, ERROR, SKIP, NON-STRICT: FAIL is the worst.
    EXPECT_NE(md.find("| WS-TASK-SEND-STRING (MUST) | **FAIL** |"), std::string::npos);
    EXPECT_NE(md.find("| WS-ONLY (SHOULD) | – | UNIMPLEMENTED |"), std::string::npos);
    // ws.lifecycle: echo-text PASS/FAIL, close-code FAIL/FAIL.
    EXPECT_NE(md.find("| ws.lifecycle | 1 / 2 | 0 / 2 |"), std::string::npos);
    EXPECT_NE(md.find("| ws.only | – | – |"), std::string::npos) << "UNIMPLEMENTED does not count as run";
    EXPECT_NE(md.find("| unexpected | – | 4 |"), std::string::npos) << "the run with expectations counts its unexpected cases";
}

TEST(matrix, deviations_side_by_side_with_their_case_counts)
{
    auto runs = two_runs();
    runs[1].cases[1].checks[1].observed_norm = "1006"; // the other IUT closes otherwise
    auto const md = markdown(runs);
    auto const section = md.find("## Deviations (cases per run)");
    ASSERT_NE(section, std::string::npos);
    EXPECT_LT(section, md.find("## Cases"));
    EXPECT_NE(md.find("| `DEV-4b000757` SHOULD: success/fail/complete called synchronously (INV-CALLBACK-ASYNC, WS-CALLBACKS-ASYNC) "
                      "| 3 | 3 |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("(WS-CONNECT-HEADER-SENT) | 1 (host) | 1 |"), std::string::npos) << "a limit only of the browser run's host";
    EXPECT_NE(md.find("expected 1000, observed 1003 (WS-TASK-CLOSE-CODE-SENT) | 1 | – |"), std::string::npos);
    EXPECT_NE(md.find("expected 1000, observed 1006 (WS-TASK-CLOSE-CODE-SENT) | – | 1 |"), std::string::npos);
    // Seen in both runs first.
    EXPECT_LT(md.find("(WS-CONNECT-HEADER-SENT) | 1 (host) | 1 |"), md.find("observed 1003"));
    auto const page = html(runs);
    EXPECT_NE(page.find("<h2>Deviations (cases per run)</h2>"), std::string::npos);
    EXPECT_NE(page.find("<td class=\"num\">1 <span class=\"meta\">(host)</span></td>"), std::string::npos);
}

TEST(matrix, two_runs_of_one_iut_are_told_apart_by_profile)
{
    auto runs = two_runs();
    runs[1].info.iut = runs[0].info.iut;
    auto const md = markdown(runs);
    EXPECT_NE(md.find("sockconf-reference 0.0.0-test (wechat)"), std::string::npos);
    EXPECT_NE(md.find("sockconf-reference 0.0.0-test (taro)"), std::string::npos);
}

TEST(matrix, strings_from_the_reports_are_escaped)
{
    auto runs = two_runs();
    auto const hostile = std::string("</script><img src=x onerror=alert(1)>|`x`");
    runs[1].info.iut["name"] = hostile;
    runs[1].info.profile = hostile;
    runs[1].cases[0].id = hostile;
    runs[1].cases[0].title = hostile;
    runs[1].cases[0].suite = hostile;
    runs[1].clauses.back().statement = hostile;
    auto const md = markdown(runs);
    EXPECT_EQ(md.find("<img"), std::string::npos);
    EXPECT_NE(md.find("&lt;img src=x onerror=alert(1)&gt;\\|\\`x\\`"), std::string::npos);
    auto const page = html(runs);
    EXPECT_EQ(page.find("<img"), std::string::npos);
    EXPECT_EQ(page.find("<script"), page.rfind("<script"));
}

/// The platforms with a committed report: the adapter folders whose platform.json says
/// "platform_report": true (adapters/README.md, "platform.json"), read as the scripts read them.
std::vector<sockconf::json> reported_platforms()
{
    namespace fs = std::filesystem;
    std::vector<sockconf::json> out;
    for (auto it = fs::recursive_directory_iterator(SOCKCONF_ADAPTERS_DIR); it != fs::recursive_directory_iterator(); ++it) {
        if (it->is_directory() && (it.depth() >= 1 || it->path().filename() == "node_modules"))
            it.disable_recursion_pending(); // adapters/*/ and adapters/*/*/ only, as adapters/platforms.mjs
        auto const file = it->path() / "platform.json";
        if (!it->is_directory() || !fs::exists(file))
            continue;
        auto p = sockconf::json::parse(std::ifstream(file));
        if (p.at("platform_report").get<bool>())
            out.push_back(p);
    }
    return out;
}

TEST(matrix, the_committed_platform_reports_side_by_side)
{
    auto const platforms = reported_platforms();
    ASSERT_GE(platforms.size(), 5u); // the reference and the four browser platforms, at least
    std::vector<run_report> runs;
    for (auto const& p : platforms) {
        auto const name = p.at("name").get<std::string>();
        runs.push_back(read_report(std::string(SOCKCONF_PLATFORMS_DIR) + "/" + name + "/report.json"));
        // The committed report is a run of what the platform.json describes: its profile, its hello.
        auto const& run = runs.back().info;
        EXPECT_EQ(run.profile, p.at("profile")) << name;
        auto const& hello = p.at("hello");
        EXPECT_EQ(run.iut.value("name", ""), p.contains("package") ? p.at("package") : hello.at("name")) << name;
        EXPECT_EQ(run.iut.value("host", ""), hello.at("host")) << name;
        EXPECT_EQ(run.iut.value("capabilities", sockconf::json()), hello.at("capabilities")) << name;
    }
    auto const md = markdown(runs);
    for (auto const& r : runs)
        EXPECT_NE(md.find(r.info.iut.value("name", "?")), std::string::npos) << r.info.iut.dump();
    EXPECT_NE(md.find("### websocket:"), std::string::npos);
    EXPECT_NE(md.find("### tcp:"), std::string::npos);
    EXPECT_NE(md.find("| PASS | " + std::to_string(runs[0].count(status::pass)) + " | "), std::string::npos);
    EXPECT_NE(html(runs).find("Compatibility matrix"), std::string::npos);
}

TEST(matrix, column_links_stay_relative_and_inside_the_markdown)
{
    std::ostringstream md, page;
    std::vector<std::string> const links = {"reference/report.md", "x) [y](javascript:alert(1)"};
    write_matrix_markdown(two_runs(), md, links);
    write_matrix_html(two_runs(), page, links);
    EXPECT_NE(md.str().find("| [sockconf-reference 0.0.0-test](reference/report.md) |"), std::string::npos) << md.str();
    EXPECT_NE(md.str().find("[other-iut 2.0](x%29%20%5By%5D%28javascript%3Aalert%281%29) |"), std::string::npos);
    EXPECT_NE(page.str().find("<a href=\"reference/report.md\">"), std::string::npos);
    EXPECT_EQ(page.str().find("javascript:"), std::string::npos);
}
