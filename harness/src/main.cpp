// sockconf: the command line. Exceptions stop here: spec errors exit 2,
// infrastructure errors (servers, report files) exit 3.
#include <sockconf/bench/command.hpp>
#include <sockconf/common/profile.hpp>
#include <sockconf/echo/serve.hpp>
#include <sockconf/echo/servers.hpp>
#include <sockconf/harness/api_catalog.hpp>
#include <sockconf/harness/clause_catalog.hpp>
#include <sockconf/harness/errors_command.hpp>
#include <sockconf/harness/loader.hpp>
#include <sockconf/common/json_file.hpp>
#include <sockconf/harness/expectations.hpp>
#include <sockconf/harness/invariants.hpp>
#include <sockconf/harness/process_driver.hpp>
#include <sockconf/harness/remote_driver.hpp>
#include <sockconf/harness/repro.hpp>
#include <sockconf/harness/run.hpp>
#include <sockconf/reports/report_dir.hpp>
#include <sockconf/reports/deviations.hpp>
#include <sockconf/reports/diff.hpp>
#include <sockconf/reports/html_writer.hpp>
#include <sockconf/reports/matrix.hpp>
#include <sockconf/reports/merge.hpp>
#include <sockconf/reports/report_reader.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <thread>

namespace fs = std::filesystem;
using namespace sockconf;

namespace {

constexpr int exit_ok = 0, exit_unexpected = 1, exit_usage = 2, exit_infra = 3;
constexpr char const* version = "0.1.0";

std::atomic<bool> interrupted{false};

extern "C" void on_sigint(int)
{
    interrupted = true;
    std::signal(SIGINT, SIG_DFL); // a second Ctrl-C ends the process at once
}

/// Where specs/ and suites/ are: --home, $SOCKCONF_HOME, the current directory
/// if it holds them, else the source tree sockconf was built from.
std::string find_home(std::string const& flag)
{
    if (!flag.empty())
        return flag;
    if (auto const* env = std::getenv("SOCKCONF_HOME"))
        return env;
    if (fs::exists("specs/api.json") && fs::is_directory("suites"))
        return ".";
    return SOCKCONF_SOURCE_DIR;
}

std::string profile_path(std::string const& home, std::string const& name)
{
    if (name.find('/') != std::string::npos || name.ends_with(".json"))
        return name;
    return home + "/specs/profiles/" + name + ".json";
}

struct specs {
    harness::api_catalog api;
    harness::clause_catalog clauses;
    harness::invariant_catalog invariants;
    profile prof;
};

specs load_specs(std::string const& home, std::string const& profile_name)
{
    auto clauses = harness::clause_catalog::load_dir(home + "/specs/clauses");
    auto const known_clause = [&](std::string const& id) { return clauses.find(id) != nullptr; };
    auto invariants = harness::invariant_catalog::load(home + "/specs/invariants.json", known_clause);
    auto api = harness::api_catalog::load(home + "/specs/api.json", known_clause);
    auto prof = profile::load(profile_path(home, profile_name));
    clauses.apply_profile(prof.raw); // a clause's level may depend on the platform (D55)
    return {std::move(api), std::move(clauses), std::move(invariants), std::move(prof)};
}

harness::load_result load_cases(std::string const& home, specs const& s, std::vector<std::string> paths)
{
    if (paths.empty())
        paths.push_back(home + "/suites");
    return harness::load_suites(paths, s.api, s.clauses, home + "/suites");
}

int print_errors(std::vector<spec_error> const& errors)
{
    for (auto const& e : errors)
        std::cerr << "error: " << e.what() << "\n";
    return errors.empty() ? exit_ok : exit_usage;
}

std::string iso_now()
{
    auto const t = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return buf;
}

struct common_opts {
    std::string home, profile = "wechat", filter;
    std::vector<std::string> suites;
};

void add_common(CLI::App* cmd, common_opts& o, bool with_filter = true)
{
    cmd->add_option("--home", o.home, "Folder holding specs/ and suites/ (default: $SOCKCONF_HOME, ., or the source tree)");
    cmd->add_option("--profile", o.profile, "Profile id (specs/profiles/ID.json) or a profile file")->capture_default_str();
    cmd->add_option("--suites", o.suites, "Case files or folders (default: HOME/suites)");
    if (with_filter)
        cmd->add_option("--filter", o.filter, "Only cases whose id matches this glob (comma: alternatives)");
}

struct run_opts {
    // Cases spend their time waiting on sockets and timers, not computing: run
    // many at once, so that the run takes about as long as its longest case.
    int jobs = 32;
    std::string report_dir = "sockconf-report";
    bool slow = false;
    std::string iut; ///< empty: the in-process reference
    std::string lan_peer; ///< HOST:PORT of a TCP echo peer on the LAN (${lan.host}, ${lan.port}); empty: none
    std::string browser, iut_page; ///< the remote driver
    int pages = 24; // so that a browser run takes about as long as its longest case (BENCHMARKS.md)
    std::string expectations, update_expectations;
    std::string exclude, shard, rerun_failed;
    std::vector<std::string> tags;
    harness::attempt_policy attempts;
    bool list = false, dry_run = false;
};

/// --shard, else GoogleTest's sharding variables (GTEST_SHARD_INDEX is 0-based),
/// so that CI systems that shard test binaries shard sockconf too.
std::optional<reports::shard> shard_of(std::string const& flag)
{
    if (!flag.empty())
        return harness::shard_from(flag, "--shard");
    auto const* index = std::getenv("GTEST_SHARD_INDEX");
    auto const* total = std::getenv("GTEST_TOTAL_SHARDS");
    if (!index || !total)
        return std::nullopt;
    char* end = nullptr;
    auto const i = std::strtol(index, &end, 10);
    auto const ok = *index && !*end;
    return harness::shard_from(ok ? std::to_string(i + 1) + "/" + total : std::string(index) + "/" + total,
                               "GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS");
}

/// The cases of `path` (a report.json) that need another run: the unexpected ones.
std::vector<std::string> failed_in(std::string const& path)
{
    std::vector<std::string> ids;
    for (auto const& c : reports::read_report(path).cases)
        if (c.unexpected)
            ids.push_back(c.id);
    return ids;
}

/// Durations of the previous run in the report directory, to start the longest
/// cases first; nothing when there is none (or it cannot be read).
std::map<std::string, double> previous_costs(std::string const& report_dir)
{
    std::map<std::string, double> cost;
    auto const path = (fs::path(report_dir) / "report.json").string();
    if (!fs::exists(path))
        return cost;
    try {
        for (auto const& c : reports::read_report(path).cases)
            cost[c.id] = c.duration_ms;
    } catch (std::exception const& e) {
        std::cerr << "note: not using " << path << " for scheduling: " << e.what() << "\n";
    }
    return cost;
}

std::string driver_name(run_opts const& ro)
{
    if (!ro.iut_page.empty())
        return "the page " + ro.iut_page + (ro.browser.empty() ? " (a browser you open)" : " in " + ro.browser);
    if (!ro.iut.empty())
        return "the program `" + ro.iut + "`";
    return "the built-in reference";
}

/// The end of a run's console summary: its failing checks grouped by cause, the
/// `top` that most cases show, one line each (report.md has them all, with why).
void print_deviations(reports::run_report const& report, std::string const& report_dir, std::size_t top = 10)
{
    auto const ds = reports::deviations_of(report);
    if (ds.empty() && reports::failing_cases(report) == 0)
        return;
    std::vector<reports::deviation const*> fixable;
    for (auto const& d : ds)
        if (!d.host_limit)
            fixable.push_back(&d);
    std::cout << reports::deviations_summary(report, ds) << (fixable.empty() ? "\n" : ":\n");
    for (std::size_t i = 0; i < fixable.size() && i < top; ++i)
        std::cout << fmt::format("  {:>2}. {} {:>4} case(s)  {}\n", i + 1, fixable[i]->id, fixable[i]->case_count(),
                                 cut_utf8(fixable[i]->headline(), 140, "…"));
    if (fixable.size() > top)
        std::cout << fmt::format("  … {} more in {}\n", fixable.size() - top, (fs::path(report_dir) / "report.md").string());
}

void write_out(std::string const& path, std::function<void(std::ostream&)> const& fill);

/// One reproduction per deviation of the run: <report-dir>/repro/<DEV-id>.js, the
/// deviation's example case with a header naming the deviation (harness/README.md,
/// "sockconf repro"). Earlier runs' DEV-*.js there are removed first, so the folder
/// lists this run's deviations only. Throws on a file that cannot be written.
void write_repros(reports::run_report const& report, std::vector<harness::test_case> const& cases,
                  harness::repro_context const& ctx, std::string const& report_dir)
{
    auto const dir = fs::path(report_dir) / "repro";
    std::error_code ec;
    for (auto const& e : fs::directory_iterator(dir, ec))
        if (e.path().extension() == ".js" && e.path().filename().string().rfind("DEV-", 0) == 0)
            fs::remove(e.path());
    auto const devs = reports::deviations_of(report);
    std::vector<std::pair<std::string, std::string>> written; // path, headline
    for (auto const& d : devs) {
        auto const it = std::find_if(cases.begin(), cases.end(), [&](auto const& c) { return c.id == d.example_case; });
        if (it == cases.end())
            continue;
        std::string script;
        try {
            script = harness::repro_script(*it, ctx, harness::deviation_header(d));
        } catch (spec_error const& e) {
            std::cout << "note: no repro for " << d.id << ": " << e.what() << "\n";
            continue;
        }
        fs::create_directories(dir);
        auto const path = (dir / (d.id + ".js")).string();
        write_file_atomically(path, [&](std::ostream& o) { o << script; });
        written.emplace_back(path, d.headline());
    }
    if (written.empty())
        return;
    std::cout << fmt::format("wrote {} repro script(s), one per deviation (run one where wx is a global, against "
                             "`sockconf serve --control`):\n",
                             written.size());
    for (auto const& [path, headline] : written)
        std::cout << "  " << path << "  " << headline << "\n";
}

/// `sockconf repro CASE_ID`: the case as a self-contained JavaScript file.
int cmd_repro(common_opts const& o, std::string const& id, std::string const& output)
{
    auto const home = find_home(o.home);
    auto const s = load_specs(home, o.profile);
    auto const loaded = load_cases(home, s, o.suites);
    auto const found = std::find_if(loaded.cases.begin(), loaded.cases.end(), [&](auto const& c) { return c.id == id; });
    if (found == loaded.cases.end() && !loaded.errors.empty()) {
        // The case may be in a file that did not load: say why.
        print_errors(loaded.errors);
    }
    auto const& c = harness::find_case(loaded.cases, id);
    auto const script = harness::repro_script(c, {s.prof, s.api, s.clauses, s.invariants, version});
    write_out(output, [&](std::ostream& out) { out << script; });
    return exit_ok;
}

/// "HOST:PORT" or "[IPv6]:PORT" (port 1-65535) of --lan-peer; nullopt when malformed.
std::optional<std::pair<std::string, std::uint16_t>> parse_host_port(std::string const& text)
{
    std::string host, port;
    if (text.starts_with('[')) {
        auto const close = text.find("]:");
        if (close == std::string::npos)
            return std::nullopt;
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        auto const colon = text.rfind(':');
        if (colon == std::string::npos || text.find(':') != colon)
            return std::nullopt; // an IPv6 literal needs brackets
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    unsigned n = 0;
    auto const [end, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
    if (host.empty() || port.empty() || ec != std::errc{} || end != port.data() + port.size() || n < 1 || n > 65535)
        return std::nullopt;
    return std::pair{host, static_cast<std::uint16_t>(n)};
}

int cmd_run(common_opts const& o, run_opts const& ro)
{
    std::optional<std::pair<std::string, std::uint16_t>> lan_peer;
    if (!ro.lan_peer.empty() && !(lan_peer = parse_host_port(ro.lan_peer))) {
        std::cerr << "error: --lan-peer wants HOST:PORT (an IPv6 address in brackets), got \"" << ro.lan_peer << "\"\n";
        return exit_usage;
    }
    // Pages are the IUT instances of a browser run: one case per page at a time.
    auto const jobs = ro.iut_page.empty() ? ro.jobs : std::min(ro.jobs, ro.pages);
    auto const& report_dir = ro.report_dir;
    auto const home = find_home(o.home);
    auto const s = load_specs(home, o.profile);
    auto loaded = load_cases(home, s, o.suites);
    if (!loaded.errors.empty())
        return print_errors(loaded.errors);
    // Read before the run: a bad expectations file must not cost a run.
    harness::expectations const expected =
        ro.expectations.empty() ? harness::expectations() : harness::expectations::load(ro.expectations);

    harness::selection sel{o.filter, ro.exclude, ro.tags};
    auto const shard = shard_of(ro.shard);
    if (shard) {
        sel.shard_index = shard->index;
        sel.shard_count = shard->count;
    }
    if (!ro.rerun_failed.empty())
        sel.only = failed_in(ro.rerun_failed);
    auto const cases = harness::select_cases(std::move(loaded.cases), sel);
    if (cases.empty() && !shard && !sel.only) {
        std::cerr << "error: no case matches the selection (--filter, --exclude, --tag)\n";
        return exit_usage;
    }
    if (ro.list) {
        for (auto const& c : cases)
            std::cout << fmt::format("{:<48} {}\n", c.id, c.title);
        std::cout << cases.size() << " case(s)\n";
        return exit_ok;
    }
    auto const order = harness::longest_first(cases, previous_costs(report_dir));
    if (ro.dry_run) {
        std::cout << fmt::format("would run {} case(s) against {} (profile {}), {} job(s){}{}{}; report in {}\n",
                                 cases.size(), driver_name(ro), s.prof.id, jobs,
                                 shard ? fmt::format(", shard {}/{}", shard->index, shard->count) : "",
                                 ro.attempts.repeat > 1 ? fmt::format(", {} times each", ro.attempts.repeat) : "",
                                 ro.attempts.retry_unexpected ? fmt::format(", up to {} retries of unexpected results", ro.attempts.retry_unexpected) : "",
                                 report_dir);
        std::cout << "in this order (longest first):\n";
        for (auto i : order)
            std::cout << "  " << cases[i].id << "\n";
        return exit_ok;
    }
    // GoogleTest's protocol: a runner that shards says so by touching this file.
    if (auto const* status_file = std::getenv("GTEST_SHARD_STATUS_FILE"); status_file && shard)
        std::ofstream(status_file, std::ios::app);

    reports::run_report report;
    report.info.tool_version = version;
    report.info.started_at = iso_now();
    report.info.profile = s.prof.id;
    report.info.jobs = jobs;
    report.info.filter = o.filter;
    report.info.exclude = ro.exclude;
    report.info.tags = ro.tags;
    report.info.shard = shard ? fmt::format("{}/{}", shard->index, shard->count) : "";
    report.info.repeat = ro.attempts.repeat;
    report.info.retry_unexpected = ro.attempts.retry_unexpected;
    report.info.expectations = expected.file();
    // The clauses the cases cite; after the run, also those their checks found broken (a finding names its clause).
    auto const list_clauses = [&](std::vector<reports::case_result> const& results) {
        std::set<std::string> ids;
        for (auto const& c : cases)
            ids.insert(c.clauses.begin(), c.clauses.end());
        for (auto const& r : results)
            for (auto const& k : r.checks)
                ids.insert(k.clauses.begin(), k.clauses.end());
        report.clauses.clear();
        for (auto const& id : ids)
            if (auto const* cl = s.clauses.find(id))
                report.clauses.push_back({cl->id, harness::to_string(cl->level), cl->area, cl->seed, cl->statement,
                                          cl->quote, cl->host_limits});
    };
    list_clauses({});

    if (cases.empty() && sel.only) {
        // Nothing to rerun: the earlier report (often in this very directory) stays as it is.
        std::cout << "no unexpected result in " << ro.rerun_failed << ": nothing to rerun\n";
        return exit_ok;
    }
    if (cases.empty()) {
        // An empty shard (more shards than cases): an empty report, so that
        // `report merge` and CI steps that read it still work.
        std::cout << "this shard has no case\n";
        report.info.iut = {{"name", "?"}};
        for (auto const& path : reports::write_report_dir(report, report_dir))
            std::cout << "wrote " << path << "\n";
        return exit_ok;
    }

    echo::servers servers;
    try {
        servers.start();
    } catch (std::exception const& e) {
        std::cerr << "error: cannot start the echo servers: " << e.what() << "\n";
        return exit_infra;
    }
    std::unique_ptr<harness::driver_factory> factory;
    if (!ro.iut_page.empty()) {
        // A browser needs seconds to start and load a page: more than one wait.
        auto const hello_wait = std::max<std::int64_t>(30'000, s.prof.timings.wait_timeout_ms);
        auto remote = harness::make_remote_factory(
            {home, ro.iut_page, ro.browser, ro.pages, std::chrono::milliseconds(hello_wait), servers.ca_pem()});
        if (ro.browser.empty())
            std::cout << "waiting for a browser or device to open " << remote->page_url() << "\n" << std::flush;
        factory = std::move(remote);
    } else if (!ro.iut.empty()) {
        factory = harness::make_process_factory(
            {ro.iut, s.prof, servers.ca_pem(), std::chrono::milliseconds(s.prof.timings.wait_timeout_ms)});
    } else {
        factory = harness::make_reference_factory(s.prof, servers.ca_pem());
    }
    auto hello = factory->describe();
    if (hello.contains("error")) {
        std::cerr << "error: the IUT did not start: " << hello["error"].get<std::string>() << "\n";
        return exit_infra;
    }
    report.info.iut = hello;
    harness::run_env env{s.prof, s.api, s.clauses, s.invariants, servers, *factory, hello, ro.slow, &interrupted, lan_peer};

    std::signal(SIGINT, on_sigint);
    std::cout << fmt::format("sockconf {}: {} case(s) against {} {} (profile {}), {} job(s){}; servers {}, {} and tcp {}:{}\n",
                             version, cases.size(), hello.value("name", "?"), hello.value("version", "?"),
                             s.prof.id, jobs, report.info.shard.empty() ? "" : ", shard " + report.info.shard,
                             servers.ws_url(), servers.wss_url(), servers.host(), servers.tcp_port())
              << std::flush;
    auto const t0 = std::chrono::steady_clock::now();

    auto width = std::to_string(cases.size()).size();
    auto progress = [&](std::size_t done, std::size_t total, reports::case_result const& r) {
        std::cout << fmt::format("[{:>{}}/{}] {:<13} {} ({:.0f} ms)\n", done, width, total,
                                 reports::to_string(r.result), r.id, r.duration_ms);
        if (!reports::conforming(r.result) || r.result == reports::status::skip)
            std::cout << "      " << r.message << "\n";
        if (!reports::conforming(r.result) && r.failed) {
            std::cout << "      at " << r.failed->where << "\n      trace:\n";
            for (auto const& e : r.trace)
                std::cout << "        " << reports::trace_line(e) << "\n";
        }
        std::cout << std::flush;
    };
    auto on_round = [&](std::string const& label, std::size_t n) {
        width = std::to_string(n).size();
        std::cout << fmt::format("-- {}: {} case(s)\n", label, n) << std::flush;
    };
    report.cases = harness::run_attempts(cases, env, jobs, expected, ro.attempts, progress, on_round, order);
    list_clauses(report.cases);
    std::signal(SIGINT, SIG_DFL);
    servers.stop();
    report.info.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    report.info.interrupted = interrupted;

    int rc = exit_ok;
    try {
        for (auto const& path : reports::write_report_dir(report, report_dir))
            std::cout << "wrote " << path << "\n";
        write_repros(report, cases, {s.prof, s.api, s.clauses, s.invariants, version}, report_dir);
    } catch (std::exception const& e) {
        std::cerr << "error: " << e.what() << "\n";
        rc = exit_infra;
    }

    std::size_t passed = 0, failed = 0, skipped = 0;
    for (auto const& r : report.cases) {
        if (r.result == reports::status::skip) ++skipped;
        else if (reports::conforming(r.result)) ++passed;
        else ++failed;
    }
    auto const n = report.counts();
    std::string detail;
    for (std::size_t i = 0; i < n.size(); ++i)
        if (n[i])
            detail += fmt::format("{}{} {}", detail.empty() ? "" : ", ", n[i], reports::to_string(static_cast<reports::status>(i)));
    std::cout << fmt::format("{} in {:.1f} s{}\n", detail, report.info.duration_ms / 1000.0,
                             interrupted ? " (interrupted: cases not run are SKIP)" : "");
    // The run cannot be shorter than its longest case: how close it came.
    auto const longest = std::max_element(report.cases.begin(), report.cases.end(),
                                          [](auto const& a, auto const& b) { return a.duration_ms < b.duration_ms; });
    if (ro.attempts.repeat == 1 && longest->duration_ms > 0)
        std::cout << fmt::format("wall {:.2f} s, critical path {:.2f} s (longest case {}): {:.2f}x\n",
                                 report.info.duration_ms / 1000.0, longest->duration_ms / 1000.0, longest->id,
                                 report.info.duration_ms / longest->duration_ms);
    std::cout << fmt::format("{} passed, {} failed", passed, failed)
              << (skipped ? fmt::format(", {} skipped", skipped) : std::string()) << "\n";
    print_deviations(report, report_dir);
    for (auto const& r : report.cases)
        if (r.flaky()) {
            std::string statuses;
            for (auto a : r.attempts)
                statuses += (statuses.empty() ? "" : ", ") + std::string(reports::to_string(a));
            std::cout << fmt::format("flaky: {} ({}){}\n", r.id, statuses, r.unexpected ? "" : ": counted as expected");
        }
    if (!expected.file().empty()) {
        for (auto const& r : report.cases)
            if (r.unexpected)
                std::cout << fmt::format("unexpected {}: {} (expected {}{})\n",
                                         r.result == reports::status::pass ? "pass" : std::string(reports::to_string(r.result)),
                                         r.id, r.expected.empty() ? "a conforming result" : r.expected,
                                         r.expected_reason.empty() ? "" : ": " + r.expected_reason);
        auto const stale = expected.not_run(report.cases);
        std::cout << fmt::format("{} unexpected result(s) against {}", report.unexpected(), expected.file())
                  << (stale.empty() ? "" : fmt::format(" ({} listed case(s) not run)", stale.size())) << "\n";
    }
    if (!ro.update_expectations.empty()) {
        try {
            write_json_file(ro.update_expectations, harness::expectations::from_run(report, expected));
            std::cout << "wrote " << ro.update_expectations << "\n";
        } catch (std::exception const& e) {
            std::cerr << "error: " << e.what() << "\n";
            rc = exit_infra;
        }
    }
    if (rc != exit_ok)
        return rc;
    return report.unexpected() || interrupted ? exit_unexpected : exit_ok;
}

int cmd_report_diff(std::string const& a, std::string const& b)
{
    auto const d = reports::diff_reports(reports::read_report(a), reports::read_report(b));
    reports::write_diff_markdown(d, a, b, std::cout);
    return d.count(reports::change_kind::new_failure) ? exit_unexpected : exit_ok;
}

int cmd_report_merge(std::vector<std::string> const& inputs, std::string const& report_dir)
{
    std::vector<reports::run_report> parts;
    for (auto const& path : inputs)
        parts.push_back(reports::read_report(path));
    auto const merged = reports::merge_reports(parts, inputs);
    for (auto const& path : reports::write_report_dir(merged, report_dir))
        std::cout << "wrote " << path << "\n";
    std::cout << fmt::format("{} case(s) from {} report(s), {} unexpected result(s)\n", merged.cases.size(),
                             parts.size(), merged.unexpected());
    return merged.unexpected() || merged.info.interrupted ? exit_unexpected : exit_ok;
}

/// Write with `fill` to `path`, or to stdout when it is "" or "-".
void write_out(std::string const& path, std::function<void(std::ostream&)> const& fill)
{
    if (path.empty() || path == "-") {
        fill(std::cout);
        return;
    }
    write_file_atomically(path, fill);
    std::cerr << "wrote " << path << "\n";
}

int cmd_report_matrix(std::vector<std::string> const& inputs, std::string const& format, std::string const& output,
                      std::vector<std::string> const& links)
{
    if (!links.empty() && links.size() != inputs.size())
        throw spec_error("E-USAGE", "", "", fmt::format("--links gives {} link(s) for {} report(s)", links.size(), inputs.size()));
    std::vector<reports::run_report> runs;
    for (auto const& path : inputs)
        runs.push_back(reports::read_report(path));
    write_out(output, [&](std::ostream& o) {
        if (format == "html")
            reports::write_matrix_html(runs, o, links);
        else
            reports::write_matrix_markdown(runs, o, links);
    });
    return exit_ok;
}

int cmd_report_html(std::string const& input, std::string const& output)
{
    auto const r = reports::read_report(input);
    write_out(output, [&](std::ostream& o) { reports::write_html(r, o); });
    return exit_ok;
}

/// Every clause with the cases that test it; untested clauses listed as such.
int list_clauses(specs const& s, harness::load_result const& loaded, std::string const& filter)
{
    std::map<std::string, std::vector<std::string>> tested_by;
    for (auto const& c : loaded.cases)
        for (auto const& id : c.clauses)
            tested_by[id].push_back(c.id);
    std::vector<std::string> untested;
    std::size_t shown = 0;
    for (auto const& [id, cl] : s.clauses.all()) {
        if (!harness::id_matches(filter, id))
            continue;
        ++shown;
        auto const it = tested_by.find(id);
        std::string cases;
        if (it == tested_by.end()) {
            untested.push_back(id);
            cases = cl.untestable.empty() ? "UNTESTED" : "UNTESTABLE HERE";
        } else {
            for (auto const& c : it->second)
                cases += (cases.empty() ? "" : ", ") + c;
        }
        std::cout << fmt::format("{:<44} {:<6} {:<22} {}\n", id, harness::to_string(cl.level), cl.area, cases);
    }
    auto const untestable = std::count_if(untested.begin(), untested.end(),
                                          [&](auto const& id) { return !s.clauses.find(id)->untestable.empty(); });
    std::cout << fmt::format("{} clause(s), {} tested, {} untested ({} of them untestable here, with the reason)\n",
                             shown, shown - untested.size(), untested.size(), untestable);
    for (auto const& id : untested) {
        auto const* cl = s.clauses.find(id);
        if (cl->untestable.empty())
            std::cout << "untested: " << id << " (" << cl->seed << ")\n";
        else
            std::cout << "untestable here: " << id << " (" << cl->seed << "): " << cl->untestable << "\n";
    }
    return print_errors(loaded.errors);
}

int cmd_list(common_opts const& o, bool clauses)
{
    auto const home = find_home(o.home);
    auto const s = load_specs(home, o.profile);
    auto loaded = load_cases(home, s, o.suites);
    if (clauses)
        return list_clauses(s, loaded, o.filter);
    std::size_t shown = 0;
    for (auto const& c : loaded.cases) {
        if (!harness::id_matches(o.filter, c.id))
            continue;
        std::string clauses;
        for (auto const& id : c.clauses)
            clauses += (clauses.empty() ? "" : ",") + id;
        std::cout << fmt::format("{:<48} {}\n{:<48}   clauses: {}\n", c.id, c.title, "", clauses);
        ++shown;
    }
    std::cout << shown << " case(s)\n";
    return print_errors(loaded.errors);
}

int cmd_lint(common_opts const& o)
{
    auto const home = find_home(o.home);
    std::vector<spec_error> errors;
    std::optional<specs> s;
    try {
        s = load_specs(home, o.profile);
    } catch (spec_error const& e) {
        errors.push_back(e);
    }
    // Every profile, not only the active one.
    std::error_code ec;
    for (auto const& e : fs::directory_iterator(home + "/specs/profiles", ec)) {
        if (e.path().extension() != ".json")
            continue;
        try {
            profile::load(e.path().string());
        } catch (spec_error const& err) {
            if (std::none_of(errors.begin(), errors.end(), [&](auto const& x) { return x.file() == err.file(); }))
                errors.push_back(err);
        }
    }
    if (!s)
        return print_errors(errors);
    auto loaded = load_cases(home, *s, o.suites);
    errors.insert(errors.end(), loaded.errors.begin(), loaded.errors.end());
    if (errors.empty()) {
        std::cout << fmt::format("ok: {} case(s), {} clause(s), profile {}\n", loaded.cases.size(),
                                 s->clauses.all().size(), s->prof.id);
        return exit_ok;
    }
    print_errors(errors);
    std::cerr << errors.size() << " error(s)\n";
    return exit_usage;
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app{"sockconf: conformance, compliance and benchmark harness for the mini-program socket APIs "
                 "(wx.connectSocket / SocketTask, wx.createTCPSocket / TCPSocket)"};
    app.set_version_flag("--version", std::string("sockconf ") + version);
    app.require_subcommand(0, 1);

    common_opts run_o, list_o, lint_o;
    run_opts run_ro;
    auto* run = app.add_subcommand("run", "Run the suites (default: all, against the built-in reference) and write a report");
    add_common(run, run_o);
    run->add_option("--jobs,-j", run_ro.jobs, "Cases run in parallel (each on its own IUT instance; a browser run uses at most --pages)")->capture_default_str()->check(CLI::Range(1, 256));
    run->add_option("--report-dir", run_ro.report_dir, "Where report.json, junit.xml, report.md, report.html and repro/ (a JavaScript reproduction per deviation) go")->capture_default_str();
    auto* iut_opt = run->add_option("--iut", run_ro.iut,
                    "Test this program instead of the built-in reference: a shell command speaking the adapter "
                    "protocol on stdin/stdout (specs/adapter-protocol.md), started once per case");
    run->add_option("--iut-page", run_ro.iut_page,
                    "Test a platform in a browser: its page folder (adapters/browser/NAME); sockconf serves the page "
                    "and a control WebSocket, pages that open it are the IUT")
        ->excludes(iut_opt);
    run->add_option("--browser", run_ro.browser,
                    "Launch this browser on the --iut-page (chromium, via adapters/browser/launch.mjs); without it, "
                    "sockconf prints the page URL and waits for a browser or device to open it")
        ->check(CLI::IsMember({"chromium"}));
    run->add_option("--pages", run_ro.pages, "Pages the launched browser opens (instances reused between cases)")
        ->capture_default_str()->check(CLI::Range(1, 32));
    run->add_option("--expectations", run_ro.expectations,
                    "The IUT's known results (case id -> status, flaky list): the run fails only on unexpected "
                    "results, an unexpected pass included")
        ->check(CLI::ExistingFile);
    run->add_option("--update-expectations", run_ro.update_expectations,
                    "After the run, write an expectations file that accepts its results (reasons of --expectations kept)");
    run->add_flag("--slow", run_ro.slow, "Also run cases marked slow (long real waits, e.g. a 60 s default timeout); otherwise they are SKIP");
    run->add_option("--lan-peer", run_ro.lan_peer,
                    "HOST:PORT of a TCP echo peer at a non-local address of the local network (${lan.host}, "
                    "${lan.port}); cases that use it are SKIP without it (scripts/lan-peer-test.sh makes one in "
                    "network namespaces)");
    run->add_option("--exclude", run_ro.exclude, "Leave out cases whose id matches this glob (comma: alternatives)");
    run->add_option("--tag", run_ro.tags,
                    "Only cases with this tag (repeat or comma-separate for any of several). Tags: a case's own "
                    "\"tags\", its suite (websocket, tcp), the capabilities it requires, slow, fresh")
        ->delimiter(',');
    run->add_option("--shard", run_ro.shard,
                    "Run shard I of N (e.g. 2/3): the selected cases in id order, dealt round-robin; "
                    "default from GTEST_SHARD_INDEX (0-based) and GTEST_TOTAL_SHARDS. "
                    "`sockconf report merge` joins the shards' reports into the full run's");
    run->add_option("--rerun-failed", run_ro.rerun_failed,
                    "Only the cases with an unexpected result in this report.json (of an earlier run)")
        ->check(CLI::ExistingFile);
    run->add_option("--repeat", run_ro.attempts.repeat,
                    "Run every case N times (to find flaky cases); a case counts its first unexpected result")
        ->capture_default_str()->check(CLI::Range(1, 1000));
    run->add_option("--retry-unexpected", run_ro.attempts.retry_unexpected,
                    "Run a case with an unexpected result again, up to N times; one expected result makes it "
                    "flaky, not a failure (both show in the report)")
        ->capture_default_str()->check(CLI::Range(0, 100));
    run->add_flag("--list", run_ro.list, "Print the cases the selection takes and exit (nothing runs)");
    run->add_flag("--dry-run", run_ro.dry_run,
                  "Load and check everything (specs, cases, expectations), print what would run, in which order, "
                  "and exit without starting servers or the IUT");

    bool list_clauses_flag = false;
    auto* list = app.add_subcommand("list", "Print the cases (or, with --clauses, the clauses and what tests them)");
    add_common(list, list_o);
    list->add_flag("--clauses", list_clauses_flag, "Every clause with the cases that test it; untested ones as such (--filter then selects clause ids)");

    auto* lint = app.add_subcommand("lint", "Validate specs, profiles and cases; exit 2 on any error");
    add_common(lint, lint_o, false);
    lint->add_option("files", lint_o.suites, "Case files or folders (default: HOME/suites)");

    common_opts repro_o;
    std::string repro_id, repro_out;
    auto* repro = app.add_subcommand(
        "repro", "Write one case as a self-contained JavaScript file that a platform engineer runs where `wx` is a "
                 "global (a devtools console, their runtime) against `sockconf serve --control`: the case's calls, "
                 "each expectation as a PASS/FAIL check, and a one-line verdict");
    repro->add_option("case", repro_id, "The case id (`sockconf list` prints them)")->required();
    add_common(repro, repro_o, false);
    repro->add_option("-o,--output", repro_out, "Write the script here instead of stdout");

    echo::server_options serve_o;
    bool serve_json = false, serve_control = false;
    auto* serve = app.add_subcommand("serve", "Run the echo servers until Ctrl-C and print their URLs");
    serve->add_option("--host", serve_o.host, "Address to bind (loopback)")->capture_default_str();
    serve->add_option("--ws-port", serve_o.ws_port, "WebSocket port (0: ephemeral)")->capture_default_str();
    serve->add_option("--tcp-port", serve_o.tcp_port, "TCP echo port (0: ephemeral)")->capture_default_str();
    serve->add_flag("--json", serve_json, "Print the URLs as one JSON line");
    serve->add_flag("--control", serve_control,
                    "Also serve an HTTP control address (\"control\" in the JSON line) through which a `sockconf "
                    "repro` script opens TCP listeners, reads the wire log and gets a closed port");
    serve->add_option("--max-message-bytes", serve_o.max_message_bytes,
                      "Largest WebSocket message accepted; a bigger one is closed with 1009 (0: no limit)")
        ->capture_default_str();
    serve->add_option("--handshake-timeout-ms", serve_o.handshake_timeout_ms,
                      "Time for each step of a WebSocket opening or closing handshake, and for /hang")
        ->capture_default_str()
        ->check(CLI::Range(std::uint32_t{1}, std::numeric_limits<std::uint32_t>::max()));
    serve->add_option("--wire-messages-max", serve_o.wire_messages_max,
                      "WebSocket messages per connection whose size and head the wire log keeps (later ones are counted)")
        ->capture_default_str();
    serve->add_option("--io-buffer-bytes", serve_o.io_buffer_bytes,
                      "Read buffer of an echoing connection (TCP echo, the WebSocket echo loop)")
        ->capture_default_str()->check(CLI::Range(std::size_t{4096}, std::size_t{1} << 30));
    serve->add_option("--max-connections", serve_o.max_connections,
                      "Most WebSocket connections at once; more are answered 503 (0: no limit)")
        ->capture_default_str();

    auto* report_cmd = app.add_subcommand("report", "Work with report.json files: diff, merge, matrix, html");
    report_cmd->require_subcommand(1);
    std::vector<std::string> diff_inputs, merge_inputs;
    auto* diff = report_cmd->add_subcommand(
        "diff", "Compare two runs: new failures, fixes, changed statuses, added and removed cases (Markdown on "
                "stdout); exit 1 when B has a new failure");
    diff->add_option("reports", diff_inputs, "A.json B.json")->required()->expected(2)->check(CLI::ExistingFile);
    std::string merge_dir = "sockconf-report";
    auto* merge = report_cmd->add_subcommand(
        "merge", "Join the reports of the shards of one run (--shard 1/N … N/N) into the full run's report; exit 1 "
                 "on unexpected results, as the run would");
    merge->add_option("reports", merge_inputs, "The shards' report.json files")->required()->check(CLI::ExistingFile);
    merge->add_option("--report-dir", merge_dir, "Where the merged report.json, junit.xml, report.md, report.html go")->capture_default_str();

    std::vector<std::string> matrix_inputs, matrix_links;
    std::string matrix_format = "md", matrix_out, html_input, html_out;
    auto* matrix = report_cmd->add_subcommand(
        "matrix", "Several runs side by side (one per IUT or profile): a compatibility matrix in Markdown or HTML");
    matrix->add_option("reports", matrix_inputs, "report.json files, one column each")->required()->check(CLI::ExistingFile);
    matrix->add_option("--format", matrix_format, "md (GitHub Markdown) or html (one self-contained page)")
        ->capture_default_str()->check(CLI::IsMember({"md", "html"}));
    matrix->add_option("-o,--output", matrix_out, "Write here instead of stdout");
    matrix->add_option("--links", matrix_links,
                       "Make each column heading a link (relative path, e.g. taro-h5/report.md), one per report");
    auto* html = report_cmd->add_subcommand("html", "Render a report.json as report.html (one self-contained page)");
    html->add_option("report", html_input, "report.json")->required()->check(CLI::ExistingFile);
    html->add_option("-o,--output", html_out, "Write here instead of stdout");

    bench::bench_options bench_o;
    auto* bench_cmd = bench::add_bench_command(app, bench_o);
    harness::errors_options errors_o;
    auto* errors_cmd = harness::add_errors_command(app, errors_o);

    try {
        app.parse(argc, argv);
    } catch (CLI::ParseError const& e) {
        auto const rc = app.exit(e);
        return rc == 0 ? exit_ok : exit_usage;
    }

    try {
        if (*list) return cmd_list(list_o, list_clauses_flag);
        if (*lint) return cmd_lint(lint_o);
        if (*serve) return echo::serve_until_signal(serve_o, serve_json, std::cout, serve_control);
        if (*repro) return cmd_repro(repro_o, repro_id, repro_out);
        if (*diff) return cmd_report_diff(diff_inputs[0], diff_inputs[1]);
        if (*merge) return cmd_report_merge(merge_inputs, merge_dir);
        if (*matrix) return cmd_report_matrix(matrix_inputs, matrix_format, matrix_out, matrix_links);
        if (*html) return cmd_report_html(html_input, html_out);
        if (*errors_cmd) return harness::run_errors_command(errors_o, std::cout);

        if (*bench_cmd) {
            auto const home = find_home(bench_o.home);
            return bench::run_bench(bench_o, home, profile_path(home, bench_o.profile));
        }
        if (!*run)
            run_o = {}; // bare `sockconf` is `sockconf run`
        return cmd_run(run_o, run_ro);
    } catch (spec_error const& e) {
        std::cerr << "error: " << e.what() << "\n";
        return exit_usage;
    } catch (std::exception const& e) {
        std::cerr << "error: " << e.what() << "\n";
        return exit_infra;
    }
}
