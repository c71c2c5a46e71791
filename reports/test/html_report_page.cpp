// Writes the report.html that html_report.test.mjs opens in headless chromium:
// the golden sample run, a benchmark block, and a failing case whose title,
// message, failure, checks (so a deviation's headline and observed), trace and
// wire record carry hostile HTML/JS.
//
//   html_report_page OUT.html                   the test page
//   html_report_page OUT.html REPORT.json       any report.json as report.html, to look at by hand
//   html_report_page OUT.html R1.json R2.json…  their compatibility matrix (matrix.hpp), likewise
#include "sample_report.hpp"

#include <sockconf/common/json_file.hpp>
#include <sockconf/reports/html_writer.hpp>
#include <sockconf/reports/report_reader.hpp>
#include <sockconf/reports/matrix.hpp>

#include <exception>
#include <iostream>

using namespace sockconf::reports;

namespace {

/// Would set window.__pwned if any of it ran as markup or script.
constexpr char const* hostile =
    "</script><img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script><!-- <b id=pwned>bold</b>";

run_report test_run()
{
    auto r = golden::sample_report();
    r.bench = golden::sample_bench();
    case_result c = r.cases[1];
    c.id = "ws.hostile.echo";
    c.title = std::string("hostile: ") + hostile;
    c.message = hostile;
    c.failed = failure{"suites/websocket/hostile.json#/steps/1", "a message \"hi\"", hostile};
    // Its own deviation: a hostile subject, expectation and observation.
    auto& k = c.checks.at(1);
    k.where = "suites/websocket/hostile.json#/steps/1";
    k.title = hostile;
    k.actual = hostile;
    k.subject = std::string("hostile ") + hostile;
    k.expected_norm = hostile;
    k.observed_norm = hostile;
    k.seqs = {3};
    c.trace = sockconf::json::array(
        {{{"seq", 1}, {"t_ms", 0.4}, {"type", "call"}, {"step", "/steps/0"}, {"target", "wx.connectSocket"},
          {"args", {{{"url", std::string("ws://127.0.0.1:1/echo?x=") + hostile}}}},
          {"value", {{"$handle", "1"}, {"class", "SocketTask"}}}},
         {{"seq", 2}, {"t_ms", 1.5}, {"type", "invoke"}, {"fn", "open"}, {"arg", {{"header", hostile}}}},
         {{"seq", 3}, {"t_ms", 1.7}, {"type", "call"}, {"step", "/steps/1"}, {"target", "task.send"},
          {"args", {{{"data", hostile}}}}, {"threw", {{"message", hostile}}}},
         {{"seq", 4}, {"t_ms", 2.5}, {"type", "note"}, {"text", hostile}}});
    c.wire = sockconf::json::array({{{"kind", "websocket"}, {"tls", false}, {"target", std::string("/echo?") + hostile},
                                     {"http_status", 101}, {"messages", {{{"binary", false}, {"size", 5}, {"head", hostile}}}},
                                     {"opened_ms", 100.0}, {"closed_ms", 103.0}, {"end", "client_closed"},
                                     {"close_code", 1000}, {"close_reason", hostile}}});
    r.cases.push_back(c);
    r.info.iut["version"] = hostile;
    return r;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::cerr << "usage: html_report_page OUT.html [REPORT.json...]\n";
        return 2;
    }
    try {
        if (argc > 3) {
            std::vector<run_report> runs;
            for (int i = 2; i < argc; ++i)
                runs.push_back(read_report(argv[i]));
            sockconf::write_file_atomically(argv[1], [&](std::ostream& o) { write_matrix_html(runs, o); });
            return 0;
        }
        auto const r = argc == 3 ? read_report(argv[2]) : test_run();
        sockconf::write_file_atomically(argv[1], [&](std::ostream& o) { write_html(r, o); });
    } catch (std::exception const& e) {
        std::cerr << "html_report_page: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
