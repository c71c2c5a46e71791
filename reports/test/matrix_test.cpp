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

/// The reference, one platform in two engines whose statuses differ in one case, and another
/// platform in two engines that agree.
std::vector<run_report> engine_runs()
{
    auto const chromium = engine_of_user_agent(
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.0.0 Safari/537.36");
    auto const firefox = engine_of_user_agent("Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0");
    auto platform = [](std::string const& name, browser_engine const& e) {
        auto r = golden::sample_report();
        r.info.iut = {{"name", name}, {"version", "1.0"}, {"host", "browser"}};
        r.info.profile = "taro";
        r.info.engine = e;
        return r;
    };
    auto a_ff = platform("@x/alpha", firefox);
    a_ff.cases[0].result = status::fail; // ws.lifecycle.echo-text: fails in firefox only
    a_ff.cases[4].result = status::pass; // ws.limit.sixth: NON-STRICT in chromium, PASS in firefox
    return {golden::sample_report(), platform("@x/alpha", chromium), a_ff, platform("@x/beta", chromium),
            platform("@x/beta", firefox)};
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

TEST(matrix, engines_golden) { golden::expect_golden("matrix-engines.md", markdown(engine_runs())); }

TEST(matrix, each_column_names_its_engine_and_the_cases_that_differ_between_engines_are_marked)
{
    auto const md = markdown(engine_runs());
    EXPECT_NE(md.find("| sockconf-reference 0.0.0-test | @x/alpha 1.0 on chromium 140 | @x/alpha 1.0 on firefox 153 | "
                      "@x/beta 1.0 on chromium 140 | @x/beta 1.0 on firefox 153 |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| engine | – | chromium 140 | firefox 153 | chromium 140 | firefox 153 |"), std::string::npos);
    auto const section = md.find("## Where the engine matters");
    ASSERT_NE(section, std::string::npos);
    EXPECT_LT(section, md.find("## Cases"));
    EXPECT_NE(md.find("### @x/alpha 1.0 (taro): 2 case(s) differ between chromium 140 and firefox 153\n\n"
                      "| case | chromium 140 | firefox 153 |\n| --- | --- | --- |\n"
                      "| ws.lifecycle.echo-text | PASS | **FAIL** |\n| ws.limit.sixth | NON-STRICT | PASS |\n"),
              std::string::npos);
    EXPECT_NE(md.find("### @x/beta 1.0 (taro): no case differs between chromium 140 and firefox 153"), std::string::npos);
    // In the case tables: marked where the engines of one platform disagree, not where platforms do.
    EXPECT_NE(md.find("| ws.lifecycle.echo-text (engines differ) | PASS | PASS | **FAIL** | PASS | PASS |"), std::string::npos);
    EXPECT_EQ(md.find("ws.lifecycle.close-code (engines differ)"), std::string::npos);

    auto const page = html(engine_runs());
    EXPECT_NE(page.find("<h2>Where the engine matters</h2>"), std::string::npos);
    EXPECT_NE(page.find("<th>@x/alpha 1.0 on firefox 153</th>"), std::string::npos);
    EXPECT_NE(page.find("<tr class=\"engine-differs\"><td><code title=\"A string is echoed as a string\">ws.lifecycle.echo-text</code>"),
              std::string::npos)
        << page;
    EXPECT_NE(page.find("<span class=\"meta\">(engines differ)</span>"), std::string::npos);
    EXPECT_NE(page.find("title=\"Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0\""), std::string::npos);
}

TEST(matrix, without_engines_nothing_about_them)
{
    auto const md = markdown(two_runs());
    EXPECT_EQ(md.find("| engine |"), std::string::npos);
    EXPECT_EQ(md.find("Where the engine matters"), std::string::npos);
    EXPECT_EQ(md.find("engines differ"), std::string::npos);
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
        // A page runs in each browser of its run.browser: the first's report is the platform's
        // own, the others' in a folder named after the browser (scripts/platform-reports.sh).
        std::vector<std::string> browsers;
        if (auto const& run = p.at("run"); run.contains("browser"))
            browsers = run.at("browser").is_string() ? std::vector<std::string>{run.at("browser").get<std::string>()}
                                                     : run.at("browser").get<std::vector<std::string>>();
        for (std::size_t b = 0; b < std::max<std::size_t>(browsers.size(), 1); ++b) {
            auto const file = std::string(SOCKCONF_PLATFORMS_DIR) + "/" + name + (b == 0 ? "" : "/" + browsers[b]) + "/report.json";
            if (b > 0 && !std::filesystem::exists(file))
                continue; // not generated yet: scripts/platform-reports.sh writes it
            runs.push_back(read_report(file));
            // The committed report is a run of what the platform.json describes: its profile, its hello.
            auto const& run = runs.back().info;
            EXPECT_EQ(run.profile, p.at("profile")) << file;
            auto const& hello = p.at("hello");
            EXPECT_EQ(run.iut.value("name", ""), p.contains("package") ? p.at("package") : hello.at("name")) << file;
            EXPECT_EQ(run.iut.value("host", ""), hello.at("host")) << file;
            EXPECT_EQ(run.iut.value("capabilities", sockconf::json()), hello.at("capabilities")) << file;
            // ... in the browser it is filed under (a report from before engines were recorded has none).
            if (run.engine.known() || b > 0)
                EXPECT_EQ(run.engine.name, browsers.empty() ? "" : browsers[b]) << file;
        }
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
