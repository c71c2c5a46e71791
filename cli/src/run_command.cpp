// `sockconf run`: the selection, the IUT, the cases over --jobs workers, the
// reports and a reproduction per deviation; exit 1 on unexpected results.
#include <sockconf/cli/command.hpp>
#include <sockconf/cli/github.hpp>
#include <sockconf/cli/interrupt.hpp>
#include <sockconf/cli/shared.hpp>
#include <sockconf/common/json_file.hpp>
#include <sockconf/common/version.hpp>
#include <sockconf/echo/servers.hpp>
#include <sockconf/harness/driver_factory.hpp>
#include <sockconf/harness/expectations.hpp>
#include <sockconf/harness/repro.hpp>
#include <sockconf/harness/run.hpp>
#include <sockconf/reports/deviations.hpp>
#include <sockconf/reports/report_dir.hpp>
#include <sockconf/reports/reporter_registry.hpp>
#include <sockconf/reports/report_reader.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>

namespace sockconf::cli {

namespace {

namespace fs = std::filesystem;

std::string iso_now()
{
    auto const t = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return buf;
}

struct run_opts {
    // Cases spend their time waiting on sockets and timers, not computing: run
    // many at once, so that the run takes about as long as its longest case.
    int jobs = 32;
    std::string report_dir = "sockconf-report";
    bool slow = false;
    /// Default: the in-process reference. A browser opens 24 pages, so that its run
    /// takes about as long as its longest case (BENCHMARKS.md).
    harness::iut_options iut;
    std::string lan_peer; ///< HOST:PORT of a TCP echo peer on the LAN (${lan.host}, ${lan.port}); empty: none
    std::string expectations, update_expectations;
    std::string exclude, shard, rerun_failed;
    std::vector<std::string> tags;
    std::vector<std::string> formats; ///< --format: the report files (reports::parse_formats)
    harness::attempt_policy attempts;
    bool list = false, dry_run = false;
    std::optional<bool> github; ///< --github / --no-github (cli/github.hpp)
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

exit_code cmd_run(common_opts const& o, run_opts const& ro)
{
    auto const formats = reports::parse_formats(ro.formats); // a bad --format costs nothing
    auto const github = plan_github(ro.github);
    std::optional<std::pair<std::string, std::uint16_t>> lan_peer;
    if (!ro.lan_peer.empty() && !(lan_peer = parse_host_port(ro.lan_peer))) {
        std::cerr << "error: --lan-peer wants HOST:PORT (an IPv6 address in brackets), got \"" << ro.lan_peer << "\"\n";
        return exit_code::usage;
    }
    // Pages are the IUT instances of a browser run: one case per page at a time.
    auto const jobs = ro.iut.page.empty() ? ro.jobs : std::min(ro.jobs, ro.iut.pages);
    auto const& report_dir = ro.report_dir;
    auto const home = find_home(o.home);
    auto const s = load_specs(home, choose_profile(home, o.profile, o.profile_given, ro.iut), o.settings);
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
        return exit_code::usage;
    }
    if (ro.list) {
        for (auto const& c : cases)
            std::cout << fmt::format("{:<48} {}\n", c.id, c.title);
        std::cout << cases.size() << " case(s)\n";
        return exit_code::ok;
    }
    auto const order = harness::longest_first(cases, previous_costs(report_dir));
    if (ro.dry_run) {
        std::cout << fmt::format("would run {} case(s) against {} (profile {}), {} job(s){}{}{}; report in {}\n",
                                 cases.size(), ro.iut.describe(), s.prof.id, jobs,
                                 shard ? fmt::format(", shard {}/{}", shard->index, shard->count) : "",
                                 ro.attempts.repeat > 1 ? fmt::format(", {} times each", ro.attempts.repeat) : "",
                                 ro.attempts.retry_unexpected ? fmt::format(", up to {} retries of unexpected results", ro.attempts.retry_unexpected) : "",
                                 report_dir);
        std::cout << "in this order (longest first):\n";
        for (auto i : order)
            std::cout << "  " << cases[i].id << "\n";
        return exit_code::ok;
    }
    // GoogleTest's protocol: a runner that shards says so by touching this file.
    if (auto const* status_file = std::getenv("GTEST_SHARD_STATUS_FILE"); status_file && shard)
        std::ofstream(status_file, std::ios::app);

    reports::run_report report;
    report.info.tool_version = tool_version;
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
        return exit_code::ok;
    }
    if (cases.empty()) {
        // An empty shard (more shards than cases): an empty report, so that
        // `report merge` and CI steps that read it still work.
        std::cout << "this shard has no case\n";
        report.info.iut = {{"name", "?"}};
        for (auto const& path : reports::write_report_dir(report, report_dir, formats))
            std::cout << "wrote " << path << "\n";
        return exit_code::ok;
    }

    echo::servers servers;
    try {
        servers.start();
    } catch (std::exception const& e) {
        std::cerr << "error: cannot start the echo servers: " << e.what() << "\n";
        return exit_code::infrastructure;
    }
    // Ctrl-C (SIGINT, SIGTERM): cases in flight stop at their next wait (a wait for the IUT's
    // reply too), the rest are not started (SKIP, "interrupted"), and the report is written; a
    // second one exits at once.
    auto const& interrupted = interrupt_on_signals();
    auto iut = ro.iut;
    iut.interrupted = &interrupted;
    auto const factory = harness::make_driver_factory(iut, home, s.prof, s.settings, servers.ca_pem(), std::cout);
    auto hello = factory->describe();
    if (hello.contains("error")) {
        std::cerr << "error: the IUT did not start: " << hello["error"].get<std::string>() << "\n";
        return exit_code::infrastructure;
    }
    if (auto const p = hello.find("profile"); p != hello.end() && p->is_string() && *p != s.prof.id)
        std::cerr << "note: the IUT says it models profile " << p->get<std::string>() << "; this run grades against "
                  << s.prof.id << " (--profile " << p->get<std::string>() << " grades against its own)\n";
    report.info.iut = hello;
    report.info.engine = reports::engine_of_user_agent(factory->user_agent());
    harness::run_env env{s.prof, s.settings, s.api, s.clauses, s.invariants, servers, *factory, hello, ro.slow, &interrupted, lan_peer};

    // The console is a reporter (reports/console_reporter.hpp): a line per case, then the summary.
    // Every case will have a result (SKIP when not started): the listed cases not run are known now.
    std::vector<reports::case_result> planned(cases.size());
    std::transform(cases.begin(), cases.end(), planned.begin(), [](auto const& c) { return reports::case_result{.id = c.id}; });
    auto console = reports::reporter_registry::instance().make(
        "console", {&std::cout, report_dir, formats, expected.not_run(planned).size()});
    console->on_run_start({report.info, cases.size(),
                           fmt::format("on {}, each case on ws://, wss:// and TCP ports of its own", servers.host())});
    auto const t0 = std::chrono::steady_clock::now();
    auto progress = [&](std::size_t done, std::size_t total, reports::case_result const& r) { console->on_case_done(done, total, r); };
    auto on_round = [&](std::string const& label, std::size_t n) { console->on_round(label, n); };
    report.cases = harness::run_attempts(cases, env, jobs, expected, ro.attempts, progress, on_round, order);
    list_clauses(report.cases);
    restore_default_signals();
    servers.stop();
    report.info.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    report.info.interrupted = interrupted;

    auto rc = exit_code::ok;
    try {
        for (auto const& path : reports::write_report_dir(report, report_dir, formats))
            std::cout << "wrote " << path << "\n";
        write_repros(report, cases, {s.prof, s.settings, s.api, s.clauses, s.invariants, tool_version}, report_dir);
    } catch (std::exception const& e) {
        std::cerr << "error: " << e.what() << "\n";
        rc = exit_code::infrastructure;
    }

    console->on_run_end(report);
    try {
        report_to_github(github, report, std::cout);
    } catch (std::exception const& e) {
        std::cerr << "error: " << e.what() << "\n";
        rc = exit_code::infrastructure;
    }
    if (!ro.update_expectations.empty()) {
        try {
            write_json_file(ro.update_expectations, harness::expectations::from_run(report, expected));
            std::cout << "wrote " << ro.update_expectations << "\n";
        } catch (std::exception const& e) {
            std::cerr << "error: " << e.what() << "\n";
            rc = exit_code::infrastructure;
        }
    }
    if (rc != exit_code::ok)
        return rc;
    return report.unexpected() || interrupted ? exit_code::unexpected : exit_code::ok;
}

} // namespace

command add_run_command(CLI::App& app)
{
    struct options {
        common_opts o;
        run_opts ro;
    };
    auto opts = std::make_shared<options>();
    auto& run_o = opts->o;
    auto& run_ro = opts->ro;
    auto* run = app.add_subcommand("run", "Run the suites (default: all, against the built-in reference) and write a report");
    add_common(run, run_o);
    run->add_option("--jobs,-j", run_ro.jobs, "Cases run in parallel (each on its own IUT instance; a browser run uses at most --pages)")->capture_default_str()->check(CLI::Range(1, 256));
    run->add_option("--report-dir", run_ro.report_dir, "Where " + reports::report_files() + " (--format) and repro/ (a JavaScript reproduction per deviation) go")->capture_default_str();
    run->add_option("--format", run_ro.formats, reports::formats_help());
    add_iut_options(run, run_ro.iut);
    run->get_option("--profile")->description(
        "Profile id (specs/profiles/ID.json) or a profile file (default with --iut-page: the profile the platform "
        "folder's platform.json names)");
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
    add_github_option(run, run_ro.github);
    run->add_flag("--list", run_ro.list, "Print the cases the selection takes and exit (nothing runs)");
    run->add_flag("--dry-run", run_ro.dry_run,
                  "Load and check everything (specs, cases, expectations), print what would run, in which order, "
                  "and exit without starting servers or the IUT");
    return {run, [opts] { return cmd_run(opts->o, opts->ro); }};
}

} // namespace sockconf::cli
