#include <sockconf/common/value.hpp>
#include <sockconf/reports/console_reporter.hpp>
#include <sockconf/reports/deviations.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

namespace sockconf::reports {

console_reporter::console_reporter(std::ostream& out, reporter_config config) : out_(out), config_(std::move(config)) {}

void console_reporter::on_run_start(run_start const& start)
{
    width_ = std::to_string(start.total).size();
    auto const& info = start.info;
    out_ << fmt::format("sockconf {}: {} case(s) against {} {}{} (profile {}), {} job(s){}; servers {}\n",
                        info.tool_version, start.total, info.iut.value("name", "?"), info.iut.value("version", "?"),
                        info.engine.known() ? " in " + info.engine.label() : "", info.profile, info.jobs, info.shard.empty() ? "" : ", shard " + info.shard, start.servers)
         << std::flush;
}

void console_reporter::on_round(std::string const& label, std::size_t cases)
{
    width_ = std::to_string(cases).size();
    out_ << fmt::format("-- {}: {} case(s)\n", label, cases) << std::flush;
}

void console_reporter::on_case_done(std::size_t done, std::size_t total, case_result const& r)
{
    out_ << fmt::format("[{:>{}}/{}] {:<13} {} ({:.0f} ms)\n", done, width_, total, to_string(r.result), r.id,
                        r.duration_ms);
    if (!conforming(r.result) || r.result == status::skip)
        out_ << "      " << r.message << "\n";
    if (!conforming(r.result) && r.failed) {
        out_ << "      at " << r.failed->where << "\n      trace:\n";
        for (auto const& e : r.trace)
            out_ << "        " << trace_line(e) << "\n";
    }
    out_ << std::flush;
}

void console_reporter::on_run_end(run_report const& report)
{
    std::size_t passed = 0, failed = 0, skipped = 0;
    for (auto const& r : report.cases) {
        if (r.result == status::skip) ++skipped;
        else if (conforming(r.result)) ++passed;
        else ++failed;
    }
    auto const n = report.counts();
    std::string detail;
    for (std::size_t i = 0; i < n.size(); ++i)
        if (n[i])
            detail += fmt::format("{}{} {}", detail.empty() ? "" : ", ", n[i], to_string(static_cast<status>(i)));
    out_ << fmt::format("{} in {:.1f} s{}\n", detail, report.info.duration_ms / 1000.0,
                        report.info.interrupted ? " (interrupted: cases not run are SKIP)" : "");
    // The run cannot be shorter than its longest case: how close it came.
    auto const longest = std::max_element(report.cases.begin(), report.cases.end(),
                                          [](auto const& a, auto const& b) { return a.duration_ms < b.duration_ms; });
    if (report.info.repeat == 1 && longest != report.cases.end() && longest->duration_ms > 0)
        out_ << fmt::format("wall {:.2f} s, critical path {:.2f} s (longest case {}): {:.2f}x\n",
                            report.info.duration_ms / 1000.0, longest->duration_ms / 1000.0, longest->id,
                            report.info.duration_ms / longest->duration_ms);
    out_ << fmt::format("{} passed, {} failed", passed, failed)
         << (skipped ? fmt::format(", {} skipped", skipped) : std::string()) << "\n";
    print_deviations(report, 10);
    for (auto const& r : report.cases)
        if (r.flaky()) {
            std::string statuses;
            for (auto a : r.attempts)
                statuses += (statuses.empty() ? "" : ", ") + std::string(to_string(a));
            out_ << fmt::format("flaky: {} ({}){}\n", r.id, statuses, r.unexpected ? "" : ": counted as expected");
        }
    if (!report.info.expectations.empty()) {
        for (auto const& r : report.cases)
            if (r.unexpected)
                out_ << fmt::format("unexpected {}: {} (expected {}{})\n",
                                    r.result == status::pass ? "pass" : std::string(to_string(r.result)), r.id,
                                    r.expected.empty() ? "a conforming result" : r.expected,
                                    r.expected_reason.empty() ? "" : ": " + r.expected_reason);
        auto const stale = config_.expectations_not_run;
        out_ << fmt::format("{} unexpected result(s) against {}", report.unexpected(), report.info.expectations)
             << (stale == 0 ? "" : fmt::format(" ({} listed case(s) not run)", stale)) << "\n";
    }
    out_ << std::flush;
}

/// The failing checks grouped by cause, the `top` that most cases show, one line
/// each; the rest are in the fullest report file the run writes.
void console_reporter::print_deviations(run_report const& report, std::size_t top) const
{
    auto const ds = deviations_of(report);
    if (ds.empty() && failing_cases(report) == 0)
        return;
    std::vector<deviation const*> fixable;
    for (auto const& d : ds)
        if (!d.host_limit)
            fixable.push_back(&d);
    out_ << deviations_summary(report, ds) << (fixable.empty() ? "\n" : ":\n");
    for (std::size_t i = 0; i < fixable.size() && i < top; ++i)
        out_ << fmt::format("  {:>2}. {} {:>4} case(s)  {}\n", i + 1, fixable[i]->id, fixable[i]->case_count(),
                            cut_utf8(fixable[i]->headline(), 140, "…"));
    if (fixable.size() > top) {
        // report.md lists them all with why; report.html too; report.json always has them.
        auto const& f = config_.formats;
        std::string file;
        for (auto const* name : {"md", "html", "json"})
            if (auto const* e = reporter_registry::instance().find(name);
                e && file.empty() && (f.empty() || std::find(f.begin(), f.end(), name) != f.end()))
                file = e->file;
        out_ << fmt::format("  … {} more in {}\n", fixable.size() - top,
                            (std::filesystem::path(config_.report_dir) / file).string());
    }
}

} // namespace sockconf::reports
