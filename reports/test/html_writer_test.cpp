#include "sample_report.hpp"

#include <sockconf/reports/html_writer.hpp>

#include <sstream>

using namespace sockconf::reports;
using sockconf::json;

namespace {

std::string html_of(run_report const& r)
{
    std::ostringstream out;
    write_html(r, out);
    return out.str();
}

} // namespace

TEST(html_writer, matches_golden)
{
    golden::expect_golden("report.html", html_of(golden::sample_report()));
}

TEST(html_writer, bench_page_matches_golden)
{
    std::ostringstream out;
    write_bench_html(golden::sample_bench(), out);
    golden::expect_golden("bench.html", out.str());
}

TEST(html_writer, escapes_text_and_attributes)
{
    EXPECT_EQ(html_escape("</script><img src=x onerror=alert(1)>"),
              "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;");
    EXPECT_EQ(html_escape("a\"b'c&d"), "a&quot;b&apos;c&amp;d");
    EXPECT_EQ(html_escape("red\x1b[31m\x01"), "red\\x1b[31m\\x01");
}

TEST(html_writer, a_hostile_string_from_the_iut_never_becomes_markup)
{
    auto r = golden::sample_report();
    auto const hostile = std::string("</script><img src=x onerror=alert(1)><!--");
    r.info.iut["name"] = hostile;
    r.cases[1].message = hostile;
    r.cases[1].title = hostile;
    r.cases[1].failed->actual = hostile;
    r.cases[1].trace.push_back({{"seq", 3}, {"t_ms", 2.0}, {"type", "invoke"}, {"fn", hostile}, {"arg", hostile}});
    r.cases[1].wire.push_back({{"kind", "websocket"}, {"target", hostile}, {"opened_ms", 1.0}, {"end", hostile}});
    r.clauses.push_back({"X", hostile, hostile, hostile, hostile});
    r.cases[1].clauses.push_back("X");
    r.bench = golden::sample_bench();
    r.bench["results"][0]["target"] = hostile;
    auto const html = html_of(r);
    EXPECT_EQ(html.find("<img"), std::string::npos);
    EXPECT_EQ(html.find("<!--"), std::string::npos);
    // The page's own script is the only one, and it holds no data.
    EXPECT_EQ(html.find("<script"), html.rfind("<script"));
    EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
}

TEST(html_writer, allows_no_network_and_no_other_script)
{
    auto const html = html_of(golden::sample_report());
    auto const csp = html.find("Content-Security-Policy");
    ASSERT_NE(csp, std::string::npos);
    auto const policy = html.substr(csp, html.find('>', csp) - csp);
    EXPECT_NE(policy.find("default-src 'none'"), std::string::npos);
    EXPECT_NE(policy.find("script-src 'sha256-"), std::string::npos);
    EXPECT_EQ(policy.find("unsafe-inline"), std::string::npos);
    EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg")) << "no link to anything but the SVG namespace";
    EXPECT_EQ(html.find("https://"), std::string::npos);
}

TEST(html_writer, the_failing_case_comes_first_with_its_diagram_and_failure)
{
    auto const html = html_of(golden::sample_report());
    auto const failing = html.find("id=\"case-1\"");
    auto const passing = html.find("id=\"case-0\"");
    ASSERT_NE(failing, std::string::npos);
    EXPECT_LT(failing, passing);
    auto const svg = html.find("<svg class=\"seq\"", failing);
    EXPECT_LT(svg, passing);
    EXPECT_NE(html.find("failbox", failing), std::string::npos);
    EXPECT_NE(html.find("suites/websocket/lifecycle.json#/expect/0", failing), std::string::npos);
}

TEST(html_writer, every_status_and_suite_is_a_filter)
{
    auto const html = html_of(golden::sample_report());
    for (auto s : {"PASS", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAIL", "ERROR", "TIMEOUT", "SKIP"})
        EXPECT_NE(html.find(std::string("data-filter-status value=\"") + s + "\""), std::string::npos) << s;
    EXPECT_NE(html.find(">suite: tcp</option>"), std::string::npos);
    EXPECT_NE(html.find(">suite: websocket</option>"), std::string::npos);
    EXPECT_NE(html.find(">area: socket-task.send</option>"), std::string::npos);
}

TEST(html_writer, bench_charts_only_when_the_run_has_benchmarks)
{
    auto r = golden::sample_report();
    EXPECT_EQ(html_of(r).find("id=\"bench\""), std::string::npos);
    r.bench = golden::sample_bench();
    auto const html = html_of(r);
    EXPECT_NE(html.find("id=\"bench\""), std::string::npos);
    EXPECT_NE(html.find("aria-label=\"latency percentiles\""), std::string::npos);
    EXPECT_NE(html.find("aria-label=\"handshakes per second\""), std::string::npos);
}

TEST(html_writer, the_iuts_own_loop_puts_platform_beside_host_with_their_ratio)
{
    auto const row = [](std::string target, std::string api, double rate) {
        return json{{"kind", "throughput"}, {"scenario", "iut"}, {"target", target + " " + api}, {"api", api},
                    {"transport", "ws"}, {"payload", "binary"}, {"size", 1024}, {"msgs_per_s", rate},
                    {"latency_us", {{"p50", 900}, {"p99", 2000}}}};
    };
    json bench = {{"results",
                   {row("taro-h5", "platform", 700), row("taro-h5", "host", 2800), row("<b>x</b>", "platform", 50),
                    {{"kind", "unavailable"}, {"scenario", "iut"}, {"target", "<b>x</b> host"}, {"api", "host"},
                     {"transport", "tcp"}, {"payload", "binary"}, {"size", 16}, {"unavailable", "no <host> TCP"}}}}};
    std::ostringstream out;
    write_bench_html(bench, out);
    auto const html = out.str();
    auto const table = html.substr(html.find("against its host's own"));
    EXPECT_NE(table.find("<td>taro-h5</td><td>ws binary 1 KiB</td><td class=\"num\">700</td><td class=\"num\">2800</td>"
                         "<td class=\"num\">0.25×</td>"),
              std::string::npos)
        << table;
    EXPECT_NE(table.find("title=\"no &lt;host&gt; TCP\">unavailable"), std::string::npos);
    EXPECT_EQ(html.find("<b>x</b>"), std::string::npos); // an IUT's name is text, never markup
    EXPECT_EQ(html.find("of another kind"), std::string::npos); // the unavailable row is drawn, not "other"
}

TEST(html_writer, a_peers_run_shows_each_peer_s_median_ratio_with_its_range)
{
    std::ostringstream out;
    write_bench_html(golden::sample_bench(), out);
    auto const html = out.str();
    auto const table = html.substr(html.find("against each peer"));
    EXPECT_NE(table.find("<td>ws binary 16 B</td><td>uwebsockets</td><td class=\"num\">3</td><td class=\"num\">1.01× "
                         "<span class=\"meta\">(0.95–1.14)</span></td><td class=\"num\">0.99× "),
              std::string::npos)
        << table;
    EXPECT_NE(table.find("(0.93–1.06)</span></td><td class=\"num\">–</td>"), std::string::npos) << table;
}

TEST(html_writer, malformed_bench_results_are_skipped_not_thrown)
{
    for (auto const& bench : {json(nullptr), json::object(), json{{"results", 3}},
                              json{{"results", {1, "x", json::object(), {{"kind", "throughput"}, {"size", "big"}}}}},
                              json{{"results", {json::object()}}, {"peer_ratios", {1, "x", {{"rate", "fast"}, {"rounds", "7"}}}}},
                              json{{"results", {{{"kind", "throughput"}, {"size", 16}, {"msgs_per_s", -1},
                                                 {"latency_us", {{"p50", 0}, {"buckets", {{0, 1}, {"a", 2}}}}}}}}}}) {
        std::ostringstream out;
        EXPECT_NO_THROW(write_bench_html(bench, out)) << bench.dump();
    }
}

TEST(html_writer, a_long_trace_is_drawn_and_cut_with_a_note)
{
    auto r = golden::sample_report();
    auto& c = r.cases[1];
    for (int i = 0; i < 3000; ++i)
        c.trace.push_back({{"seq", i + 10}, {"t_ms", 3.0 + i}, {"type", "invoke"}, {"fn", "msg"}, {"arg", i}});
    auto const html = html_of(r);
    EXPECT_NE(html.find("more row(s): see the trace as text"), std::string::npos);
}

TEST(html_writer, a_huge_value_is_cut_in_the_page)
{
    auto r = golden::sample_report();
    auto const big = std::string(200000, 'x');
    r.cases[1].trace.push_back({{"seq", 3}, {"t_ms", 1.0}, {"type", "invoke"}, {"fn", "msg"}, {"arg", {{"data", big}}}});
    r.cases[1].wire.push_back({{"kind", "websocket"}, {"messages", {{{"size", 200000}, {"head", big}}}}});
    auto const html = html_of(r);
    EXPECT_LT(html.size(), html_of(golden::sample_report()).size() + 20000) << "report.json keeps it whole";
}

TEST(html_writer, the_deviations_lead_and_link_their_cases)
{
    auto const html = html_of(golden::sample_report());
    auto const section = html.find("<section id=\"deviations\"><h2>2 failing cases, 2 deviations, and 1 limit of the host</h2>");
    ASSERT_NE(section, std::string::npos);
    EXPECT_LT(section, html.find("<table class=\"suites\">")) << "before the counts";
    EXPECT_NE(html.find("<li class=\"dev\" id=\"dev-0\"><strong class=\"headline\">success/fail/complete called synchronously "
                        "(INV-CALLBACK-ASYNC, WS-CALLBACKS-ASYNC)</strong>"),
              std::string::npos);
    auto const limits = html.find("<h3>Limits of the host</h3>", section);
    ASSERT_NE(limits, std::string::npos);
    EXPECT_NE(html.find("<tr><th>limit of the host</th><td>a browser&apos;s WebSocket cannot send request headers</td></tr>", limits),
              std::string::npos);
    // Its cases as chips to their entries, its example to the case's diagram.
    EXPECT_NE(html.find("<tr><th>decided</th><td><a class=\"chip s-fail\" href=\"#case-1\"", section), std::string::npos);
    EXPECT_NE(html.find("<a class=\"example\" href=\"#case-0\">ws.lifecycle.echo-text</a>", section), std::string::npos);
    // And back: the case links its deviations and shows its checks.
    auto const entry = html.find("id=\"case-1\"");
    EXPECT_NE(html.find("<p class=\"devlinks\">deviations: <a href=\"#dev-0\">DEV-", entry), std::string::npos);
    EXPECT_NE(html.find("<details class=\"checks\" open><summary>checks: 5 (3 failing, 1 also seen)</summary>", entry),
              std::string::npos);
    EXPECT_NE(html.find("<span class=\"also\">also seen: INV-CALLBACK-ASYNC</span></summary>", entry), std::string::npos);
    auto const sixth = html.find("id=\"case-4\"");
    EXPECT_NE(html.find("<span class=\"st s-skip\">not held</span></td><td>outcome</td>", sixth), std::string::npos);
    EXPECT_NE(html.find("<span class=\"st s-pass\">held</span></td><td>outcome</td>", sixth), std::string::npos);
}

TEST(html_writer, a_hostile_deviation_is_text)
{
    auto r = golden::sample_report();
    auto const hostile = std::string("</script><img src=x onerror=alert(1)><!--");
    auto& k = r.cases[1].checks[1];
    k.subject = hostile;
    k.expected_norm = hostile;
    k.observed_norm = hostile;
    k.title = hostile;
    k.actual = hostile;
    r.info.iut["host"] = hostile;
    r.clauses[2].host_limits = {{hostile, hostile}};
    auto const html = html_of(r);
    EXPECT_EQ(html.find("<img"), std::string::npos);
    EXPECT_EQ(html.find("<!--"), std::string::npos);
    EXPECT_EQ(html.find("<script"), html.rfind("<script"));
    EXPECT_NE(html.find("<strong class=\"headline\">&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&lt;!--: expected"),
              std::string::npos);
}
