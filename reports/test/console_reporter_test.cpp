#include "sample_report.hpp"

#include <sockconf/reports/console_reporter.hpp>
#include <sockconf/reports/reporter_registry.hpp>

#include <sstream>

using namespace sockconf::reports;

namespace {

/// What `sockconf run` prints for `r`: its start, a line per case, the summary.
std::string console_of(run_report const& r, reporter_config config, std::string const& round = "")
{
    std::ostringstream out;
    config.out = &out;
    auto console = reporter_registry::instance().make("console", config);
    console->on_run_start({r.info, r.cases.size(), "ws://127.0.0.1:PORT, wss://127.0.0.1:PORT and tcp 127.0.0.1:PORT"});
    for (std::size_t i = 0; i < r.cases.size(); ++i)
        console->on_case_done(i + 1, r.cases.size(), r.cases[i]);
    if (!round.empty()) {
        console->on_round(round, 1);
        console->on_case_done(1, 1, r.cases.back());
    }
    console->on_run_end(r);
    return out.str();
}

} // namespace

TEST(console_reporter, matches_golden)
{
    golden::expect_golden("console.txt", console_of(golden::sample_report(), {nullptr, "out", {}, 0}));
}

TEST(console_reporter, with_expectations_and_a_retry_round_matches_golden)
{
    auto const text = console_of(golden::sample_report_with_expectations(), {nullptr, "out", {}, 3}, "retry 1/2");
    golden::expect_golden("console-expectations.txt", text);
    EXPECT_NE(text.find("\n-- retry 1/2: 1 case(s)\n[1/1] NON-STRICT"), std::string::npos) << text;
    EXPECT_NE(text.find("\n2 unexpected result(s) against expectations/reference.json (3 listed case(s) not run)\n"),
              std::string::npos)
        << text;
}

TEST(console_reporter, a_case_line_pads_to_the_round_s_width)
{
    auto r = golden::sample_report();
    std::ostringstream out;
    console_reporter console(out, {});
    console.on_run_start({r.info, 120, "S"});
    console.on_case_done(7, 120, r.cases[0]);
    EXPECT_EQ(out.str(), "sockconf 0.0.0-test: 120 case(s) against sockconf-reference 0.0.0-test (profile wechat), 2 "
                         "job(s); servers S\n[  7/120] PASS          ws.lifecycle.echo-text (12 ms)\n");
}

TEST(console_reporter, past_ten_deviations_it_points_at_the_fullest_file_written)
{
    auto r = golden::sample_report();
    auto const model = r.cases[1];
    r.cases.clear();
    for (int i = 0; i < 12; ++i) { // twelve behaviours, and the invariant all of them show: 13 deviations
        auto c = model;
        c.id = "ws.many.case-" + std::to_string(i);
        for (auto& k : c.checks)
            k.observed_norm += " #" + std::to_string(i);
        r.cases.push_back(c);
    }
    auto const tail = [&](std::vector<std::string> formats) {
        std::ostringstream out;
        console_reporter(out, {nullptr, "dir", std::move(formats), 0}).on_run_end(r);
        auto const text = out.str();
        auto const at = text.find("  … ");
        return at == std::string::npos ? text : text.substr(at);
    };
    EXPECT_EQ(tail({}), "  … 3 more in dir/report.md\n");
    EXPECT_EQ(tail({"json", "md"}), "  … 3 more in dir/report.md\n");
    EXPECT_EQ(tail({"json", "html"}), "  … 3 more in dir/report.html\n");
    EXPECT_EQ(tail({"json", "junit"}), "  … 3 more in dir/report.json\n");
}
